"""Serve what sharing needs from our own origin: channel redirects, preview images, favicon."""

from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, send_from_directory
from flask_babel import gettext

from ..partners.records import partner_from_key
from ..petitions.localized import get_shown_petition_or_404
from .cards import cached_card, draw_card, draw_favicon
from .links import CHANNELS, REF_RE, channel_url

bp = Blueprint("sharing", __name__)
PREVIEW_MAX_AGE = 86400  # the URLs carry the petition's revision: an edit gets a new one


@bp.get("/p/<slug>/share/<channel>")
def via(slug, channel):
    """Send the sharer on to a channel, with the petition's link and text in their language."""
    if channel not in CHANNELS:
        abort(404)
    petition = get_shown_petition_or_404(slug)
    ref, key = request.args.get("ref", ""), request.args.get("partner", "")
    # Only what the link carries, checked: a forged key or code is left out.
    ref = ref if REF_RE.match(ref) else ""
    key = key if partner_from_key(key) else ""
    target = channel_url(petition, channel, ref, key)
    response = redirect(target, code=303)
    response.headers["Cache-Control"] = "no-store"  # one sharer's link, not for caches
    return response


def image_response(data, mimetype, max_age):
    """Return image bytes that browsers and link-preview robots may cache."""
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


@bp.get("/p/<slug>/card.png")
def card(slug):
    """Return the petition's default preview card in the language asked for, drawn once."""
    petition = get_shown_petition_or_404(slug)
    # Beside the database: every worker shares the cards, and a test's stay in its folder.
    folder = Path(current_app.config["DATABASE"]).parent / "cards"
    name = f"{slug}.{petition['lang']}.{petition['revision']}.png"
    host = urlsplit(current_app.config["PUBLIC_URL"]).netloc

    def make():
        call = gettext("Sign the petition")
        return draw_card(petition["title"], petition["organization"], call, host)

    data = cached_card(folder, name, make, replaces=f"{slug}.{petition['lang']}.*.png")
    return image_response(data, "image/png", PREVIEW_MAX_AGE)


@bp.get("/p/<slug>/image")
def image(slug):
    """Return the preview image the petition's file names (beside it in PETITIONS_DIR)."""
    petition = get_shown_petition_or_404(slug)
    if not petition["image"]:
        abort(404)
    folder = current_app.config["PETITIONS_DIR"]
    return send_from_directory(folder, petition["image"], max_age=PREVIEW_MAX_AGE)


@bp.get("/favicon.ico")
def favicon():
    """Return our icon where browsers look for it by default (no 404 in the console)."""
    icon = current_app.extensions.get("widget.favicon")
    if icon is None:
        icon = current_app.extensions["widget.favicon"] = draw_favicon()
    return image_response(icon, "image/x-icon", current_app.config["STATIC_CACHE_SECONDS"])
