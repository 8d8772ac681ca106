"""Signing end to end through HTTP: stored once, thanked alike, forged tokens refused."""

import re
import time

import pytest
from conftest import SLUG, form_token, table_counts

from widget.signing.tokens import issue_token


def signature_rows(db):
    return list(db.query("SELECT * FROM signatures ORDER BY id"))


def test_signing_stores_one_row_and_counts_it(client, db, sign):
    before = client.get(f"/p/{SLUG}/count.json").json["count"]
    response = sign(optin_org="y")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/p/{SLUG}/thanks?lang=en"
    [row] = signature_rows(db)
    assert (row["first_name"], row["last_name"], row["email"]) == (
        "Ana",
        "García",
        "ana@example.org",
    )
    assert row["email_key"] == "ana@example.org"
    assert row["status"] == "counted"
    assert row["optin_org"] == 1
    assert (
        row["consent_text"]
        == "You'll receive periodic updates on offers and activism opportunities."
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["created_at"])
    assert row["ip_hash"] and "127.0.0.1" not in row["ip_hash"]
    assert client.get(f"/p/{SLUG}/count.json").json["count"] == before + 1
    petition = db.execute("SELECT signature_count FROM petitions WHERE slug = ?", [SLUG]).fetchone()
    assert petition[0] == before + 1


