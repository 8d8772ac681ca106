"""Store petitions: look them up, create or update them from files, list them."""

from pathlib import Path

import click
from flask import abort, current_app
from flask.cli import AppGroup

from .content import PetitionFileError, read_petition_file
from .db import get_db, utc_now, write_transaction

petition_cli = AppGroup("petition", help="Load and list petitions.")

STORED_KEYS = (
    "lang",
    "title",
    "target",
    "statement",
    "body_md",
    "body_html",
    "organization",
    "optin_text",
    "thanks_text",
    "goal",
    "status",
)


def get_petition(slug):
    """Return the petition with this slug, or None."""
    return next(get_db().query("SELECT * FROM petitions WHERE slug = ?", [slug]), None)


def get_petition_or_404(slug):
    """Return the petition with this slug that the public may see, or answer 404."""
    petition = get_petition(slug)
    if petition is None or petition["status"] == "draft":
        abort(404)
    return petition


def save_petition(db, data):
    """Create or update a petition by slug inside the caller's transaction; return its id."""
    values = {key: data[key] for key in STORED_KEYS if key in data}
    values["updated_at"] = utc_now()
    row = db.execute("SELECT id FROM petitions WHERE slug = ?", [data["slug"]]).fetchone()
    if row:
        assignments = ", ".join(f"{key} = :{key}" for key in values)
        db.execute(f"UPDATE petitions SET {assignments} WHERE id = :id", {**values, "id": row[0]})  # noqa: S608
        return row[0]
    values.update(slug=data["slug"], created_at=values["updated_at"])
    columns = ", ".join(values)
    placeholders = ", ".join(f":{key}" for key in values)
    cursor = db.execute(f"INSERT INTO petitions ({columns}) VALUES ({placeholders})", values)  # noqa: S608
    return cursor.lastrowid


def shipped_petition_files():
    """List the petition files in PETITIONS_DIR (not their translations)."""
    folder = Path(current_app.config["PETITIONS_DIR"])
    return sorted(p for p in folder.glob("*.md") if "." not in p.stem)


def load_shipped_petitions(db):
    """Load every shipped petition file into the database (inside the caller's transaction)."""
    for path in shipped_petition_files():
        save_petition(db, read_petition_file(path))


@petition_cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def load_command(files):
    """Create or update petitions by slug from Markdown files with TOML front matter."""
    try:
        parsed = [read_petition_file(path) for path in files]
    except PetitionFileError as error:
        raise click.ClickException(str(error)) from None
    db = get_db()
    with write_transaction(db):
        for data in parsed:
            existed = get_petition(data["slug"]) is not None
            save_petition(db, data)
            click.echo(f"{'Updated' if existed else 'Created'} petition {data['slug']}")


@petition_cli.command("list")
def list_command():
    """Print each petition's slug, count, goal, status and title, then its partners and sources."""
    db = get_db()
    click.echo(f"{'slug':<32} {'count':>7} {'goal':>7} {'status':<7} title")
    for row in db.query("SELECT * FROM petitions ORDER BY id"):
        click.echo(
            f"{row['slug']:<32} {row['signature_count']:>7} {row['goal']:>7} "
            f"{row['status']:<7} {row['title']}"
        )
        totals = db.query(
            "SELECT * FROM partner_totals WHERE petition = ? ORDER BY partner, source",
            [row["slug"]],
        )
        for total in totals:
            via = f"partner {total['partner']}" if total["partner"] else "no partner"
            source = f", source {total['source']}" if total["source"] else ""
            click.echo(f"  {via}{source}: {total['signatures']}")
