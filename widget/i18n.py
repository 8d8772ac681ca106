"""Choose the language of each response and format numbers and dates for it."""

from flask import request
from flask_babel import Babel

babel = Babel()
SUPPORTED = ("en",)


def select_locale():
    """Pick the signer's language among the supported ones."""
    return request.accept_languages.best_match(SUPPORTED) or SUPPORTED[0]


def init_app(app):
    """Bind Flask-Babel to the app."""
    babel.init_app(app, locale_selector=select_locale)
