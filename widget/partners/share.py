"""Show a petition's embed codes, ready to copy, with a live preview."""

from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext
from markupsafe import escape

from ..petitions.localized import get_shown_petition_or_404
from .records import clean_source, partner_from_key

bp = Blueprint("share", __name__)


def petition_url(petition, key="", source="", lang="", base=None, path=""):
    """Return the petition's URL carrying the partner key, campaign code and language given."""
    base = (base or current_app.config["PUBLIC_URL"]).rstrip("/")
    pairs = [("partner", key), ("source", source), ("lang", lang)]
    query = urlencode([(name, value) for name, value in pairs if value])
    return f"{base}/p/{petition['slug']}{path}" + (f"?{query}" if query else "")


def snippet(petition, key="", lang="", base=None, source=""):
    """Return the snippet a partner pastes, built from PUBLIC_URL (lang: the embed's language)."""
    # The link itself carries the partner and campaign: where a CMS strips the script, or a
    # visitor runs none, the full page it leads to still signs for that partner.
    # Escaped like every other value: the share page's preview passes request.host_url, which
    # only Werkzeug's own checks keep free of quotes and markup.
    href = escape(petition_url(petition, key, source, lang, base))
    link_text = escape(gettext("Sign: %(title)s", title=petition["title"]))
    script = escape(f"{(base or current_app.config['PUBLIC_URL']).rstrip('/')}/static/embed.js")
    return (
        f'<a class="petition-widget" href="{href}">{link_text}</a>\n'
        f'<script async src="{script}"></script>'
    )


def iframe_snippet(petition, key="", lang="", source=""):
    """Return the plain iframe variant, for sites that strip scripts."""
    src = escape(petition_url(petition, key, source, lang, path="/embed"))
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
    # A partner's own link to this page (`partner snippet` prints it) shows its codes.
    key = request.args.get("partner", "")
    key = key if partner_from_key(key) else ""
    source = clean_source(request.args.get("source"))
    codes = {"key": key, "lang": lang, "source": source}
    query = {"partner": key, "source": source, "lang": lang}
    return render_template(
        "share.html",
        petition=petition,
        query_args={name: value for name, value in query.items() if value},
        snippet=snippet(petition, **codes),
        iframe_snippet=iframe_snippet(petition, **codes),
        # The preview runs the real snippet against the host serving this page, so it
        # works (and passes our CSP) even where PUBLIC_URL names another host.
        preview=snippet(petition, base=request.host_url, **codes),
    )
