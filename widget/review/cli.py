"""The review commands: what deserves a look, set statuses by filters, undo a change."""

import shlex

import click
from click_default_group import DefaultGroup
from flask import current_app
from flask.cli import with_appcontext

from ..petitions.records import get_petition
from ..store.db import get_db, write_transaction
from . import report
from .events import REVIEWED, ReviewError, record_change, undo_event
from .filters import filter_sql

DAY = click.DateTime(formats=["%Y-%m-%d"])
SAMPLE = 10


@click.group("review", cls=DefaultGroup, default="show", default_if_no_args=False)
def review_cli():
    """Review doubtful signatures: `review PETITION` lists them; `set` and `undo` change them."""


def heading(title, rows):
    click.echo(f"\n{title}" + ("" if rows else ": none"))


@review_cli.command("show")
@click.argument("petition_slug", metavar="PETITION")
@click.option(
    "--burst", default=10, show_default=True, help="Signatures in one hour from one IP hash."
)
@click.option(
    "--ratio", default=3.0, show_default=True, help="How far above its share is outsized."
)
@with_appcontext
def show_command(petition_slug, burst, ratio):
    """List what deserves a look in a petition's signatures, with counts."""
    petition = get_petition(petition_slug)
    if petition is None:
        raise click.ClickException(f"no petition {petition_slug!r}")
    found = report.findings(current_app.config["DATABASE"], petition["id"], burst, ratio)
    rows = found["statuses"]
    click.echo(f"{petition['slug']}: " + (", ".join(f"{s} {n}" for s, n in rows) or "none yet"))
    heading("Suspect, by signal", found["signals"])
    for value, n in found["signals"]:
        click.echo(f"  {n:>7}  {value}")
    heading(f"Bursts: {burst} or more signatures in one hour from one IP hash", found["bursts"])
    for ip_hash, hour, n, total in found["bursts"]:
        click.echo(f"  {n:>7}  {ip_hash}  {hour}:00Z  ({total} in all)")
    for label, name, option in (
        ("Email domains", "email_domains", "--email-domain"),
        ("Postal codes", "postal_codes", "--postal-code"),
    ):
        outsized, top, total = found[name]
        heading(f"{label} far above their share in an hour ({ratio:g}x or more)", outsized)
        for value, hour, n, expected, in_all in outsized:
            click.echo(
                f"  {n:>7}  {option} {value}  {hour}:00Z  (expected {expected}, {in_all} in all)"
            )
        click.echo("  Largest: " + ", ".join(f"{v} {n} ({100 * n / total:.0f}%)" for v, n in top))
    people, boxes = found["duplicates"]
    heading(
        f"Duplicates: one name and postal code, several addresses ({len(people)} groups,"
        f" {sum(n for _, n in people)} signatures)",
        people,
    )
    for value, n in people[: report.SHOWN]:
        click.echo(f"  {n:>7}  {value}")
    heading(
        f"Duplicates: one mailbox, several spellings ({len(boxes)} mailboxes,"
        f" {sum(n for _, n in boxes)} signatures)",
        boxes,
    )
    for value, n in boxes[: report.SHOWN]:
        click.echo(f"  {n:>7}  {value}")
    click.echo(
        "\nChange them with: flask --app widget review set --status counted|suspect|invalid"
        " [filters] (shows first; --yes applies)"
    )


FILTERS = [
    click.option("--petition", "petition", metavar="PETITION", help="Only this petition."),
    click.option("--id", "ids", type=int, multiple=True, help="A signature id (repeatable)."),
    click.option("--ip-hash"),
    click.option("--email-domain"),
    click.option("--postal-code"),
    click.option("--partner", metavar="PARTNER", help="A partner's slug."),
    click.option("--source"),
    click.option("--since", type=DAY, help="First day (YYYY-MM-DD, UTC)."),
    click.option("--until", type=DAY, help="Last day (YYYY-MM-DD, UTC), included."),
    # --status is the status to give: the filter on the status rows have now is --from-status.
    click.option(
        "--from-status",
        "current",
        type=click.Choice(REVIEWED),
        help="Only signatures with this status now.",
    ),
]


def command_line(ctx):
    """Return the command as typed, for the event's record."""
    words = ["review", "set"]
    for name, value in ctx.params.items():
        flag = {"current": "from_status", "new_status": "status", "ids": "id"}.get(name, name)
        flag = "--" + flag.replace("_", "-")
        for one in value if isinstance(value, tuple) else [value]:
            if one is True:
                words.append(flag)
            elif one not in (None, False):
                words += [flag, one.date().isoformat() if hasattr(one, "date") else str(one)]
    return shlex.join(words)


def with_filters(command):
    for option in reversed(FILTERS):
        command = option(command)
    return command


@review_cli.command("set")
@click.option(
    "--status",
    "new_status",
    required=True,
    type=click.Choice(REVIEWED),
    help="The status to give.",
)
@with_filters
@click.option("--yes", is_flag=True, help="Make the change (without it, only show it).")
@with_appcontext
@click.pass_context
def set_command(ctx, new_status, yes, **filters):
    """Set the status of every signature matching all the filters; shows first, --yes applies."""
    db = get_db()
    try:
        where, params = filter_sql(**filters)
    except ReviewError as error:
        raise click.ClickException(str(error)) from None
    reviewed = ", ".join(f"'{status}'" for status in REVIEWED)
    left = db.execute(
        f"SELECT count(*) FROM signatures s WHERE {where} AND s.status NOT IN ({reviewed})",  # noqa: S608
        params,
    ).fetchone()[0]
    if left:
        click.echo(
            f"{left} unconfirmed or duplicate signatures match too and are left alone: only their"
            " address's own confirmation link counts them."
        )
    where = f"{where} AND s.status IN ({reviewed}) AND s.status != :new_status"
    params["new_status"] = new_status
    by_status = db.execute(
        f"SELECT s.status, count(*) FROM signatures s WHERE {where} GROUP BY 1 ORDER BY 2 DESC",  # noqa: S608
        params,
    ).fetchall()
    total = sum(n for _, n in by_status)
    if not total:
        click.echo("No signature matches: nothing to change.")
        return
    was = ", ".join(f"{n} {status}" for status, n in by_status)
    click.echo(f"{total} signatures would change to {new_status} (now {was}). A sample:")
    for row in db.query(
        "SELECT s.id, p.slug, s.created_at, s.status, s.email, s.postal_code, s.ip_hash, s.source"  # noqa: S608
        f" FROM signatures s JOIN petitions p ON p.id = s.petition_id WHERE {where}"
        f" ORDER BY s.id LIMIT {SAMPLE}",
        params,
    ):
        click.echo("  " + "  ".join(str(value) for value in row.values()))
    if not yes:
        click.echo("Nothing changed: run it again with --yes to change them.")
        return
    with write_transaction(db):
        event_id, changed = record_change(db, where, params, new_status, command_line(ctx))
    click.echo(
        f"Changed {changed} signatures to {new_status}: event {event_id}"
        f" (flask --app widget review undo {event_id} puts them back)."
    )


@review_cli.command("undo")
@click.argument("event_id", metavar="EVENT", type=int)
@with_appcontext
def undo_command(event_id):
    """Put back every status a review event changed, exactly as it was."""
    db = get_db()
    try:
        with write_transaction(db):
            undo_id = undo_event(db, event_id, f"review undo {event_id}")
            changed = db.execute(
                "SELECT changed FROM signature_events WHERE id = ?", [undo_id]
            ).fetchone()[0]
    except ReviewError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Put back {changed} signatures as they were before event {event_id}: event {undo_id}."
    )
