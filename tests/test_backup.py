"""The backup command: a consistent, checked copy, taken while signatures keep arriving."""

import sqlite3
import threading
import time

from conftest import SLUG

from widget.store.db import get_db, write_transaction

INSERT = """
INSERT INTO signatures (petition_id, first_name, last_name, email, email_key, postal_code,
    created_at) VALUES (?, 'W', 'Riter', ?, ?, '60608', '2026-11-26T00:00:00Z')
"""


def copy_figures(path):
    copy = sqlite3.connect(path)
    try:
        return {
            "integrity": copy.execute("PRAGMA integrity_check").fetchone()[0],
            "journal_mode": copy.execute("PRAGMA journal_mode").fetchone()[0],
            "count": copy.execute(
                "SELECT signature_count FROM petitions WHERE slug = ?", [SLUG]
            ).fetchone()[0],
            "rows": copy.execute(
                "SELECT count(*) FROM signatures WHERE status = 'counted'"
            ).fetchone()[0],
        }
    finally:
        copy.close()


def test_backup_while_signatures_are_written_is_consistent(app, runner, db, sign, tmp_path):
    sign()
    petition_id = db.execute("SELECT id FROM petitions WHERE slug = ?", [SLUG]).fetchone()[0]
    stop = threading.Event()
    written = []

    def writer():
        # Another connection, as a gunicorn worker would be, inserting until told to stop.
        with app.app_context():
            writer_db = get_db()
            n = 0
            while not stop.is_set():
                n += 1
                with write_transaction(writer_db):
                    email = f"w{n}@example.org"
                    writer_db.execute(INSERT, [petition_id, email, email])
                written.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while len(written) < 20 and time.monotonic() < deadline:
            time.sleep(0.005)
        results = [runner.invoke(args=["backup", str(tmp_path / f"b{i}.db")]) for i in range(3)]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert len(written) >= 20
    for i, result in enumerate(results):
        assert result.exit_code == 0, result.output
        assert "integrity ok" in result.output
        figures = copy_figures(tmp_path / f"b{i}.db")
        assert figures["integrity"] == "ok"
        assert figures["journal_mode"] == "delete"  # one self-contained file
        assert figures["count"] == figures["rows"] >= 1
    assert not list(tmp_path.glob("*.partial"))


def test_backup_replaces_an_older_backup_and_refuses_the_database_itself(
    app, runner, sign, tmp_path
):
    target = tmp_path / "backup.db"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    sign()
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0
    assert "petitions 1, signatures 1, integrity ok" in result.output
    assert copy_figures(target)["rows"] == 1
    itself = runner.invoke(args=["backup", app.config["DATABASE"]])
    assert itself.exit_code != 0
    assert "must not be the database itself" in itself.output
