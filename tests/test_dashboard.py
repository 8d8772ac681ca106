"""Dashboards: a partner's and a petition's, behind signed, expiring, revocable links."""

import re

import pytest
from conftest import SLUG
from test_webhooks import add_partner, sign_as

from widget.partners.dashboard import PARTNER_SALT
from widget.partners.links import link_token
from widget.partners.records import get_partner

LINK_RE = re.compile(r"^http://127\.0\.0\.1:5000(/partners/\S+)$")


def link_path(app, *args):
    result = app.test_cli_runner().invoke(args=[*args])
    assert result.exit_code == 0, result.output
    return LINK_RE.match(result.output.strip()).group(1)


@pytest.fixture
def signed(app, sign):
    """Sign through two partners (one signer of alpha without opt-in) and without any."""
    a_key, _ = add_partner(app, "alpha", "--webhook", "http://127.0.0.1:9/hook")
    b_key, _ = add_partner(app, "beta")
    sign_as(sign, a_key, "ana@example.org")
    sign_as(sign, a_key, "bob@example.org", optin=False)
    sign_as(sign, b_key, "carla@example.org")
    sign_as(sign, None, "dan@example.org")
    return a_key, b_key


def cells(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_partner_sees_only_what_it_brought(app, client, signed):
    page = client.get(link_path(app, "partner", "dashboard-link", "alpha"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = cells(html)
    assert "What Alpha brought" in text
    assert "Counted 2 " in text and "Opt-ins 1 (50%)" in text
    assert " news 2 " in text  # by source
    assert "<svg" in html and 'role="img"' in html
    assert "/exports/" in html  # the CSV download of its opted-in signers
    assert "Webhook" in text and "none yet" in text
    assert "ana@" not in html and "carla" not in text.lower()
    for name, value in {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "X-Robots-Tag": "noindex, nofollow",
    }.items():
        assert page.headers[name] == value
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_the_petition_view_covers_every_partner(app, client, signed):
    html = client.get(link_path(app, "petition", "dashboard-link", SLUG)).get_data(as_text=True)
    text = cells(html)
    assert "All partners" in text and "Counted 4 " in text
    assert " Alpha 2 1 " in text and " Beta 1 1 " in text and "(no partner) 1 0" in text
    assert "/exports/" not in html


def test_a_tampered_or_expired_link_is_refused(app, client, signed):
    path = link_path(app, "partner", "dashboard-link", "alpha")
    assert client.get(path[:-3] + "abc").status_code == 404
    with app.app_context():
        token = link_token(PARTNER_SALT, get_partner("alpha"), days=-1)
    expired = client.get(f"/partners/{token}")
    assert expired.status_code == 410
    assert expired.headers["Cache-Control"] == "no-store"


def test_the_chart_escapes_its_text(app):
    from widget.partners.chart import bar_chart

    svg = bar_chart([("<b>", 1, 2)], 'say "hi" & <script>')
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;b&gt;" in svg and "&#34;hi&#34;" in svg


def test_dashboard_link_refuses_an_unknown_partner(app):
    result = app.test_cli_runner().invoke(args=["partner", "dashboard-link", "nobody"])
    assert result.exit_code == 1 and "no partner 'nobody'" in result.output


def test_revoked_links_and_removed_partners_lose_their_dashboard(app, client, signed):
    runner = app.test_cli_runner()
    old = link_path(app, "partner", "dashboard-link", "alpha")
    assert runner.invoke(args=["partner", "revoke-links", "alpha"]).exit_code == 0
    assert client.get(old).status_code == 404
    new = link_path(app, "partner", "dashboard-link", "alpha")
    assert client.get(new).status_code == 200
    assert runner.invoke(args=["partner", "remove", "alpha"]).exit_code == 0
    assert client.get(new).status_code == 404


def test_a_partner_sees_what_its_signers_shares_brought(app, client, signed, sign):
    a_key, _ = signed
    response = sign(
        url=f"/p/{SLUG}/embed",
        query=f"?partner={a_key}&source=share-whatsapp",
        email="eva@example.org",
    )
    assert response.status_code == 303
    text = cells(client.get(link_path(app, "partner", "dashboard-link", "alpha")).get_data(True))
    # One of Alpha's three counted signatures came through a shared link.
    assert "Through shared links 1 (33%)" in text and " share-whatsapp 1 " in text
