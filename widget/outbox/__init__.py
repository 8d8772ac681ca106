"""The outbox: messages written in the transaction they concern, delivered later by a sender."""

from . import cli, mail, registry


def init_app(app):
    """Prepare the registry of kinds and jobs, register mail, and the outbox commands."""
    registry.init_app(app)
    mail.init_app(app)
    app.cli.add_command(cli.outbox_cli)
