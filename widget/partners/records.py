"""Partner organizations: their records, their signed keys, the sites they embed from."""

import re

from flask_babel import gettext
from itsdangerous import BadSignature

from ..keys import serializer
from ..store.db import get_db

PARTNER_SALT = "petition-widget.partner-key"
# An origin as a browser sends it (scheme://host[:port]): a partner's site, the page framing an
# embed. Always used with fullmatch: "$" would also match before a final newline, which then
# reaches a header (a 500) or the database.
ORIGIN_RE = re.compile(
    r"\Ahttps?://(?:[A-Za-z0-9.-]{1,253}|\[[0-9a-fA-F:.]{2,45}\])(?::[0-9]{1,5})?\Z"
)

CURRENT_PARTNER = "SELECT * FROM partners WHERE slug = ? AND removed_at IS NULL"
ANY_PARTNER = "SELECT * FROM partners WHERE slug = ?"


def get_partner(slug, removed=False):
    """Return the partner with this slug, or None; a removed one only if asked (its history)."""
    sql = ANY_PARTNER if removed else CURRENT_PARTNER
    return next(get_db().query(sql, [slug]), None)


def get_partner_by_id(partner_id):
    """Return the current (not removed) partner with this id, or None."""
    if type(partner_id) is not int:  # a bool is an int too
        return None
    sql = "SELECT * FROM partners WHERE id = ? AND removed_at IS NULL"
    return next(get_db().query(sql, [partner_id]), None)


def partner_key(partner):
    """Return the signed key that names this partner in a snippet."""
    return serializer(PARTNER_SALT).dumps(partner["slug"])


def partner_from_key(key):
    """Return the partner a signed key names, or None for a missing, unknown or forged key."""
    if not key or len(key) > 200:
        return None
    try:
        slug = serializer(PARTNER_SALT).loads(key)
    except BadSignature:
        return None
    return get_partner(slug) if isinstance(slug, str) else None


def partner_optin_text(partner):
    """Return the wording beside a partner's opt-in box: its own, or ours in the page's language."""
    return partner["optin_text"] or gettext("I want to hear from %(name)s.", name=partner["name"])


def partner_framing(partner):
    """Return the frame-ancestors of a partner's embeds: its valid sites, or None for any."""
    if not partner["origins"].strip():
        return None
    # Only what is an origin reaches the header (a row edited by hand may hold anything);
    # a partner whose every site is garbled is framed by nobody rather than by everybody.
    origins = [origin for origin in partner["origins"].split() if ORIGIN_RE.fullmatch(origin)]
    return " ".join(origins) or "'none'"
