"""Give templates the helpers they share: CSP nonce, inline CSS, messages."""

from pathlib import Path

from flask_babel import lazy_gettext as _l

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


def init_app(app):
    """Register the template globals, reading the stylesheet once."""
    css = (Path(app.static_folder) / "widget.css").read_text(encoding="utf-8")
    app.jinja_env.globals.update(
        csp_nonce=csp_nonce,
        inline_css=css,
        token_messages=TOKEN_MESSAGES,
        partner_optin_text=partner_optin_text,
    )
