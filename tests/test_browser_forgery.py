"""A hostile page in Chromium cannot make its visitors sign; the real embed still signs."""

import urllib.request

import pytest
from conftest import SLUG, TOKEN_RE, add_partner
from test_browser_embed import fill_and_sign, partner_html, signatures, widget_frame

pytest_plugins = ["browser_fixtures"]


def collected_token(base):
    """Return a form token fetched with a plain GET, as an attacker's server collects one."""
    with urllib.request.urlopen(f"{base}/p/{SLUG}/embed", timeout=10) as response:
        return TOKEN_RE.search(response.read().decode()).group(1)


def hostile_html(action, token, target):
    """Return a page that hides its referrer and auto-submits a signature in any name."""
    fields = {
        "first_name": "Forged",
        "last_name": "Name",
        "email": "victim@example.org",
        "postal_code": "60608",
        "csrf_token": token,
    }
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<title>Free prize</title></head><body>
<iframe name="hidden" title="x"></iframe>
<form id="forged" method="post" action="{action}" target="{target}">{inputs}</form>
<script>document.getElementById("forged").submit();</script>
</body></html>"""


@pytest.mark.parametrize("target", ["_self", "hidden"])
def test_hostile_page_with_no_referrer_stores_nothing_and_the_real_embed_signs(
    live_app, partner_site, browser_page, target
):
    app, base = live_app
    page = browser_page
    action = f"{base}/p/{SLUG}/embed"
    page.goto(partner_site("/prize", hostile_html(action, collected_token(base), target)))
    # The post reached the service and came back refused, in the page or in its frame.
    answered = page if target == "_self" else page.frame_locator("iframe[name=hidden]")
    answered.get_by_text("own page").wait_for()
    assert signatures(app) == []

    snippet, _key = add_partner(app)
    page.goto(partner_site("/act", partner_html(snippet)))
    page.locator("a.petition-widget").wait_for(state="hidden")
    fill_and_sign(widget_frame(page), "ana@example.org")
    [row] = signatures(app)
    assert (row["email"], row["status"], row["partner"]) == (
        "ana@example.org",
        "counted",
        "mijente",
    )
