"""Show a petition's embed codes, ready to copy, with a live preview."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext
from markupsafe import escape

from ..petitions.localized import get_shown_petition_or_404

bp = Blueprint("share", __name__)


def snippet(petition, key="", lang="", base=None):
    """Return the snippet a partner pastes, built from PUBLIC_URL (lang: the embed's language)."""
    # Escaped like every other value: the share page's preview passes request.host_url, which
    # only Werkzeug's own checks keep free of quotes and markup.
    base = escape((base or current_app.config["PUBLIC_URL"]).rstrip("/"))
    partner = f' data-partner="{escape(key)}"' if key else ""
    language = f' data-lang="{escape(lang)}"' if lang else ""
    link_text = escape(gettext("Sign: %(title)s", title=petition["title"]))
    return (
        f'<a class="petition-widget" href="{base}/p/{petition["slug"]}"{partner}{language}>'
        f"{link_text}</a>\n"
        f'<script async src="{base}/static/embed.js"></script>'
    )


def iframe_snippet(petition, key="", lang=""):
    """Return the plain iframe variant, for sites that strip scripts."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    query = "&".join(f"{k}={escape(v)}" for k, v in [("partner", key), ("lang", lang)] if v)
    src = f"{base}/p/{petition['slug']}/embed" + (f"?{query}" if query else "")
    return (
        f'<iframe src="{src}" title="{escape(petition["title"])}"'
        ' style="width:100%;max-width:40rem;height:900px;border:0" loading="lazy"></iframe>'
    )


@bp.get("/p/<slug>/share")
def share(slug):
    """Show the embed codes for this petition and the widget as a partner page shows it."""
    petition = get_shown_petition_or_404(slug)
    # By default the embed follows each visitor's browser; a language chosen here pins it.
    lang = petition["lang"] if "lang" in request.args else ""
    return render_template(
        "share.html",
        petition=petition,
        query_args={"lang": lang} if lang else {},
        snippet=snippet(petition, lang=lang),
        iframe_snippet=iframe_snippet(petition, lang=lang),
        # The preview runs the real snippet against the host serving this page, so it
        # works (and passes our CSP) even where PUBLIC_URL names another host.
        preview=snippet(petition, lang=lang, base=request.host_url),
    )
