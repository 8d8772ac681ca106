"""Webhooks to partners and the organization: signed, retried, each partner only its own signers."""

import re
import threading
import time

import pytest
from conftest import SLUG
from receivers import Receiver, WebhookEndpoint

from widget.outbox.sender import Sender
from widget.outbox.webhooks import new_secret
from widget.partners.push import signature_withdrawn
from widget.store.db import get_db, write_transaction

SECRET_RE = re.compile(r"secret \(shown once; give it to the partner\): (whsec_\S+)")
ORG_SECRET = new_secret()


def wait_for(condition, timeout=10.0):
    """Poll condition until it is true or the deadline passes; return its last value."""
    deadline = time.monotonic() + timeout
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


def add_partner(app, slug, *extra):
    """Add a partner through the CLI; return its key and the webhook secret it printed."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["partner", "add", slug, "--name", slug.title(), *extra])
    assert result.exit_code == 0, result.output
    match = SECRET_RE.search(result.output)
    snippet = runner.invoke(args=["partner", "snippet", slug, SLUG]).output
    key = re.search(r'data-partner="([^"]+)"', snippet).group(1)
    return key, match.group(1) if match else None


def sign_as(sign, key, email, optin=True):
    response = sign(
        url=f"/p/{SLUG}/embed",
        query=f"?partner={key}&source=news" if key else "",
        email=email,
        optin_partner="y" if optin and key else None,
        optin_org="y",
    )
    assert response.status_code == 303


def deliver_all(app, timeout=20.0):
    """Run the outbox sender until nothing is pending (retries come quickly in these tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        Sender(app).run(once=True)
        if not [row for row in outbox_rows(app) if row["status"] == "pending"]:
            return
        time.sleep(0.02)
    raise AssertionError("messages still pending")


def outbox_rows(app, **where):
    with app.app_context():
        sql = "SELECT * FROM outbox" + (" WHERE lane = :lane" if where else "") + " ORDER BY id"
        return list(get_db().query(sql, where))


@pytest.fixture
def org():
    with WebhookEndpoint(ORG_SECRET, failures=2) as endpoint:
        yield endpoint


@pytest.fixture
def push_app(make_app, org):
    """Return an app whose organization endpoint is org, with quick retries."""
    return make_app(
        WEBHOOK_URL=org.url,
        WEBHOOK_SECRET=ORG_SECRET,
        OUTBOX_RETRY_SECONDS=0.01,
        OUTBOX_POLL_SECONDS=0.05,
        WEBHOOK_TIMEOUT_SECONDS=3,
    )


@pytest.fixture
def push_client(push_app):
    from conftest import browser_client

    return browser_client(push_app)


@pytest.fixture
def push_sign(push_client):
    from conftest import sign_through

    def sign(url, query="", **fields):
        return sign_through(push_client, url, query, **fields)

    return sign


def test_each_event_is_delivered_verified_once_and_only_to_its_partner(push_app, push_sign, org):
    with WebhookEndpoint(failures=2) as a_hook, WebhookEndpoint(failures=2) as b_hook:
        a_key, a_hook.secret = add_partner(push_app, "alpha", "--webhook", a_hook.url)
        b_key, b_hook.secret = add_partner(push_app, "beta", "--webhook", b_hook.url)
        sign_as(push_sign, a_key, "ana@example.org")
        sign_as(push_sign, a_key, "bob@example.org", optin=False)
        sign_as(push_sign, b_key, "carla@example.org")
        sign_as(push_sign, None, "dan@example.org")
        deliver_all(push_app)
        assert not (a_hook.rejected or b_hook.rejected or org.rejected)
        # 500 twice, then 200: three tries each, recorded once by webhook-id.
        for hook in (a_hook, b_hook, org):
            assert set(hook.tries.values()) == {3}
            assert len(hook.events) == len(hook.tries)
        assert a_hook.emails() == ["ana@example.org"]
        assert b_hook.emails() == ["carla@example.org"]
        assert org.emails() == [f"{n}@example.org" for n in ("ana", "bob", "carla", "dan")]
    event = a_hook.of_type("signature.created")[0]["data"]
    assert event["petition"]["slug"] == SLUG
    assert (event["partner"]["slug"], event["source"], event["lang"]) == ("alpha", "news", "en")
    assert event["consent"] == {"optin_partner": True, "text": "I want to hear from Alpha."}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["signed_at"])
    bob = next(e["data"] for e in org.of_type("signature.created") if "bob" in str(e))
    assert bob["consent"]["optin_org"] is True and bob["consent"]["optin_partner"] is False
    assert all(row["status"] == "sent" for row in outbox_rows(push_app))


