"""Record a signature, its consent, its nonce and the signer's mail in one write transaction."""

import hashlib
import hmac
import itertools
import secrets

from flask import current_app, request

from ..keys import derived_key
from ..partners.push import signature_created
from ..partners.records import partner_optin_text
from ..petitions.records import signer_email_mode
from ..store.db import get_db, utc_now, write_transaction
from ..web.metrics import signature_stored
from .emails import email_key, unconfirmed_key
from .signer_mail import queue_signer_mail, within_quota
from .tokens import FormTokenError

_signs = itertools.count()
PRUNE_EVERY = 200  # signatures per process between sweeps of expired nonces

INSERT_SIGNATURE = """
INSERT INTO signatures (petition_id, first_name, last_name, email, email_key, postal_code,
    partner_id, source, referrer, optin_org, optin_partner, consent_text, lang, status,
    signals, ip_hash, created_at, ref_code, referred_by)
VALUES (:petition_id, :first_name, :last_name, :email, :email_key, :postal_code,
    :partner_id, :source, :referrer, :optin_org, :optin_partner, :consent_text, :lang, :status,
    :signals, :ip_hash, :created_at, :ref_code, :referred_by)
ON CONFLICT (petition_id, email_key) DO NOTHING
"""
SHARER = "SELECT id FROM signatures WHERE ref_code = ? AND petition_id = ?"
HOLDER = "SELECT * FROM signatures WHERE petition_id = ? AND email_key = ?"


def new_ref_code():
    """Return a fresh random code for a signer's shared links (never derived from the email)."""
    return secrets.token_urlsafe(12)


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
    """Store the signature, spend its nonce (or raise FormTokenError); return its ref code."""
    partner = context.partner
    now = utc_now()
    mode = signer_email_mode(petition)
    key = email_key(form.email.data)
    row = {
        "petition_id": petition["id"],
        "first_name": form.first_name.data,
        "last_name": form.last_name.data,
        "email": form.email.data,
        # With confirmation, each submission is a row of its own until its address's owner
        # confirms it: a stranger's submission can then neither block nor alter theirs.
        "email_key": unconfirmed_key(key) if mode == "confirm" else key,
        "postal_code": form.postal_code.data.upper(),
        "partner_id": partner["id"] if partner else None,
        "source": context.source,
        "referrer": context.origin,
        "optin_org": int(bool(form.optin_org.data)),
        "optin_partner": int(bool(partner and form.optin_partner.data)),
        "consent_text": consent_text(petition, partner),
        "lang": context.lang,
        "status": "unconfirmed" if mode == "confirm" else status,
        "signals": ",".join(signals),
        "ip_hash": hash_ip(request.remote_addr),
        "created_at": now,
        "ref_code": new_ref_code(),
        "referred_by": None,
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
        if context.ref:  # came through a shared link: credit the sharer (an indexed lookup)
            sharer = db.execute(SHARER, [context.ref, petition["id"]]).fetchone()
            row["referred_by"] = sharer[0] if sharer else None
        # A repeat signer is skipped here and thanked like anyone else: no answer reveals
        # whether an address had signed (with mail on, they get an email saying so). Their
        # thank-you carries their first signature's code (a random string like any other), so
        # a repeat keeps the credit for what they share.
        holder = None if mode == "none" else next(db.query(HOLDER, [row["petition_id"], key]), None)
        stored = False
        if holder is None:
            cursor = db.execute(INSERT_SIGNATURE, row)
            stored = cursor.rowcount > 0
            row["id"] = cursor.lastrowid if stored else None
            if stored and row["status"] == "counted":
                # Counted at once (no confirmation): partners and the organization hear now.
                signature_created(db, petition, row, partner)
        if not stored:
            holder = holder or next(db.query(HOLDER, [row["petition_id"], row["email_key"]]))
            row["ref_code"] = holder["ref_code"] or row["ref_code"]
        if mode != "none" and within_quota(db, key):
            template = "already" if not stored else ("confirm" if mode == "confirm" else "receipt")
            queue_signer_mail(db, template, row if stored else holder, petition["title"])
        if next(_signs) % PRUNE_EVERY == 0:
            forget_expired_nonces(db)
    signature_stored(row["status"] if stored else "repeat")  # counted once committed
    return row["ref_code"]


def forget_expired_nonces(db):
    """Delete nonces of tokens too old to be accepted anyway."""
    max_age = int(current_app.config["FORM_MAX_AGE"])
    db.execute(
        "DELETE FROM form_nonces WHERE used_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)",
        [f"-{max_age} seconds"],
    )
