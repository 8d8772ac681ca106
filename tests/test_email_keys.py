"""Email keys see through Gmail's aliases; migration m007 folds the keys already stored."""

import pytest
from conftest import SLUG

from widget.signing.emails import email_key, split_key, unconfirmed_key
from widget.store.db import connect
from widget.store.migrations import migrations


@pytest.mark.parametrize(
    "email, key",
    [
        ("Ana.Garcia+petitions@gmail.com", "anagarcia@gmail.com"),
        ("a.n.a@googlemail.com", "ana@gmail.com"),
        ("ANA@GMAIL.COM", "ana@gmail.com"),
        ("ana.garcia+x@example.org", "ana.garcia+x@example.org"),  # others keep dots and tags
        ("a#b@example.org", "a#b@example.org"),
    ],
)
def test_gmail_aliases_fold_into_one_key(email, key):
    assert email_key(email) == key


def test_an_unconfirmed_key_splits_back_into_its_address():
    key = unconfirmed_key("a#b@example.org")
    address, suffix = split_key(key)
    assert address == "a#b@example.org" and suffix.startswith("unconfirmed-")
    assert split_key("a#b@example.org") == ("a#b@example.org", "")


def test_an_alias_signs_once(app, sign, db):
    assert sign(email="ana.garcia@gmail.com").status_code == 303
    assert sign(email="AnaGarcia+again@googlemail.com").status_code == 303
    rows = db.execute("SELECT email, email_key FROM signatures").fetchall()
    assert rows == [("ana.garcia@gmail.com", "anagarcia@gmail.com")]
    assert (
        db.execute("SELECT signature_count FROM petitions WHERE slug = ?", [SLUG]).fetchone()[0]
        == 1
    )


def test_m007_folds_stored_keys_and_keeps_later_aliases_as_duplicates(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m007_signer_confirmation")
    db.execute(
        "INSERT INTO petitions (id, slug, title, created_at, updated_at)"
        " VALUES (1, 'p', 'P', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
    )
    signed = [
        ("a.na@gmail.com", "2026-01-02T00:00:00Z"),
        ("other@example.org", "2026-01-02T00:00:01Z"),
        ("Ana+2@googlemail.com", "2026-01-03T00:00:00Z"),
        ("ana@gmail.com", "2026-01-04T00:00:00Z"),
    ]
    for email, created_at in signed:
        db.execute(
            "INSERT INTO signatures (petition_id, first_name, last_name, email, email_key,"
            " postal_code, created_at) VALUES (1, 'A', 'B', ?, ?, '1', ?)",
            [email, email.casefold(), created_at],
        )
    assert db.execute("SELECT signature_count FROM petitions").fetchone()[0] == 4
    migrations.apply(db)
    rows = db.execute("SELECT id, email_key, status FROM signatures ORDER BY id").fetchall()
    assert rows == [
        (1, "ana@gmail.com", "counted"),
        (2, "other@example.org", "counted"),
        (3, "ana@gmail.com#duplicate-3", "duplicate"),
        (4, "ana@gmail.com#duplicate-4", "duplicate"),
    ]
    assert db.execute("SELECT signature_count FROM petitions").fetchone()[0] == 2
    db.close()
