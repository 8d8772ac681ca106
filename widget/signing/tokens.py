"""Sign and check the form token that replaces a cookie-based CSRF secret."""

import secrets
import time
from functools import cached_property

from flask import current_app
from itsdangerous import BadSignature
from wtforms import HiddenField
from wtforms.csrf.core import CSRF, CSRFTokenField
from wtforms.validators import ValidationError

from ..keys import signer

FORM_SALT = "petition-widget.sign-form"


class FormTokenError(ValueError):
    """A token that must not be accepted; the message is shown to the signer."""


def issue_token(petition_id, now=None):
    """Return a signed token naming the petition, a fresh nonce and the issue time (ms)."""
    # A plain signed string ("12.nonce.1795705489950.signature", URL-safe): the JSON
    # serializer's encoding and trial compression were most of what a page view spent on it.
    issued_ms = int((time.time() if now is None else now) * 1000)
    payload = f"{petition_id}.{secrets.token_urlsafe(12)}.{issued_ms}"
    return signer(FORM_SALT).sign(payload).decode("ascii")


def check_token(token, petition_id, now=None):
    """Return the token's nonce, or raise FormTokenError saying why it is refused."""
    try:
        payload = signer(FORM_SALT).unsign(token or "").decode("ascii")
        token_petition, nonce, issued_ms = payload.split(".")
        token_petition, issued_ms = int(token_petition), int(issued_ms)
    except (BadSignature, ValueError):  # UnicodeDecodeError is a ValueError
        raise FormTokenError("form-forged") from None
    if token_petition != petition_id:
        raise FormTokenError("form-other-petition")
    age = (time.time() if now is None else now) - issued_ms / 1000
    if age > current_app.config["FORM_MAX_AGE"]:
        raise FormTokenError("form-expired")
    if age < current_app.config["MIN_FILL_SECONDS"]:
        raise FormTokenError("form-too-fast")
    return nonce


class FreshTokenField(CSRFTokenField):
    """The token field, which signs its fresh token only when a page shows it."""

    def process(self, *args, **kwargs):
        # WTForms signs a new token as soon as a form is built; an accepted post never
        # shows its form again, so skip that and sign on first use below.
        HiddenField.process(self, *args, **kwargs)

    @cached_property
    def current_token(self):
        """Return the token this render of the form carries."""
        return self.csrf_impl.generate_csrf_token(self)


class SignedFormCSRF(CSRF):
    """WTForms CSRF that needs no session: the token itself is signed (DESIGN.md)."""

    field_class = FreshTokenField

    def setup_form(self, form):
        self.petition_id = form.meta.csrf_context
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return issue_token(self.petition_id)

    def validate_csrf_token(self, form, field):
        # WTForms turns only ValidationError into a field error; anything else is a 500.
        try:
            form.nonce = check_token(field.data, self.petition_id)
        except FormTokenError as error:
            form.token_problem = str(error)
            raise ValidationError(str(error)) from None