def test_embed_signing_redirects_to_embed_thanks_keeping_context(client, db, sign):
    response = sign(
        url=f"/p/{SLUG}/embed", query="?source=newsletter&origin=https://allies.example"
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/p/{SLUG}/embed/thanks?")
    assert "source=newsletter" in response.headers["Location"]
    thanks = client.get(response.headers["Location"])
    assert "Thank you for signing" in thanks.get_data(as_text=True)
    [row] = signature_rows(db)
    assert (row["source"], row["referrer"]) == ("newsletter", "https://allies.example")


def test_repeat_signer_in_other_case_is_stored_once_and_thanked_identically(client, db, sign):
    first = sign(email="Ana.Lopez@Example.org")
    second = sign(email="ana.lopez@EXAMPLE.ORG")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    page_one = client.get(first.headers["Location"]).get_data()
    page_two = client.get(second.headers["Location"]).get_data()
    assert page_one == page_two
    assert len(signature_rows(db)) == 1
    assert client.get(f"/p/{SLUG}/count.json").json["count"] == 1


def test_replayed_token_changes_nothing(client, db, sign):
    page = client.get(f"/p/{SLUG}")
    token = form_token(page)
    data = {
        "first_name": "A",
        "last_name": "B",
        "email": "a@example.org",
        "postal_code": "60608",
        "csrf_token": token,
    }
    assert client.post(f"/p/{SLUG}", data=data).status_code == 303
    before = table_counts(db)
    replay = client.post(f"/p/{SLUG}", data={**data, "email": "other@example.org"})
    assert replay.status_code == 400
    assert "already sent" in replay.get_data(as_text=True)
    assert table_counts(db) == before
    fresh = form_token(replay)  # signed when the form is shown again, not when it was built
    assert fresh != token
    assert client.post(f"/p/{SLUG}", data={**data, "csrf_token": fresh}).status_code == 303


@pytest.mark.parametrize(
    ("make_token", "message"),
    [
        (lambda app, pid: issue_token(pid, now=time.time() - 2 * 86400), "expired"),
        (lambda app, pid: issue_token(pid)[:-4] + "AAAA", "could not verify"),
        (lambda app, pid: "not-a-token", "could not verify"),
        (lambda app, pid: issue_token(pid + 1000), "another petition"),
        (lambda app, pid: "", "could not verify"),
    ],
    ids=["expired", "forged", "garbage", "other-petition", "missing"],
)
def test_bad_tokens_are_refused_with_a_message(app, client, db, make_token, message):
    petition_id = db.execute("SELECT id FROM petitions WHERE slug = ?", [SLUG]).fetchone()[0]
    with app.app_context():
        token = make_token(app, petition_id)
    before = table_counts(db)
    response = client.post(
        f"/p/{SLUG}",
        data={
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.org",
            "postal_code": "60608",
            "csrf_token": token,
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert table_counts(db) == before


def test_form_sent_faster_than_minimum_fill_time_is_refused(app, client, db, sign):
    app.config["MIN_FILL_SECONDS"] = 60
    before = table_counts(db)
    response = sign()
    assert response.status_code == 400
    assert "quicker than we expected" in response.get_data(as_text=True)
    assert table_counts(db) == before


def test_post_from_another_origin_is_refused(client, db, sign):
    before = table_counts(db)
    response = sign(headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "own page" in response.get_data(as_text=True)
    assert table_counts(db) == before


def fetch_metadata(site, origin=None, dest="iframe", mode="navigate"):
    """Return the headers a browser sends with a form post from a page of this site."""
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode, "Sec-Fetch-Dest": dest}
    return headers | ({"Origin": origin} if origin else {})


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost"},  # an old browser: no Fetch Metadata
        {},  # an old browser that sends neither header
        fetch_metadata("same-origin", "http://localhost"),  # our frame in a partner page
        fetch_metadata("same-origin", "http://localhost", dest="document"),  # the full page
        fetch_metadata("same-origin", "null"),  # our own page with no-referrer
        fetch_metadata("none", dest="document"),  # a reload the user started
    ],
)
def test_post_from_our_own_pages_or_an_old_browser_is_accepted(sign, headers):
    assert sign(headers=headers).status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},  # no Fetch Metadata: null proves nothing
        fetch_metadata("cross-site", "null"),  # a hostile page with no-referrer
        fetch_metadata("cross-site", "http://localhost"),  # whatever its Origin
        fetch_metadata("cross-site"),
        fetch_metadata("same-site", "http://other.localhost"),
        fetch_metadata("same-origin", "https://evil.example"),
        fetch_metadata("same-origin", "null", mode="cors", dest="empty"),  # not our form
    ],
)
def test_post_that_no_page_of_ours_sent_is_refused(db, sign, headers):
    before = table_counts(db)
    response = sign(headers=headers)
    assert response.status_code == 403
    assert "own page" in response.get_data(as_text=True)
    assert table_counts(db) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"first_name": ""}, "Please enter your first name."),
        ({"last_name": "   "}, "Please enter your last name."),
        ({"email": "not-an-address"}, "Please enter a valid email address."),
        ({"email": None}, "Please enter your email address."),
        ({"postal_code": "<script>"}, "Please enter a valid ZIP or postal code."),
        ({"first_name": "x" * 101}, "Please shorten your first name to 100 characters."),
        ({"last_name": "Bad\x07Bell"}, "Please remove the unusual characters."),
        ({"first_name": "Ana\u202eevil"}, "Please remove the unusual characters."),
    ],
)
def test_invalid_fields_get_a_message_next_to_them_and_store_nothing(db, sign, fields, message):
    before = table_counts(db)
    response = sign(**fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message.replace("'", "&#39;") in html
    assert 'aria-invalid="true"' in html
    assert table_counts(db) == before


def test_names_are_trimmed_and_unicode_normalized(db, sign):
    assert sign(first_name="  Jose\u0301  ", last_name="Nguyễn").status_code == 303
    [row] = signature_rows(db)
    assert row["first_name"] == "Jos\u00e9"
    assert row["last_name"] == "Nguyễn"


def test_closed_petition_shows_final_count_and_takes_no_signature(client, db, make_petition):
    make_petition(slug="over", title="Over", status="closed")
    page = client.get("/p/over").get_data(as_text=True)
    assert "This petition is closed" in page
    assert "<form" not in page
    response = client.post("/p/over", data={"first_name": "A"})
    assert response.status_code == 409
    assert table_counts(db)["signatures"] == 0
