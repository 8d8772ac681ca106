"""Partners: organizations embedding a petition, their keys, CLI, export links, share, oEmbed."""

from . import cli, export_links, oembed, records, share


def init_app(app):
    """Register the partner commands, export links and share page; templates get the opt-in."""
    app.cli.add_command(cli.partner_cli)
    app.register_blueprint(share.bp)
    app.register_blueprint(export_links.bp)
    app.register_blueprint(oembed.bp)
    app.jinja_env.globals.update(
        partner_optin_text=records.partner_optin_text, oembed_url=oembed.discovery_url
    )
