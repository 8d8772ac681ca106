"""Signers' mail and links: confirm, receipt, squatters, repeats, withdrawal, reminders, expiry."""

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from conftest import SLUG, browser_client, sign_through

from widget.confirm.jobs import expire_unconfirmed, send_reminders
from widget.store.db import get_db, write_transaction

OWNER = {"first_name": "Ana", "last_name": "García", "email": "ana@example.org"}
SQUATTER = {"first_name": "Mallory", "last_name": "Fake", "email": "ana@example.org"}


@pytest.fixture
def confirm_app(make_app):
    """Return an app whose petitions ask signers to confirm their address."""
    return make_app(SIGNER_EMAIL="confirm")


@pytest.fixture
def signer(confirm_app):
    """Return a browser-like client of the confirm app."""
    return browser_client(confirm_app)


def mails(app, to="ana@example.org"):
    """Return the queued mail payloads to an address, oldest first."""
    with app.app_context():
        rows = (
            get_db()
            .execute("SELECT payload FROM outbox WHERE kind = 'mail' ORDER BY id")
            .fetchall()
        )
    return [p for p in (json.loads(row[0]) for row in rows) if p["to"] == to]


def link_path(payload):
    return urlsplit(payload["context"]["link"]).path


def signatures(app):
    with app.app_context():
        return list(get_db().query("SELECT * FROM signatures ORDER BY id"))


def count(app):
    with app.app_context():
        return (
            get_db()
            .execute("SELECT signature_count FROM petitions WHERE slug = ?", [SLUG])
            .fetchone()[0]
        )


def test_a_confirm_signature_waits_unconfirmed_and_uncounted(confirm_app, signer):
    response = sign_through(signer, f"/p/{SLUG}", **OWNER)
    assert response.status_code == 303
    thanks = signer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your inbox to confirm" in thanks
    (row,) = signatures(confirm_app)
    assert row["status"] == "unconfirmed" and row["email_key"].startswith("ana@example.org#")
    assert count(confirm_app) == 0
    (mail,) = mails(confirm_app)
    assert mail["template"] == "confirm" and mail["signature"] == row["id"]


def test_opening_the_link_twice_confirms_once(confirm_app, signer):
    sign_through(signer, f"/p/{SLUG}", **OWNER)
    path = link_path(mails(confirm_app)[0])
    scanner, person = browser_client(confirm_app), browser_client(confirm_app)
    first, second = scanner.get(path), person.get(path)
    assert first.status_code == second.status_code == 200
    assert count(confirm_app) == 1
    (row,) = signatures(confirm_app)
    assert (row["status"], row["email_key"]) == ("counted", "ana@example.org")
    assert row["confirmed_at"]
    for response in (first, second):
        page = response.get_data(as_text=True)
        assert "Your signature is confirmed and counted" in page
        assert "García" in page and "ana@example.org" in page and "60608" in page


def test_the_signers_page_is_private(confirm_app, signer):
    sign_through(signer, f"/p/{SLUG}", **OWNER)
    response = signer.get(link_path(mails(confirm_app)[0]))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)


def test_a_squatter_neither_blocks_nor_alters_the_owners_signature(confirm_app, signer):
    squatter_answer = sign_through(browser_client(confirm_app), f"/p/{SLUG}", **SQUATTER)
    owner_answer = sign_through(signer, f"/p/{SLUG}", **OWNER)
    # Both see the very same answer: nothing tells the squatter the address is taken.
    assert squatter_answer.status_code == owner_answer.status_code == 303
    assert squatter_answer.headers["Location"] == owner_answer.headers["Location"]
    squatter_mail, owner_mail = mails(confirm_app)
    assert squatter_mail["context"]["full_name"] == "Mallory Fake"  # the owner sees who it was
    signer.get(link_path(owner_mail))
    (row,) = signatures(confirm_app)
    assert (row["first_name"], row["status"]) == ("Ana", "counted")
    assert count(confirm_app) == 1
    # The squatter's submission is gone, with its mail; its link shows nothing.
    assert [m["context"]["full_name"] for m in mails(confirm_app)] == ["Ana García"]
    gone = signer.get(link_path(squatter_mail))
    assert gone.status_code == 404 and "Mallory" not in gone.get_data(as_text=True)


def test_a_later_submission_never_changes_a_confirmed_signature(confirm_app, signer):
    sign_through(signer, f"/p/{SLUG}", **OWNER)
    signer.get(link_path(mails(confirm_app)[0]))
    again = sign_through(browser_client(confirm_app), f"/p/{SLUG}", **SQUATTER, postal_code="99999")
    assert again.status_code == 303
    (row,) = signatures(confirm_app)
    assert (row["first_name"], row["postal_code"], row["status"]) == ("Ana", "60608", "counted")
    already = mails(confirm_app)[-1]
    assert already["template"] == "already" and already["signature"] == row["id"]
    assert "Ana" in signer.get(link_path(already)).get_data(as_text=True)


def test_an_address_gets_a_few_mails_a_day_at_most(confirm_app):
    for n in range(5):
        sign_through(browser_client(confirm_app), f"/p/{SLUG}", **{**OWNER, "last_name": f"N{n}"})
    assert len(signatures(confirm_app)) == 5  # every signer who was thanked is stored
    assert len(mails(confirm_app)) == 3


