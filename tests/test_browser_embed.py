"""A real Chromium embeds the widget in a partner page on another site and signs in it."""

import re
import time

import pytest
from conftest import SLUG, add_partner

from widget.store.db import get_db

pytest_plugins = ["browser_fixtures"]

ARTIFACTS = "screenshots"


def partner_html(snippet, extra=""):
    """Return a partner's page with the snippet pasted in and a listener for conversions."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Mijente</title>
<style>body{{font-family:sans-serif;margin:0 auto;max-width:60rem;padding:1rem}}</style></head>
<body><h1>Chicago: protect all immigrants</h1><p>Our partner page, with the widget below.</p>
{snippet}
{extra}
<p>Footer of the partner page.</p>
<script>window.signed = [];
document.addEventListener("petition-widget:signed",
  function (e) {{ window.signed.push(e.detail); }});
</script></body></html>"""


def signatures(app):
    with app.app_context():
        return list(
            get_db().query(
                "SELECT s.*, p.slug AS partner FROM signatures s "
                "LEFT JOIN partners p ON p.id = s.partner_id ORDER BY s.id"
            )
        )


def fill_and_sign(frame, email, first="Ana", optin_partner=False, submit_by_enter=False):
    frame.get_by_label("First name", exact=True).fill(first)
    frame.get_by_label("Last name", exact=True).fill("García")
    frame.get_by_label("Email", exact=True).fill(email)
    frame.get_by_label("ZIP or postal code", exact=True).fill("60608")
    if optin_partner:
        frame.get_by_label("Mijente may email me about its campaigns.").check()
    if submit_by_enter:  # the phone keyboard's "Go" key
        frame.get_by_label("ZIP or postal code").press("Enter")
    else:
        frame.get_by_role("button", name="Sign the petition").click()
    frame.get_by_role("heading", name="Thank you for signing").wait_for()


def widget_frame(page, index=0):
    """Return the Playwright frame of the index-th widget iframe once it has loaded."""
    handle = page.locator("iframe").nth(index).element_handle()
    frame = handle.content_frame()
    frame.wait_for_load_state()
    return frame


MIN_HEIGHT, MAX_HEIGHT = 120, 5000  # embed.js's clamps


def frame_height(page, index=0):
    """Return the index-th widget iframe's height on the host page, in CSS pixels."""
    return page.locator("iframe").nth(index).evaluate("f => f.getBoundingClientRect().height")


def assert_frame_fits_content(page, index=0):
    """Wait until the index-th iframe is as tall as its content (within 2 px); return it."""
    frame = widget_frame(page, index)
    deadline = time.monotonic() + 10
    while True:
        content = frame.evaluate("document.documentElement.getBoundingClientRect().height")
        height = frame_height(page, index)
        if abs(height - min(MAX_HEIGHT, max(MIN_HEIGHT, content))) <= 2:
            return height
        assert time.monotonic() < deadline, f"the frame is {height} px, its content {content} px"
        page.wait_for_timeout(50)  # a poll interval: the condition is checked again


def assert_fits_without_scrollbar(page, index=0):
    frame = widget_frame(page, index)
    frame.wait_for_function("document.documentElement.scrollHeight <= window.innerHeight")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_sign_inside_cross_site_iframe_with_partner_source_and_referrer(
    live_app, partner_site, browser_page
):
    app, base = live_app
    snippet, key = add_partner(app)
    snippet = snippet.replace('"petition-widget"', '"petition-widget" data-source="newsletter"')
    page = browser_page
    page.goto(partner_site("/act", partner_html(snippet)))
    page.locator("a.petition-widget").wait_for(state="hidden")  # the widget said it is ready
    frame = widget_frame(page)
    assert frame.url.startswith(f"{base}/p/{SLUG}/embed?")
    assert page.locator("iframe").get_attribute("title").startswith("Sign: Tell the Chicago")
    # The frame is on another site: it cannot keep cookies, and the widget needs none.
    assert frame.evaluate("document.cookie = 'probe=1'; document.cookie") == ""
    assert_fits_without_scrollbar(page)
    form_height = assert_frame_fits_content(page)
    fill_and_sign(frame, "ana@example.org", optin_partner=True)
    page.wait_for_function("window.signed.length === 1")
    assert page.evaluate("window.signed") == [{"slug": SLUG, "partner": key}]
    assert_fits_without_scrollbar(page)
    assert assert_frame_fits_content(page) < form_height  # the thank-you page is shorter
    [row] = signatures(app)
    assert (row["partner"], row["source"], row["referrer"]) == (
        "mijente",
        "newsletter",
        partner_site.origin,
    )
    assert row["optin_partner"] == 1
    assert page.console_errors == []


