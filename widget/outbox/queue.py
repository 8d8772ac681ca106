"""Write a message into the outbox inside the caller's open write transaction."""

import json
import secrets
from datetime import UTC, datetime

from ..store.db import parse_stamp, stamp, utc_now

INSERT = """
INSERT INTO outbox (kind, lane, key, payload, status, attempts, due_at, created_at, updated_at)
VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)
ON CONFLICT (key) DO NOTHING
"""


def now_stamp():
    """Return the current time in the outbox's format."""
    return stamp(datetime.now(UTC))


def enqueue(db, kind, payload, *, lane, key=None, due_at=None):
    """Insert a message in the open transaction; return its id, or None if key already exists."""
    # The message must commit or roll back with what it concerns (the signature): outside a
    # transaction it would commit alone, so refuse.
    if not db.conn.in_transaction:
        raise RuntimeError("enqueue() must run inside write_transaction(db)")
    key = key or f"msg_{secrets.token_urlsafe(16)}"
    due = stamp(parse_stamp(due_at)) if due_at else now_stamp()
    now = utc_now()
    cursor = db.execute(INSERT, [kind, lane, key, json.dumps(payload), due, now, now])
    return cursor.lastrowid if cursor.rowcount else None
