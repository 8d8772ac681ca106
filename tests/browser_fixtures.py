"""Browser fixtures: the app on a live loopback server, a partner site on another, Chromium."""

import http.server
import threading

import pytest
from werkzeug.serving import make_server

from widget import create_app
from widget.store.db import close_thread_databases

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in CI
    "--disable-gpu",
    "--no-first-run",
    # Stay off the network: this machine reaches only loopback.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Browsers that block third-party cookies are the ones the widget must work in.
    "--test-third-party-cookie-phaseout",
]
PARTNER_HOST = "127.0.0.2"  # another site than the service on 127.0.0.1


class ServerThread:
    """Serve a WSGI app or an HTTP handler on a loopback port in a background thread."""

    def __init__(self, server):
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path, catalogs):
    """Return (app, base URL) of the service running on 127.0.0.1 with its own database."""
    server = make_server("127.0.0.1", 0, None, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = create_app(
        {
            "SECRET_KEY": "browser-test-key-of-32-characters-or-more",
            "DATABASE": str(tmp_path / "live.db"),
            "MIN_FILL_SECONDS": 0,
            "PUBLIC_URL": base,
            "BABEL_TRANSLATION_DIRECTORIES": str(catalogs),
        }
    )

    def closing_app(environ, start_response):
        # Each request runs in its own thread: close its connection before the thread ends.
        body = app(environ, start_response)
        try:
            return list(body)
        finally:
            if hasattr(body, "close"):
                body.close()  # a static file's handle, for one
            close_thread_databases()

    server.app = closing_app
    running = ServerThread(server)
    yield app, base
    running.stop()
    close_thread_databases()


@pytest.fixture
def partner_site():
    """Return a function that publishes an HTML page on the partner's origin and returns its URL."""
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path.split("?")[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((PARTNER_HOST, 0), Handler)
    running = ServerThread(server)
    origin = f"http://{PARTNER_HOST}:{server.server_port}"

    def publish(path, html):
        pages[path] = html
        return origin + path

    publish.origin = origin
    yield publish
    running.stop()


@pytest.fixture(scope="session")
def chromium():
    """Return Debian's Chromium driven by Playwright (downloaded browsers are not used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    """Return a fresh page in its own browser context, closed after the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()
