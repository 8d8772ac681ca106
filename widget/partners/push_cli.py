"""The partner commands that set up pushing signers: webhooks, their test, Action Network."""

import click

from ..store.db import get_db, utc_now, write_transaction
from .cli import partner_cli, require
from .push import check_url, ping, set_webhook, webhook_on
from .records import get_partner


def echo_secret(secret):
    click.echo(f"Webhook signing secret (shown once; give it to the partner): {secret}")


@partner_cli.command("webhook")
@click.argument("slug")
@click.option("--url", help="Send this partner's signers to this endpoint (switches it on).")
@click.option("--off", is_flag=True, help="Stop sending to the partner's endpoint.")
@click.option("--rotate-secret", is_flag=True, help="Replace the signing secret; prints it once.")
def webhook_command(slug, url, off, rotate_secret):
    """Set, switch off, or re-key a partner's webhook endpoint."""
    if sum([bool(url), off, rotate_secret and not url]) != 1:
        raise click.UsageError("give one of --url URL, --off or --rotate-secret")
    partner = require(get_partner, slug, "partner")
    db = get_db()
    with write_transaction(db):
        if off:
            values = {"webhook_off_at": utc_now(), "webhook_off_reason": "switched off by command"}
            db["partners"].update(partner["id"], values)
            secret = None
        elif url:
            if not check_url(url):
                raise click.BadParameter(
                    f"{url!r} is not like https://example.org/hook", param_hint="--url"
                )
            secret = set_webhook(db, partner, url, rotate=rotate_secret)
        else:
            if not partner["webhook_url"]:
                raise click.ClickException(f"partner {slug!r} has no webhook; use --url")
            secret = set_webhook(db, partner, partner["webhook_url"], rotate=True)
    if off:
        click.echo(f"Webhook of {slug} switched off (pending events are cancelled)")
    else:
        click.echo(f"Webhook of {slug}: {url or partner['webhook_url']}")
    if secret:
        echo_secret(secret)


@partner_cli.command("webhook-test")
@click.argument("slug")
def webhook_test_command(slug):
    """Queue a ping to the partner's endpoint; the outbox sender delivers it."""
    partner = require(get_partner, slug, "partner")
    if not webhook_on(partner):
        reason = partner["webhook_off_reason"] or "none set"
        raise click.ClickException(f"partner {slug!r} has no webhook on ({reason})")
    db = get_db()
    with write_transaction(db):
        ping(db, partner)
    click.echo(f"Queued a ping to {partner['webhook_url']}; `outbox run --once` sends it")
