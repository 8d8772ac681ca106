"""Record a signature, its consent and its nonce in one write transaction."""

import hashlib
import hmac
import itertools

from flask import current_app, request

from ..keys import derived_key
from ..partners.push import signature_created
from ..partners.records import partner_optin_text
from ..store.db import get_db, utc_now, write_transaction
from .tokens import FormTokenError

_signs = itertools.count()
PRUNE_EVERY = 200  # signatures per process between sweeps of expired nonces

INSERT_SIGNATURE = """
INSERT INTO signatures (petition_id, first_name, last_name, email, email_key, postal_code,
    partner_id, source, referrer, optin_org, optin_partner, consent_text, lang, status,
    ip_hash, signals, created_at)
VALUES (:petition_id, :first_name, :last_name, :email, :email_key, :postal_code,
    :partner_id, :source, :referrer, :optin_org, :optin_partner, :consent_text, :lang, :status,
    :ip_hash, :signals, :created_at)
ON CONFLICT (petition_id, email_key) DO NOTHING
"""


def hash_ip(address):
    """Return a keyed hash of an IP address, so the address itself is never stored."""
    key = derived_key("petition-widget.ip-hash")
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()[:32]


def consent_text(petition, partner):
    """Return the opt-in wording shown to the signer, organization first then partner."""
    lines = [petition["optin_text"]]
    if partner:
        lines.append(partner_optin_text(partner))
    return "\n".join(line for line in lines if line)


def record_signature(petition, form, nonce, context, status="counted", signals=()):
    """Store the signature and spend its form nonce; a spent nonce raises FormTokenError."""
    partner = context.partner
    now = utc_now()
    row = {
        "petition_id": petition["id"],
        "first_name": form.first_name.data,
        "last_name": form.last_name.data,
        "email": form.email.data,
        "email_key": form.email.data.casefold(),
        "postal_code": form.postal_code.data.upper(),
        "partner_id": partner["id"] if partner else None,
        "source": context.source,
        "referrer": context.origin,
        "optin_org": int(bool(form.optin_org.data)),
        "optin_partner": int(bool(partner and form.optin_partner.data)),
        "consent_text": consent_text(petition, partner),
        "lang": context.lang,
        "status": status,
        "ip_hash": hash_ip(request.remote_addr),
        "signals": ",".join(signals),  # why it was flagged, for `review`
        "created_at": now,
    }
    db = get_db()
    with write_transaction(db):
        spent = db.execute(
            "INSERT INTO form_nonces (nonce, petition_id, used_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [nonce, petition["id"], now],
        )
        if spent.rowcount == 0:
            raise FormTokenError("form-replayed")
        # A repeat signer is skipped here and thanked like anyone else: no answer reveals
        # whether an address had signed.
        inserted = db.execute(INSERT_SIGNATURE, row)
        if inserted.rowcount and status == "counted":
            signature_created(db, petition, {**row, "id": inserted.lastrowid}, partner)
        if next(_signs) % PRUNE_EVERY == 0:
            forget_expired_nonces(db)


def forget_expired_nonces(db):
    """Delete nonces of tokens too old to be accepted anyway."""
    max_age = int(current_app.config["FORM_MAX_AGE"])
    db.execute(
        "DELETE FROM form_nonces WHERE used_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)",
        [f"-{max_age} seconds"],
    )
