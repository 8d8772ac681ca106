"""Browser fixtures: the app on a live loopback server, a partner site on another, Chromium."""

import http.server
import threading

import pytest
from conftest import stop_limit_clock
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
THIRD_HOST = "127.0.0.3"  # a site that is neither


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
def make_live_app(tmp_path, catalogs, limit_clock, instance):
    """Return a function serving the service on 127.0.0.1 with settings changed: (app, base)."""
    running = []

    def make(**settings):
        server = make_server("127.0.0.1", 0, None, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        app = create_app(
            {
                "SECRET_KEY": "browser-test-key-of-32-characters-or-more",
                "DATABASE": str(tmp_path / "live.db"),
                "MIN_FILL_SECONDS": 0,
                "PUBLIC_URL": base,
                "BABEL_TRANSLATION_DIRECTORIES": str(catalogs),
                **settings,
            },
            instance_path=instance,
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

        stop_limit_clock(limit_clock)
        server.app = closing_app
        running.append(ServerThread(server))
        return app, base

    yield make
    for server in running:
        server.stop()
    close_thread_databases()


@pytest.fixture
def live_app(make_live_app):
    """Return (app, base URL) of the service running on 127.0.0.1 with its own database."""
    return make_live_app()


def serve_pages(host):
    """Start a server of published HTML pages on host; return (publish, stop)."""
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

    server = http.server.ThreadingHTTPServer((host, 0), Handler)
    running = ServerThread(server)
    origin = f"http://{host}:{server.server_port}"

    def publish(path, html):
        pages[path] = html
        return origin + path

    publish.origin = origin
    return publish, running.stop


@pytest.fixture
def partner_site():
    """Return a function that publishes an HTML page on the partner's origin and returns its URL."""
    publish, stop = serve_pages(PARTNER_HOST)
    yield publish
    stop()


@pytest.fixture
def third_site():
    """Return a function that publishes a page on a third site, neither partner nor service."""
    publish, stop = serve_pages(THIRD_HOST)
    yield publish
    stop()


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
