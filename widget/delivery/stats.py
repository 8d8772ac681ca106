"""Publish a petition's counted signatures per area and per day, with small areas merged."""

import time

from flask import Blueprint, abort, current_app, jsonify, request

from ..store.db import get_db
from ..web.caching import shared_cache_control

bp = Blueprint("stats", __name__)
OTHER = "other"
_memo = {}  # slug -> (etag, computed at, body): one computation per change, not per request


def merge_small(counts, minimum):
    """Return [(area, n)] biggest first, every area under minimum merged into "other".

    "other" itself must not be small: while it is (and not empty), the smallest area shown joins
    it. When everything together is under the minimum, no area is shown at all.
    """
    shown = sorted(((a, n) for a, n in counts.items() if n >= minimum), key=lambda x: (-x[1], x[0]))
    other = sum(n for n in counts.values() if n < minimum)
    while 0 < other < minimum and shown:
        other += shown.pop()[1]
    if 0 < other < minimum:
        return []  # a lone small "other" would itself identify the few in it
    return shown + ([(OTHER, other)] if other else [])


def compute(petition_id, minimum):
    """Return the stats of a petition: per postal code (merged) and per day."""
    db = get_db()
    where = "petition_id = ? AND status = 'counted'"
    codes = dict(
        db.execute(
            f"SELECT postal_code, count(*) FROM signatures WHERE {where} GROUP BY 1",  # noqa: S608
            [petition_id],
        )
    )
    days = db.execute(
        f"SELECT substr(created_at, 1, 10), count(*) FROM signatures WHERE {where}"  # noqa: S608
        " GROUP BY 1 ORDER BY 1",
        [petition_id],
    )
    return {
        "postal_codes": [
            {"postal_code": a, "signatures": n} for a, n in merge_small(codes, minimum)
        ],
        "days": [{"day": day, "signatures": n} for day, n in days],
    }


def current_stats(slug, minimum, max_age):
    """Return (etag, body) for a petition, computed at most once per max_age per process."""
    # (None, None) for a petition that does not exist or is a draft.
    key = (current_app.config["DATABASE"], slug, minimum)
    cached = _memo.get(key)
    if cached and time.monotonic() - cached[1] < max_age:
        return cached[0], cached[2]
    row = (
        get_db()
        .execute(
            "SELECT id, signature_count, counted_version"
            " FROM petitions WHERE slug = ? AND status != 'draft'",
            [slug],
        )
        .fetchone()
    )
    if row is None:
        return None, None
    petition_id, count, version = row
    # Every change to the counted rows moves the version (the count's triggers, m011).
    etag = f"s{count}-{version}"
    if cached is None or cached[0] != etag:
        body = {"slug": slug, "count": count, "min_group": minimum}
        cached = (etag, 0, body | compute(petition_id, minimum))
    _memo[key] = (etag, time.monotonic(), cached[2])
    return etag, cached[2]


@bp.get("/p/<slug>/stats.json")
def stats(slug):
    """Return counted signatures per postal code (small ones merged) and per day, for any site."""
    minimum = int(current_app.config["STATS_MIN_GROUP"])
    max_age = int(current_app.config["COUNT_CACHE_SECONDS"])
    etag, body = current_stats(slug, minimum, max_age)
    if etag is None:
        abort(404)
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = jsonify(body)
    response.set_etag(etag)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = shared_cache_control(max_age)  # CDN-ready, as count.json
    return response
