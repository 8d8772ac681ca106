"""Copy the live database to a file, consistently, while the service keeps running."""

import os
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .db import get_db, private_file


def backup_database(db, path):
    """Write a consistent copy of db to path, replacing it only once the copy is checked."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    private_file(str(partial))  # a backup holds every signer: readable by its owner only
    target = sqlite3.connect(partial)
    try:
        # SQLite's online backup API, in one step (pages=-1): it copies one snapshot under a
        # read lock, which in WAL mode never blocks the writers.
        db.conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
        counts = target.execute(
            "SELECT (SELECT count(*) FROM petitions), (SELECT count(*) FROM signatures)"
        ).fetchone()
    finally:
        target.close()
    if check != "ok":
        partial.unlink()
        raise click.ClickException(f"the copy failed its integrity check: {check}")
    os.replace(partial, path)  # a reader of path never sees half a file
    return counts


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file):
    """Copy the database to FILE; safe while the service runs."""
    source = Path(current_app.config["DATABASE"])
    if Path(file).resolve() == source.resolve():
        raise click.ClickException("FILE must not be the database itself")
    petitions, signatures = backup_database(get_db(), file)
    click.echo(
        f"Backed up the database to {file}: petitions {petitions}, signatures {signatures}, "
        "integrity ok"
    )
