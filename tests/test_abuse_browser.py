"""A real browser signing: the honeypot stays hidden and empty, and the signature is counted."""

import threading

import pytest
from conftest import SLUG
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from widget.db import get_db

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_url(app):
    """Serve the app on a loopback port in a thread; return its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["PUBLIC_URL"]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser.new_page(viewport={"width": 360, "height": 800}, locale="en-US")
        browser.close()


def test_a_person_in_chromium_never_meets_the_honeypot_and_is_counted(app, live_url, page):
    page.goto(f"{live_url}/p/{SLUG}/embed")
    honeypot = page.locator("input[name=website]")
    box = honeypot.bounding_box()
    assert box["x"] + box["width"] <= 0  # off the screen
    assert page.get_by_role("textbox", name="Leave this field empty").count() == 0
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("First name").focus()
    focused = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.name || document.activeElement.type"))
    assert "website" not in focused
    page.get_by_label("Last name").fill("García")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("ZIP or postal code").fill("60608")
    page.get_by_role("button", name="Sign the petition").click()
    page.get_by_role("heading", name="Thank you for signing").wait_for()
    with app.app_context():
        rows = list(get_db().query("SELECT status FROM signatures"))
    assert rows == [{"status": "counted"}]
