"""The dashboard in Chromium at a phone's and a desktop's width: readable, axe-clean."""

import os

import pytest
from conftest import SLUG, browser_client, sign_through
from test_browser_a11y import serious_violations
from test_webhooks import add_partner, sign_as

from widget.store.db import get_db, write_transaction

pytest_plugins = ["browser_fixtures"]
SHOTS = os.environ.get("DASHBOARD_SCREENSHOTS")  # a folder: keep the screenshots to look at


@pytest.fixture
def dashboard_url(live_app):
    """Sign through a partner on a few days; return the URL its dashboard link prints."""
    app, _base = live_app
    client = browser_client(app)
    key, _ = add_partner(app, "alpha", "--webhook", "http://127.0.0.1:9/hook")
    for n in range(7):
        sign_as(
            lambda url, query="", **f: sign_through(client, url, query, **f),
            key,
            f"s{n}@example.org",
            optin=n % 2 == 0,
        )
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            db.execute("UPDATE signatures SET created_at = '2026-11-20T10:00:00Z' WHERE id <= 3")
            db.execute("UPDATE signatures SET source = 'email' WHERE id = 5")
    result = app.test_cli_runner().invoke(args=["partner", "dashboard-link", "alpha"])
    return result.output.strip()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_dashboard_reads_at_any_width_and_has_no_serious_violations(
    chromium, dashboard_url, width
):
    context = chromium.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(dashboard_url)
        assert page.get_by_role("heading", name="What Alpha brought").is_visible()
        assert page.get_by_role("img", name="Signatures per day for").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/dashboard-{width}.png", full_page=True)
        assert serious_violations(page) == []
    finally:
        context.close()
    assert SLUG in dashboard_url or "/partners/" in dashboard_url
