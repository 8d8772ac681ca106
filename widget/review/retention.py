"""Anonymize the signatures of petitions closed longer ago than RETENTION_DAYS (purge)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from ..outbox import action_network, mail, webhooks
from ..store.db import get_db, utc_now, write_transaction

# What identifies a person, and what it becomes. Postal code, date, partner, source, language,
# status and opt-ins stay, so counts and statistics survive and people do not.
PERSONAL = {
    "first_name": "''",
    "last_name": "''",
    "email": "''",
    "email_key": "'anonymized:' || id",  # keeps UNIQUE(petition_id, email_key); never an address
    "ip_hash": "''",
    "consent_text": "''",
}
DUE = (
    "anonymized_at IS NULL AND petition_id IN (SELECT id FROM petitions WHERE status = 'closed'"
    " AND closed_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', :age))"
)


# The signature each kind of message is about; Action Network's payload is the person alone,
# so its key names the signature (an_ID_pN).
ABOUT = (
    f"CASE kind WHEN '{mail.KIND}' THEN json_extract(payload, '$.signature')"
    f" WHEN '{webhooks.KIND}' THEN json_extract(payload, '$.data.signature_id')"
    f" WHEN '{action_network.KIND}' THEN"
    " IIF(key GLOB 'an_[0-9]*_p*', CAST(substr(key, 4) AS INTEGER), NULL) END"
)
# A finished message (sent, failed, cancelled) keeps its payload, names and address included:
# those about the signatures due go with them. A pending one is still delivered (nothing
# written to the outbox is dropped) and leaves with the sent after OUTBOX_KEEP_SENT_DAYS.
ABOUT_DUE = f"status != 'pending' AND {ABOUT} IN (SELECT id FROM signatures WHERE {DUE})"  # noqa: S608


def due_messages(db, days):
    """Return how many finished outbox messages are about signatures due."""
    return db.execute(
        f"SELECT count(*) FROM outbox WHERE {ABOUT_DUE}",  # noqa: S608
        {"age": f"-{int(days)} days"},
    ).fetchone()[0]


def due_per_petition(db, days):
    """Return [(slug, closed_at, signatures to anonymize)] for petitions past retention."""
    return db.execute(
        "SELECT p.slug, p.closed_at, count(*) FROM signatures s"  # noqa: S608
        f" JOIN petitions p ON p.id = s.petition_id WHERE s.{DUE} GROUP BY p.id ORDER BY p.id",
        {"age": f"-{int(days)} days"},
    ).fetchall()


def purge(db, days):
    """Anonymize every signature due and delete its finished messages; return both counts."""
    assignments = ", ".join(f"{column} = {value}" for column, value in PERSONAL.items())
    params = {"age": f"-{int(days)} days", "now": utc_now()}
    with write_transaction(db):
        # The messages first: once anonymized, a signature is no longer due.
        messages = db.execute(f"DELETE FROM outbox WHERE {ABOUT_DUE}", params).rowcount  # noqa: S608
        signatures = db.execute(
            f"UPDATE signatures SET {assignments}, anonymized_at = :now WHERE {DUE}",  # noqa: S608
            params,
        ).rowcount
    return signatures, messages


def purge_job(db):
    """Purge with the configured RETENTION_DAYS (the outbox sender runs it daily)."""
    count, messages = purge(db, current_app.config["RETENTION_DAYS"])
    if count or messages:
        current_app.logger.info(
            "purge: anonymized %d signatures, deleted %d outbox messages", count, messages
        )


@click.command("purge")
@click.option("--days", type=click.IntRange(min=0), help="Instead of RETENTION_DAYS.")
@click.option("--dry-run", is_flag=True, help="Only say what would be anonymized.")
@with_appcontext
def purge_command(days, dry_run):
    """Anonymize signatures of petitions closed more than RETENTION_DAYS ago."""
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    db = get_db()
    due = due_per_petition(db, days)
    for slug, closed_at, count in due:
        click.echo(f"{slug}: closed {closed_at}, {count} signatures to anonymize")
    if dry_run:
        click.echo(
            f"Dry run: {sum(n for *_, n in due)} signatures would be anonymized,"
            f" and {due_messages(db, days)} finished outbox messages about them deleted."
        )
        return
    count, messages = purge(db, days)
    click.echo(f"Anonymized {count} signatures of petitions closed over {days} days ago.")
    if messages:
        click.echo(f"Deleted {messages} finished outbox messages about them.")
