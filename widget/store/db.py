"""Open one SQLite connection per worker thread and run write transactions."""

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import UTC, datetime

import click
import sqlite_utils
from flask import current_app
from flask.cli import with_appcontext

from .migrations import migrations

# One connection per thread, reused across requests: opening one per request costs about two
# thirds of the throughput, because closing the last connection checkpoints the WAL.
_local = threading.local()
_migrated: set[tuple[int, str]] = set()
_migrate_lock = threading.Lock()
_writer = threading.RLock()  # reentrant: a nested transaction is SQLite's error, not a hang
HOOKS = "widget.store.after_migrate"


def private_file(path):
    """Create path empty and readable by its owner only, unless it exists."""
    # Signers' names and addresses live here; SQLite makes the -wal and -shm files with the
    # database's own mode, so they are private too. (An empty file is an empty database.)
    if path != ":memory:" and not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def connect(path, busy_timeout_ms=5000, synchronous="NORMAL"):
    """Open a connection with the pragmas every connection needs."""
    private_file(path)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA journal_mode = WAL")
    if synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be NORMAL or FULL, not {synchronous!r}")
    conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn, execute_plugins=False)


def get_db():
    """Return this thread's database, opening it lazily (after any fork) and migrating once."""
    config = current_app.config
    path = config["DATABASE"]
    cache = _local.__dict__.setdefault("databases", {})
    pid, db = cache.get(path, (None, None))
    if db is None or pid != os.getpid():
        db = connect(path, config["SQLITE_BUSY_TIMEOUT_MS"], config["SQLITE_SYNCHRONOUS"])
        cache[path] = (os.getpid(), db)
        if (os.getpid(), path) not in _migrated:
            with _migrate_lock:
                prepare(db)
                _migrated.add((os.getpid(), path))
    return db


def prepare(db):
    """Apply pending migrations, then the app's after-migrate hooks, in one transaction."""
    # A migration may rebuild a table (SQLite's 12-step ALTER), which needs foreign keys off;
    # the pragma is a no-op inside a transaction, so it goes off around it, and every foreign
    # key is checked before the transaction commits.
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        with write_transaction(db):
            pending = migrations.pending(db)
            migrations.apply(db)
            for hook in current_app.extensions[HOOKS]:
                hook(db)
            broken = db.execute("PRAGMA foreign_key_check").fetchall() if pending else []
            if broken:
                raise sqlite3.IntegrityError(f"migrations broke foreign keys: {broken[:5]}")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def after_migrate(app, hook):
    """Have hook(db) run once a process has migrated a database (e.g. to fill an empty one)."""
    # The store knows no domain: a domain plugs in here (petitions load the shipped files).
    app.extensions.setdefault(HOOKS, []).append(hook)


@contextmanager
def write_transaction(db):
    """Run a block as one write transaction, taking the write lock at BEGIN."""
    # A deferred transaction that reads then writes fails at once with "database is locked"
    # under concurrency; BEGIN IMMEDIATE waits for the lock (busy_timeout) instead. Threads of
    # one process queue on a lock of ours first: it hands over at once, where SQLite's busy
    # handler sleeps and polls (up to 100 ms a try), which made the slowest signers wait.
    with _writer:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")


def close_thread_databases():
    """Close the calling thread's connections (tests and shutdown)."""
    for _pid, db in _local.__dict__.pop("databases", {}).values():
        db.close()
    _migrated.clear()


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or migrate the database; safe to run again."""
    db = get_db()
    applied = [m.name for m in migrations.applied(db)]
    click.echo(f"Database {current_app.config['DATABASE']}: {len(applied)} migrations applied.")


def init_app(app):
    """Register the database command with the app."""
    app.extensions.setdefault(HOOKS, [])
    app.cli.add_command(init_db_command)


def utc_now():
    """Return the current time as ISO 8601 UTC, as every stored time is written."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def stamp(moment):
    """Return a datetime as ISO 8601 UTC text to the millisecond, as the outbox's times are."""
    # Milliseconds: retries a fraction of a second apart must order; every due_at is written
    # in this one format so that text comparison is time comparison.
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_stamp(text):
    """Return the datetime of an ISO 8601 text (a trailing Z or an offset; naive is UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
