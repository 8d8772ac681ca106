"""Partners: signed keys, their opt-in, attribution, framing, exports and export links."""

import csv
import io
import re
import time

import pytest
from conftest import SLUG, add_partner, table_counts

from widget.keys import serializer
from widget.partners.export_links import EXPORT_SALT
from widget.partners.links import link_token
from widget.partners.records import get_partner


@pytest.fixture
def partner_key(app):
    """Add Mijente as a partner and return the key its snippet carries."""
    return add_partner(app)[1]


def test_snippet_is_the_documented_shape_with_a_real_key(runner, partner_key):
    output = runner.invoke(args=["partner", "snippet", "mijente", SLUG]).output
    assert (
        f'<a class="petition-widget" href="http://127.0.0.1:5000/p/{SLUG}" '
        f'data-partner="{partner_key}">Sign: Tell the Chicago City Council'
    ) in output
    assert '<script async src="http://127.0.0.1:5000/static/embed.js"></script>' in output
    assert f'<iframe src="http://127.0.0.1:5000/p/{SLUG}/embed?partner={partner_key}"' in output


def test_partner_embed_shows_a_separate_unticked_optin_and_stores_both_consents(
    client, db, sign, partner_key
):
    html = client.get(f"/p/{SLUG}/embed?partner={partner_key}").get_data(as_text=True)
    assert 'name="optin_partner"' in html
    assert "Mijente may email me about its campaigns." in html
    assert re.search(r'<input[^>]*name="optin_partner"[^>]*>', html).group(0).count("checked") == 0
    response = sign(
        url=f"/p/{SLUG}/embed", query=f"?partner={partner_key}&source=fb", optin_partner="y"
    )
    assert response.status_code == 303
    assert f"partner={partner_key}" in response.headers["Location"]
    row = next(
        db.query(
            "SELECT s.*, p.slug AS partner FROM signatures s JOIN partners p ON p.id = s.partner_id"
        )
    )
    assert (row["partner"], row["source"], row["optin_partner"], row["optin_org"]) == (
        "mijente",
        "fb",
        1,
        0,
    )
    assert row["consent_text"] == (
        "You'll receive periodic updates on offers and activism opportunities.\n"
        "Mijente may email me about its campaigns."
    )


def test_without_partner_there_is_no_partner_optin(client, sign, db):
    assert 'name="optin_partner"' not in client.get(f"/p/{SLUG}/embed").get_data(as_text=True)
    sign(url=f"/p/{SLUG}/embed", optin_partner="y")
    assert next(db.query("SELECT optin_partner FROM signatures"))["optin_partner"] == 0


@pytest.mark.parametrize("key", ["mijente", "Im1pamVudGUi.forged", "x" * 500, ""])
def test_forged_or_unknown_partner_key_signs_as_no_partner(client, db, sign, partner_key, key):
    html = client.get(f"/p/{SLUG}/embed?partner={key}").get_data(as_text=True)
    assert "Mijente may email me" not in html
    response = sign(url=f"/p/{SLUG}/embed", query=f"?partner={key}")
    assert response.status_code == 303
    assert "partner=" not in response.headers["Location"]
    assert next(db.query("SELECT partner_id FROM signatures"))["partner_id"] is None


def test_partner_with_origins_narrows_frame_ancestors(client, runner, partner_key):
    runner.invoke(
        args=[
            "partner",
            "add",
            "mijente",
            "--name",
            "Mijente",
            "--origin",
            "https://mijente.net",
            "--origin",
            "http://127.0.0.2:8000",
        ]
    )
    response = client.get(f"/p/{SLUG}/embed?partner={partner_key}")
    assert (
        "frame-ancestors https://mijente.net http://127.0.0.2:8000"
        in (response.headers["Content-Security-Policy"])
    )
    assert "frame-ancestors *" in client.get(f"/p/{SLUG}/embed").headers["Content-Security-Policy"]


def test_partner_add_refuses_a_bad_origin(runner):
    result = runner.invoke(args=["partner", "add", "x", "--name", "X", "--origin", "mijente.net"])
    assert result.exit_code != 0
    assert "is not like https://example.org" in result.output


def sign_three(sign, partner_key):
    sign(
        url=f"/p/{SLUG}/embed",
        query=f"?partner={partner_key}",
        email="in@example.org",
        optin_partner="y",
    )
    sign(
        url=f"/p/{SLUG}/embed", query=f"?partner={partner_key}&source=ig", email="quiet@example.org"
    )
    sign(url=f"/p/{SLUG}/embed", email="direct@example.org", optin_org="y")


def test_partner_export_has_only_its_opted_in_signers(runner, sign, partner_key):
    sign_three(sign, partner_key)
    result = runner.invoke(args=["export", SLUG, "--kind", "partner", "--partner", "mijente"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["email"] for row in rows] == ["in@example.org"]
    assert "Mijente may email me" in rows[0]["consent_text"]


def test_partner_totals_view_and_petition_list(runner, db, sign, partner_key):
    sign_three(sign, partner_key)
    totals = list(
        db.query(
            "SELECT partner, source, signatures, partner_optins "
            "FROM partner_totals ORDER BY partner, source"
        )
    )
    assert totals == [
        {"partner": "", "source": "", "signatures": 1, "partner_optins": 0},
        {"partner": "mijente", "source": "", "signatures": 1, "partner_optins": 1},
        {"partner": "mijente", "source": "ig", "signatures": 1, "partner_optins": 0},
    ]
    output = runner.invoke(args=["petition", "list"]).output
    assert "  partner mijente, source ig: 1" in output
    assert "  no partner: 1" in output


def export_path(runner, *extra):
    link = runner.invoke(args=["partner", "export-link", "mijente", SLUG, *extra]).output.strip()
    assert link.startswith("http://127.0.0.1:5000/exports/")
    return link.removeprefix("http://127.0.0.1:5000")


def test_export_link_downloads_the_partner_csv_unframed_and_uncached(
    client, runner, sign, partner_key
):
    sign_three(sign, partner_key)
    response = client.get(export_path(runner, "--days", "7"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["email"] for row in rows] == ["in@example.org"]


def test_tampered_or_expired_export_link_is_refused(app, client, runner, db, partner_key):
    path = export_path(runner)
    token = path.split("/")[-1].removesuffix(".csv")
    tampered = client.get(f"/exports/{token[:-3]}abc.csv")
    assert tampered.status_code == 404
    assert "not valid" in tampered.get_data(as_text=True)
    with app.app_context():
        expired = link_token(EXPORT_SALT, get_partner("mijente"), -1, petition=SLUG)
    assert client.get(f"/exports/{expired}.csv").status_code == 410
    with app.app_context():
        claims = {"partner": 99, "version": 1, "expires": int(time.time()) + 60, "petition": SLUG}
        other = serializer(EXPORT_SALT).dumps(claims)
    assert client.get(f"/exports/{other}.csv").status_code == 404
    before = table_counts(db)
    assert table_counts(db) == before
