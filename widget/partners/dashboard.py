"""A partner's dashboard behind a signed, expiring link: what it brought, and its pushes."""

import time

from flask import Blueprint, abort, current_app, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature

from ..keys import serializer
from ..store.db import get_db
from ..web.headers import secret_url
from . import stats
from .chart import bar_chart
from .export_links import export_link
from .links import LinkExpired, LinkInvalid, LinkRevoked, link_token, verify_link_token
from .push import ORG_LANE, action_network_lane, webhook_lane

PARTNER_SALT = "petition-widget.partner-dashboard"
PETITION_SALT = "petition-widget.petition-dashboard"
bp = Blueprint("dashboards", __name__)


def dashboard_link(kind, record, days):
    """Return the URL of a "partner" or "petition" record's dashboard, valid for days."""
    if kind == "partner":
        # Bound to the partner's id and links_version: `partner revoke-links` voids it.
        token = link_token(PARTNER_SALT, record, days)
    else:
        expires = int(time.time()) + days * 86400
        token = serializer(PETITION_SALT).dumps({"petition": record["id"], "expires": expires})
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/partners/{token}"


def petition_of(token):
    """Return the petition a petition dashboard's token names, or stop with 404 or 410."""
    try:
        claims = serializer(PETITION_SALT).loads(token)
        petition_id, expires = claims["petition"], int(claims["expires"])
    except (BadSignature, ValueError, TypeError, KeyError):
        abort(404, _l("This dashboard link is not valid. Please check it was copied whole."))
    if time.time() > expires:
        abort(410)
    petition = next(get_db().query("SELECT * FROM petitions WHERE id = ?", [petition_id]), None)
    if petition is None:
        abort(404, _l("This dashboard link is no longer valid."))
    return petition


def read_token(token):
    """Return (partner or None, expires) of a genuine, current link, or stop with 404 or 410."""
    try:
        partner, _claims = verify_link_token(PARTNER_SALT, token)
    except LinkRevoked:  # `partner revoke-links`, or `partner remove`
        abort(404, _l("This dashboard link is no longer valid."))
    except LinkExpired:
        abort(410)
    except LinkInvalid:
        return None, petition_of(token)
    return partner, None


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
@secret_url
def dashboard(token):
    """Show a partner's (or a petition's) numbers, if the link is genuine and current."""
    partner, petition = read_token(token)
    # The CSV links on the page last as long as a fresh export link would.
    days_left = 7
    petitions = stats.petitions_of(partner["id"]) if partner else [petition]
    page = render_template(
        "partner_dashboard.html",
        partner=partner,
        panels=[petition_panel(petition, partner, days_left) for petition in petitions],
        health=push_health(partner),
    )
    return page
