"""The petition commands: load petition files, list petitions with their counts."""

import click
from flask.cli import AppGroup

from ..store.db import get_db, write_transaction
from .files import PetitionFileError, read_petition_file
from .records import save_parsed, signer_email_mode, with_translations

petition_cli = AppGroup("petition", help="Load and list petitions.")


@petition_cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def load_command(files):
    """Create or update petitions by slug from files; a main file brings its translations."""
    db = get_db()
    try:
        parsed = [read_petition_file(path) for path in with_translations(files)]
        with write_transaction(db):
            messages = [save_parsed(db, data) for data in parsed]
    except PetitionFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo("\n".join(messages))


@petition_cli.command("list")
def list_command():
    """Print each petition's slug, count, goal, status, languages and title, then its partners."""
    db = get_db()
    rows = db.query(
        "SELECT p.*, p.lang || coalesce(',' || (SELECT group_concat(lang, ',') FROM"
        " (SELECT lang FROM petition_translations WHERE petition_id = p.id ORDER BY lang)),"
        " '') AS languages, (SELECT count(*) FROM signatures WHERE petition_id = p.id"
        " AND status = 'unconfirmed') AS unconfirmed FROM petitions p ORDER BY id"
    )
    totals_by_petition = {}
    for total in db.query("SELECT * FROM partner_totals ORDER BY petition, partner, source"):
        totals_by_petition.setdefault(total["petition"], []).append(total)
    click.echo(f"{'slug':<32} {'count':>7} {'goal':>7} {'status':<7} {'langs':<8} title")
    for row in rows:
        click.echo(
            f"{row['slug']:<32} {row['signature_count']:>7} {row['goal']:>7} "
            f"{row['status']:<7} {row['languages']:<8} {row['title']}"
        )
        mode = signer_email_mode(row)
        if mode != "none" or row["unconfirmed"]:
            click.echo(
                f"  signer email {mode}: confirmed {row['signature_count']},"
                f" unconfirmed {row['unconfirmed']} (not counted)"
            )
        for total in totals_by_petition.get(row["slug"], []):
            via = f"partner {total['partner']}" if total["partner"] else "no partner"
            source = f", source {total['source']}" if total["source"] else ""
            click.echo(f"  {via}{source}: {total['signatures']}")
