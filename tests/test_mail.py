"""Mail through the outbox to a real SMTP server on loopback, or to .eml files without one."""

import time
from email import message_from_bytes, policy

import pytest

from widget.outbox.mail import KIND
from widget.outbox.queue import enqueue
from widget.outbox.sender import Sender
from widget.store.db import get_db, write_transaction

pytest_plugins = ["mail_fixtures"]

CONTEXT = {
    "first_name": "Ana",
    "petition_title": "Protect all immigrants",
    "link": "http://127.0.0.1:5000/s/TOKEN",
}


def send_mail(app, to="ana@example.org", lang="en", key=None, template="receipt"):
    payload = {"to": to, "to_name": "Ana García", "lang": lang, "template": template}
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            return enqueue(db, KIND, {**payload, "context": CONTEXT}, lane="mail", key=key)


def outbox_row(app, message_id):
    with app.app_context():
        return next(get_db().query("SELECT * FROM outbox WHERE id = ?", [message_id]))


@pytest.fixture
def mail_app(make_app, smtp_server):
    """Return an app that sends mail to the test's SMTP server, retrying after 0.05 s."""
    return make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_DEFAULT_SENDER="Campaign <petitions@example.org>",
        OUTBOX_RETRY_SECONDS=0.05,
        OUTBOX_RETRY_MAX_SECONDS=0.05,
    )


def test_a_message_arrives_with_its_headers_and_both_parts(mail_app, smtp_server):
    send_mail(mail_app, key="mail-sig1-receipt")
    Sender(mail_app).run(once=True)
    (message,) = smtp_server.messages
    assert message["Message-ID"] == "<mail-sig1-receipt@127.0.0.1>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["From"] == "Campaign <petitions@example.org>"
    assert message["To"] == "Ana García <ana@example.org>"
    assert message["Subject"] == "Thank you for signing: Protect all immigrants"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert CONTEXT["link"] in text and f'href="{CONTEXT["link"]}"' in html
    assert "<img" not in html  # no tracking pixel, nothing fetched when the mail is opened


def test_one_connection_carries_a_batch(mail_app, smtp_server):
    for n in range(20):
        send_mail(mail_app, to=f"signer{n}@example.org")
    Sender(mail_app).run(once=True)
    assert len(smtp_server.messages) == 20
    assert len(smtp_server.sink.sessions) == 1


def test_a_permanent_refusal_fails_the_message_visibly(mail_app, smtp_server):
    smtp_server.sink.answers["gone@example.org"] = "550 5.1.1 No such user"
    bad, good = send_mail(mail_app, to="gone@example.org"), send_mail(mail_app)
    Sender(mail_app).run(once=True)
    assert outbox_row(mail_app, bad)["status"] == "failed"
    assert "550 5.1.1 No such user" in outbox_row(mail_app, bad)["last_error"]
    assert outbox_row(mail_app, good)["status"] == "sent"  # the connection went on
    listed = mail_app.test_cli_runner().invoke(args=["outbox", "list", "--failed"]).output
    assert "550 5.1.1 No such user" in listed


def test_a_temporary_refusal_is_retried_until_accepted(mail_app, smtp_server):
    smtp_server.sink.answers["busy@example.org"] = "451 4.7.1 Greylisted, try later"
    message = send_mail(mail_app, to="busy@example.org")
    Sender(mail_app).run(once=True)
    row = outbox_row(mail_app, message)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "451" in row["last_error"]
    del smtp_server.sink.answers["busy@example.org"]
    wait_and_send(mail_app, message)
    assert outbox_row(mail_app, message)["status"] == "sent"


def wait_and_send(app, message_id, timeout=10):
    """Run the sender once the message is due again, until it is no longer pending."""
    deadline = time.monotonic() + timeout
    while outbox_row(app, message_id)["status"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)  # the retry's backoff is 0.05 s
        Sender(app).run(once=True)


def test_a_server_that_is_down_gets_the_message_once_back(mail_app, smtp_server):
    smtp_server.stop()
    message = send_mail(mail_app, key="mail-down")
    Sender(mail_app).run(once=True)
    row = outbox_row(mail_app, message)
    assert row["status"] == "pending" and "Connection refused" in row["last_error"]
    smtp_server.start()
    wait_and_send(mail_app, message)
    assert outbox_row(mail_app, message)["status"] == "sent"
    assert smtp_server.sink.ids() == ["<mail-down@127.0.0.1>"]


def test_without_a_server_mail_is_written_as_eml_files(make_app, tmp_path, caplog):
    app = make_app()
    send_mail(app, key="mail-sig2-receipt")
    with caplog.at_level("INFO", logger=app.logger.name):
        Sender(app).run(once=True)
    path = tmp_path / "mail" / "mail-sig2-receipt.eml"
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "Ana García <ana@example.org>"
    assert CONTEXT["link"] in caplog.text and str(path) in caplog.text


def test_a_message_speaks_the_signers_language(mail_app, smtp_server):
    send_mail(mail_app, lang="es")
    Sender(mail_app).run(once=True)
    (message,) = smtp_server.messages
    assert message["Subject"] == "Gracias por firmar: Protect all immigrants"
    assert message["Content-Language"] == "es"
    assert "Hola Ana" in message.get_body(("plain",)).get_content()


def test_mail_to_one_address_keeps_one_lane(make_app):
    with make_app().app_context():
        from widget.outbox.mail import lane_for

        lanes = {lane_for(f"signer{n}@example.org") for n in range(40)}
        assert lanes == {"mail:0", "mail:1", "mail:2", "mail:3"}
        assert lane_for("Ana@Example.org") == lane_for("ana@example.org")
    with make_app(MAIL_CONNECTIONS=1).app_context():
        assert lane_for("ana@example.org") == "mail"
