"""Run a surge of concurrent signers against gunicorn and check that nothing acknowledged is lost.

Starts gunicorn (gunicorn.conf.py) on a temporary database and a loopback port, runs SIGNERS
signers at once through GET form -> POST -> follow the 303, then checks the database: every
signer who got the thank-you redirect is in `signatures`, `signature_count` equals the counted
rows, no 5xx, `PRAGMA integrity_check` is ok. With --kill, SIGKILLs the server (master and
workers) in the middle, restarts it, lets the signers finish, and checks the same.

    .venv/bin/python scripts/surge.py                 # 400 signers, 200 at a time
    .venv/bin/python scripts/surge.py --kill          # the same, with a SIGKILL mid-run
    .venv/bin/python scripts/surge.py --mail --signers 2000   # confirmation mail to an SMTP
                                                  # sink, the sender SIGKILLed and restarted

Loopback only; bounded by --timeout. Exits 0 when every check passes, 1 otherwise.
"""

import argparse
import http.client
import json
import os
import queue
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from surge_mail import MailSurge, mail_checks

ROOT = Path(__file__).resolve().parent.parent
SLUG = "chicago-welcoming-city"
TOKEN_RE = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept-Language": "en-US,en;q=0.5",
}
ATTEMPTS = 5  # per signer, when the connection fails (the server was killed)


