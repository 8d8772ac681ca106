"""The delivery command: write a petition's packet for its target as PDF, HTML or CSV."""

import csv
import sys
from contextlib import contextmanager

import click
from flask.cli import with_appcontext

from ..petitions.records import get_petition
from ..web.languages import use_language
from .document import PAPERS, make_packet, write_html
from .packet import PacketError, Selection, read_districts

DAY = click.DateTime(formats=["%Y-%m-%d"])


@contextmanager
def progress_bar(total, label):
    """Show progress on the terminal (standard error), for packets that take a while."""
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def write_areas_csv(path, packet):
    """Write one row per area with its count (and the packet's total last)."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([packet.selection.group_by, "signatures"])
        for area, count in packet.areas:
            writer.writerow([area, count])


@click.command("delivery")
@click.argument("petition_slug", metavar="PETITION")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html", "csv"]),
    default="pdf",
    show_default=True,
    help="pdf to print; html, the same document; csv, counts per area.",
)
@click.option(
    "--group-by",
    type=click.Choice(["postal_code", "district"]),
    default="postal_code",
    show_default=True,
    help="Group signers by postal code, or by --districts.",
)
@click.option(
    "--districts",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of postal_code,district; unmapped codes go to Other.",
)
@click.option("--since", type=DAY, help="First day (YYYY-MM-DD, UTC) of signatures included.")
@click.option("--until", type=DAY, help="Last day (YYYY-MM-DD, UTC) of signatures included.")
@click.option("--paper", type=click.Choice(list(PAPERS)), default="letter", show_default=True)
@with_appcontext
def delivery_command(petition_slug, output, fmt, group_by, districts, since, until, paper):
    """Write the petition's delivery packet: cover, chart, counts per area, then the signers."""
    petition = get_petition(petition_slug)
    if petition is None:
        raise click.ClickException(f"no petition {petition_slug!r}")
    if districts and group_by != "district":
        group_by = "district"  # a districts file means grouping by it
    if group_by == "district" and not districts:
        raise click.ClickException("--group-by district needs --districts FILE.csv")
    if since and until and since > until:
        raise click.ClickException("--since must not be after --until")
    try:
        mapping = read_districts(districts) if districts else {}
    except (PacketError, UnicodeDecodeError) as error:
        raise click.ClickException(str(error)) from None
    use_language(petition["lang"])  # the packet speaks the petition's own language
    selection = Selection(
        petition, group_by, mapping, since and since.date(), until and until.date()
    )
    packet = make_packet(selection)
    if fmt == "csv":
        write_areas_csv(output, packet)
    elif fmt == "html":
        with (
            open(output, "w", encoding="utf-8") as out,
            progress_bar(packet.total, "Writing packet") as progress,
        ):
            write_html(out, packet, paper, progress)
    else:
        from .pdf import write_pdf

        with progress_bar(packet.total, "Writing packet") as progress:
            write_pdf(output, packet, paper, progress)
    click.echo(f"Wrote {output}: {packet.total} signatures in {len(packet.areas)} areas", err=True)
