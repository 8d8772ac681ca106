"""The sender's jobs for confirmation: one reminder, then deletion of what stays unconfirmed."""

from datetime import UTC, datetime, timedelta

from flask import current_app

from ..signing.signer_mail import forget_signature_mail, mail_key, queue_signer_mail
from ..store.db import write_transaction

EVERY_SECONDS = 300
UNCONFIRMED_BEFORE = """
SELECT s.*, coalesce(t.title, p.title) AS petition_title
FROM signatures s
JOIN petitions p ON p.id = s.petition_id
LEFT JOIN petition_translations t ON t.petition_id = p.id AND t.lang = s.lang AND t.title != ''
WHERE s.status = 'unconfirmed' AND s.created_at <= ?
"""


def cutoff(**delta):
    """Return the stored-time text of now minus a delta."""
    moment = datetime.now(UTC) - timedelta(**delta)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def send_reminders(db):
    """Queue one reminder for each signature unconfirmed for CONFIRM_REMIND_HOURS."""
    hours = float(current_app.config["CONFIRM_REMIND_HOURS"])
    with write_transaction(db):
        for signature in db.query(UNCONFIRMED_BEFORE, [cutoff(hours=hours)]):
            # Only a submission whose confirmation went out is reminded (the daily cap may
            # have held it back); the reminder's key is fixed, so it is queued once.
            sent = db.execute(
                "SELECT 1 FROM outbox WHERE key = ?", [mail_key("confirm", signature)]
            ).fetchone()
            if sent:
                queue_signer_mail(db, "reminder", signature, signature["petition_title"])


def expire_unconfirmed(db):
    """Delete signatures unconfirmed for CONFIRM_EXPIRE_DAYS, with their mail (minimization)."""
    days = float(current_app.config["CONFIRM_EXPIRE_DAYS"])
    with write_transaction(db):
        ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM signatures WHERE status = 'unconfirmed' AND created_at <= ?",
                [cutoff(days=days)],
            )
        ]
        db.execute(
            f"DELETE FROM signatures WHERE id IN ({', '.join('?' * len(ids))})",  # noqa: S608
            ids,
        )
        forget_signature_mail(db, ids)
        db.execute("DELETE FROM signer_mail_quota WHERE day < ?", [cutoff(days=2)[:10]])
