"""The sender as its own process: SIGKILLed mid-batch it loses nothing and resends little."""

import os
import signal
import subprocess
import sys
import time

from conftest import ROOT

from widget.outbox.queue import enqueue
from widget.store.db import get_db, write_transaction

LANES = ("mail", "webhook:org")


def sender_process(tmp_path, *args, delay="0.005"):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "tests"),
        "FLASK_DATABASE": str(tmp_path / "widget.db"),
        "FLASK_SECRET_KEY": "test-secret-key",
        "FLASK_OUTBOX_TEST_NOTES": str(tmp_path / "notes.txt"),
        "FLASK_OUTBOX_TEST_DELAY": delay,
        "FLASK_OUTBOX_POLL_SECONDS": "0.05",
    }
    command = [sys.executable, "-m", "flask", "--app", "outbox_app:create_app", "outbox", "run"]
    with open(tmp_path / "sender.log", "a") as log:  # the child keeps its own copy
        return subprocess.Popen([*command, *args], env=env, stderr=log)


def log(tmp_path):
    return (tmp_path / "sender.log").read_text()


def notes(tmp_path):
    path = tmp_path / "notes.txt"
    return path.read_text().split() if path.exists() else []


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


def test_a_killed_sender_resends_at_most_what_was_in_flight(app, tmp_path):
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            keys = [f"sig-{n}" for n in range(300)]
            for n, key in enumerate(keys):
                enqueue(db, "note", {}, lane=LANES[n % 2], key=key)
    sender = sender_process(tmp_path)
    try:
        assert wait_for(lambda: len(notes(tmp_path)) >= 60, 30), log(tmp_path)
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        sender.kill()
    with app.app_context():
        pending = get_db().execute("SELECT count(*) FROM outbox WHERE status = 'pending'")
        assert pending.fetchone()[0] > 0, "the kill came too late to test anything"

    again = sender_process(tmp_path, "--once", delay="0")
    assert again.wait(60) == 0, log(tmp_path)
    delivered = notes(tmp_path)
    assert set(delivered) == set(keys)
    # At most the message in flight in each lane went out twice, with its same key.
    assert len(delivered) - len(keys) <= len(LANES)
    with app.app_context():
        statuses = get_db().execute("SELECT status, count(*) FROM outbox GROUP BY status")
        assert dict(statuses.fetchall()) == {"sent": 300}


def test_a_sender_stops_cleanly_on_sigterm(app, tmp_path):
    sender = sender_process(tmp_path)
    try:
        assert wait_for(lambda: os.path.exists(tmp_path / "widget.db.outbox-lock"), 20)
        time.sleep(0.5)  # let it reach its wait; a stop must work from there too
        sender.send_signal(signal.SIGTERM)
        assert sender.wait(10) == 0
        assert "Outbox sender stopped." in log(tmp_path)
    finally:
        sender.kill()
