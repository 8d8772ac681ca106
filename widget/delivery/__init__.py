"""Delivery: a petition's packet for its target, and its public counts by area."""

from . import cli, stats, top_areas


def init_app(app):
    """Register the delivery command, the public statistics and the page's top areas."""
    app.cli.add_command(cli.delivery_command)
    app.register_blueprint(stats.bp)
    top_areas.init_app(app)
