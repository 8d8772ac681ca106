"""The production server: gunicorn.conf.py, limits shared through a real Redis, the surge script."""

import http.client
import importlib.util
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from conftest import BROWSER_HEADERS, ROOT, SLUG

from widget import create_app


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


surge = load_module("surge", ROOT / "scripts" / "surge.py")
gunicorn_conf = load_module("gunicorn_conf", ROOT / "gunicorn.conf.py")
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def redis_url(tmp_path):
    """Start a real redis-server on a free loopback port; return its URL."""
    import redis

    for _attempt in range(5):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        # A missing redis-server raises here: the test fails, it is never skipped.
        process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
            + ["--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 5
        while process.poll() is None and time.monotonic() < deadline:
            try:
                redis.Redis.from_url(url, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.02)
        else:
            process.kill()
            process.wait()
            continue  # the port was taken meanwhile: try another
        yield url
        process.terminate()
        process.wait(timeout=5)
        return
    pytest.fail("could not start redis-server")


@pytest.fixture
def gunicorn(tmp_path):
    """Return a function that starts gunicorn (gunicorn.conf.py) with some settings."""
    servers = []

    def start(workers=2, env=None, extra_args=()):
        listener = socket.create_server(("127.0.0.1", 0))
        settings = {
            "FLASK_DATABASE": str(tmp_path / "served.db"),
            "FLASK_SECRET_KEY": secrets.token_urlsafe(32),
            "FLASK_MIN_FILL_SECONDS": "0",
            **(env or {}),
        }
        server = surge.Server(listener, settings, workers, 4, tmp_path / "gunicorn.log", extra_args)
        servers.append((server, listener))
        server.start(time.monotonic() + 15)
        return server

    yield start
    for server, listener in servers:
        server.stop()
        listener.close()


def sign_over_http(port, source="127.0.0.1", forwarded=None, email="h@example.org"):
    """Load the embed form and post it on one connection from source; return the status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    headers = dict(BROWSER_HEADERS)
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    try:
        conn.request("GET", f"/p/{SLUG}/embed", headers=headers)
        page = conn.getresponse().read().decode()
        fields = {
            "first_name": "Http",
            "last_name": "Signer",
            "email": email,
            "postal_code": "60608",
            "csrf_token": TOKEN_RE.search(page).group(1),
        }
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request("POST", f"/p/{SLUG}/embed", body=urlencode(fields), headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.headers
    finally:
        conn.close()


def test_limit_holds_across_two_workers_with_redis_and_a_forged_forwarded_for(
    gunicorn, redis_url, tmp_path
):
    access_log = tmp_path / "access.log"
    server = gunicorn(
        workers=2,
        env={"FLASK_RATELIMIT_STORAGE_URI": redis_url, "FLASK_SIGN_RATE_LIMITS": "5 per minute"},
        # The worker's pid on each line, to see which process answered.
        extra_args=["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(s)s"],
    )
    from concurrent.futures import ThreadPoolExecutor

    def attempt(n):
        # Every post claims another address in X-Forwarded-For; no proxy is trusted.
        return sign_over_http(server.port, forwarded=f"198.51.100.{n}", email=f"r{n}@example.org")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(24)))
    statuses = [status for status, _ in results]
    assert statuses.count(303) == 5
    assert statuses.count(429) == 19
    # At most the one-minute window (rounded up a second).
    assert all(1 <= int(headers["Retry-After"]) <= 61 for s, headers in results if s == 429)
    # Another address (127.0.0.2 is loopback too) still signs.
    assert sign_over_http(server.port, source="127.0.0.2", email="other@example.org")[0] == 303
    server.stop()
    posts = [line.split() for line in access_log.read_text().splitlines() if " POST " in line]
    by_worker = {}
    for pid, _method, status in posts:
        by_worker.setdefault(pid, []).append(status)
    assert len(by_worker) == 2, f"one worker answered every post: {by_worker}"
    # With memory storage a worker refuses only after its own 5; here one refuses before that.
    assert any("429" in answers and answers.count("303") < 5 for answers in by_worker.values())


def test_the_master_never_holds_the_database_open(gunicorn, tmp_path):
    server = gunicorn(workers=2)
    assert sign_over_http(server.port)[0] == 303
    database = str(tmp_path / "served.db")
    master = server.process.pid

    def held_by(pid):
        held = []
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                held.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                continue
        return [path for path in held if path.startswith(database)]

    workers = [
        int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ]
    assert held_by(master) == []
    assert any(held_by(pid) for pid in workers)  # the check sees a connection where one is


def test_pre_fork_refuses_when_the_master_holds_the_database(tmp_path):
    app = create_app({"SECRET_KEY": "k" * 32, "DATABASE": str(tmp_path / "held.db")})
    server = SimpleNamespace(
        cfg=SimpleNamespace(preload_app=True), app=SimpleNamespace(wsgi=lambda: app)
    )
    gunicorn_conf.pre_fork(server, None)  # create_app opened nothing
    connection = sqlite3.connect(tmp_path / "held.db")
    try:
        connection.execute("CREATE TABLE t (x)")
        with pytest.raises(RuntimeError, match="refusing to fork"):
            gunicorn_conf.pre_fork(server, None)
    finally:
        connection.close()


@pytest.mark.parametrize("kill", [False, True], ids=["surge", "surge-with-sigkill"])
def test_surge_script_short_run(kill):
    args = [sys.executable, str(ROOT / "scripts" / "surge.py"), "--signers", "60"]
    args += ["--concurrency", "30", "--timeout", "60", "--json"] + (["--kill"] if kill else [])
    result = subprocess.run(args, capture_output=True, text=True, timeout=90, check=False)
    figures = json.loads(result.stdout.splitlines()[-1])
    assert result.returncode == 0, figures
    assert figures["ok"] and figures["missing"] == [] and figures["server_errors"] == 0
    assert figures["acknowledged"] == 60 and figures["integrity_check"] == "ok"
    assert figures["signature_count"] == figures["counted_rows"] == figures["stored"]
    if kill:
        assert figures["kill"]["acknowledged_before"] >= 20
