"""Framing and cookie rules: embed routes frameable and cookie-free, others deny framing."""

import pytest
from conftest import SLUG

EMBED_URLS = [f"/p/{SLUG}/embed", f"/p/{SLUG}/embed/thanks", f"/p/{SLUG}/embed?source=x"]
OTHER_URLS = [
    "/",
    f"/p/{SLUG}",
    f"/p/{SLUG}/thanks",
    f"/p/{SLUG}/share",
    "/healthz",
    f"/p/{SLUG}/count.json",
    "/p/nope",
]


@pytest.mark.parametrize("url", EMBED_URLS)
def test_embed_routes_may_be_framed_by_any_site_and_set_no_cookie(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", OTHER_URLS)
def test_other_routes_deny_framing(client, url):
    response = client.get(url)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers


def test_signing_in_the_embed_sets_no_cookie_anywhere(client, sign):
    response = sign(url=f"/p/{SLUG}/embed")
    assert response.status_code == 303
    assert "Set-Cookie" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    thanks = client.get(response.headers["Location"])
    assert "Set-Cookie" not in thanks.headers
    assert "frame-ancestors *" in thanks.headers["Content-Security-Policy"]


def test_embed_errors_stay_frameable_and_compact(client, sign):
    response = sign(url=f"/p/{SLUG}/embed", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert 'class="embed"' in response.get_data(as_text=True)


def test_inline_style_carries_the_response_nonce(client):
    response = client.get(f"/p/{SLUG}/embed")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in response.get_data(as_text=True)


def test_sessions_are_off_so_no_code_can_set_a_cookie(app):
    from flask import session

    with app.test_request_context("/"), pytest.raises(RuntimeError):
        session["anything"] = 1


def test_responses_without_inline_code_allow_none(client):
    csp = client.get(f"/p/{SLUG}/count.json").headers["Content-Security-Policy"]
    assert "nonce-" not in csp
    assert "script-src 'self';" in csp
