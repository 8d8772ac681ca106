"""Signed, expiring links bound to one partner's id and its links_version (export, dashboard)."""

import time

from itsdangerous import BadSignature

from ..keys import serializer
from .records import get_partner_by_id


class LinkInvalid(Exception):
    """The link was forged, garbled, revoked, or its partner was removed."""


class LinkRevoked(LinkInvalid):
    """The link was genuine, but its links were revoked or its partner removed."""


class LinkExpired(Exception):
    """The link was genuine but its time is up."""


def link_token(salt, partner, days, **claims):
    """Return a token for partner that works for this many days, until its links are revoked."""
    # The partner's id (never reused) and links_version (bumped by `partner revoke-links`):
    # a link names one partner for good and dies with every link of it at once.
    payload = {
        "partner": partner["id"],
        "version": partner["links_version"],
        "expires": int(time.time()) + days * 86400,
        **claims,
    }
    return serializer(salt).dumps(payload)


def verify_link_token(salt, token):
    """Return (partner, claims) of a current token, or raise LinkInvalid or LinkExpired."""
    try:
        payload = serializer(salt).loads(token)
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(payload, dict) or not isinstance(payload.get("expires"), int):
        raise LinkInvalid  # a link of an older shape, or of another kind
    partner = get_partner_by_id(payload.pop("partner", None))
    if partner is None or partner["links_version"] != payload.pop("version", None):
        raise LinkRevoked
    if time.time() > payload.pop("expires"):
        raise LinkExpired
    return partner, payload
