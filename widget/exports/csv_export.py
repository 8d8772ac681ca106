"""Export signatures as CSV that is safe to open in a spreadsheet."""

import csv
import io
import sys

import click
from flask.cli import with_appcontext

from ..petitions.records import get_petition
from ..store.db import get_db

COLUMNS = {
    # Delivered to the target: who signed and where, never how to reach them.
    "delivery": ["first_name", "last_name", "postal_code", "signed_on"],
    "partner": ["first_name", "last_name", "email", "postal_code", "consent_text", "created_at"],
    "full": [
        "id",
        "first_name",
        "last_name",
        "email",
        "postal_code",
        "partner",
        "source",
        "referrer",
        "optin_org",
        "optin_partner",
        "consent_text",
        "lang",
        "status",
        "created_at",
    ],
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """Prefix a cell that a spreadsheet would run as a formula, so it opens as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def partner_by_slug(slug):
    """Return the partner row with this slug, or None (a removed partner's too: its history)."""
    return next(get_db().query("SELECT * FROM partners WHERE slug = ?", [slug]), None)


def export_rows(petition, kind, partner=None):
    """Yield the signatures an export of this kind carries."""
    where = ["s.petition_id = :petition"]
    if kind != "full":
        where.append("s.status = 'counted'")
    if partner is not None:
        where.append("s.partner_id = :partner")
    if kind == "partner":
        where.append("s.optin_partner = 1")
    # Only the fixed fragments above are joined into the SQL; values are parameters.
    sql = (
        "SELECT s.*, substr(s.created_at, 1, 10) AS signed_on, p.slug AS partner"  # noqa: S608
        " FROM signatures s LEFT JOIN partners p ON p.id = s.partner_id"
        f" WHERE {' AND '.join(where)} ORDER BY s.id"
    )
    params = {"petition": petition["id"], "partner": partner and partner["id"]}
    return get_db().query(sql, params)


def write_csv(out, kind, rows):
    """Write rows as CSV with the columns of this kind of export."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS[kind])
    for row in rows:
        writer.writerow([neutralize(row[column]) for column in COLUMNS[kind]])


def export_csv(petition, kind, partner=None):
    """Return the export as a CSV string."""
    out = io.StringIO()
    write_csv(out, kind, export_rows(petition, kind, partner))
    return out.getvalue()


@click.command("export")
@click.argument("petition_slug", metavar="PETITION")
@click.option(
    "--kind",
    type=click.Choice(list(COLUMNS)),
    default="delivery",
    show_default=True,
    help="delivery: for the target, no emails; partner: a partner's opted-in signers; "
    "full: every column and status.",
)
@click.option(
    "--partner", "partner_slug", metavar="PARTNER", help="Only signers this partner brought."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@with_appcontext
def export_command(petition_slug, kind, partner_slug, output):
    """Export a petition's signatures as CSV."""
    petition = get_petition(petition_slug)
    if petition is None:
        raise click.ClickException(f"no petition {petition_slug!r}")
    partner = None
    if partner_slug or kind == "partner":
        partner = partner_by_slug(partner_slug or "")
        if partner is None:
            raise click.ClickException(
                f"--kind partner needs a known --partner, not {partner_slug!r}"
            )
        if kind == "partner" and partner["removed_at"]:
            raise click.ClickException(
                f"partner {partner_slug!r} was removed: its signers are no longer handed to it "
                "(--kind full --partner shows its history)"
            )
    rows = export_rows(petition, kind, partner)
    if output:
        with open(output, "w", newline="", encoding="utf-8") as out:
            write_csv(out, kind, rows)
        click.echo(f"Wrote {output}", err=True)
    else:
        write_csv(sys.stdout, kind, rows)
