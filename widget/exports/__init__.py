"""Exports: signatures written as CSV that is safe to open in a spreadsheet."""

from . import csv_export


def init_app(app):
    """Register the export command."""
    app.cli.add_command(csv_export.export_command)