def test_withdrawal_sends_signature_withdrawn_to_those_told(push_app, push_sign, org):
    org.failures = 0
    with WebhookEndpoint() as a_hook:
        a_key, a_hook.secret = add_partner(push_app, "alpha", "--webhook", a_hook.url)
        sign_as(push_sign, a_key, "ana@example.org")
        sign_as(push_sign, a_key, "bob@example.org", optin=False)
        with push_app.app_context():
            db = get_db()
            ids = dict(db.execute("SELECT email, id FROM signatures").fetchall())
            with write_transaction(db):
                signature_withdrawn(db, ids["ana@example.org"])
                signature_withdrawn(db, ids["bob@example.org"], reason="invalid")
        deliver_all(push_app)
        withdrawn = a_hook.of_type("signature.withdrawn")
        assert [e["data"]["email"] for e in withdrawn] == ["ana@example.org"]
    reasons = sorted(e["data"]["reason"] for e in org.of_type("signature.withdrawn"))
    assert reasons == ["invalid", "withdrawn"]


def test_a_receiver_that_never_answers_delays_neither_signing_nor_another_lane(
    push_app, push_sign, org
):
    org.failures = 0
    arrived, release = threading.Event(), threading.Event()

    def hang(handler, body):
        arrived.set()
        release.wait(20)  # far past the sender's 3 s timeout
        return None, None

    with Receiver(hang) as dead, WebhookEndpoint() as b_hook:
        a_key, _ = add_partner(push_app, "alpha", "--webhook", dead.url)
        b_key, b_hook.secret = add_partner(push_app, "beta", "--webhook", b_hook.url)
        sender = Sender(push_app)
        thread = threading.Thread(target=sender.run)
        thread.start()
        try:
            sign_as(push_sign, a_key, "ana@example.org")
            assert arrived.wait(10)
            # While alpha's endpoint holds the sender's request, signing goes on, and beta
            # and the organization get theirs.
            sign_as(push_sign, b_key, "carla@example.org")
            assert wait_for(lambda: b_hook.emails() == ["carla@example.org"])
            assert wait_for(lambda: len(org.events) == 2)
            assert not release.is_set()
        finally:
            release.set()
            sender.stop()
            thread.join(20)
    assert not thread.is_alive()
    dead_rows = outbox_rows(push_app, lane="webhook:partner:1")
    assert dead_rows[0]["status"] == "pending" and "Timeout" in dead_rows[0]["last_error"]


def test_410_gone_switches_the_partner_webhook_off_and_says_so(push_app, push_sign, org):
    org.failures = 0
    with WebhookEndpoint(status=410) as gone:
        a_key, gone.secret = add_partner(push_app, "alpha", "--webhook", gone.url)
        sign_as(push_sign, a_key, "ana@example.org")
        deliver_all(push_app)
        sign_as(push_sign, a_key, "bob@example.org")
        deliver_all(push_app)
        assert len(gone.requests) == 1
    (row,) = outbox_rows(push_app, lane="webhook:partner:1")
    assert row["status"] == "failed" and "410 Gone" in row["last_error"]
    result = push_app.test_cli_runner().invoke(args=["partner", "webhook-test", "alpha"])
    assert result.exit_code == 1 and "410 Gone" in result.output


def test_webhook_commands_ping_rotate_and_switch_off(push_app, org):
    runner = push_app.test_cli_runner()
    with WebhookEndpoint() as hook:
        add_partner(push_app, "alpha")
        result = runner.invoke(args=["partner", "webhook", "alpha", "--url", hook.url])
        hook.secret = SECRET_RE.search(result.output).group(1)
        assert runner.invoke(args=["partner", "webhook-test", "alpha"]).exit_code == 0
        deliver_all(push_app)
        assert [e["type"] for e in hook.events.values()] == ["ping"]
        result = runner.invoke(args=["partner", "webhook", "alpha", "--rotate-secret"])
        new = SECRET_RE.search(result.output).group(1)
        assert new != hook.secret
        runner.invoke(args=["partner", "webhook-test", "alpha"])
        Sender(push_app).run(once=True)
        # Signed with the new secret, which the endpoint does not know yet: refused, retried.
        assert hook.rejected and len(hook.events) == 1
        hook.secret = new
        deliver_all(push_app)
        assert len(hook.events) == 2
        assert "switched off" in runner.invoke(args=["partner", "webhook", "alpha", "--off"]).output
        assert runner.invoke(args=["partner", "webhook-test", "alpha"]).exit_code == 1


@pytest.mark.parametrize(
    "args", [["--url", "ftp://x.org"], ["--url", "not a url"], [], ["--off", "--rotate-secret"]]
)
def test_webhook_command_refuses_bad_input_and_changes_nothing(push_app, args):
    add_partner(push_app, "alpha")
    result = push_app.test_cli_runner().invoke(args=["partner", "webhook", "alpha", *args])
    assert result.exit_code == 2
    with push_app.app_context():
        assert get_db()["partners"].get(1)["webhook_url"] == ""


def test_a_removed_partner_has_no_webhook(push_app, push_sign, org):
    org.failures = 0
    with WebhookEndpoint() as hook:
        key, hook.secret = add_partner(push_app, "alpha", "--webhook", hook.url)
        sign_as(push_sign, key, "ana@example.org")
        runner = push_app.test_cli_runner()
        assert runner.invoke(args=["partner", "remove", "alpha"]).exit_code == 0
        deliver_all(push_app)
        assert hook.requests == []
    (row,) = outbox_rows(push_app, lane="webhook:partner:1")
    assert row["status"] == "cancelled"
    assert len(org.events) == 1  # the organization still hears of the signature
