#!/usr/bin/env python3
"""Measure the outbox sender's webhook throughput to a local receiver: bench/webhooks.py."""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Handler(BaseHTTPRequestHandler):
    """Answer 200 to every POST, on keep-alive connections, as a partner's endpoint would."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve():
    """Run the receiver (in its own process, so it does not share the sender's GIL)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def measure(count, lanes, url, tmp):
    """Queue count webhooks over lanes, run the sender once; return webhooks per second."""
    from widget import create_app
    from widget.outbox.queue import enqueue
    from widget.outbox.sender import Sender
    from widget.outbox.webhooks import new_secret
    from widget.store.db import close_thread_databases, get_db, write_transaction

    app = create_app(
        {
            "DATABASE": str(Path(tmp) / f"webhooks-{lanes}.db"),
            "SECRET_KEY": "benchmark-secret-key-of-32-characters",
            "WEBHOOK_URL": url,
            "WEBHOOK_SECRET": new_secret(),
        }
    )
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            for n in range(lanes - 1):  # partners' lanes beside the organization's
                db["partners"].insert(
                    {
                        "slug": f"p{n}",
                        "name": f"P{n}",
                        "created_at": "2026-01-01T00:00:00Z",
                        "webhook_url": url,
                        "webhook_secret": new_secret(),
                    }
                )
        partner_ids = [row["id"] for row in db.query("SELECT id FROM partners")]
        names = ["webhook:org"] + [f"webhook:partner:{pid}" for pid in partner_ids]
        event = {"type": "signature.created", "data": {"signer": {"email": "a@example.org"}}}
        with write_transaction(db):
            for n in range(count):
                enqueue(db, "webhook", event, lane=names[n % len(names)])
        started = time.perf_counter()
        # `run --once` may return while a lane's next batch is due (a batch that ends just as
        # the sender looks): run it again until nothing is pending.
        pending = "SELECT count(*) FROM outbox WHERE status = 'pending'"
        while db.execute(pending).fetchone()[0] and time.perf_counter() < started + 300:
            Sender(app).run(once=True)
        elapsed = time.perf_counter() - started
        sent = db.execute("SELECT count(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
        errors = db.execute("SELECT status, last_error, count(*) FROM outbox GROUP BY 1, 2")
    close_thread_databases()
    if sent != count:
        raise SystemExit(f"only {sent} of {count} webhooks were delivered: {errors.fetchall()}")
    return count / elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3000, help="webhooks per run")
    parser.add_argument("--receiver", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.receiver:
        return serve()
    receiver = subprocess.Popen(
        [sys.executable, __file__, "--receiver"], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(receiver.stdout.readline())
        url = f"http://127.0.0.1:{port}/hook"
        figures = {}
        with tempfile.TemporaryDirectory() as tmp:
            for lanes in (1, 3):
                figures[lanes] = measure(args.count, lanes, url, tmp)
                print(f"{lanes} lane(s): {figures[lanes]:,.0f} webhooks/s (target ≥ 200)")
    finally:
        receiver.terminate()
        receiver.wait(10)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
