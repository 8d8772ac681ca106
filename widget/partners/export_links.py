"""Signed, expiring download links that hand a partner its opted-in signers."""

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app
from flask_babel import lazy_gettext as _l

from ..exports.csv_export import export_csv
from ..petitions.records import get_petition
from .links import LinkExpired, LinkInvalid, LinkRevoked, link_token, verify_link_token

EXPORT_SALT = "petition-widget.partner-export"
bp = Blueprint("partner_exports", __name__)


def export_link(partner, petition, days):
    """Return the public URL of a download that works for this many days."""
    token = link_token(EXPORT_SALT, partner, days, petition=petition["slug"])
    # Built from PUBLIC_URL, not url_for: the command runs outside any request.
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/exports/{token}.csv"


@bp.get("/exports/<token>.csv")
def download(token):
    """Send the partner's opted-in signers as CSV, if the link is genuine and current."""
    try:
        partner, claims = verify_link_token(EXPORT_SALT, token)
    except LinkRevoked:  # `partner revoke-links`, or `partner remove`
        abort(404, _l("This download link is no longer valid."))
    except LinkInvalid:
        abort(404, _l("This download link is not valid. Please check it was copied whole."))
    except LinkExpired:
        abort(410)
    petition = get_petition(claims.get("petition"))
    if petition is None:
        abort(404, _l("This download link is no longer valid."))
    petition_slug, partner_slug = petition["slug"], partner["slug"]
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
