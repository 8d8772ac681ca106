"""List the open petitions and publish each one's count."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from ..store.db import get_db
from ..web.caching import shared_cache_control
from ..web.languages import choose_language, use_language
from .localized import shown_in

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """List the open petitions with their counts and links."""
    lang = use_language(choose_language())
    petitions = get_db().query(
        "SELECT * FROM petitions WHERE status = 'open' ORDER BY created_at DESC, id DESC"
    )
    return render_template("index.html", petitions=shown_in(petitions, lang))


@bp.get("/p/<slug>/count.json")
def count(slug):
    """Return the petition's count and goal, readable and cacheable by any site."""
    # Only the columns it shows: this is the busiest URL when a petition goes viral.
    sql = "SELECT signature_count, goal FROM petitions WHERE slug = ? AND status != 'draft'"
    row = get_db().execute(sql, [slug]).fetchone()
    if row is None:
        abort(404)
    count, goal = row
    # A cache revalidating an unchanged count gets a 304 (cheaper than hashing the body).
    etag = f"{count}-{goal}"
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = jsonify(slug=slug, count=count, goal=goal)
    response.set_etag(etag)
    response.headers["Access-Control-Allow-Origin"] = "*"
    max_age = int(current_app.config["COUNT_CACHE_SECONDS"])
    response.headers["Cache-Control"] = shared_cache_control(max_age)
    return response
