"""Change signatures' statuses as one recorded, undoable event, and tell partners."""

from ..partners.push import signature_created, signature_withdrawn
from ..store.db import utc_now

# The statuses review gives and takes. "unconfirmed" and "duplicate" belong to confirmation:
# only the address owner's link counts such a row (counting it by hand would count a stranger
# who typed someone's address, or one person twice), so review leaves them alone.
REVIEWED = ("counted", "suspect", "invalid")


class ReviewError(Exception):
    """A review change cannot be made as asked (a friendly message for the CLI)."""


def record_change(db, where, params, new_status, command):
    """Set the matching signatures to new_status as one event; return its id and row count."""
    # Inside the caller's write transaction: the event, its rows and the statuses change
    # together or not at all; the count triggers follow the status change.
    event_id = db.execute(
        "INSERT INTO signature_events (created_at, action, new_status, command)"
        " VALUES (?, 'set', ?, ?)",
        [utc_now(), new_status, command],
    ).lastrowid
    db.execute(
        "INSERT INTO signature_event_rows (event_id, signature_id, old_status, new_status)"  # noqa: S608
        f" SELECT :event, s.id, s.status, :new FROM signatures s WHERE {where}",
        {**params, "event": event_id, "new": new_status},
    )
    return event_id, apply_event(db, event_id)


def apply_event(db, event_id):
    """Give each row of an event its new status; tell partners; return how many changed."""
    rows = db.execute(
        "SELECT signature_id, old_status, new_status FROM signature_event_rows WHERE event_id = ?",
        [event_id],
    ).fetchall()
    # Withdrawals go out while the signatures are still counted (only those were ever sent);
    # signature.created once they are counted.
    withdrawn = [sid for sid, old, new in rows if old == "counted" and new == "invalid"]
    signatures_withdrawn(db, withdrawn, "invalid")
    changed = db.execute(
        "UPDATE signatures SET status = r.new_status FROM signature_event_rows r"
        " WHERE r.event_id = ? AND r.signature_id = signatures.id",
        [event_id],
    ).rowcount
    db.execute("UPDATE signature_events SET changed = ? WHERE id = ?", [changed, event_id])
    counted = [sid for sid, old, new in rows if old != "counted" and new == "counted"]
    signatures_counted(db, counted)
    return changed


def undo_event(db, event_id, command):
    """Put back exactly what an event changed, as a new event; return the new event's id."""
    event = db.execute(
        "SELECT id, undone_by FROM signature_events WHERE id = ?", [event_id]
    ).fetchone()
    if event is None:
        raise ReviewError(f"no event {event_id}")
    if event[1] is not None:
        raise ReviewError(f"event {event_id} was already undone by event {event[1]}")
    moved = db.execute(
        "SELECT count(*) FROM signature_event_rows r JOIN signatures s ON s.id = r.signature_id"
        " WHERE r.event_id = ? AND s.status != r.new_status",
        [event_id],
    ).fetchone()[0]
    if moved:
        later = [
            str(n)
            for (n,) in db.execute(
                "SELECT DISTINCT r2.event_id FROM signature_event_rows r"
                " JOIN signature_event_rows r2 ON r2.signature_id = r.signature_id"
                " JOIN signature_events e ON e.id = r2.event_id"
                " WHERE r.event_id = ? AND r2.event_id > ? AND e.undone_by IS NULL"
                " ORDER BY 1",
                [event_id, event_id],
            )
        ]
        hint = f": undo event {', '.join(later)} first" if later else " (by hand)"
        raise ReviewError(f"{moved} of its signatures changed status since event {event_id}{hint}")
    undo_id = db.execute(
        "INSERT INTO signature_events (created_at, action, command, undoes)"
        " VALUES (?, 'undo', ?, ?)",
        [utc_now(), command, event_id],
    ).lastrowid
    # Rows of signatures forgotten since are gone: nothing to put back for them.
    db.execute(
        "INSERT INTO signature_event_rows (event_id, signature_id, old_status, new_status)"
        " SELECT ?, r.signature_id, r.new_status, r.old_status FROM signature_event_rows r"
        " JOIN signatures s ON s.id = r.signature_id WHERE r.event_id = ?",
        [undo_id, event_id],
    )
    apply_event(db, undo_id)
    db.execute("UPDATE signature_events SET undone_by = ? WHERE id = ?", [undo_id, event_id])
    return undo_id


def signatures_withdrawn(db, signature_ids, reason):
    """Queue signature.withdrawn for each signature its receivers had heard of."""
    # reason: "invalid" (review set) or "forgotten" (signer forget, before the delete).
    for signature_id in signature_ids:
        signature_withdrawn(db, signature_id, reason)


def signatures_counted(db, signature_ids):
    """Queue signature.created for signatures that review made counted (flagged at signing)."""
    # The outbox key is per signature: one that was counted once and is counted again after
    # an undo is not announced twice.
    for signature_id in signature_ids:
        signature = next(db.query("SELECT * FROM signatures WHERE id = ?", [signature_id]))
        petition = next(
            db.query("SELECT * FROM petitions WHERE id = ?", [signature["petition_id"]])
        )
        partner = None
        if signature["partner_id"] is not None:
            partner = next(
                db.query("SELECT * FROM partners WHERE id = ?", [signature["partner_id"]])
            )
        signature_created(db, petition, signature, partner)
