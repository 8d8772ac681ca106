"""Decide who receives each signature event (webhooks, Action Network) and queue it."""

from urllib.parse import urlsplit

from flask import current_app

from ..outbox.action_network import KIND as ACTION_NETWORK
from ..outbox.action_network import Account
from ..outbox.queue import enqueue
from ..outbox.webhooks import KIND as WEBHOOK
from ..outbox.webhooks import Endpoint, new_secret
from ..store.db import get_db, utc_now, write_transaction
from .records import get_partner_by_id

ORG_LANE = "webhook:org"
CREATED, WITHDRAWN = "signature.created", "signature.withdrawn"


def webhook_lane(partner_id):
    return f"webhook:partner:{partner_id}"


def action_network_lane(partner_id):
    return f"action-network:partner:{partner_id}"


def lane_partner_id(lane):
    """Return the partner id a partner's lane names, or None."""
    prefix, _, number = lane.rpartition(":")
    return int(number) if prefix.endswith(":partner") and number.isdigit() else None


def webhook_on(partner):
    """Tell whether a partner's webhook is on: a URL, not switched off, partner not removed."""
    return bool(
        partner
        and partner["webhook_url"]
        and not partner["webhook_off_at"]
        and not partner["removed_at"]
    )


def org_endpoint():
    """Return the organization's endpoint from the settings, or None."""
    config = current_app.config
    if config["WEBHOOK_URL"] and config["WEBHOOK_SECRET"]:
        return Endpoint(config["WEBHOOK_URL"], config["WEBHOOK_SECRET"])
    return None


def event(kind, data, when=None):
    """Return the event envelope the Standard Webhooks specification suggests."""
    return {"type": kind, "timestamp": when or utc_now(), "data": data}


def about(signature, petition, partner):
    """Return what every event says about a signature (no personal data)."""
    return {
        "signature_id": signature["id"],
        "petition": {"slug": petition["slug"], "title": petition["title"]},
        "partner": {"slug": partner["slug"], "name": partner["name"]} if partner else None,
        "source": signature["source"],
        "lang": signature["lang"],
        "signed_at": signature["created_at"],
    }


def signer(signature):
    return {key: signature[key] for key in ("first_name", "last_name", "email", "postal_code")}


def signature_created(db, petition, signature, partner):
    """Queue signature.created for everyone who should hear of a newly counted signature."""
    # Called inside the signature's own write transaction, with the values already at hand:
    # one outbox row per endpoint, no query.
    sid, now = signature["id"], utc_now()
    base = about(signature, petition, partner)
    if org_endpoint():
        consent = {
            "optin_org": bool(signature["optin_org"]),
            "optin_partner": bool(signature["optin_partner"]),
            "text": signature["consent_text"],
        }
        data = {**base, "signer": signer(signature), "consent": consent}
        enqueue(db, WEBHOOK, event(CREATED, data, now), lane=ORG_LANE, key=f"msg_{sid}_created")
    if not (partner and signature["optin_partner"]) or partner["removed_at"]:
        return
    # The partner sees the wording beside its own box: the last line of what was shown.
    consent = {"optin_partner": True, "text": signature["consent_text"].rpartition("\n")[2]}
    if webhook_on(partner):
        data = {**base, "signer": signer(signature), "consent": consent}
        key = f"msg_{sid}_created_p{partner['id']}"
        enqueue(db, WEBHOOK, event(CREATED, data, now), lane=webhook_lane(partner["id"]), key=key)
    if partner["action_network_key"]:
        payload = {"person": {**signer(signature), "lang": signature["lang"]}, "tags": []}
        payload["tags"].append(petition["slug"])
        key = f"an_{sid}_p{partner['id']}"
        enqueue(db, ACTION_NETWORK, payload, lane=action_network_lane(partner["id"]), key=key)


