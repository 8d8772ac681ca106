"""List petitions, publish counts, and answer health checks."""

from flask import Blueprint, current_app, jsonify, render_template, request

from .db import get_db
from .petitions import get_petition_or_404

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    """List the open petitions with their counts and links."""
    petitions = get_db().query(
        "SELECT * FROM petitions WHERE status = 'open' ORDER BY created_at DESC, id DESC"
    )
    return render_template("index.html", petitions=list(petitions))


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
    # A cache revalidating an unchanged count gets a 304.
    response.add_etag()
    return response.make_conditional(request)


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
