"""List petitions, publish counts, and answer health checks."""

from flask import Blueprint, current_app, jsonify, render_template

from .db import get_db
from .i18n import choose_language, use_language
from .localized import shown_in
from .petitions import get_petition_or_404

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
    petition = get_petition_or_404(slug)
    response = jsonify(
        slug=petition["slug"], count=petition["signature_count"], goal=petition["goal"]
    )
    max_age = int(current_app.config["COUNT_CACHE_SECONDS"])
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, stale-while-revalidate={max_age * 6}"
    )
    return response


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        get_db().execute("SELECT count(*) FROM petitions").fetchone()
    except Exception as error:  # any failure means unhealthy; say which
        current_app.logger.error("health check failed: %s", error)
        return jsonify(status="error"), 503
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
