"""Confirmation: the signer's own link and page, reminders and the expiry of unconfirmed rows."""

from ..outbox.registry import register_job
from . import jobs, views


def init_app(app):
    """Register the signer's page and the sender's reminder and expiry jobs."""
    app.register_blueprint(views.bp)
    register_job(app, "confirm-remind", jobs.EVERY_SECONDS, jobs.send_reminders)
    register_job(app, "confirm-expire", jobs.EVERY_SECONDS, jobs.expire_unconfirmed)
