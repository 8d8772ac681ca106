"""Caching: static files live a while with validators; pages with a form token revalidate."""

import re

import pytest
from conftest import ROOT, SLUG, form_token

STATIC_FILES = sorted(p.name for p in (ROOT / "static").iterdir() if p.is_file())


@pytest.mark.parametrize("name", STATIC_FILES)
def test_static_files_are_cacheable_with_validators(client, name):
    with client.get(f"/static/{name}") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == (
            "public, max-age=3600, s-maxage=3600, stale-while-revalidate=86400,"
            " stale-if-error=86400"
        )
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    with client.get(f"/static/{name}", headers={"If-None-Match": etag}) as response:
        assert response.status_code == 304
        assert response.headers["Cache-Control"].startswith("public, max-age=3600")
    with client.get(f"/static/{name}", headers={"If-Modified-Since": modified}) as response:
        assert response.status_code == 304


def test_static_lifetime_is_a_setting(app, client):
    app.config["STATIC_CACHE_SECONDS"] = 60
    with client.get("/static/widget.css") as response:
        cache_control = response.headers["Cache-Control"]
        assert cache_control == (
            "public, max-age=60, s-maxage=60, stale-while-revalidate=1440, stale-if-error=1440"
        )


def test_a_missing_static_file_is_not_cached_for_long(client):
    with client.get("/static/nope.js") as response:
        assert response.status_code == 404
        assert "max-age" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("url", [f"/p/{SLUG}/embed", f"/p/{SLUG}"])
def test_form_pages_revalidate_and_never_reuse_a_token(client, url):
    first = client.get(url)
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Last-Modified" not in first.headers
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200, "a 304 would hand back the first render's token"
    assert again.headers["ETag"] != etag
    assert form_token(again) != form_token(first)


def test_a_form_sent_back_with_errors_is_not_stored(sign):
    response = sign(url=f"/p/{SLUG}/embed", email="not-an-address")
    assert response.status_code == 422
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_the_thanks_page_revalidates(client, sign):
    response = sign(url=f"/p/{SLUG}/embed")
    thanks = client.get(response.headers["Location"])
    assert thanks.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" in thanks.headers


def test_count_json_is_briefly_cacheable_and_revalidates(client, sign):
    url = f"/p/{SLUG}/count.json"
    first = client.get(url)
    # UK petitions' ratios: a CDN may serve it 2x stale while revalidating, 5x if we fail.
    assert first.headers["Cache-Control"] == (
        "public, max-age=5, s-maxage=5, stale-while-revalidate=10, stale-if-error=25"
    )
    etag = first.headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.headers["Access-Control-Allow-Origin"] == "*"
    assert unchanged.headers["Cache-Control"] == first.headers["Cache-Control"]
    sign()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["count"] == first.json["count"] + 1


def test_a_cached_blank_form_follows_the_petition_and_partner(app, client, db, make_petition):
    make_petition(optin_text="Send me news.")
    url = "/p/test-petition/embed"
    assert "Send me news." in client.get(url).get_data(as_text=True)
    make_petition(optin_text="Keep me posted.")
    page = client.get(url).get_data(as_text=True)
    assert "Keep me posted." in page and "Send me news." not in page

    from widget.partners.records import partner_key

    partner = {"slug": "mijente", "name": "Mijente", "optin_text": "Hear from Mijente."}
    db["partners"].insert({**partner, "created_at": "2026-01-01T00:00:00Z"})
    with app.test_request_context():
        key = partner_key({"slug": "mijente"})
    assert "Hear from Mijente." in client.get(f"{url}?partner={key}").get_data(as_text=True)
    assert "Hear from Mijente." not in client.get(url).get_data(as_text=True)


def test_the_cached_progress_bar_follows_the_count(client, sign):
    url = f"/p/{SLUG}/embed"
    assert "0 signatures" in client.get(url).get_data(as_text=True)
    sign()
    page = client.get(url).get_data(as_text=True)
    assert "1 signature " in page or "1 signature<" in page
    assert "0 signatures" not in page


def csp_nonce_of(response):
    """Return the nonce a response's Content-Security-Policy allows."""
    return response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]


@pytest.mark.parametrize("url", [f"/p/{SLUG}/embed", f"/p/{SLUG}", f"/p/{SLUG}/embed/thanks"])
def test_a_cached_page_gets_its_own_nonce_each_time(client, url):
    pages = [client.get(url) for _ in range(3)]
    nonces = [csp_nonce_of(page) for page in pages]
    assert len(set(nonces)) == 3
    for page, nonce in zip(pages, nonces, strict=True):
        html = page.get_data(as_text=True)
        assert f'<style nonce="{nonce}">' in html or f'<script nonce="{nonce}">' in html
        assert "\x00" not in html


def test_each_cached_form_signs_once(client, db, sign):
    url = f"/p/{SLUG}/embed"
    tokens = [form_token(client.get(url)) for _ in range(3)]
    assert len(set(tokens)) == 3
    # The cache puts tokens into its pages unescaped: they must be URL-safe.
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+", token) for token in tokens)
    fields = {"first_name": "Ana", "last_name": "Ruiz", "postal_code": "60608"}
    for n, token in enumerate(tokens):
        data = {**fields, "email": f"cached{n}@example.org", "csrf_token": token}
        assert client.post(url, data=data).status_code == 303
    replay = {**fields, "email": "again@example.org", "csrf_token": tokens[0]}
    assert client.post(url, data=replay).status_code == 400
    assert db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 3


def test_the_cached_thanks_page_follows_the_count(client, sign):
    url = f"/p/{SLUG}/embed/thanks"
    assert "0 signatures" in client.get(url).get_data(as_text=True)
    sign()
    sign(email="second@example.org")
    page = client.get(url).get_data(as_text=True)
    assert "2 signatures" in page and "0 signatures" not in page


def test_a_petition_text_cannot_pose_as_a_cache_slot(client, make_petition):
    from widget.web.page_cache import slot

    token_slot = slot("token")
    # The markers carry a secret of the process; a look-alike is shown as it is.
    look_alike = "Before\x00token\x00, " + token_slot.replace(token_slot[1:9], "00000000")
    make_petition(statement=look_alike)
    for _ in range(2):  # rendered, then from the cache
        html = client.get("/p/test-petition/embed").get_data(as_text=True)
        assert look_alike in html


@pytest.mark.parametrize("url", [f"/p/{SLUG}/embed", f"/p/{SLUG}", f"/p/{SLUG}/embed/thanks"])
def test_a_hand_edit_with_sqlite_shows_at_once(client, db, url):
    assert "Hand-edited title" not in client.get(url).get_data(as_text=True)
    db.execute("UPDATE petitions SET title = 'Hand-edited title' WHERE slug = ?", [SLUG])
    assert "Hand-edited title" in client.get(url).get_data(as_text=True)
    db.execute("UPDATE petitions SET status = 'draft' WHERE slug = ?", [SLUG])
    assert client.get(url).status_code == 404


def test_a_hand_edited_translation_shows_at_once(client, db):
    url = f"/p/{SLUG}/embed?lang=es"
    assert "Título a mano" not in client.get(url).get_data(as_text=True)
    db.execute("UPDATE petition_translations SET title = 'Título a mano' WHERE lang = 'es'")
    assert "Título a mano" in client.get(url).get_data(as_text=True)
