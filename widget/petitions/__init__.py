"""Petitions: their files, storage and CLI, the language a page shows, the index and count.json."""

from ..store.db import after_migrate
from . import cli, records, views


def init_app(app):
    """Register the petition pages and commands, and fill an empty database with petitions."""
    after_migrate(app, records.load_shipped_petitions)
    app.cli.add_command(cli.petition_cli)
    app.register_blueprint(views.bp)
