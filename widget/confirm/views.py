"""The signer's own page: GET confirms (idempotently) and shows what is stored; POST acts."""

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from itsdangerous import BadSignature

from ..keys import timestamp_signer
from ..signing.abuse import check_post_body, refuse
from ..signing.views import origin_allowed
from ..store.db import get_db
from ..web.headers import secret_url
from ..web.languages import use_language
from .records import clear_optins, confirm_signature, signature_for_link, withdraw_signature

bp = Blueprint("confirm", __name__)
ACTION_SALT = "petition-widget.signer-action"
ACTION_MAX_AGE = 86400
ACTIONS = {"optout": clear_optins, "withdraw": withdraw_signature}
DONE = {"optout": "optout", "withdraw": "withdrawn"}  # what the page says afterwards


def action_token(signature_id):
    """Return the token of the page's forms: this signature, signed at this time."""
    return timestamp_signer(ACTION_SALT).sign(str(signature_id)).decode("ascii")


def action_token_names(token, signature_id):
    """Return whether a form's token was issued for this signature less than a day ago."""
    try:
        signed = timestamp_signer(ACTION_SALT).unsign(token, max_age=ACTION_MAX_AGE)
    except BadSignature:  # SignatureExpired is one too
        return False
    return signed.decode("ascii") == str(signature_id)


def gone(reason):
    """Answer a link whose signature is not there: expired (410), or gone or unknown (404)."""
    done = request.args.get("done") == "withdrawn"
    code = 200 if done else (410 if reason == "expired" else 404)
    html = render_template("signer_gone.html", reason="withdrawn" if done else reason)
    return make_response(html, code)  # @secret_url keeps it private


@bp.get("/s/<token>")
@secret_url
def show(token):
    """Confirm an unconfirmed signature on first visit, then show what is stored about it."""
    signature, reason = signature_for_link(token)
    if signature is None:
        return gone(reason)
    use_language(signature["lang"])
    # A closed petition's count is final: a confirmation arriving later counts nothing.
    waiting = signature["status"] == "unconfirmed" and signature["petition_status"] == "open"
    if waiting and confirm_signature(get_db(), signature["id"]):
        signature, _ = signature_for_link(token)
    html = render_template(
        "signer.html",
        signature=signature,
        token=token,
        action_token=action_token(signature["id"]),
        done=request.args.get("done"),
    )
    return make_response(html)


@bp.post("/s/<token>")
@secret_url
def act(token):
    """Clear the opt-ins or withdraw, from a form on the signer's own page."""
    if not origin_allowed():
        refuse(403, "foreign-origin")
    fields = check_post_body()
    signature, reason = signature_for_link(token)
    if signature is None:
        return gone(reason)
    use_language(signature["lang"])
    action = ACTIONS.get(fields.get("action", ""))
    if action is None or not action_token_names(fields.get("token", ""), signature["id"]):
        abort(400)
    action(get_db(), signature["id"])
    return redirect(url_for("confirm.show", token=token, done=DONE[fields["action"]]), code=303)
