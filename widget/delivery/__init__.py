"""Delivery: a petition's packet for its target, and its public counts by area."""

from . import cli


def init_app(app):
    """Register the delivery command."""
    app.cli.add_command(cli.delivery_command)
