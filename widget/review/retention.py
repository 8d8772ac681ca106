"""Anonymize the signatures of petitions closed longer ago than RETENTION_DAYS (purge)."""

import click
from flask import current_app
from flask.cli import with_appcontext

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


def due_per_petition(db, days):
    """Return [(slug, closed_at, signatures to anonymize)] for petitions past retention."""
    return db.execute(
        "SELECT p.slug, p.closed_at, count(*) FROM signatures s"  # noqa: S608
        f" JOIN petitions p ON p.id = s.petition_id WHERE s.{DUE} GROUP BY p.id ORDER BY p.id",
        {"age": f"-{int(days)} days"},
    ).fetchall()


def purge(db, days):
    """Anonymize every signature due, in one write transaction; return how many."""
    assignments = ", ".join(f"{column} = {value}" for column, value in PERSONAL.items())
    with write_transaction(db):
        return db.execute(
            f"UPDATE signatures SET {assignments}, anonymized_at = :now WHERE {DUE}",  # noqa: S608
            {"age": f"-{int(days)} days", "now": utc_now()},
        ).rowcount


def purge_job(db):
    """Purge with the configured RETENTION_DAYS (the outbox sender runs it daily)."""
    count = purge(db, current_app.config["RETENTION_DAYS"])
    if count:
        current_app.logger.info("purge: anonymized %d signatures", count)


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
        click.echo(f"Dry run: {sum(n for *_, n in due)} signatures would be anonymized.")
        return
    click.echo(f"Anonymized {purge(db, days)} signatures of petitions closed over {days} days ago.")