def test_withdraw_deletes_the_signature_and_its_mail(confirm_app, signer):
    sign_through(signer, f"/p/{SLUG}", **OWNER)
    path = link_path(mails(confirm_app)[0])
    page = signer.get(path).get_data(as_text=True)
    assert count(confirm_app) == 1
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = signer.post(path, data={"action": "withdraw", "token": token})
    assert response.status_code == 303
    assert signatures(confirm_app) == [] and mails(confirm_app) == []
    assert count(confirm_app) == 0
    after = signer.get(response.headers["Location"])
    assert "has been withdrawn" in after.get_data(as_text=True)
    assert signer.get(path).status_code == 404


def test_optout_clears_both_optins(confirm_app, signer):
    sign_through(signer, f"/p/{SLUG}", **OWNER, optin_org="y")
    path = link_path(mails(confirm_app)[0])
    page = signer.get(path).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert signatures(confirm_app)[0]["optin_org"] == 1
    response = signer.post(path, data={"action": "optout", "token": token})
    assert response.status_code == 303
    (row,) = signatures(confirm_app)
    assert (row["optin_org"], row["optin_partner"], row["status"]) == (0, 0, "counted")


@pytest.mark.parametrize(
    "headers, fields, code",
    [
        ({"Origin": "https://evil.example"}, {"action": "withdraw"}, 403),
        ({}, {"action": "withdraw", "token": "forged"}, 400),
        ({}, {"action": "delete-everything"}, 400),
    ],
)
def test_a_foreign_or_forged_action_changes_nothing(confirm_app, signer, headers, fields, code):
    sign_through(signer, f"/p/{SLUG}", **OWNER)
    path = link_path(mails(confirm_app)[0])
    page = signer.get(path).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = signer.post(path, data={"token": token, **fields}, headers=headers)
    assert response.status_code == code
    assert len(signatures(confirm_app)) == 1 and count(confirm_app) == 1


def test_a_get_never_withdraws(confirm_app, signer):
    sign_through(signer, f"/p/{SLUG}", **OWNER)
    path = link_path(mails(confirm_app)[0])
    signer.get(path + "?action=withdraw")
    assert len(signatures(confirm_app)) == 1


def test_an_expired_link_says_so(make_app):
    app = make_app(SIGNER_EMAIL="confirm", SIGNER_LINK_DAYS=-1)
    client = browser_client(app)
    sign_through(client, f"/p/{SLUG}", **OWNER)
    response = client.get(link_path(mails(app)[0]))
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert signatures(app)[0]["status"] == "unconfirmed"


def age_rows(app, **delta):
    old = (datetime.now(UTC) - timedelta(**delta)).isoformat(timespec="seconds")
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            db.execute("UPDATE signatures SET created_at = ?", [old.replace("+00:00", "Z")])


def test_one_reminder_for_an_unconfirmed_signature(confirm_app, signer):
    sign_through(signer, f"/p/{SLUG}", **OWNER)
    with confirm_app.app_context():
        send_reminders(get_db())
    assert [m["template"] for m in mails(confirm_app)] == ["confirm"]  # not yet due
    age_rows(confirm_app, hours=25)
    with confirm_app.app_context():
        send_reminders(get_db())
        send_reminders(get_db())
    assert [m["template"] for m in mails(confirm_app)] == ["confirm", "reminder"]
    assert link_path(mails(confirm_app)[1]).startswith("/s/")


def test_unconfirmed_signatures_expire_with_their_mail(confirm_app, signer):
    sign_through(signer, f"/p/{SLUG}", **OWNER)
    age_rows(confirm_app, days=6)
    with confirm_app.app_context():
        expire_unconfirmed(get_db())
    assert len(signatures(confirm_app)) == 1
    age_rows(confirm_app, days=8)
    with confirm_app.app_context():
        expire_unconfirmed(get_db())
    assert signatures(confirm_app) == [] and mails(confirm_app) == []


def test_receipt_counts_at_once_and_mails_the_link(make_app):
    app = make_app(SIGNER_EMAIL="receipt")
    client = browser_client(app)
    response = sign_through(client, f"/p/{SLUG}", **OWNER)
    assert "We are sending you an email" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert count(app) == 1
    sign_through(client, f"/p/{SLUG}", **OWNER)
    assert [m["template"] for m in mails(app)] == ["receipt", "already"]
    assert "confirmed and counted" in client.get(link_path(mails(app)[0])).get_data(as_text=True)


def test_none_sends_nothing_and_the_front_matter_overrides_the_site(app, client, make_petition):
    sign_through(client, f"/p/{SLUG}", **OWNER)
    make_petition(slug="confirmed-one", signer_email="confirm")
    sign_through(client, "/p/confirmed-one", **OWNER)
    assert [m["template"] for m in mails(app)] == ["confirm"]


def test_an_automated_looking_signature_confirmed_waits_for_review(confirm_app):
    bot = confirm_app.test_client()  # no User-Agent, no Accept-Language
    sign_through(bot, f"/p/{SLUG}", **OWNER)
    bot.get(link_path(mails(confirm_app)[0]))
    (row,) = signatures(confirm_app)
    assert row["status"] == "suspect" and "no-accept-language" in row["signals"]
    assert row["email_key"] == "ana@example.org" and count(confirm_app) == 0
