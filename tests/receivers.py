"""Real HTTP receivers on loopback: a Standard Webhooks endpoint and an Action Network stand-in."""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


class Receiver:
    """An HTTP server in a thread; answer(handler, body) decides each reply (status, body)."""

    def __init__(self, answer):
        self.answer = answer
        self.lock = threading.Lock()
        self.requests = []  # (path, headers, body) of every request received
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the sender's client expects

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append((self.path, dict(self.headers), body))
                status, reply = receiver.answer(self, body)
                if status is None:
                    return  # never answer: the handler returned without a reply
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class WebhookEndpoint(Receiver):
    """Verify each webhook with the standardwebhooks package; fail `failures` times per id."""

    def __init__(self, secret="", failures=0, status=200):
        self.secret = secret
        self.failures = failures
        self.status = status
        self.tries = Counter()
        self.events = {}  # webhook-id -> the verified event, recorded once
        self.rejected = []
        super().__init__(self.handle)

    def handle(self, handler, body):
        try:
            event = Webhook(self.secret).verify(body, dict(handler.headers))
        except Exception as error:  # noqa: BLE001 - a bad signature is what we report
            self.rejected.append(str(error))
            return 400, {"error": str(error)}
        msg_id = handler.headers["webhook-id"]
        with self.lock:
            self.tries[msg_id] += 1
            if self.tries[msg_id] <= self.failures:
                return 500, {"error": "try again"}
            if self.status == 200:
                self.events.setdefault(msg_id, event)
        return self.status, {}

    def of_type(self, kind):
        return [event for event in self.events.values() if event["type"] == kind]

    def emails(self, kind="signature.created"):
        return sorted(event["data"]["signer"]["email"] for event in self.of_type(kind))


REQUIRED_PERSON = {"given_name", "family_name", "email_addresses", "postal_addresses"}


def signup_problems(path, headers, body):
    """Return what is wrong with a request against Action Network's person signup helper."""
    problems = []
    if path != "/api/v2/people/":
        problems.append(f"path {path}")
    if not headers.get("OSDI-API-Token"):
        problems.append("no OSDI-API-Token")
    if not headers.get("Content-Type", "").startswith("application/json"):
        problems.append("not JSON")
    try:
        data = json.loads(body)
    except ValueError:
        return [*problems, "body is not JSON"]
    person = data.get("person", {})
    if not set(person) >= REQUIRED_PERSON:
        problems.append(f"person lacks {REQUIRED_PERSON - set(person)}")
    emails = person.get("email_addresses", [])
    if not (isinstance(emails, list) and emails and all("address" in e for e in emails)):
        problems.append("email_addresses is not [{address}]")
    postal = person.get("postal_addresses", [])
    if not (isinstance(postal, list) and all("postal_code" in p for p in postal)):
        problems.append("postal_addresses is not [{postal_code}]")
    tags = data.get("add_tags", [])
    if not (isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)):
        problems.append("add_tags is not a list of names")
    unknown = set(data) - {"person", "add_tags", "triggers"}
    if unknown:
        problems.append(f"unknown fields {unknown}")
    return problems


class ActionNetworkStandIn(Receiver):
    """Answer like Action Network's person signup helper, after checking the documented shape."""

    def __init__(self):
        self.people = []
        super().__init__(self.handle)

    def handle(self, handler, body):
        problems = signup_problems(handler.path, dict(handler.headers), body)
        if problems:
            return 400, {"error": "; ".join(problems)}
        data = json.loads(body)
        with self.lock:
            self.people.append((handler.headers["OSDI-API-Token"], data))
        return 200, {"identifiers": [f"action_network:{len(self.people)}"], **data["person"]}

    @property
    def api_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v2"
