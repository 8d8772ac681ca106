"""Signed, expiring download links that hand a partner its opted-in signers."""

import time
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature

from ..exports.csv_export import export_csv
from ..keys import serializer
from ..petitions.records import get_petition
from .records import get_partner

EXPORT_SALT = "petition-widget.partner-export"
bp = Blueprint("partner_exports", __name__)


def export_link(partner, petition, days):
    """Return the public URL of a download that works for this many days."""
    expires = int(time.time()) + days * 86400
    token = serializer(EXPORT_SALT).dumps([partner["slug"], petition["slug"], expires])
    # Built from PUBLIC_URL, not url_for: the command runs outside any request.
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/exports/{token}.csv"


@bp.get("/exports/<token>.csv")
def download(token):
    """Send the partner's opted-in signers as CSV, if the link is genuine and current."""
    try:
        partner_slug, petition_slug, expires = serializer(EXPORT_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        abort(404, _l("This download link is not valid. Please check it was copied whole."))
    if time.time() > expires:
        abort(410)
    partner, petition = get_partner(partner_slug), get_petition(petition_slug)
    if partner is None or petition is None:
        abort(404, _l("This download link is no longer valid."))
    filename = f"{petition_slug}-{partner_slug}-{datetime.now(UTC).date().isoformat()}.csv"
    return Response(
        export_csv(petition, "partner", partner),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )
