"""Serve what sharing needs from our own origin: the redirect to a channel."""

from flask import Blueprint, abort, redirect, request

from ..petitions.localized import get_shown_petition_or_404
from .links import CHANNELS, REF_RE, channel_url, sharer_partner_key

bp = Blueprint("sharing", __name__)


@bp.get("/p/<slug>/share/<channel>")
def via(slug, channel):
    """Send the sharer on to a channel, with the petition's link and text in their language."""
    if channel not in CHANNELS:
        abort(404)
    petition = get_shown_petition_or_404(slug)
    ref = request.args.get("ref", "")
    ref = ref if REF_RE.match(ref) else ""
    target = channel_url(petition, channel, ref, sharer_partner_key(petition, ref))
    response = redirect(target, code=303)
    response.headers["Cache-Control"] = "no-store"  # one sharer's link, not for caches
    return response
