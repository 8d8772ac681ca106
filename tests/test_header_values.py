"""Values that reach a header or the database are matched whole; every embed answer is framed."""

import sqlite3

import pytest
from conftest import SLUG, add_partner, table_counts

from widget.partners.records import ORIGIN_RE
from widget.petitions.files import LANG_RE, SLUG_RE

EMBED = f"/p/{SLUG}/embed"


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        (ORIGIN_RE, "https://a.example\n"),
        (SLUG_RE, "a-slug\n"),
        (LANG_RE, "es\n"),
    ],
)
def test_a_trailing_newline_matches_no_pattern_even_with_match(pattern, value):
    assert pattern.fullmatch(value) is None
    assert pattern.match(value) is None  # in case another module calls .match


def test_partner_add_refuses_an_origin_with_a_trailing_newline(runner, db):
    before = table_counts(db)
    args = ["partner", "add", "x", "--name", "X", "--origin", "https://x.example\n"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "is not like https://example.org" in result.output
    assert runner.invoke(args=["partner", "add", "x\n", "--name", "X"]).exit_code != 0
    assert table_counts(db) == before


def test_an_origin_with_a_newline_is_not_stored_as_the_referrer(db, sign):
    response = sign(url=EMBED, query="?origin=https://a.example%0A")
    assert response.status_code == 303
    assert "origin=" not in response.headers["Location"]
    [row] = db.query("SELECT referrer FROM signatures")
    assert row["referrer"] == ""


def test_a_partner_origin_garbled_by_hand_never_reaches_the_header(app, client, db):
    _snippet, key = add_partner(app, "https://mijente.net")
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        conn.execute("UPDATE partners SET origins = 'https://mijente.net\nX: y https://ok.example'")
    conn.close()
    response = client.get(f"{EMBED}?partner={key}")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors https://mijente.net https://ok.example")  # not X: y


def test_a_partners_429_carries_its_frame_ancestors(app, client, sign):
    # No db fixture: an app context kept pushed would carry g from the form's GET to the POST.
    app.config["SIGN_RATE_LIMITS"] = "1 per minute"
    _snippet, key = add_partner(app, "https://mijente.net")
    query = f"?partner={key}"
    assert sign(url=EMBED, query=query, email="a@example.org").status_code == 303
    response = sign(url=EMBED, query=query, email="b@example.org")
    assert response.status_code == 429
    assert response.headers["Content-Security-Policy"].endswith(
        "frame-ancestors https://mijente.net"
    )
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("url", ["/p/nowhere/embed", "/p/nowhere/embed/thanks"])
def test_a_partners_404_in_the_embed_carries_its_frame_ancestors(app, client, url):
    _snippet, key = add_partner(app, "https://mijente.net")
    response = client.get(f"{url}?partner={key}")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"].endswith(
        "frame-ancestors https://mijente.net"
    )
