"""Partners: the organizations that embed a petition, their keys, CLI, export links, share page."""

from . import cli, dashboard, export_links, records, share
from . import dashboard_cli, push_cli  # noqa: F401 (they add commands to the groups)


def init_app(app):
    """Register the partner commands, export links and share page; templates get the opt-in."""
    app.cli.add_command(cli.partner_cli)
    app.register_blueprint(share.bp)
    app.register_blueprint(export_links.bp)
    app.register_blueprint(dashboard.bp)
    app.jinja_env.globals.update(partner_optin_text=records.partner_optin_text)
