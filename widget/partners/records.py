"""Partner organizations: their records, their signed keys, and the partner commands."""

import click
from flask.cli import AppGroup
from itsdangerous import BadSignature

from .context import ORIGIN_RE
from .db import get_db, utc_now, write_transaction
from .keys import serializer

PARTNER_SALT = "petition-widget.partner-key"
partner_cli = AppGroup("partner", help="Add partners and print their snippets and export links.")


def get_partner(slug):
    """Return the partner with this slug, or None."""
    return next(get_db().query("SELECT * FROM partners WHERE slug = ?", [slug]), None)


def partner_key(partner):
    """Return the signed key that names this partner in a snippet."""
    return serializer(PARTNER_SALT).dumps(partner["slug"])


def partner_from_key(key):
    """Return the partner a signed key names, or None for a missing, unknown or forged key."""
    if not key or len(key) > 200:
        return None
    try:
        slug = serializer(PARTNER_SALT).loads(key)
    except BadSignature:
        return None
    return get_partner(slug) if isinstance(slug, str) else None


@partner_cli.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The organization's name, as signers see it.")
@click.option("--optin-text", default="", help="The partner's opt-in wording on the form.")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    metavar="URL",
    help="A site allowed to frame this partner's embeds (repeat; none: any site).",
)
def add_command(slug, name, optin_text, origins):
    """Create or update a partner."""
    from .content import SLUG_RE

    if not SLUG_RE.match(slug):
        raise click.BadParameter("lowercase letters, digits and dashes", param_hint="SLUG")
    for origin in origins:
        if not ORIGIN_RE.match(origin):
            raise click.BadParameter(
                f"{origin!r} is not like https://example.org", param_hint="--origin"
            )
    values = {
        "name": name,
        "optin_text": optin_text or f"I want to hear from {name}.",
        "origins": " ".join(origins),
    }
    db = get_db()
    with write_transaction(db):
        existing = get_partner(slug)
        if existing:
            db["partners"].update(existing["id"], values)
        else:
            db["partners"].insert({"slug": slug, **values, "created_at": utc_now()})
    click.echo(f"{'Updated' if existing else 'Added'} partner {slug}")


def require(getter, slug, kind):
    """Return the record or stop the command with a clear message."""
    record = getter(slug)
    if record is None:
        raise click.ClickException(f"no {kind} {slug!r}")
    return record


@partner_cli.command("snippet")
@click.argument("partner_slug", metavar="PARTNER")
@click.argument("petition_slug", metavar="PETITION")
def snippet_command(partner_slug, petition_slug):
    """Print the snippet (and the plain iframe variant) carrying the partner's key."""
    from .petitions import get_petition
    from .share import iframe_snippet, snippet

    partner = require(get_partner, partner_slug, "partner")
    petition = require(get_petition, petition_slug, "petition")
    key = partner_key(partner)
    click.echo(snippet(petition, key))
    click.echo("\nWhere scripts are not allowed:\n")
    click.echo(iframe_snippet(petition, key))


@partner_cli.command("export-link")
@click.argument("partner_slug", metavar="PARTNER")
@click.argument("petition_slug", metavar="PETITION")
@click.option(
    "--days",
    default=7,
    show_default=True,
    type=click.IntRange(1, 90),
    help="Days the link keeps working.",
)
def export_link_command(partner_slug, petition_slug, days):
    """Print a signed, expiring URL that downloads the partner's opted-in signers as CSV."""
    from .partner_exports import export_link
    from .petitions import get_petition

    partner = require(get_partner, partner_slug, "partner")
    petition = require(get_petition, petition_slug, "petition")
    click.echo(export_link(partner, petition, days))
