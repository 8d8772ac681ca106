"""Partner organizations: their signed keys and their records."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from .db import get_db

PARTNER_SALT = "petition-widget.partner-key"


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=PARTNER_SALT)


def partner_key(partner):
    """Return the signed key that names this partner in a snippet."""
    return _serializer().dumps(partner["slug"])


def partner_from_key(key):
    """Return the partner a signed key names, or None for a missing, unknown or forged key."""
    if not key or len(key) > 200:
        return None
    try:
        slug = _serializer().loads(key)
    except BadSignature:
        return None
    return get_partner(slug)


def get_partner(slug):
    """Return the partner with this slug, or None."""
    return next(get_db().query("SELECT * FROM partners WHERE slug = ?", [slug]), None)
