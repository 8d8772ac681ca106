"""The partner commands: add partners, print their snippets and export links."""

import click
from flask.cli import AppGroup

from ..petitions.files import SLUG_RE
from ..petitions.records import get_petition
from ..store.db import get_db, utc_now, write_transaction
from .export_links import export_link
from .push import check_url, set_webhook
from .records import ORIGIN_RE, get_partner, partner_key
from .share import iframe_snippet, snippet

partner_cli = AppGroup(
    "partner", help="Add and remove partners, print their snippets and export links."
)


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
@click.option("--webhook", metavar="URL", help="Send its opted-in signers to this endpoint.")
@click.option("--action-network-key", metavar="KEY", help="Add its signers to Action Network.")
@click.option("--action-network-tag", metavar="TAG", help="Tag them with this tag there too.")
def add_command(slug, name, optin_text, origins, webhook, action_network_key, action_network_tag):
    """Create or update a partner."""
    if not SLUG_RE.fullmatch(slug):
        raise click.BadParameter("lowercase letters, digits and dashes", param_hint="SLUG")
    for origin in origins:
        if not ORIGIN_RE.fullmatch(origin):
            raise click.BadParameter(
                f"{origin!r} is not like https://example.org", param_hint="--origin"
            )
    values = {
        "name": name,
        "optin_text": optin_text or f"I want to hear from {name}.",
        "origins": " ".join(origins),
    }
    values.update(push_values(webhook, action_network_key, action_network_tag))
    db = get_db()
    with write_transaction(db):
        existing = get_partner(slug, removed=True)
        if existing and existing["removed_at"]:
            raise click.ClickException(
                f"partner {slug!r} was removed; its slug stays with its signatures' history: "
                "choose another"
            )
        if existing:
            db["partners"].update(existing["id"], values)
        else:
            db["partners"].insert({"slug": slug, **values, "created_at": utc_now()})
        secret = webhook and set_webhook(db, get_partner(slug), webhook)
    click.echo(f"{'Updated' if existing else 'Added'} partner {slug}")
    if secret:
        click.echo(f"Webhook signing secret (shown once; give it to the partner): {secret}")


def push_values(webhook, action_network_key, action_network_tag):
    """Return the partner columns the push options set (checked), leaving out those not given."""
    if webhook is not None and not check_url(webhook):
        raise click.BadParameter(
            f"{webhook!r} is not like https://example.org/hook", param_hint="--webhook"
        )
    values = {"action_network_key": action_network_key, "action_network_tag": action_network_tag}
    return {name: value.strip() for name, value in values.items() if value is not None}


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
    partner = require(get_partner, partner_slug, "partner")
    petition = require(get_petition, petition_slug, "petition")
    click.echo(export_link(partner, petition, days))


@partner_cli.command("remove")
@click.argument("slug")
def remove_command(slug):
    """Disable a partner: its key signs as no partner, its links stop; its history stays."""
    partner = require(get_partner, slug, "partner")
    db = get_db()
    with write_transaction(db):
        # Never deleted: its signatures keep their partner_id, and the id is never reused.
        db.execute(
            "UPDATE partners SET removed_at = ?, links_version = links_version + 1 WHERE id = ?",
            [utc_now(), partner["id"]],
        )
    click.echo(f"Removed partner {slug}: its key and links no longer work; its signatures stay.")


@partner_cli.command("revoke-links")
@click.argument("slug")
def revoke_links_command(slug):
    """Make every export (and dashboard) link given to a partner stop working."""
    partner = require(get_partner, slug, "partner")
    db = get_db()
    with write_transaction(db):
        db.execute(
            "UPDATE partners SET links_version = links_version + 1 WHERE id = ?", [partner["id"]]
        )
    click.echo(f"Revoked every link of partner {slug}; new ones can be made.")
