"""A real browser signing: the honeypot stays hidden and empty, and the signature is counted."""

import pytest
from conftest import SLUG

from widget.store.db import get_db

pytest_plugins = ["browser_fixtures"]


@pytest.fixture
def page(chromium):
    """Return a phone-sized page in its own context."""
    context = chromium.new_context(viewport={"width": 360, "height": 800}, locale="en-US")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_person_in_chromium_never_meets_the_honeypot_and_is_counted(live_app, page):
    app, base = live_app
    page.goto(f"{base}/p/{SLUG}/embed")
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
