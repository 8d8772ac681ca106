"""Mail as a kind of the outbox: render in the signer's language, send by SMTP or to a file."""

import os
import smtplib
import ssl
import zlib
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, g
from flask_babel import force_locale

from .registry import Delivered, Failed, Retry, register_kind

KIND = "mail"


def lane_for(address):
    """Return the lane of mail to an address: one of MAIL_CONNECTIONS, each its own connection."""
    # Sending is mostly waiting for the server's answers: a few connections side by side keep
    # the sender busy (measured), and one address's mail stays in one lane, in order.
    lanes = int(current_app.config["MAIL_CONNECTIONS"])
    if lanes <= 1:
        return "mail"
    return f"mail:{zlib.crc32(address.casefold().encode()) % lanes}"


def render_parts(template, lang, context):
    """Return (subject, text, html) of templates/mail/<template>.{txt,html} in language lang."""
    env = current_app.jinja_env
    with force_locale(lang or "en"):
        html_template = env.get_template(f"mail/{template}.html")
        block = html_template.blocks["subject"](html_template.new_context(context))
        subject = " ".join("".join(block).split())
        text = env.get_template(f"mail/{template}.txt").render(context)
        html = html_template.render(context)
    return subject, text, html


def mail_domain():
    """Return the domain of Message-IDs and of the default sender: PUBLIC_URL's host."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"


def build_message(item):
    """Return the message (text and HTML alternatives) for an outbox item of kind mail."""
    # The legacy MIME classes (as Flask-Mail uses): EmailMessage's header registry parsed
    # every header again and cost more than rendering and sending together (measured).
    payload = item.payload
    lang = payload.get("lang", "en")
    subject, text, html = render_parts(payload["template"], lang, payload.get("context", {}))
    message = MIMEMultipart("alternative")
    message["Subject"] = Header(subject, "utf-8")
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"] or f"no-reply@{mail_domain()}"
    message["To"] = formataddr((payload.get("to_name", ""), payload["to"]), "utf-8")
    message["Date"] = formatdate(usegmt=True)
    # The outbox key: a message resent after a crash carries the same id, so a mail client or
    # a test can tell the repeat.
    message["Message-ID"] = f"<{item.key}@{mail_domain()}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to this
    message["X-Auto-Response-Suppress"] = "All"
    message["Content-Language"] = lang
    message.attach(MIMEText(text, "plain", "utf-8"))
    message.attach(MIMEText(html, "html", "utf-8"))
    return message


def smtp_connection():
    """Return this batch's SMTP connection, opening it on first use (one per lane batch)."""
    connection = g.get("mail_smtp")
    if connection is None:
        config = current_app.config
        context = ssl.create_default_context()
        options = {"timeout": float(config["MAIL_TIMEOUT"])}
        if config["MAIL_USE_SSL"]:
            connection = smtplib.SMTP_SSL(
                config["MAIL_SERVER"], config["MAIL_PORT"] or 465, context=context, **options
            )
        else:
            connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"] or 25, **options)
        try:
            if config["MAIL_USE_TLS"]:
                connection.starttls(context=context)
            if config["MAIL_USERNAME"]:
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except BaseException:
            connection.close()
            raise
        g.mail_smtp = connection
    return connection


def close_connection(_error=None):
    """Say goodbye to the batch's SMTP server, if one was opened."""
    connection = g.pop("mail_smtp", None)
    if connection is not None:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def send_by_smtp(message):
    """Send one message on the batch's connection; return the outcome its answer means."""
    try:
        smtp_connection().send_message(message)
    except smtplib.SMTPRecipientsRefused as refused:
        code, answer = next(iter(refused.recipients.values()))
        return outcome_of(code, answer)
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        return outcome_of(error.smtp_code, error.smtp_error)
    except (smtplib.SMTPException, OSError) as error:
        close_connection()  # a broken connection: the next message opens a new one
        return Retry(f"{type(error).__name__}: {error}")
    return Delivered()


def outcome_of(code, answer):
    """Return Failed for a permanent (5xx) SMTP answer, Retry for a temporary one (4xx)."""
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    reason = f"{code} {answer}"
    return Failed(reason) if 500 <= code < 600 else Retry(reason)


def write_file(item, message):
    """Write the message as an .eml file under MAIL_FILE_DIR and log where, with its link."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{item.key}.eml"
    partial = path.with_suffix(".eml.partial")
    partial.write_bytes(message.as_bytes())
    os.replace(partial, path)  # a reader never sees half a message
    link = item.payload.get("context", {}).get("link", "")
    current_app.logger.info("Mail written to %s; its link: %s", path, link or "none")
    return Delivered()


def deliver(item):
    """Deliver a mail item: by SMTP when MAIL_SERVER is set, else as an .eml file."""
    message = build_message(item)
    if not current_app.config["MAIL_SERVER"]:
        return write_file(item, message)
    return send_by_smtp(message)


def init_app(app):
    """Register mail as an outbox kind, and close a batch's SMTP connection at its end."""
    register_kind(app, KIND, deliver)
    app.teardown_appcontext(close_connection)
