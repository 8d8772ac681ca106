"""Show a petition's embed codes, ready to copy, with a live preview."""

from flask import Blueprint, current_app, render_template, request
from markupsafe import escape

from .petitions import get_petition_or_404

bp = Blueprint("share", __name__)


def snippet(petition, key="", base=None):
    """Return the snippet a partner pastes, built from PUBLIC_URL."""
    base = (base or current_app.config["PUBLIC_URL"]).rstrip("/")
    partner = f' data-partner="{escape(key)}"' if key else ""
    return (
        f'<a class="petition-widget" href="{base}/p/{petition["slug"]}"{partner}>'
        f"Sign: {escape(petition['title'])}</a>\n"
        f'<script async src="{base}/static/embed.js"></script>'
    )


def iframe_snippet(petition, key="", base=None):
    """Return the plain iframe variant, for sites that strip scripts."""
    base = (base or current_app.config["PUBLIC_URL"]).rstrip("/")
    query = f"?partner={escape(key)}" if key else ""
    return (
        f'<iframe src="{base}/p/{petition["slug"]}/embed{query}" '
        f'title="{escape(petition["title"])}" '
        'style="width:100%;max-width:40rem;height:900px;border:0" loading="lazy"></iframe>'
    )


@bp.get("/p/<slug>/share")
def share(slug):
    """Show the embed codes for this petition and the widget as a partner page shows it."""
    petition = get_petition_or_404(slug)
    return render_template(
        "share.html",
        petition=petition,
        snippet=snippet(petition),
        iframe_snippet=iframe_snippet(petition),
        # The preview runs the real snippet against the host serving this page, so it
        # works (and passes our CSP) even where PUBLIC_URL names another host.
        preview=snippet(petition, base=request.host_url),
    )