def stored(db, signature_id):
    """Return a stored signature, its petition (slug, title) and partner row, or Nones."""
    row = next(
        db.query(
            "SELECT s.*, p.slug AS petition_slug, p.title AS petition_title FROM signatures s"
            " JOIN petitions p ON p.id = s.petition_id WHERE s.id = ?",
            [signature_id],
        ),
        None,
    )
    if row is None:
        return None, None, None
    partner = None
    if row["partner_id"] is not None:
        partner = next(db.query("SELECT * FROM partners WHERE id = ?", [row["partner_id"]]))
    return row, {"slug": row["petition_slug"], "title": row["petition_title"]}, partner


def signature_counted(db, signature_id):
    """Queue signature.created for a stored signature that has just become counted."""
    # For confirmation (and review setting a signature counted): the insert did not count it.
    row, petition, partner = stored(db, signature_id)
    if row is not None:
        signature_created(db, petition, row, partner)


def signature_withdrawn(db, signature_id, reason="withdrawn"):
    """Queue signature.withdrawn for those told of this signature (call before deleting it)."""
    # reason: withdrawn (by the signer), invalid (set by review), forgotten (signer forget),
    # optout (the signer cleared the opt-ins: only the partner hears, the signature stands).
    row, petition, partner = stored(db, signature_id)
    if row is None or row["status"] != "counted":
        return  # only a counted signature was sent to anyone
    data = {**about(row, petition, partner), "reason": reason, "email": row["email"]}
    if reason == "forgotten":
        del data["email"]  # the signer asked to be forgotten: the signature id says which
    if org_endpoint() and reason != "optout":
        key = f"msg_{signature_id}_withdrawn"
        enqueue(db, WEBHOOK, event(WITHDRAWN, data), lane=ORG_LANE, key=key)
    if row["optin_partner"] and webhook_on(partner):
        key = f"msg_{signature_id}_withdrawn_p{partner['id']}"
        enqueue(db, WEBHOOK, event(WITHDRAWN, data), lane=webhook_lane(partner["id"]), key=key)


def ping(db, partner):
    """Queue a ping to a partner's endpoint (partner webhook-test)."""
    data = {"partner": {"slug": partner["slug"], "name": partner["name"]}}
    return enqueue(db, WEBHOOK, event("ping", data), lane=webhook_lane(partner["id"]))


def partner_row(lane):
    """Return the current partner a lane names; None for a removed one (it has no webhook)."""
    return get_partner_by_id(lane_partner_id(lane))


def endpoint_for(lane):
    """Return where a webhook lane delivers now, or None (switched off, partner removed)."""
    if lane == ORG_LANE:
        return org_endpoint()
    partner = partner_row(lane)
    return (
        Endpoint(partner["webhook_url"], partner["webhook_secret"]) if webhook_on(partner) else None
    )


def account_for(lane):
    """Return the Action Network account an action-network lane delivers to, or None."""
    partner = partner_row(lane)
    if not partner or not partner["action_network_key"]:
        return None
    return Account(partner["action_network_key"], partner["action_network_tag"])


def switch_off(lane, reason):
    """Turn a partner's webhook off after its endpoint answered 410 Gone, saying why."""
    partner_id = lane_partner_id(lane)
    if partner_id is None:
        # The organization's endpoint lives in the settings: each event fails, visibly.
        current_app.logger.warning("organization webhook: %s; change WEBHOOK_URL", reason)
        return
    db = get_db()
    with write_transaction(db):
        db.execute(
            "UPDATE partners SET webhook_off_at = ?, webhook_off_reason = ? WHERE id = ?",
            [utc_now(), reason, partner_id],
        )


def check_url(url):
    """Tell whether url is an absolute http(s) URL that a webhook can be sent to."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= 2000


def set_webhook(db, partner, url, rotate=False):
    """Point a partner's webhook at url (switching it back on); return a new secret, or None."""
    secret = partner["webhook_secret"]
    fresh = rotate or not secret
    db["partners"].update(
        partner["id"],
        {
            "webhook_url": url,
            "webhook_secret": new_secret() if fresh else secret,
            "webhook_off_at": None,
            "webhook_off_reason": "",
        },
    )
    return db["partners"].get(partner["id"])["webhook_secret"] if fresh else None
