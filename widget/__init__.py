"""Petition Widget: petitions served as an embeddable signature form."""

import os
from pathlib import Path

from flask import Flask

from .keys import checked_secret_key, stored_secret_key
from .settings import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
PATH_SETTINGS = ("DATABASE", "PETITIONS_DIR", "MAIL_FILE_DIR")


def create_app(test_config=None, instance_path=None):
    """Create the app: defaults, then instance/config.py, then FLASK_* environment."""
    # instance_path: another folder for config.py and secret_key (tests use an empty one).
    app = Flask(
        __name__,
        instance_path=str(instance_path or ROOT / "instance"),
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
    # The instance folder holds the database, its backups and the key: only we may enter it.
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    private_folder(app)
    if app.config["SECRET_KEY"] is None:
        key_file = Path(app.instance_path) / "secret_key"
        app.config["SECRET_KEY"] = stored_secret_key(key_file, app.logger)
    else:  # instance/config.py, FLASK_SECRET_KEY or the caller's settings
        checked_secret_key(app.config["SECRET_KEY"], "instance/config.py or FLASK_SECRET_KEY")

    from . import (
        confirm,
        delivery,
        exports,
        outbox,
        partners,
        petitions,
        review,
        sharing,
        signing,
        store,
        web,
    )

    # Order matters: after-request hooks run in reverse, so web's headers come last.
    store.init_app(app)
    web.init_app(app)
    outbox.init_app(app)
    petitions.init_app(app)
    partners.init_app(app)
    sharing.init_app(app)
    signing.init_app(app)
    exports.init_app(app)
    confirm.init_app(app)
    delivery.init_app(app)
    review.init_app(app)
    return app


def private_folder(app):
    """Make the instance folder 0700 (a checkout ships it 0755, with the config example)."""
    try:
        os.chmod(app.instance_path, 0o700)
    except OSError as error:  # not ours: say so, and go on
        app.logger.warning("could not make %s private: %s", app.instance_path, error)
