"""Measure the outbox sender: messages per second to a local SMTP server (aiosmtpd)."""

import os
import resource
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from servers import ROOT, free_port

SINK = ROOT / "scripts" / "smtp_sink.py"


def queue_messages(env, count):
    """Fill a fresh database's outbox with count receipts, as signing would."""
    script = f"""
from widget import create_app
from widget.outbox.queue import enqueue
from widget.store.db import get_db, write_transaction
app = create_app()
with app.app_context():
    db = get_db()
    with write_transaction(db):
        for n in range({count}):
            enqueue(db, "mail", {{"to": f"signer{{n}}@example.org", "to_name": "Surge Signer",
                "lang": "es" if n % 2 else "en", "template": "receipt", "signature": n,
                "context": {{"first_name": "Surge", "petition_title": "Bench",
                             "link": f"http://127.0.0.1:5000/s/t{{n}}"}}}}, lane=f"mail:{{n % 4}}")
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


def children_cpu():
    """Return the CPU seconds of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid):
    """Return the CPU seconds a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_listening(port, timeout=15.0):
    """Wait until something accepts connections on a loopback port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def delivery_span(database):
    """Return the seconds between the first and the last message sent (sender start excluded)."""
    db = sqlite3.connect(database)
    try:
        first, last = db.execute("SELECT min(sent_at), max(sent_at) FROM outbox").fetchone()
    finally:
        db.close()
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return (parse(last) - parse(first)).total_seconds()


def sender_throughput(tmp, count=2000):
    """Return {messages, seconds, rate, received} for `outbox run --once` delivering count."""
    port, received = free_port(), Path(tmp) / "sink.txt"
    env = {
        **os.environ,
        "FLASK_DATABASE": str(Path(tmp) / "sender.db"),
        "FLASK_SECRET_KEY": "benchmark-secret-key-of-32-characters",
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(port),
    }
    queue_messages(env, count)
    sink = subprocess.Popen([sys.executable, str(SINK), str(port), str(received)], cwd=ROOT)
    try:
        wait_listening(port)
        command = [sys.executable, "-m", "flask", "--app", "widget", "outbox", "run", "--once"]
        started, before = time.perf_counter(), children_cpu()
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=300)
        seconds, sender_cpu = time.perf_counter() - started, children_cpu() - before
        sink_cpu = process_cpu(sink.pid)
    finally:
        sink.terminate()
        sink.wait(10)
    lines = received.read_text().split()
    span = delivery_span(env["FLASK_DATABASE"])
    return {
        "messages": count,
        "seconds": round(seconds, 2),  # the whole command, with its start-up
        "rate": round((count - 1) / span, 1) if span else None,  # first sent to last sent
        "rate_with_startup": round(count / seconds, 1),
        # CPU per message: the sender's, and the SMTP server's (also Python, on the same cores).
        "sender_cpu_ms": round(sender_cpu / count * 1000, 2),
        "smtp_server_cpu_ms": round(sink_cpu / count * 1000, 2),
        "received": len(lines),
        "distinct": len(set(lines)),
    }


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="widget-sender-") as tmp:
        print(sender_throughput(tmp, int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
