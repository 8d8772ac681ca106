"""Signing: the sign views, form and token, recording a signature, abuse signals, rate limits."""

from . import limits, pages, views


def init_app(app):
    """Bind the rate limits, give templates the sign form, and register the sign views."""
    limits.init_app(app)
    pages.init_app(app)
    app.register_blueprint(views.bp)
