"""Delivery: a petition's packet for its target, and its public counts by area."""

from . import cli, stats


def init_app(app):
    """Register the delivery command and the public statistics."""
    app.cli.add_command(cli.delivery_command)
    app.register_blueprint(stats.bp)
