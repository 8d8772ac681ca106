"""The store: pragmas, one connection per thread, the count trigger."""

import threading

from conftest import SLUG

from widget.store.db import get_db


def test_connection_pragmas(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_one_connection_per_thread_reused(app):
    with app.app_context():
        first, again = get_db(), get_db()
    seen = []

    def other_thread():
        with app.app_context():
            seen.append(get_db())

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert first is again
    assert seen[0] is not first
    seen[0].close()


def test_trigger_keeps_the_count_on_insert_delete_and_status_change(db, sign):
    sign(email="a@example.org")
    sign(email="b@example.org")

    def count():
        return db.execute(
            "SELECT signature_count FROM petitions WHERE slug = ?", [SLUG]
        ).fetchone()[0]

    assert count() == 2
    # A reviewer's changes (README: review suspect signatures, then count or delete them).
    db.execute("UPDATE signatures SET status = 'suspect' WHERE email = 'a@example.org'")
    assert count() == 1
    db.execute("UPDATE signatures SET status = 'counted' WHERE email = 'a@example.org'")
    assert count() == 2
    db.execute("DELETE FROM signatures WHERE email = 'b@example.org'")
    assert count() == 1


def test_unique_index_on_petition_and_email_key(db):
    indexes = db.execute("PRAGMA index_list(signatures)").fetchall()
    unique = [row[1] for row in indexes if row[2] == 1]
    columns = [
        [col[2] for col in db.execute(f"PRAGMA index_info('{name}')").fetchall()] for name in unique
    ]
    assert ["petition_id", "email_key"] in columns


def test_shipped_petition_is_loaded_into_an_empty_database(db):
    row = next(db.query("SELECT * FROM petitions WHERE slug = ?", [SLUG]))
    assert row["target"] == "Chicago City Council"
    assert row["organization"] == "Credo Action"
    assert row["thanks_text"] == "Thank you for standing with Chicago’s immigrants."


def test_shipped_translation_is_loaded_with_its_petition(db):
    [row] = db.query(
        "SELECT t.* FROM petition_translations t JOIN petitions p ON p.id = t.petition_id"
        " WHERE p.slug = ?",
        [SLUG],
    )
    assert row["lang"] == "es"
    assert row["target"] == "Concejo Municipal de Chicago"
    assert row["optin_text"].startswith("Recibirás actualizaciones")
    assert row["body_html"].count('class="footnote-item"') == 8


def test_one_translation_per_petition_and_language(db):
    indexes = db.execute("PRAGMA index_list(petition_translations)").fetchall()
    columns = [
        [col[2] for col in db.execute(f"PRAGMA index_info('{row[1]}')").fetchall()]
        for row in indexes
        if row[2] == 1
    ]
    assert ["petition_id", "lang"] in columns


def revision(db, slug=SLUG):
    """Return a petition's revision."""
    return db.execute("SELECT revision FROM petitions WHERE slug = ?", [slug]).fetchone()[0]


def test_revision_moves_with_what_pages_show_and_not_with_the_count(db, sign):
    start = revision(db)
    assert sign().status_code == 303
    db.execute("UPDATE petitions SET updated_at = 'later' WHERE slug = ?", [SLUG])
    assert revision(db) == start, "a signature or a timestamp is not a new text"
    db.execute("UPDATE petitions SET title = 'New title' WHERE slug = ?", [SLUG])
    assert revision(db) == start + 1
    petition_id = db.execute("SELECT id FROM petitions WHERE slug = ?", [SLUG]).fetchone()[0]
    db.execute(
        "UPDATE petition_translations SET title = 'Nuevo' WHERE petition_id = ?", [petition_id]
    )
    assert revision(db) == start + 2
    db.execute("DELETE FROM petition_translations WHERE petition_id = ?", [petition_id])
    assert revision(db) == start + 3
    db.execute(
        "INSERT INTO petition_translations (petition_id, lang, title, created_at, updated_at)"
        " VALUES (?, 'es', 'Otra', 'now', 'now')",
        [petition_id],
    )
    assert revision(db) == start + 4
