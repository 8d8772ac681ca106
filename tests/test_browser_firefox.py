"""Debian's Firefox ESR, third-party cookies blocked, signs in the widget on a partner's site."""

import json
import subprocess

from conftest import ROOT, SLUG, add_partner
from test_browser_embed import partner_html, signatures

pytest_plugins = ["browser_fixtures"]

SCRIPT = ROOT / "tests" / "firefox_sign.mjs"  # puppeteer-core over WebDriver BiDi (npm ci)


def test_firefox_signs_inside_a_cross_site_iframe_that_resizes(live_app, partner_site):
    app, base = live_app
    snippet, key = add_partner(app)
    widget_link = 'class="petition-widget"'
    snippet = snippet.replace(widget_link, f'{widget_link} data-source="firefox"')
    url = partner_site("/act", partner_html(snippet))
    run = subprocess.run(
        ["node", SCRIPT, url, "zoe@example.org"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert "Firefox/" in seen["userAgent"]
    assert seen["frameUrl"].startswith(f"{base}/p/{SLUG}/embed?")
    # The frame is on another site and Firefox blocks its cookies: the widget needs none.
    assert seen["cookie"] == ""
    # The frame fits its content at every width: taller on a phone, then the thank-you.
    assert seen["narrowHeight"] > seen["wideHeight"] > 200
    assert seen["pageFitsWidth"]
    assert seen["thanks"] == "Thank you for signing"
    assert seen["thanksHeight"] < seen["narrowHeight"]
    assert seen["signed"] == [{"slug": SLUG, "partner": key}]
    assert seen["errors"] == []
    [row] = signatures(app)
    assert (row["email"], row["partner"], row["source"], row["referrer"]) == (
        "zoe@example.org",
        "mijente",
        "firefox",
        partner_site.origin,
    )
