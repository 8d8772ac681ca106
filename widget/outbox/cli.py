"""The outbox commands: run the sender, show its status, list and retry failed messages."""

import logging
import signal
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..store.db import get_db, parse_stamp, write_transaction
from .queue import now_stamp
from .sender import Sender, SenderBusy

outbox_cli = AppGroup("outbox", help="Deliver and inspect outgoing mail and webhooks.")
STATUSES = ("pending", "sent", "failed", "cancelled")


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def run_command(once):
    """Deliver due messages until SIGTERM or Ctrl-C (one sender per database)."""
    sender = Sender(current_app._get_current_object())
    if not current_app.logger.level:
        current_app.logger.setLevel(logging.INFO)  # say where each .eml file went, and its link
    previous = {sig: signal.signal(sig, lambda *_: sender.stop()) for sig in STOP_SIGNALS}
    try:
        click.echo(f"Outbox sender started ({current_app.config['DATABASE']}).", err=True)
        sender.run(once=once)
    except SenderBusy as busy:
        raise click.ClickException(str(busy)) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Outbox sender stopped.", err=True)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@outbox_cli.command("status")
def status_command():
    """Print how many messages are pending, sent, failed and cancelled, in all and per kind."""
    db = get_db()
    rows = db.execute("SELECT kind, status, count(*) FROM outbox GROUP BY kind, status").fetchall()
    per_kind = {}
    for kind, status, count in rows:
        per_kind.setdefault(kind, dict.fromkeys(STATUSES, 0))[status] = count
    totals = {s: sum(counts[s] for counts in per_kind.values()) for s in STATUSES}
    click.echo(", ".join(f"{s} {totals[s]}" for s in STATUSES))
    oldest = db.execute("SELECT min(created_at) FROM outbox WHERE status = 'pending'").fetchone()
    if oldest[0]:
        age = (datetime.now(UTC) - parse_stamp(oldest[0])).total_seconds()
        click.echo(f"oldest pending {oldest[0]} ({age:.0f} s ago)")
    if per_kind:
        click.echo(f"{'kind':<24}" + "".join(f"{s:>10}" for s in STATUSES))
    for kind, counts in sorted(per_kind.items()):
        click.echo(f"{kind:<24}" + "".join(f"{counts[s]:>10}" for s in STATUSES))


@outbox_cli.command("list")
@click.option("--failed", "status", flag_value="failed", help="Only failed messages.")
@click.option("--cancelled", "status", flag_value="cancelled", help="Only cancelled messages.")
@click.option("--pending", "status", flag_value="pending", help="Only pending messages.")
@click.option("--limit", default=50, show_default=True, help="Show at most this many.")
def list_command(status, limit):
    """List messages, newest first: id, kind, lane, key, status, attempts, last error."""
    query = "SELECT id, kind, lane, key, status, attempts, updated_at, last_error FROM outbox"
    params = []
    if status:
        query += " WHERE status = ?"
        params.append(status)
    rows = get_db().execute(query + " ORDER BY id DESC LIMIT ?", [*params, limit]).fetchall()
    for row in rows:
        click.echo("  ".join(str(value) if value is not None else "-" for value in row))
    if not rows:
        click.echo("No messages.")


@outbox_cli.command("retry")
@click.argument("message_id", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Retry every failed message.")
def retry_command(message_id, every):
    """Make a failed or cancelled message (or, with --all, every failed one) due again now."""
    if (message_id is None) == (not every):
        raise click.UsageError("give a message ID or --all")
    db = get_db()
    with write_transaction(db):
        if every:
            where, params = "status = 'failed'", []
        else:
            where, params = "id = ? AND status IN ('failed', 'cancelled')", [message_id]
        cursor = db.execute(
            f"UPDATE outbox SET status = 'pending', due_at = ? WHERE {where}",  # noqa: S608
            [now_stamp(), *params],
        )
    if not every and cursor.rowcount == 0:
        raise click.ClickException(f"no failed or cancelled message {message_id}")
    click.echo(f"{cursor.rowcount} message(s) due again.")
