"""The outbox: messages written in the transaction they concern, delivered later by a sender."""

from . import cli, registry


def init_app(app):
    """Prepare the registry of kinds and jobs and register the outbox commands."""
    registry.init_app(app)
    app.cli.add_command(cli.outbox_cli)
