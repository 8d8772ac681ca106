"""The store: one SQLite file, its connections, migrations and backups; it knows no domain."""

from . import backup, db


def init_app(app):
    """Register the database and backup commands."""
    db.init_app(app)
    app.cli.add_command(backup.backup_command)
