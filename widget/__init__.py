"""Petition Widget: petitions served as an embeddable signature form."""

import os
import secrets
from pathlib import Path

from flask import Flask

from .settings import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
PATH_SETTINGS = ("DATABASE", "PETITIONS_DIR")


def create_app(test_config=None):
    """Create the app: defaults, then instance/config.py, then FLASK_* environment."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    for name in PATH_SETTINGS:
        app.config[name] = str(ROOT / app.config[name])  # absolute paths stay as they are
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = stored_secret_key(Path(app.instance_path) / "secret_key")

    from . import delivery, exports, partners, petitions, review, signing, store, web

    # Order matters: after-request hooks run in reverse, so web's headers come last.
    store.init_app(app)
    web.init_app(app)
    petitions.init_app(app)
    partners.init_app(app)
    signing.init_app(app)
    exports.init_app(app)
    delivery.init_app(app)
    review.init_app(app)
    return app


def stored_secret_key(path):
    """Return the key kept at path, creating it once so restarts and workers share it."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(key)
        return key
