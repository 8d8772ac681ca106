"""Accessibility: axe-core finds no serious or critical WCAG 2.2 AA violation on any page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import MISSING_PAGE, PAGES, SLUG, add_partner

pytest_plugins = ["browser_fixtures"]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture
def axe_page(chromium):
    """Return a page whose context lets axe's script run despite our CSP."""
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def serious_violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("path", [*PAGES, MISSING_PAGE, f"{MISSING_PAGE}/embed"])
def test_pages_have_no_serious_violations(live_app, axe_page, path):
    _app, base = live_app
    axe_page.goto(base + path)
    assert serious_violations(axe_page) == []


@pytest.mark.parametrize("path", [*PAGES, MISSING_PAGE])
def test_spanish_pages_have_no_serious_violations(live_app, axe_page, path):
    _app, base = live_app
    axe_page.goto(f"{base}{path}?lang=es")
    assert axe_page.evaluate("document.documentElement.lang") == "es"
    assert serious_violations(axe_page) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_partner_embed_with_its_own_checkbox_has_no_serious_violations(live_app, axe_page, lang):
    app, base = live_app
    _snippet, key = add_partner(app)
    axe_page.goto(f"{base}/p/{SLUG}/embed?partner={key}&lang={lang}")
    assert axe_page.get_by_role("checkbox").count() == 2  # the organization's and the partner's
    assert serious_violations(axe_page) == []
    assert axe_page.get_by_label("Mijente may email me about its campaigns.").is_visible()


@pytest.mark.parametrize("width", [320, 1280])
def test_embed_with_errors_is_announced_and_has_no_serious_violations(live_app, chromium, width):
    _app, base = live_app
    context = chromium.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/p/{SLUG}/embed")
        page.get_by_label("Email", exact=True).fill("not-an-address")
        page.get_by_role("button", name="Sign the petition").click()
        page.wait_for_load_state()
        email = page.get_by_label("Email", exact=True)
        assert email.get_attribute("aria-invalid") == "true"
        described = email.get_attribute("aria-describedby")
        assert page.locator(f"#{described}").inner_text() == "Please enter a valid email address."
        assert page.get_by_role("alert").count() == 1
        assert page.evaluate("document.activeElement.id") == "first_name"  # the first error
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert serious_violations(page) == []
    finally:
        context.close()


def test_the_scan_does_catch_violations(partner_site, axe_page):
    # Guards the guard: a page with an unlabelled field and grey-on-grey text must fail.
    url = partner_site(
        "/bad",
        '<html><body><p style="color:#aaa;background:#bbb">Faint</p>'
        '<form><input name="x"></form></body></html>',
    )
    axe_page.goto(url)
    found = " ".join(serious_violations(axe_page))
    assert "color-contrast" in found
    assert "label" in found


def test_rate_limit_page_has_no_serious_violations(live_app, axe_page):
    app, base = live_app
    app.config["SIGN_RATE_LIMITS"] = "1 per minute"
    for email in ("one@example.org", "two@example.org"):
        axe_page.goto(f"{base}/p/{SLUG}/embed")
        axe_page.get_by_label("First name", exact=True).fill("Sam")
        axe_page.get_by_label("Last name", exact=True).fill("Lee")
        axe_page.get_by_label("Email", exact=True).fill(email)
        axe_page.get_by_label("ZIP or postal code").fill("60608")
        axe_page.get_by_role("button", name="Sign the petition").click()
        axe_page.wait_for_load_state()
    axe_page.get_by_text("Many people are signing right now").wait_for()
    assert serious_violations(axe_page) == []


@pytest.mark.parametrize("path", [f"/p/{SLUG}", f"/p/{SLUG}/embed"])
def test_page_is_usable_at_320px_without_external_resources(live_app, chromium, path):
    _app, base = live_app
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(base + path, wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.get_by_role("button", name="Sign the petition").wait_for()
    finally:
        context.close()
    assert requested and all(url.startswith((base + "/", "data:")) for url in requested), requested
