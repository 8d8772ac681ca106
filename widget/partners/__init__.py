"""Partners: the organizations that embed a petition, their keys, CLI, links, pushes, dashboards."""

# dashboard_cli and push_cli add their commands to the partner and petition groups on import.
from ..outbox import action_network, webhooks
from ..outbox.registry import register_kind
from . import cli, dashboard, dashboard_cli, export_links, push, push_cli, records, share  # noqa: F401


def init_app(app):
    """Register the partner commands, pages and the kinds that push signers to partners."""
    app.cli.add_command(cli.partner_cli)
    app.register_blueprint(share.bp)
    app.register_blueprint(export_links.bp)
    app.register_blueprint(dashboard.bp)
    app.jinja_env.globals.update(partner_optin_text=records.partner_optin_text)
    timeout = float(app.config["WEBHOOK_TIMEOUT_SECONDS"])
    sender = webhooks.WebhookSender(push.endpoint_for, push.switch_off, timeout)
    register_kind(app, webhooks.KIND, sender.deliver)
    connector = action_network.ActionNetworkSender(
        push.account_for, app.config["ACTION_NETWORK_API_URL"], timeout
    )
    register_kind(app, action_network.KIND, connector.deliver)
