"""Review and retention: doubtful signatures, their undoable changes, purge, signers' rights."""

from ..outbox.registry import register_job
from . import cli, retention, signers

DAY = 86400


def init_app(app):
    """Register the review, purge and signer commands, and purge as a daily outbox job."""
    app.cli.add_command(cli.review_cli)
    app.cli.add_command(retention.purge_command)
    app.cli.add_command(signers.signer_cli)
    register_job(app, "purge", DAY, retention.purge_job)
