"""Review and retention: doubtful signatures, their undoable changes, purge, signers' rights."""

from . import cli


def init_app(app):
    """Register the review, purge and signer commands."""
    app.cli.add_command(cli.review_cli)
