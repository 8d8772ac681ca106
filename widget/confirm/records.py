"""What a signer's link does to their signature: read, confirm, clear opt-ins, withdraw."""

from itsdangerous import BadSignature, SignatureExpired

from ..partners.push import signature_counted, signature_withdrawn
from ..signing.emails import split_key, suffixed_range
from ..signing.signer_mail import forget_signature_mail, key_digest, read_link_token
from ..store.db import get_db, utc_now, write_transaction

SIGNATURE = """
SELECT s.*, coalesce(t.title, p.title) AS petition_title, p.slug AS petition_slug,
       p.status AS petition_status, pa.name AS partner_name
FROM signatures s
JOIN petitions p ON p.id = s.petition_id
LEFT JOIN petition_translations t ON t.petition_id = p.id AND t.lang = s.lang AND t.title != ''
LEFT JOIN partners pa ON pa.id = s.partner_id
WHERE s.id = ?
"""


def signature_for_link(token):
    """Return (the signature a link names or None, and why not: 'expired' or 'missing')."""
    try:
        signature_id, digest = read_link_token(token)
    except SignatureExpired:
        return None, "expired"
    except (BadSignature, ValueError):
        return None, "missing"
    row = next(get_db().query(SIGNATURE, [signature_id]), None)
    if row is None or key_digest(split_key(row["email_key"])[0]) != digest:
        return None, "missing"  # withdrawn, expired unconfirmed, or never ours
    return row, None


def confirm_signature(db, signature_id):
    """Confirm an unconfirmed signature: it counts, and the address's other submissions go."""
    # The one place where a signature becomes counted by confirmation (partners' pushes
    # hook in here). Idempotent: a second visit, a scanner's first, finds nothing to do.
    with write_transaction(db):
        row = next(db.query("SELECT * FROM signatures WHERE id = ?", [signature_id]), None)
        if row is None or row["status"] != "unconfirmed":
            return False
        key = split_key(row["email_key"])[0]
        low, high = suffixed_range(key)
        others = [
            other_id
            for (other_id,) in db.execute(
                "SELECT id FROM signatures WHERE petition_id = ? AND status = 'unconfirmed'"
                " AND email_key > ? AND email_key < ? AND id != ?",
                [row["petition_id"], low, high, signature_id],
            )
        ]
        # Only what this link's mailbox owner submitted is kept: a stranger's submission
        # under the same address is deleted with its mail, never merged.
        db.execute(f"DELETE FROM signatures WHERE id IN ({', '.join('?' * len(others))})", others)  # noqa: S608
        forget_signature_mail(db, others)
        # Something automated that confirmed is set aside for review, as it is without mail.
        status = "suspect" if row["signals"] else "counted"
        db.execute(
            "UPDATE signatures SET status = ?, email_key = ?, confirmed_at = ? WHERE id = ?",
            [status, key, utc_now(), signature_id],
        )
        if status == "counted":
            signature_counted(db, signature_id)  # now partners and the organization hear of it
    return True


def clear_optins(db, signature_id):
    """Clear both opt-ins of a signature (the consent text stays: what they were shown)."""
    with write_transaction(db):
        signature_withdrawn(db, signature_id, reason="optout")  # the partner may keep it no more
        db.execute(
            "UPDATE signatures SET optin_org = 0, optin_partner = 0 WHERE id = ?", [signature_id]
        )


def withdraw_signature(db, signature_id):
    """Delete a signature and its personal data, its mail included; the count follows."""
    # The one place where a signature is withdrawn (partners' pushes hook in here).
    with write_transaction(db):
        signature_withdrawn(db, signature_id)  # read before it is deleted
        db.execute("DELETE FROM signatures WHERE id = ?", [signature_id])
        forget_signature_mail(db, [signature_id])
