"""The baselines: a bare Flask app that stores a signature with nothing else, and a constant."""

import hashlib
import os
import secrets
import threading

from flask import Flask, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix

from widget.signing.record import INSERT_SIGNATURE
from widget.store.db import connect, utc_now, write_transaction
from widget.store.migrations import migrations

FORM = (
    '<!doctype html><form method="post">'
    '<input id="csrf_token" name="csrf_token" type="hidden" value="{}">'
    '<input name="first_name"><input name="last_name"><input name="email">'
    '<input name="postal_code"><button>Sign</button></form>'
)
_local = threading.local()


def create_app():
    """Create the baseline app; settings come from the same FLASK_* environment as the widget."""
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE="bare.db",
        SQLITE_BUSY_TIMEOUT_MS=5000,
        SQLITE_SYNCHRONOUS="NORMAL",
        BENCH_CONNECTION="thread",  # or "request": open and close one per request
        BENCH_LIMITER=False,  # put flask-limiter (memory://) on the POST
    )
    app.config.from_prefixed_env()
    # The load generator gives every signer its own X-Forwarded-For, as the widget trusts it.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    limit = lambda view: view  # noqa: E731
    if app.config["BENCH_LIMITER"]:
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
        limit = limiter.limit("30/minute", methods=["POST"])

    @app.get("/hello")
    def hello():
        return "Hello, World!"

    @app.route("/p/<slug>/embed", methods=["GET", "POST"])
    @limit
    def embed(slug):
        if request.method == "GET":
            return FORM.format(secrets.token_urlsafe(12))
        store(app.config, request.form, request.remote_addr)
        return redirect(f"/p/{slug}/embed/thanks", code=303)

    @app.get("/p/<slug>/embed/thanks")
    def thanks(slug):
        return "<!doctype html><p>Thank you.</p>"

    return app


def database(config):
    """Return this thread's connection, or a new one per request when so configured."""
    if config["BENCH_CONNECTION"] == "request":
        return connect(*settings(config))
    if getattr(_local, "pid", None) != os.getpid():
        _local.db, _local.pid = connect(*settings(config)), os.getpid()
    return _local.db


def settings(config):
    return config["DATABASE"], config["SQLITE_BUSY_TIMEOUT_MS"], config["SQLITE_SYNCHRONOUS"]


def store(config, form, address):
    """Write what the widget writes for a signature: its nonce and its row, in one transaction."""
    db = database(config)
    now = utc_now()
    row = {
        "petition_id": 1,
        "first_name": form["first_name"],
        "last_name": form["last_name"],
        "email": form["email"],
        "email_key": form["email"].casefold(),
        "postal_code": form["postal_code"],
        "partner_id": None,
        "source": "",
        "referrer": "",
        "optin_org": 0,
        "optin_partner": 0,
        "consent_text": "",
        "lang": "en",
        "status": "counted",
        "signals": "",
        "ip_hash": hashlib.sha256(address.encode()).hexdigest()[:32],
        "created_at": now,
    }
    with write_transaction(db):
        db.execute(
            "INSERT INTO form_nonces (nonce, petition_id, used_at) VALUES (?, 1, ?)",
            [form["csrf_token"], now],
        )
        db.execute(INSERT_SIGNATURE, row)
    if config["BENCH_CONNECTION"] == "request":
        db.close()


def prepare_database(path):
    """Create the widget's schema and the one petition the baseline signs (before it forks)."""
    db = connect(path)
    now = utc_now()
    with write_transaction(db):
        migrations.apply(db)
        db.execute(
            "INSERT INTO petitions (id, slug, title, created_at, updated_at)"
            " VALUES (1, 'bare', 'Bare', ?, ?)",
            [now, now],
        )
    db.close()
