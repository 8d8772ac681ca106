"""An app for sender subprocesses in tests: the real app plus a kind that notes each key."""

import os
import time

from widget import create_app as create_widget_app
from widget.outbox.registry import Delivered, register_kind


def create_app():
    """Create the app with a `note` kind appending each delivered key to OUTBOX_TEST_NOTES."""
    app = create_widget_app()
    notes = app.config["OUTBOX_TEST_NOTES"]
    delay = float(app.config.get("OUTBOX_TEST_DELAY", 0))

    def note(item):
        time.sleep(delay)  # stands for a slow SMTP server, so a kill lands mid-batch
        with open(notes, "a", encoding="utf-8") as file:
            file.write(item.key + "\n")
            file.flush()
            os.fsync(file.fileno())
        return Delivered()

    register_kind(app, "note", note)
    return app
