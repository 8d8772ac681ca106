"""The --mail part of surge.py: an SMTP sink, the outbox sender SIGKILLed and restarted, checks.

Every acknowledged signer must get their confirmation message once by Message-ID: after the
kill, only messages in flight may arrive twice (with the same Message-ID).
"""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSurge:
    """An SMTP sink and the sender, on the surge's database."""

    def __init__(self, tmp):
        self.port = free_port()
        self.received = Path(tmp) / "received.txt"
        self.log = Path(tmp) / "sender.log"
        self.env = {
            "FLASK_SIGNER_EMAIL": "confirm",
            "FLASK_MAIL_SERVER": "127.0.0.1",
            "FLASK_MAIL_PORT": str(self.port),
            "FLASK_OUTBOX_POLL_SECONDS": "0.2",
        }
        self.sink = self.sender = None
        self.kill = {}

    def start(self, env):
        """Start the sink, then the sender with the server's settings."""
        sink = [sys.executable, str(ROOT / "scripts" / "smtp_sink.py"), str(self.port)]
        self.sink = subprocess.Popen([*sink, str(self.received)], stdout=subprocess.DEVNULL)
        self.sender_env = {**os.environ, **env, **self.env}
        self.start_sender()

    def start_sender(self):
        command = [sys.executable, "-m", "flask", "--app", "widget", "outbox", "run"]
        with open(self.log, "ab") as log:
            self.sender = subprocess.Popen(
                command, cwd=ROOT, env=self.sender_env, stdout=log, stderr=subprocess.STDOUT
            )

    def ids(self):
        return self.received.read_text().split() if self.received.exists() else []

    def kill_midway(self, after, deadline):
        """In the background: SIGKILL the sender once `after` messages arrived; restart it."""

        def run():
            while len(self.ids()) < after and time.monotonic() < deadline:
                time.sleep(0.01)
            self.kill["received_before"] = len(self.ids())
            self.sender.send_signal(signal.SIGKILL)
            self.sender.wait()
            self.start_sender()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def finish(self, database, acknowledged, deadline):
        """Wait until the outbox has nothing pending, stop the sender; return the figures."""
        while time.monotonic() < deadline and pending(database):
            time.sleep(0.1)
        self.stop()
        return check(database, acknowledged, Counter(self.ids()), self.kill)

    def stop(self):
        for process in (self.sender, self.sink):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def pending(database):
    db = sqlite3.connect(database)
    try:
        return db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
    finally:
        db.close()


def check(database, acknowledged, received, kill):
    """Return the mail figures: per acknowledged signer, their one message and its Message-ID."""
    db = sqlite3.connect(database)
    try:
        rows = db.execute(
            "SELECT key, json_extract(payload, '$.to'), status FROM outbox WHERE kind = 'mail'"
        ).fetchall()
    finally:
        db.close()
    by_signer = Counter(to for _key, to, _status in rows)
    ids = {to: f"<{key}@127.0.0.1>" for key, to, _status in rows}
    return {
        "queued": len(rows),
        "statuses": dict(Counter(status for _key, _to, status in rows)),
        "received": sum(received.values()),
        "distinct": len(received),
        "repeats": sum(n - 1 for n in received.values()),
        "missing": sorted(email for email in acknowledged if received[ids.get(email)] == 0),
        "not_one_message": sorted(email for email in acknowledged if by_signer[email] != 1),
        "unknown": len(set(received) - set(ids.values())),
        "kill": kill,
    }


def mail_checks(mail, lanes=4):
    """Return the --mail checks and whether each passed."""
    return {
        "mail: every acknowledged signer's message delivered": not mail["missing"],
        "mail: one message per signer": not mail["not_one_message"],
        "mail: no message nobody queued": mail["unknown"] == 0,
        # At-least-once: what was in flight in each lane at the SIGKILL may arrive twice.
        f"mail: repeats at most the {lanes} lanes in flight": mail["repeats"] <= lanes,
        "mail: the sender was killed mid-run": bool(mail["kill"]),
    }
