"""A real Chromium shares from the widget in a partner's page, and a friend signs through it."""

import os
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import SLUG, add_partner
from test_browser_a11y import AXE_OPTIONS
from test_browser_embed import fill_and_sign, partner_html, widget_frame

from widget.store.db import get_db

pytest_plugins = ["browser_fixtures"]

# Screenshots to look at by hand land here when SHARE_SCREENSHOTS names a folder.
SHOTS = os.environ.get("SHARE_SCREENSHOTS")


def recorded_context(chromium, width):
    """Return a context that may use the clipboard, and the list of every URL it requests."""
    context = chromium.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    return context, requested


def origins(urls):
    return {"{0.scheme}://{0.netloc}".format(urlsplit(url)) for url in urls}


def test_copy_the_link_in_a_partners_embed_and_a_friend_signs_through_it(
    live_app, partner_site, chromium
):
    app, base = live_app
    snippet, key = add_partner(app)
    context, requested = recorded_context(chromium, 320)
    try:
        page = context.new_page()
        page.goto(partner_site("/act", partner_html(snippet)))
        page.locator("a.petition-widget").wait_for(state="hidden")
        assert page.locator("iframe").get_attribute("allow") == "clipboard-write; web-share"
        frame = widget_frame(page)
        fill_and_sign(frame, "ana@example.org")
        frame.get_by_role("button", name="Copy link").click()
        frame.get_by_role("status").filter(has_text="Link copied.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/embed-thanks-320.png", full_page=True)
    finally:
        context.close()
    assert copied.startswith(f"{base}/p/{SLUG}?partner={key}&source=share-copy&ref=")
    assert origins(requested) == {base, partner_site.origin}

    friend, friend_requested = recorded_context(chromium, 320)
    try:
        page = friend.new_page()
        page.goto(copied)
        fill_and_sign(page, "luis@example.org", first="Luis")
    finally:
        friend.close()
    assert origins(friend_requested) == {base}
    with app.app_context():
        first, second = get_db().query("SELECT * FROM signatures ORDER BY id")
    assert (second["source"], second["referred_by"]) == ("share-copy", first["id"])
    assert second["partner_id"] == first["partner_id"] is not None  # the partner keeps credit


def test_sharing_works_with_the_keyboard_alone(live_app, chromium):
    _app, base = live_app
    context, _requested = recorded_context(chromium, 1280)
    try:
        page = context.new_page()
        page.goto(f"{base}/p/{SLUG}/thanks?ref={'K' * 16}")
        reached = []
        for _ in range(40):
            page.keyboard.press("Tab")
            reached.append(page.evaluate("document.activeElement.textContent.trim()"))
            if reached[-1] == "Copy link":
                break
        assert {"WhatsApp", "Facebook", "X", "Bluesky", "Telegram", "Email"} <= set(reached)
        page.keyboard.press("Enter")
        page.get_by_role("status").filter(has_text="Link copied.").wait_for()
        assert page.evaluate("document.activeElement.id") == "share-copy"  # still in place
        copied = page.evaluate("navigator.clipboard.readText()")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/thanks-1280.png", full_page=True)
    finally:
        context.close()
    assert copied == f"{base}/p/{SLUG}?source=share-copy&ref={'K' * 16}"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("path", [f"/p/{SLUG}/thanks", f"/p/{SLUG}/embed/thanks"])
def test_thank_you_page_with_its_share_step_passes_axe(live_app, chromium, path, lang):
    _app, base = live_app
    context = chromium.new_context(bypass_csp=True, viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{base}{path}?lang={lang}&ref={'A' * 16}")
        page.get_by_role(
            "button", name="Copy link" if lang == "en" else "Copiar el enlace"
        ).wait_for()
        assert page.evaluate("document.documentElement.lang") == lang
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    finally:
        context.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []
