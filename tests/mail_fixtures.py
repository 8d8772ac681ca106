"""Mail fixtures: a real SMTP server (aiosmtpd) on a loopback port that keeps what it receives."""

import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Sink:
    """An SMTP handler that keeps each message, and answers chosen recipients with a code."""

    def __init__(self):
        self.messages = []
        self.sessions = set()
        self.answers = {}  # recipient -> an SMTP answer such as "550 5.1.1 No such user"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
            self.sessions.add(id(session))
        return "250 Message accepted for delivery"

    def ids(self):
        with self.lock:
            return [message["Message-ID"] for message in self.messages]


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self):
        with socket.socket() as probe:  # a free port, kept across a stop and a start
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.sink = Sink()
        self.controller = None

    def start(self):
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.sink.messages


@pytest.fixture
def smtp_server():
    """Return a running SMTP server on loopback that keeps every message it accepts."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
