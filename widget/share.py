"""Show a petition's embed codes, ready to copy, with a live preview."""

from flask import Blueprint, current_app, render_template

from .petitions import get_petition_or_404

bp = Blueprint("share", __name__)


def snippet(petition, key=""):
    """Return the snippet a partner pastes, built from PUBLIC_URL."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    partner = f' data-partner="{key}"' if key else ""
    return (
        f'<a class="petition-widget" href="{base}/p/{petition["slug"]}"{partner}>'
        f"Sign: {petition['title']}</a>\n"
        f'<script async src="{base}/static/embed.js"></script>'
    )


def iframe_snippet(petition, key=""):
    """Return the plain iframe variant, for sites that strip scripts."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    query = f"?partner={key}" if key else ""
    return (
        f'<iframe src="{base}/p/{petition["slug"]}/embed{query}" title="{petition["title"]}"'
        ' style="width:100%;max-width:40rem;height:640px;border:0" loading="lazy"></iframe>'
    )


@bp.get("/p/<slug>/share")
def share(slug):
    """Show the embed codes for this petition."""
    petition = get_petition_or_404(slug)
    return render_template(
        "share.html",
        petition=petition,
        snippet=snippet(petition),
        iframe_snippet=iframe_snippet(petition),
    )
