"""Answer oEmbed requests for our petition URLs, so CMSes can embed them from the link alone."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Blueprint, abort, current_app, jsonify, request
from markupsafe import escape

from ..petitions.localized import petition_versions
from .records import clean_source, partner_from_key
from .share import petition_url

bp = Blueprint("oembed", __name__)

PETITION_PATH = re.compile(r"\A/p/([a-z0-9-]+)(?:/embed)?/?\Z")
# The widget's natural size: 40rem wide; tall enough for the form at that width.
WIDTH, HEIGHT = 640, 900
CACHE_SECONDS = 3600


def our_origins():
    """Return the origins petition URLs may have: PUBLIC_URL's and the one serving this request."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    return {f"{public.scheme}://{public.netloc}", f"{request.scheme}://{request.host}"}


def petition_from_url(url):
    """Return the shown petition and embed query a URL of ours names, or abort with 404."""
    parts = urlsplit(url or "")
    match = PETITION_PATH.match(parts.path)
    if not match or f"{parts.scheme}://{parts.netloc}" not in our_origins():
        abort(404)
    versions, _count = petition_versions(match.group(1))
    if versions is None or next(iter(versions.values()))["status"] == "draft":
        abort(404)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    lang = query.get("lang", "")
    petition = versions.get(lang) or next(iter(versions.values()))
    key = query.get("partner", "")
    embed = {
        "key": key if partner_from_key(key) else "",
        "source": clean_source(query.get("source")),
        "lang": lang if lang in versions else "",
    }
    return petition, embed


def bounded(name, natural):
    """Return the natural size, shrunk to the consumer's maxwidth or maxheight if smaller."""
    limit = request.args.get(name, type=int)
    # The spec: the answer must not exceed them. The frame is fluid (width:100%) anyway.
    return natural if limit is None or limit < 1 else min(natural, limit)


@bp.get("/oembed")
def oembed():
    """Return the oEmbed "rich" answer for one of our petition URLs: the widget's iframe."""
    petition, embed = petition_from_url(request.args.get("url"))
    if request.args.get("format", "json") != "json":
        abort(501)  # the spec's answer for a format we do not produce (xml)
    width, height = bounded("maxwidth", WIDTH), bounded("maxheight", HEIGHT)
    src = escape(petition_url(petition, path="/embed", **embed))
    html = (
        f'<iframe src="{src}" title="{escape(petition["title"])}" width="{width}"'
        f' height="{height}" style="width:100%;max-width:{width}px;height:{height}px;border:0"'
        ' loading="lazy"></iframe>'
    )
    answer = {
        "version": "1.0",
        "type": "rich",
        "title": petition["title"],
        "provider_name": "Petition Widget",
        "provider_url": current_app.config["PUBLIC_URL"].rstrip("/") + "/",
        "cache_age": CACHE_SECONDS,
        "html": html,
        "width": width,
        "height": height,
    }
    if petition["organization"]:
        answer["author_name"] = petition["organization"]
    response = jsonify(answer)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def discovery_url(petition, context):
    """Return the oEmbed URL of the petition page being shown, with its partner and source."""
    # Absolute, as consumers fetch it from another site; the page cache keys on the context.
    page = petition_url(petition, context.partner_key, context.source)
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/oembed?" + urlencode({"url": page, "format": "json"})
