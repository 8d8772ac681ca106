"""Spam defences: the honeypot, signatures flagged as automated, and logs without personal data."""

import re

import pytest
from conftest import BROWSER_HEADERS, SLUG, table_counts, without_ref

from widget.store.db import get_db

FIREFOX = BROWSER_HEADERS["User-Agent"]


def signature_statuses(db):
    return [row[0] for row in db.execute("SELECT status FROM signatures ORDER BY id")]


def test_honeypot_is_hidden_from_people_and_assistive_technology(client, app):
    html = client.get(f"/p/{SLUG}/embed").get_data(as_text=True)
    assert (
        '<div class="hp" aria-hidden="true"><label for="website">Leave this field empty</label>'
        in html
    )
    field = re.search(r'<input [^>]*name="website"[^>]*>', html).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert "required" not in field
    css = (app.static_folder + "/widget.css").replace("\\", "/")
    with open(css, encoding="utf-8") as stylesheet:
        assert ".hp{position:absolute!important;left:-10000px" in stylesheet.read()


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_stored(db, sign, caplog):
    before = table_counts(db)
    trapped = sign(website="http://cheap-pills.example", email="bot@example.org")
    assert table_counts(db) == before
    human = sign(email="human@example.org")
    assert trapped.status_code == human.status_code == 303
    assert without_ref(trapped.headers["Location"]) == without_ref(human.headers["Location"])
    assert "honeypot" in caplog.text


@pytest.mark.parametrize(
    ("headers", "signals"),
    [
        ({"User-Agent": ""}, "no-user-agent"),
        ({"User-Agent": "curl/8.5.0"}, "tool-user-agent"),
        ({"User-Agent": "python-requests/2.32.3"}, "tool-user-agent"),
        ({"User-Agent": "Go-http-client/1.1"}, "tool-user-agent"),
        ({"Accept-Language": ""}, "no-accept-language"),
        ({"User-Agent": "", "Accept-Language": ""}, "no-user-agent,no-accept-language"),
    ],
)
def test_what_looks_automated_is_stored_as_suspect_and_not_counted(
    client, db, sign, caplog, headers, signals
):
    before = table_counts(db)
    response = sign(headers=headers, email="maybe-bot@example.org")
    assert response.status_code == 303  # thanked like anyone: never tell a bot what gave it away
    assert signature_statuses(db) == ["suspect"]
    assert table_counts(db)["signature_count"] == before["signature_count"]
    assert f"flagged-suspect signals={signals}" in caplog.text


@pytest.mark.parametrize(
    "agent",
    [
        FIREFOX,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
    ],
)
def test_browsers_are_counted(db, sign, agent):
    assert sign(headers={"User-Agent": agent}).status_code == 303
    assert signature_statuses(db) == ["counted"]


def test_refusals_are_logged_with_a_reason_and_no_personal_data(client, db, sign, caplog):
    sign(email="logged@example.org", first_name="Private", last_name="Person")
    sign(email="logged@example.org", headers={"Origin": "https://evil.example"})
    sign(email="logged@example.org", first_name="")
    sign(email="logged@example.org", csrf_token="forged")
    sign(email="logged@example.org", first_name="Private", website="spam")
    sign(email="logged@example.org", first_name="Private", headers={"User-Agent": "curl/8"})
    text = caplog.text
    for reason in (
        "foreign-origin",
        "invalid-fields fields=first_name",
        "form-forged",
        "honeypot",
        "flagged-suspect",
    ):
        assert f"sign request POST sign.page: {reason}" in text
    for personal in ("logged@example.org", "Private", "Person", "127.0.0.1", "curl", "Ana"):
        assert personal not in text
    with client.application.app_context():
        assert get_db().execute("SELECT count(*) FROM signatures").fetchone()[0] == 1
