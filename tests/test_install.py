"""Installed as Flask's tutorial does (pip install -e ., flask run, no make), it speaks Spanish."""

import os
import re
import secrets
import selectors
import shutil
import subprocess
import sys
import time
import urllib.request

from conftest import ROOT, SLUG

LEFT_OUT = (
    ".git",
    ".venv",
    "node_modules",
    "instance",
    "__pycache__",
    "*.mo",
    "*.egg-info",
    ".*cache",
)
RUNNING_ON = re.compile(rb"Running on http://127\.0\.0\.1:(\d+)")


def read_until(process, pattern, deadline):
    """Return the first match of pattern in the process's output, read until the deadline."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    seen = b""
    while time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=0.2):
            seen += os.read(process.stdout.fileno(), 4096)
            if found := pattern.search(seen):
                return found
    raise AssertionError(f"no {pattern.pattern!r} in the server's output: {seen.decode()}")


def test_pip_install_then_flask_run_serves_spanish_without_make(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(*LEFT_OUT))
    catalog = checkout / "widget/translations/es/LC_MESSAGES/messages.mo"
    assert not catalog.exists()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    # This venv's pip installs into the new one: no ensurepip, and pip's cache keeps it quick.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", venv / "bin/python", "install", "-q"]
        + ["--disable-pip-version-check", "-e", checkout],
        check=True,
        timeout=300,
    )
    env = {**os.environ, "FLASK_SECRET_KEY": secrets.token_urlsafe(32)}
    server = subprocess.Popen(
        [venv / "bin/flask", "--app", "widget", "run", "--port", "0"],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        port = read_until(server, RUNNING_ON, time.monotonic() + 60).group(1).decode()
        url = f"http://127.0.0.1:{port}/p/{SLUG}/embed?lang=es"
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - loopback
            page = response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
    assert '<html lang="es"' in page
    assert "Firma la petición" in page  # the interface's own catalog, not the petition's text
    assert catalog.exists()
