"""A partner's dashboard behind a signed, expiring link: what it brought, and its pushes."""

import time

from flask import Blueprint, abort, current_app, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature

from ..keys import serializer
from ..store.db import get_db
from . import stats
from .chart import bar_chart
from .export_links import export_link
from .push import ORG_LANE, action_network_lane, webhook_lane

DASHBOARD_SALT = "petition-widget.dashboard"
bp = Blueprint("dashboards", __name__)


def links_version(partner):
    """Return the partner's link version: `partner revoke-links` bumps it, voiding old links."""
    return partner.get("links_version") or 0


def dashboard_link(kind, record, days):
    """Return the URL of a "partner" or "petition" record's dashboard, valid for days."""
    expires = int(time.time()) + days * 86400
    version = links_version(record) if kind == "partner" else 0
    claims = [kind, record["id"], version, expires]
    token = serializer(DASHBOARD_SALT).dumps(claims)
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/partners/{token}"


def read_token(token):
    """Return (kind, record, expires) for a genuine, current link, or stop with 404/410."""
    try:
        kind, record_id, version, expires = serializer(DASHBOARD_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        abort(404, _l("This dashboard link is not valid. Please check it was copied whole."))
    if time.time() > expires:
        abort(410)
    table = "partners" if kind == "partner" else "petitions"
    record = next(get_db().query(f"SELECT * FROM {table} WHERE id = ?", [record_id]), None)  # noqa: S608
    gone = record is None or (
        kind == "partner" and (record.get("removed_at") or links_version(record) != version)
    )
    if gone:
        abort(404, _l("This dashboard link is no longer valid."))
    return kind, record, expires


def petition_panel(petition, partner, days_left):
    """Return what the page shows for one petition."""
    partner_id = partner["id"] if partner else None
    days = stats.per_day(petition["id"], partner_id)
    label = gettext("Signatures per day for %(title)s", title=petition["title"])
    return {
        "petition": petition,
        "summary": stats.summary(petition["id"], partner_id),
        "days": days,
        "chart": bar_chart(days, label),
        "sources": stats.by_source(petition["id"], partner_id),
        "partners": [] if partner else stats.by_partner(petition["id"]),
        "export": export_link(partner, petition, days_left) if partner else None,
    }


def push_health(partner):
    """Return the health of each push lane this dashboard covers, with a name for each."""
    if partner is None:
        lanes = (
            [(ORG_LANE, gettext("Organization webhook"))]
            if current_app.config["WEBHOOK_URL"]
            else []
        )
    else:
        lanes = []
        if partner["webhook_url"]:
            lanes.append((webhook_lane(partner["id"]), gettext("Webhook")))
        if partner["action_network_key"]:
            lanes.append((action_network_lane(partner["id"]), gettext("Action Network")))
    health = stats.lane_health([lane for lane, _ in lanes])
    return [{**row, "name": name} for row, (_, name) in zip(health, lanes, strict=True)]


@bp.get("/partners/<token>")
def dashboard(token):
    """Show a partner's (or a petition's) numbers, if the link is genuine and current."""
    kind, record, expires = read_token(token)
    days_left = max(1, int((expires - time.time()) // 86400))
    partner = record if kind == "partner" else None
    petitions = stats.petitions_of(record["id"]) if partner else [record]
    page = render_template(
        "partner_dashboard.html",
        partner=partner,
        panels=[petition_panel(petition, partner, days_left) for petition in petitions],
        health=push_health(partner),
    )
    return page


@bp.after_request
def keep_private(response):
    """Keep a dashboard (and its error pages) out of caches, referrers and search engines."""
    # The token in the URL is the key to the page: no Referer may carry it off.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
