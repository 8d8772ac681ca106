"""The signer's mail: a link to their own page, queued in the outbox with the signature."""

import hashlib
import secrets
from datetime import UTC, datetime

from flask import current_app

from ..keys import timestamp_signer
from ..outbox.mail import KIND, lane_for
from ..outbox.queue import enqueue
from .emails import split_key

LINK_SALT = "petition-widget.signer-link"
QUOTA = """
INSERT INTO signer_mail_quota (email_key, day, sent) VALUES (?, ?, 1)
ON CONFLICT (email_key, day) DO UPDATE SET sent = sent + 1
RETURNING sent
"""


def key_digest(key):
    """Return a short digest of an address's key: ties a link to its address, unreadably."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def link_token(signature_id, key):
    """Return the signed, timestamped token of a signature's own page."""
    # The digest makes a link useless for another address's row, should a row id be reused
    # after a deletion; the token carries no personal data.
    return timestamp_signer(LINK_SALT).sign(f"{signature_id}.{key_digest(key)}").decode()


def read_link_token(token):
    """Return (signature id, key digest); raise BadSignature (or SignatureExpired)."""
    max_age = float(current_app.config["SIGNER_LINK_DAYS"]) * 86400
    payload = timestamp_signer(LINK_SALT).unsign(token, max_age=max_age).decode("ascii")
    signature_id, digest = payload.split(".")
    return int(signature_id), digest


def signer_link(signature_id, key):
    """Return the public URL of a signature's own page."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/s/{link_token(signature_id, key)}"


def within_quota(db, key):
    """Count one more mail to an address today; False once it is over SIGNER_MAILS_PER_DAY."""
    # So that the form cannot be used to flood someone's inbox: a few messages a day per
    # mailbox, whatever was submitted, across all petitions.
    day = datetime.now(UTC).date().isoformat()
    sent = db.execute(QUOTA, [key, day]).fetchone()[0]
    return sent <= int(current_app.config["SIGNER_MAILS_PER_DAY"])


def mail_key(template, signature):
    """Return the outbox key (and Message-ID) of a template's mail about a signature."""
    key, suffix = split_key(signature["email_key"])
    # An unconfirmed row's own suffix makes its confirm and reminder keys known in advance
    # (the reminder job finds them); other mails get a random one.
    return f"mail-{template}-{signature['id']}-{suffix or secrets.token_hex(6)}"


def queue_signer_mail(db, template, signature, petition_title):
    """Queue a templates/mail/<template> message about a signature, in the open transaction."""
    key = split_key(signature["email_key"])[0]
    full_name = f"{signature['first_name']} {signature['last_name']}"
    context = {
        "first_name": signature["first_name"],
        "full_name": full_name,
        "postal_code": signature["postal_code"],
        "petition_title": petition_title,
        "link": signer_link(signature["id"], key),
        "expire_days": current_app.config["CONFIRM_EXPIRE_DAYS"],
    }
    payload = {
        "to": signature["email"],
        "to_name": full_name,
        "lang": signature["lang"],
        "template": template,
        "signature": signature["id"],  # withdrawing the signature deletes its mail too
        "context": context,
    }
    lane = lane_for(signature["email"])
    return enqueue(db, KIND, payload, lane=lane, key=mail_key(template, signature))


def forget_signature_mail(db, signature_ids):
    """Delete the outbox's mail about these signatures (it holds their names and address)."""
    marks = ", ".join("?" * len(signature_ids))
    db.execute(
        f"DELETE FROM outbox WHERE kind = ? AND json_extract(payload, '$.signature') IN ({marks})",  # noqa: S608
        [KIND, *signature_ids],
    )
