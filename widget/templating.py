"""Give templates the helpers they share: CSP nonce, inline CSS, messages, the sign form."""

from pathlib import Path

from flask import current_app, get_template_attribute, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .headers import csp_nonce
from .signing import partner_optin_text

TOKEN_MESSAGES = {
    "form-forged": _l("We could not verify this form. Please check your details and sign again."),
    "form-other-petition": _l("This form belongs to another petition. Please sign again here."),
    "form-expired": _l("This form has expired. Please check your details and sign again."),
    "form-too-fast": _l(
        "That was quicker than we expected. Please check your details and sign again."
    ),
    "form-replayed": _l("This form was already sent. To sign again, please use this fresh form."),
}


SLOT = "\x00slot\x00"  # where the token goes; NUL never appears in rendered HTML
MAX_BLANK_FORMS = 256
_blank_forms = {}


def render_sign_form(form, petition, context):
    """Render the sign form; a blank one comes from a cache, with only its fresh token new."""
    sign_form = get_template_attribute("_macros.html", "sign_form")
    if form.is_submitted() or current_app.jinja_env.auto_reload:
        return sign_form(form, petition, context)
    # The macro shows nothing else of a blank form that can change: keep this key in step
    # with it. Rendering it with WTForms is most of an embed page's time (pyinstrument).
    partner = context.partner
    key = (
        petition["id"],
        petition["optin_text"],
        partner and (partner["id"], partner["name"], partner["optin_text"]),
        str(get_locale()),
        # The form posts back to its own URL, which carries who brought the signer.
        request.endpoint,
        tuple(sorted(context.query_args().items())),
    )
    token = form.csrf_token.current_token
    html = _blank_forms.get(key)
    if html is None:
        html = str(sign_form(form, petition, context)).replace(token, SLOT)
        if len(_blank_forms) >= MAX_BLANK_FORMS:
            _blank_forms.clear()
        _blank_forms[key] = html
    # The macro's output was escaped when rendered; the token is URL-safe base64.
    return Markup(html.replace(SLOT, token))  # noqa: S704


MAX_PROGRESS = 1024
_progress = {}


def render_progress(petition):
    """Render the progress bar, once per count, goal and locale."""
    # Between two signatures every page shows the same bar; this macro is a fifth of an
    # embed page's time (pyinstrument), number formatting and plural rules mostly.
    key = (petition["slug"], petition["signature_count"], petition["goal"], str(get_locale()))
    html = _progress.get(key)
    if html is None:
        html = get_template_attribute("_macros.html", "progress")(petition)
        if len(_progress) >= MAX_PROGRESS:
            _progress.clear()
        _progress[key] = html
    return html


def init_app(app):
    """Register the template globals, reading the stylesheet once."""
    css = (Path(app.static_folder) / "widget.css").read_text(encoding="utf-8")
    app.jinja_env.globals.update(
        csp_nonce=csp_nonce,
        inline_css=css,
        token_messages=TOKEN_MESSAGES,
        partner_optin_text=partner_optin_text,
        render_sign_form=render_sign_form,
        render_progress=render_progress,
    )