def test_two_widgets_on_one_page_size_and_sign_independently(live_app, partner_site, browser_page):
    app, base = live_app
    snippet, _key = add_partner(app)
    second = snippet.replace('"petition-widget"', '"petition-widget" data-source="second"')
    page = browser_page
    page.goto(partner_site("/two", partner_html(snippet + "\n<hr>\n" + second)))
    page.wait_for_function("document.querySelectorAll('iframe').length === 2")
    page.locator("a.petition-widget").first.wait_for(state="hidden")
    page.locator("a.petition-widget").last.wait_for(state="hidden")
    for index in (0, 1):
        assert_fits_without_scrollbar(page, index)
    # Enter, not a click: a click's coordinates go stale if the other widget resizes meanwhile.
    fill_and_sign(widget_frame(page, 1), "second@example.org", submit_by_enter=True)
    fill_and_sign(widget_frame(page, 0), "first@example.org", submit_by_enter=True)
    page.wait_for_function("window.signed.length === 2")
    for index in (0, 1):
        assert_frame_fits_content(page, index)
    assert [(row["email"], row["source"]) for row in signatures(app)] == [
        ("second@example.org", "second"),
        ("first@example.org", ""),
    ]


def test_without_javascript_the_link_leads_to_the_full_page_and_credits_the_partner(
    live_app, partner_site, chromium
):
    app, base = live_app
    snippet, key = add_partner(app)
    snippet = snippet.replace(f"partner={key}", f"partner={key}&amp;source=nojs")
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(partner_site("/nojs", partner_html(snippet)))
        assert page.locator("iframe").count() == 0
        page.get_by_role("link", name=re.compile("^Sign: Tell the Chicago")).click()
        page.wait_for_url(f"{base}/p/{SLUG}?partner={key}&source=nojs")
        fill_and_sign(page, "nojs@example.org", optin_partner=True)
    finally:
        context.close()
    [row] = signatures(app)
    assert (row["email"], row["partner"], row["source"], row["optin_partner"]) == (
        "nojs@example.org",
        "mijente",
        "nojs",
        1,
    )
    # The browser's Referer named the partner's page: its origin is the referrer.
    assert row["referrer"] == partner_site.origin


def test_forged_partner_key_signs_as_no_partner(live_app, partner_site, browser_page):
    app, base = live_app
    snippet, key = add_partner(app)
    forged = snippet.replace(key, "Im1pamVudGUi.forgedsignature")
    page = browser_page
    page.goto(partner_site("/forged", partner_html(forged)))
    frame = widget_frame(page)
    assert frame.get_by_label("Mijente may email me about its campaigns.").count() == 0
    fill_and_sign(frame, "forged@example.org")
    [row] = signatures(app)
    assert row["partner_id"] is None


FAKE_MESSAGES = """
  parent.postMessage({type: "petition-widget", event: "height", height: 4321}, "*");
  parent.postMessage({type: "petition-widget", event: "signed"}, "*");
"""


def test_messages_from_another_origin_change_nothing(
    live_app, partner_site, third_site, browser_page
):
    app, base = live_app
    snippet, _key = add_partner(app)
    # Each fake frame posts a marker after its fake messages: once the marker has arrived,
    # so have they (messages from one window arrive in order).
    rogue = third_site(
        "/rogue",
        f"<script>{FAKE_MESSAGES}"
        'parent.postMessage({type: "marker", from: location.search}, "*");</script>',
    )
    markers = """<script>window.markers = [];
window.addEventListener("message", function (e) {
  if (e.data && e.data.type === "marker") window.markers.push(e.data.from); });</script>"""
    page = browser_page
    page.goto(partner_site("/victim", partner_html(snippet, markers)))
    page.locator("a.petition-widget").wait_for(state="hidden")
    widget = page.locator("iframe").first
    before = frame_height(page)
    # The host page itself, and a frame of a third site.
    page.evaluate(
        """rogue => {
        window.postMessage({type: "petition-widget", event: "height", height: 4321}, "*");
        window.postMessage({type: "petition-widget", event: "signed"}, "*");
        const f = document.createElement("iframe"); f.src = rogue + "?third-site";
        document.body.append(f);
    }""",
        rogue,
    )
    page.wait_for_function("window.markers.includes('?third-site')")
    # A frame on the widget's own origin that is not the widget's frame: only event.source
    # tells it apart.
    page.evaluate(
        """url => {
        const f = document.createElement("iframe"); f.id = "impostor"; f.src = url;
        document.body.append(f);
    }""",
        f"{base}/p/{SLUG}/embed",
    )
    impostor = page.locator("#impostor").element_handle().content_frame()
    impostor.get_by_role("button", name="Sign the petition").wait_for()
    marker = "parent.postMessage({type: 'marker', from: 'own-origin'}, '*');"
    impostor.evaluate(f"() => {{ {FAKE_MESSAGES} {marker} }}")
    page.wait_for_function("window.markers.includes('own-origin')")
    # The widget's own frame, navigated to another site: only event.origin tells it apart.
    widget.evaluate("(f, rogue) => { f.src = rogue + '?in-the-widget-frame'; }", rogue)
    page.wait_for_function("window.markers.includes('?in-the-widget-frame')")
    assert frame_height(page) == before
    assert page.evaluate("window.signed") == []