class Server:
    """Gunicorn on a socket this script holds, so a restart keeps the port and queued clients."""

    def __init__(self, listener, env, workers, threads, log_path, extra_args=()):
        self.listener = listener
        self.port = listener.getsockname()[1]
        self.env = {**os.environ, "FLASK_PUBLIC_URL": f"http://127.0.0.1:{self.port}", **env}
        self.args = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"fd://{listener.fileno()}",
            *(["--workers", str(workers)] if workers else []),
            *(["--threads", str(threads)] if threads else []),  # > 1: gthread workers
            *extra_args,
            "widget:create_app()",
        ]
        self.log = open(log_path, "ab")  # noqa: SIM115 - kept open across restarts
        self.process = None

    def start(self, deadline):
        """Start gunicorn and wait until it answers /healthz."""
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            pass_fds=[self.listener.fileno()],
            start_new_session=True,  # its own process group: kill() reaches every worker
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                status, _, _ = request(self.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("gunicorn did not become healthy in time")

    def kill(self):
        """SIGKILL the master and its workers at once, as a crash or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """Stop gunicorn gracefully (SIGTERM), killing it if it hangs."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def request(port, method, path, body=None, headers=None, timeout=30, connection=None):
    """Send one request; return status, headers and body."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    if connection is None:
        conn.close()
    return response.status, response, data


class Surge:
    """The signers, their outcomes and the figures."""

    def __init__(self, port, signers, deadline):
        self.port = port
        self.signers = signers
        self.deadline = deadline
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.acknowledged = set()
        self.failures = Counter()
        self.connection_errors = 0
        self.post_latencies = []
        self.done = 0

    def record(self, method, status):
        with self.lock:
            self.statuses[f"{method} {status}"] += 1

    def sign(self, i):
        """Sign as signer i like a browser: load the form, post it, follow the redirect."""
        email = f"surge-{i}@example.org"
        path = f"/p/{SLUG}/embed" if i % 2 else f"/p/{SLUG}"
        headers = {**BROWSER, "X-Forwarded-For": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"}
        for _attempt in range(ATTEMPTS):
            if time.monotonic() > self.deadline:
                break
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                outcome = self.attempt(conn, i, path, email, headers)
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.connection_errors += 1
                time.sleep(0.2)
                continue
            finally:
                conn.close()
            if outcome is not None:
                with self.lock:
                    self.failures[outcome] += 1
            break
        else:
            with self.lock:
                self.failures["gave up after connection errors"] += 1
        with self.lock:
            self.done += 1

    def attempt(self, conn, i, path, email, headers):
        """Run one GET -> POST -> thanks; return None on success, or what went wrong."""
        status, _, page = request(self.port, "GET", path, headers=headers, connection=conn)
        self.record("GET", status)
        match = TOKEN_RE.search(page)
        if status != 200 or not match:
            return f"form GET answered {status}"
        fields = {
            "first_name": "Surge",
            "last_name": f"Signer {i}",
            "email": email,
            "postal_code": "60608",
            "csrf_token": match.group(1).decode(),
        }
        post_headers = {
            **headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{self.port}",
        }
        started = time.monotonic()
        status, response, _ = request(
            self.port, "POST", path, urlencode(fields), post_headers, connection=conn
        )
        self.record("POST", status)
        if status != 303:
            return f"POST answered {status}"
        with self.lock:
            self.acknowledged.add(email)
            self.post_latencies.append(time.monotonic() - started)
        try:
            location = response.headers["Location"]
            status, _, _ = request(self.port, "GET", location, headers=headers, connection=conn)
            self.record("GET thanks", status)
        except (OSError, http.client.HTTPException):
            return "thank-you page lost (signature acknowledged)"
        return None if status == 200 else f"thank-you GET answered {status}"


def check_database(database, acknowledged):
    """Return the database figures the checks need."""
    db = sqlite3.connect(database)
    try:
        stored = {row[0] for row in db.execute("SELECT email FROM signatures")}
        statuses = dict(db.execute("SELECT status, count(*) FROM signatures GROUP BY status"))
        signature_count = db.execute(
            "SELECT signature_count FROM petitions WHERE slug = ?", [SLUG]
        ).fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    return {
        "stored": len(stored),
        "missing": sorted(acknowledged - stored),
        "statuses": statuses,
        "signature_count": signature_count,
        "counted_rows": statuses.get("counted", 0),
        "integrity_check": integrity,
    }


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run(options):
    """Run the surge and return its figures."""
    started = time.monotonic()
    deadline = started + options.timeout
    with tempfile.TemporaryDirectory(prefix="surge-") as tmp:
        database = Path(tmp) / "surge.db"
        listener = socket.create_server(("127.0.0.1", 0), backlog=4096)
        env = {
            "FLASK_DATABASE": str(database),
            "FLASK_SECRET_KEY": secrets.token_urlsafe(32),
            "FLASK_MIN_FILL_SECONDS": "0",
            # Each signer comes "through the proxy" with its own X-Forwarded-For, so what is
            # measured is the service, not the per-address limit.
            "FLASK_TRUSTED_PROXIES": "1",
        }
        mail = MailSurge(tmp) if options.mail else None
        env.update(mail.env if mail else {})
        server = Server(listener, env, options.workers, options.threads, Path(tmp) / "log")
        figures = {"signers": options.signers, "concurrency": options.concurrency}
        try:
            server.start(deadline)
            if mail:
                mail.start(server.env)
                mail.kill_midway(options.signers // 3, deadline)
            surge = Surge(server.port, options.signers, deadline)
            work = queue.Queue()
            for i in range(options.signers):
                work.put(i)

            def signer():
                while True:
                    try:
                        surge.sign(work.get_nowait())
                    except queue.Empty:
                        return

            threads = [
                threading.Thread(target=signer, daemon=True) for _ in range(options.concurrency)
            ]
            surge_started = time.monotonic()
            for thread in threads:
                thread.start()
            if options.kill:
                figures["kill"] = kill_midway(server, surge, options, deadline)
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            figures["elapsed_s"] = round(time.monotonic() - surge_started, 2)
            figures["timed_out"] = any(thread.is_alive() for thread in threads)
            if mail:
                figures["mail"] = mail.finish(database, surge.acknowledged, deadline)
        finally:
            if mail:
                mail.stop()
            server.stop()
            listener.close()
            log = (Path(tmp) / "log").read_text(errors="replace")
        figures.update(
            acknowledged=len(surge.acknowledged),
            responses=dict(sorted(surge.statuses.items())),
            server_errors=sum(
                n for key, n in surge.statuses.items() if int(key.split()[-1]) >= 500
            ),
            failures=dict(surge.failures),
            connection_errors=surge.connection_errors,
            post_latency_ms={
                name: round(percentile(surge.post_latencies, q) * 1000, 1)
                for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
            },
            signatures_per_s=round(len(surge.acknowledged) / max(figures["elapsed_s"], 1e-9), 1),
            tracebacks=log.count("Traceback"),
            **check_database(database, surge.acknowledged),
        )
    figures["ok"] = all(check_results(figures, options).values())
    return figures


def kill_midway(server, surge, options, deadline):
    """SIGKILL the server once a third of the signers are acknowledged; restart it."""
    while len(surge.acknowledged) < options.signers // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    acknowledged_at_kill = len(surge.acknowledged)
    killed = time.monotonic()
    server.kill()
    server.start(deadline)
    return {
        "acknowledged_before": acknowledged_at_kill,
        "down_s": round(time.monotonic() - killed, 2),
    }


def check_results(figures, options):
    """Return each check and whether it passed."""
    return {
        "finished in time": not figures["timed_out"],
        "every acknowledged signer is stored": not figures["missing"],
        "signature_count equals the counted rows": (
            figures["signature_count"] == figures["counted_rows"]
        ),
        "no 5xx": figures["server_errors"] == 0,
        "no traceback in the server log": figures["tracebacks"] == 0,
        "integrity_check ok": figures["integrity_check"] == "ok",
        # Without a kill every signer must get through; with one, only those cut off may not.
        "every signer acknowledged": options.kill or figures["acknowledged"] == figures["signers"],
        **(mail_checks(figures["mail"]) if "mail" in figures else {}),
    }


def report(figures, options):
    """Print the figures and the checks."""
    workers = options.workers or "gunicorn.conf.py's"
    threads = f" x {options.threads} threads" if options.threads else ""
    print(
        f"signers        {figures['signers']} ({figures['concurrency']} at a time, "
        f"{workers} workers{threads})"
    )
    print(
        f"acknowledged   {figures['acknowledged']} (303 to thanks); stored {figures['stored']}; "
        f"missing {len(figures['missing'])}"
    )
    print(f"responses      {figures['responses']}")
    print(f"failures       {figures['failures'] or 'none'}")
    print(f"conn. errors   {figures['connection_errors']} (retried with a fresh form)")
    print(f"elapsed        {figures['elapsed_s']} s, {figures['signatures_per_s']} signatures/s")
    print(f"POST latency   {figures['post_latency_ms']} ms")
    print(
        f"database       signature_count {figures['signature_count']}, counted rows "
        f"{figures['counted_rows']}, statuses {figures['statuses']}, "
        f"integrity_check {figures['integrity_check']}"
    )
    if "kill" in figures:
        kill = figures["kill"]
        print(
            f"SIGKILL        after {kill['acknowledged_before']} acknowledged; "
            f"server back in {kill['down_s']} s"
        )
    if "mail" in figures:
        mail = figures["mail"]
        print(
            f"mail           queued {mail['queued']} {mail['statuses']}; received"
            f" {mail['received']}, {mail['distinct']} distinct Message-IDs, repeats"
            f" {mail['repeats']}, missing {len(mail['missing'])}; sender SIGKILLed after"
            f" {mail['kill'].get('received_before')} received, restarted"
        )
    for check, passed in check_results(figures, options).items():
        print(f"{'ok  ' if passed else 'FAIL'}           {check}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signers", type=int, default=400, help="signers in all (400)")
    parser.add_argument("--concurrency", type=int, default=200, help="signers at once (200)")
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: as gunicorn.conf.py, one a core)"
    )
    parser.add_argument(
        "--threads", type=int, help="threads per worker; more than 1 means gthread (default: 1)"
    )
    parser.add_argument("--kill", action="store_true", help="SIGKILL the server mid-run")
    parser.add_argument(
        "--mail",
        action="store_true",
        help="signer_email confirm: an SMTP sink, the sender SIGKILLed mid-run and restarted",
    )
    parser.add_argument("--timeout", type=float, default=120, help="give up after (120 s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    figures = run(options)
    if options.json:
        print(json.dumps(figures))
    else:
        report(figures, options)
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
