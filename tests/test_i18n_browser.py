"""Chromium signs once in English and once in Spanish inside a cross-site iframe."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import SLUG
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from widget.db import close_thread_databases, get_db

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What each language's form says, to fill it the way a person reads it.
WORDS = {
    "en": {
        "first": "First name",
        "last": "Last name",
        "email": "Email",
        "zip": "ZIP or postal code",
        "optin": "You'll receive periodic updates on offers and activism opportunities.",
        "sign": "Sign the petition",
        "thanks": "Thank you for signing",
    },
    "es": {
        "first": "Nombre",
        "last": "Apellido",
        "email": "Correo electrónico",
        "zip": "Código postal",
        "optin": "Recibirás actualizaciones periódicas sobre ofertas y oportunidades de activismo.",
        "sign": "Firma la petición",
        "thanks": "Gracias por firmar",
    },
}


def serve(server):
    """Serve in a thread; return a function that stops it."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


@pytest.fixture
def live_url(app):
    """Serve the app on 127.0.0.1 in threads; return its base URL."""

    def closing_app(environ, start_response):
        # Each request runs in its own thread: close its connection before the thread ends.
        try:
            return list(app(environ, start_response))
        finally:
            close_thread_databases()

    server = make_server("127.0.0.1", 0, closing_app, threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    stop = serve(server)
    yield app.config["PUBLIC_URL"]
    stop()


@pytest.fixture
def partner_site(live_url):
    """Serve a partner page on 127.0.0.2, another site, that frames the embed in ?lang."""

    class PartnerPage(BaseHTTPRequestHandler):
        def do_GET(self):
            lang = self.path.rsplit("=", 1)[-1]
            body = (
                f'<!doctype html><html lang="en"><title>Allies</title><h1>Allies</h1>'
                f'<iframe src="{live_url}/p/{SLUG}/embed?lang={lang}" title="Petition"'
                ' style="width:100%;height:900px;border:0"></iframe>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.2", 0), PartnerPage)
    stop = serve(server)
    yield f"http://127.0.0.2:{server.server_port}/"
    stop()


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def test_chromium_signs_once_in_each_language_inside_a_cross_site_iframe(
    app, partner_site, browser
):
    for number, (lang, words) in enumerate(WORDS.items()):
        # An English browser for both: the partner's data-lang decides, not the browser.
        context = browser.new_context(locale="en-US", viewport={"width": 360, "height": 800})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{partner_site}?lang={lang}")
        frame = page.frame_locator("iframe")
        assert frame.locator("html").get_attribute("lang") == lang
        frame.get_by_label(words["first"]).fill("Ana")
        frame.get_by_label(words["last"]).fill("García")
        frame.get_by_label(words["email"]).fill(f"ana{number}@example.org")
        frame.get_by_label(words["zip"]).fill("60608")
        frame.get_by_label(words["optin"]).check()
        frame.get_by_role("button", name=words["sign"]).click()
        frame.get_by_role("heading", name=words["thanks"]).wait_for()
        assert frame.locator("html").get_attribute("lang") == lang
        assert context.cookies() == []
        context.close()
    with app.app_context():
        rows = list(get_db().query("SELECT petition_id, lang, consent_text FROM signatures"))
        count = (
            get_db()
            .execute("SELECT signature_count FROM petitions WHERE slug = ?", [SLUG])
            .fetchone()[0]
        )
    assert [(row["lang"], row["consent_text"]) for row in rows] == [
        (lang, words["optin"]) for lang, words in WORDS.items()
    ]
    assert rows[0]["petition_id"] == rows[1]["petition_id"]
    assert count == 2