@pytest.mark.parametrize("width", [320, 1280])
def test_partner_page_screenshot_shows_nothing_clipped(
    live_app, partner_site, chromium, width, tmp_path
):
    app, base = live_app
    snippet, _key = add_partner(app)
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(partner_site("/shot", partner_html(snippet)))
        page.locator("a.petition-widget").wait_for(state="hidden")
        assert_fits_without_scrollbar(page)
        frame = widget_frame(page)
        assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_frame_fits_content(page)
        # The footer after the widget is on the page, below the whole frame.
        footer = page.get_by_text("Footer of the partner page.").bounding_box()
        box = page.locator("iframe").bounding_box()
        assert footer["y"] >= box["y"] + box["height"]
        path = tmp_path / f"partner-{width}.png"
        page.screenshot(path=str(path), full_page=True)  # to look at when it fails
    finally:
        context.close()


def test_keyboard_only_signing(live_app, partner_site, browser_page):
    app, base = live_app
    snippet, _key = add_partner(app)
    page = browser_page
    page.goto(partner_site("/keys", partner_html(snippet)))
    page.locator("a.petition-widget").wait_for(state="hidden")
    frame = widget_frame(page)
    frame.get_by_label("First name", exact=True).wait_for()
    page.keyboard.press("Tab")  # from the page into the widget's first field
    # Focus crosses into another site's frame (another process): wait until it has landed.
    frame.wait_for_function("document.activeElement && document.activeElement.id === 'first_name'")
    for text in ("Kim", "Lee", "kim@example.org", "60601"):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the organization's opt-in
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the partner's opt-in, left unticked
    page.keyboard.press("Enter")
    frame.get_by_role("heading", name="Thank you for signing").wait_for()
    focused = widget_frame(page).evaluate("document.activeElement.id")
    assert focused == "thanks-heading"
    [row] = signatures(app)
    assert (row["first_name"], row["email"], row["optin_org"], row["optin_partner"]) == (
        "Kim",
        "kim@example.org",
        1,
        0,
    )


def test_share_page_shows_copyable_snippets_and_a_live_preview(live_app, browser_page):
    _app, base = live_app
    page = browser_page
    page.goto(f"{base}/p/{SLUG}/share")
    snippet = page.locator("#snippet").input_value()
    assert snippet.startswith(f'<a class="petition-widget" href="{base}/p/{SLUG}">Sign: ')
    page.locator(".preview a.petition-widget").wait_for(state="hidden")
    frame = widget_frame(page)
    frame.get_by_role("button", name="Sign the petition").wait_for()
    page.get_by_role("button", name="Copy the snippet").click()
    page.get_by_role("status").get_by_text("Copied.").wait_for()


def test_rate_limited_signer_sees_a_friendly_page_sized_inside_the_frame(
    live_app, partner_site, browser_page
):
    app, base = live_app
    app.config["SIGN_RATE_LIMITS"] = "1 per minute"
    snippet, _key = add_partner(app)
    page = browser_page
    page.goto(partner_site("/busy", partner_html(snippet)))
    fill_and_sign(widget_frame(page), "first@example.org")
    page.goto(partner_site("/busy", partner_html(snippet)))  # a second signer, same address
    frame = widget_frame(page)
    frame.get_by_label("First name", exact=True).fill("Second")
    frame.get_by_label("Last name", exact=True).fill("Person")
    frame.get_by_label("Email", exact=True).fill("second@example.org")
    frame.get_by_label("ZIP or postal code").fill("60608")
    frame.get_by_role("button", name="Sign the petition").click()
    frame = widget_frame(page)
    frame.get_by_text("Many people are signing right now").wait_for()
    assert "You can try again in" in frame.inner_text("main")
    assert_fits_without_scrollbar(page)
    assert [row["email"] for row in signatures(app)] == ["first@example.org"]


def test_where_the_frame_is_refused_the_link_stays(live_app, partner_site, browser_page):
    app, base = live_app
    # The partner allows framing only on its own site, not on this page's origin.
    snippet, key = add_partner(app, "https://mijente.example")
    page = browser_page
    page.goto(partner_site("/elsewhere", partner_html(snippet)))
    page.locator("iframe").wait_for(state="detached", timeout=15_000)
    link = page.get_by_role("link", name=re.compile("^Sign: Tell the Chicago"))
    assert link.is_visible()
    assert link.get_attribute("href") == f"{base}/p/{SLUG}?partner={key}"


@pytest.mark.parametrize(("asked", "clamped"), [(10, MIN_HEIGHT), (99_999, MAX_HEIGHT)])
def test_heights_the_widget_asks_for_are_clamped(
    live_app, partner_site, browser_page, asked, clamped
):
    app, base = live_app
    snippet, _key = add_partner(app)
    page = browser_page
    page.goto(partner_site("/clamp", partner_html(snippet)))
    page.locator("a.petition-widget").wait_for(state="hidden")
    assert_frame_fits_content(page)
    # Sent from inside the widget's own frame, as its script sends heights.
    widget_frame(page).evaluate(
        "h => parent.postMessage({type: 'petition-widget', event: 'height', height: h}, '*')",
        asked,
    )
    page.wait_for_function(f"document.querySelector('iframe').offsetHeight === {clamped}")
