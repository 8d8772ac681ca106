"""Answer a signer's requests: export everything stored about an address, or forget it."""

import json

import click
from flask.cli import AppGroup

from ..signing.emails import email_key as signing_email_key
from ..signing.emails import normalized_email
from ..store.db import get_db, write_transaction
from .events import signatures_withdrawn

signer_cli = AppGroup("signer", help="Answer a signer's data requests: export, forget.")


def email_key(address):
    """Fold an address the way signing does: normalized as the form does, then to its key."""
    address = address.strip()
    # An address that does not validate is looked up as typed (stored before validation).
    return signing_email_key(normalized_email(address) or address)


def outbox_about(db, key, email_addresses):
    """Return the outbox rows whose payload carries the address (mail to it, webhooks)."""
    if not db["outbox"].exists():
        return []
    needles = {key, *email_addresses, *(json.dumps(a)[1:-1] for a in {key, *email_addresses})}
    clause = " OR ".join("instr(lower(payload), lower(?)) > 0" for _ in needles)
    return list(db.query(f"SELECT * FROM outbox WHERE {clause} ORDER BY id", list(needles)))  # noqa: S608


def stored_about(db, address):
    """Return everything stored about an address, across petitions, as one dict."""
    key = email_key(address)
    signatures = list(
        db.query(
            "SELECT s.*, p.slug AS petition_slug, p.title AS petition_title,"
            " pa.slug AS partner_slug, pa.name AS partner_name FROM signatures s"
            " JOIN petitions p ON p.id = s.petition_id"
            " LEFT JOIN partners pa ON pa.id = s.partner_id"
            # The key itself, or the key with a row's own suffix (an unconfirmed submission).
            " WHERE s.email_key = :key OR substr(s.email_key, 1, length(:key) + 1) = :key || '#'"
            " ORDER BY s.id",
            {"key": key},
        )
    )
    ids = [row["id"] for row in signatures]
    marks = ", ".join("?" * len(ids))
    events = list(
        db.query(
            "SELECT r.*, e.created_at, e.action, e.command FROM signature_event_rows r"  # noqa: S608
            f" JOIN signature_events e ON e.id = r.event_id WHERE r.signature_id IN ({marks})"
            " ORDER BY r.event_id",
            ids,
        )
    )
    outbox = outbox_about(db, key, {row["email"] for row in signatures})
    for message in outbox:
        message["payload"] = json.loads(message["payload"])
    return {"email_key": key, "signatures": signatures, "review_events": events, "outbox": outbox}


@signer_cli.command("export")
@click.argument("email")
def export_command(email):
    """Print as JSON everything stored about an address, across petitions."""
    click.echo(json.dumps(stored_about(get_db(), email), indent=2, ensure_ascii=False))


@signer_cli.command("forget")
@click.argument("email")
def forget_command(email):
    """Delete every signature of an address, everywhere, and tell partners they are withdrawn."""
    db = get_db()
    with write_transaction(db):
        stored = stored_about(db, email)
        ids = [row["id"] for row in stored["signatures"]]
        outbox_ids = [message["id"] for message in stored["outbox"]]
        # Messages to or about the address go first (a pending mail to them, a webhook with
        # their name); then the withdrawals, which name the signature, not the person.
        gone = ", ".join("?" * len(outbox_ids))
        db.execute(f"DELETE FROM outbox WHERE id IN ({gone})", outbox_ids)  # noqa: S608
        signatures_withdrawn(db, ids, "forgotten")
        marks = ", ".join("?" * len(ids))
        db.execute(f"DELETE FROM signature_event_rows WHERE signature_id IN ({marks})", ids)  # noqa: S608
        db.execute(f"DELETE FROM signatures WHERE id IN ({marks})", ids)  # noqa: S608
    petitions = sorted({row["petition_slug"] for row in stored["signatures"]})
    where = f" ({', '.join(petitions)})" if petitions else ""
    click.echo(
        f"Forgot {len(ids)} signatures{where} and {len(outbox_ids)} outbox messages"
        " of that address."
    )
