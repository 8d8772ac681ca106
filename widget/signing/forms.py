"""Define the signature form: its fields, their bounds and their messages."""

import functools
import unicodedata

from babel.support import Translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from ..web.languages import current_language
from .emails import normalized_email
from .tokens import SignedFormCSRF

# Bidirectional overrides can disguise a name in an export; other format characters
# (zero-width joiners, soft hyphens) are legitimate in many scripts and are kept.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# U+FFFD is what a decoder leaves of invalid bytes: nobody types it.
_REFUSED = _BIDI_CONTROLS | {"\ufffd"}


def clean_text(value):
    """Trim a submitted value and put it in Unicode normal form C."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def no_control_characters(form, field):
    """Refuse control, surrogate, private-use, bidi-override and replacement characters."""
    for char in field.data or "":
        if unicodedata.category(char) in {"Cc", "Cs", "Co"} or char in _REFUSED:
            raise ValidationError(_l("Please remove the unusual characters."))


def email_syntax(form, field):
    """Check the address's syntax (no DNS lookup) and keep its normalized form."""
    normalized = normalized_email(field.data or "")
    if normalized is None:
        raise ValidationError(_l("Please enter a valid email address."))
    field.data = normalized


@functools.cache
def wtforms_translations(locale):
    """Return WTForms' own messages in a locale, read from disk once per process."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


class SignForm(FlaskForm):
    """The fields a supporter fills in to sign."""

    class Meta:
        csrf_class = SignedFormCSRF
        csrf_context = None  # the petition id, given per form: no session involved

        def get_translations(self, form):
            # Flask-WTF parses WTForms' catalog on every request (a fifth of a sign POST's
            # time, measured with pyinstrument); the catalog never changes while we run.
            # The view's chosen language, not get_locale(): that re-parses the Babel locale.
            return wtforms_translations(current_language().replace("-", "_"))

    first_name = StringField(
        _l("First name"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please enter your first name.")),
            Length(max=100, message=_l("Please shorten your first name to 100 characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "given-name"},
    )
    last_name = StringField(
        _l("Last name"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please enter your last name.")),
            Length(max=100, message=_l("Please shorten your last name to 100 characters.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "family-name"},
    )
    email = EmailField(
        _l("Email"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("Please enter a valid email address.")),
            email_syntax,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    postal_code = StringField(
        _l("ZIP or postal code"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please enter your ZIP or postal code.")),
            Length(max=12, message=_l("Please enter a valid ZIP or postal code.")),
            Regexp(
                r"\A[A-Za-z0-9][A-Za-z0-9 -]*\Z",  # "$" would pass a final newline
                message=_l("Please enter a valid ZIP or postal code."),
            ),
        ],
        render_kw={"autocomplete": "postal-code"},
    )
    optin_org = BooleanField()
    optin_partner = BooleanField()
    # The honeypot, named to tempt form-filling bots: hidden from people and assistive
    # technology (see _macros.html), so only a bot fills it. Its value is never stored.
    website = StringField(_l("Leave this field empty"), filters=[clean_text])
