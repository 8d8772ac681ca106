"""An SMTP server on loopback that appends each message's Message-ID to a file (for tests).

    .venv/bin/python scripts/smtp_sink.py PORT FILE

Runs until SIGTERM or Ctrl-C. Loopback only.
"""

import signal
import sys
import threading
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


class Recorder:
    """Accept every message and write down its Message-ID, flushed at once."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open while serving
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.file.write(f"{headers['Message-ID']}\n")
            self.file.flush()
        return "250 Message accepted for delivery"


def main(port, path):
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=int(port))
    controller.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"SMTP sink on 127.0.0.1:{port}, writing to {path}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main(*sys.argv[1:3])
