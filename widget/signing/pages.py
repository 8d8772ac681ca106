"""Give the sign pages what they show: the form's markup, its token slot, the token messages."""

from flask import get_template_attribute
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..petitions.records import signer_email_mode
from ..web.page_cache import rendering_slots, slot
from .tokens import issue_token

TOKEN_MESSAGES = {
    "form-forged": _l("We could not verify this form. Please check your details and sign again."),
    "form-other-petition": _l("This form belongs to another petition. Please sign again here."),
    "form-expired": _l("This form has expired. Please check your details and sign again."),
    "form-too-fast": _l(
        "That was quicker than we expected. Please check your details and sign again."
    ),
    "form-replayed": _l("This form was already sent. To sign again, please use this fresh form."),
}


def form_fillers(petition):
    """Return the page cache's fillers for a sign page's slots: a fresh token per render."""
    return {"token": lambda: issue_token(petition["id"])}


def render_sign_form(form, petition, context):
    """Render the sign form; a blank one for the page cache with a slot for its token."""
    html = get_template_attribute("_macros.html", "sign_form")(form, petition, context)
    if rendering_slots():
        # The macro's output was escaped when rendered; the token is URL-safe base64.
        return Markup(str(html).replace(form.csrf_token.current_token, slot("token")))  # noqa: S704
    return html


def init_app(app):
    """Give templates the sign form and its messages."""
    app.jinja_env.globals.update(
        token_messages=TOKEN_MESSAGES,
        render_sign_form=render_sign_form,
        signer_email_mode=signer_email_mode,
    )
