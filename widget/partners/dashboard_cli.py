"""The commands that print dashboard links: a partner's, and a petition's across partners."""

import click

from ..petitions.cli import petition_cli
from ..petitions.records import get_petition
from .cli import partner_cli, require
from .dashboard import dashboard_link
from .records import get_partner

DAYS = click.option(
    "--days",
    default=30,
    show_default=True,
    type=click.IntRange(1, 365),
    help="Days the link keeps working.",
)


@partner_cli.command("dashboard-link")
@click.argument("partner_slug", metavar="PARTNER")
@DAYS
def partner_dashboard_command(partner_slug, days):
    """Print a signed, expiring URL of the partner's dashboard (revoked with its links)."""
    partner = require(get_partner, partner_slug, "partner")
    click.echo(dashboard_link("partner", partner, days))


@petition_cli.command("dashboard-link")
@click.argument("slug")
@DAYS
def petition_dashboard_command(slug, days):
    """Print a signed, expiring URL of the petition's dashboard across all partners."""
    petition = require(get_petition, slug, "petition")
    click.echo(dashboard_link("petition", petition, days))
