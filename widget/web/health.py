"""Answer health checks: is the database answering?"""

from flask import Blueprint, current_app, jsonify

from ..store.db import get_db

bp = Blueprint("health", __name__)


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
