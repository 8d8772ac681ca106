"""Deliver webhooks signed per the Standard Webhooks specification, one kind of outbox row."""

import base64
import json
import secrets
import threading
from datetime import UTC, datetime
from typing import NamedTuple

from standardwebhooks import Webhook

from .registry import Cancelled, Delivered, Failed, Retry

KIND = "webhook"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the specification's prefix, not a secret)
_local = threading.local()


class Endpoint(NamedTuple):
    """Where a lane's webhooks go now: looked up at delivery, so --off and rotation apply."""

    url: str
    secret: str


def new_secret():
    """Return a fresh signing secret, written as the specification shows them (whsec_...)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def encode(payload):
    """Return the exact body bytes that are signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signed_headers(secret, msg_id, body, now=None):
    """Return the webhook-id, webhook-timestamp and webhook-signature headers for a body."""
    now = now or datetime.now(UTC)
    signature = Webhook(secret).sign(msg_id, now, body.decode())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": "petition-widget-webhooks/1",
    }


class _ThreadClient:
    """Hold a worker thread's HTTP client, and close it when the thread ends."""

    def __init__(self, timeout):
        import httpx  # here: only the sender needs it; every CLI start paid ~60 ms

        self.client = httpx.Client(timeout=timeout, follow_redirects=False)

    def __del__(self):
        # A thread's locals are dropped when it ends: close its connections then, not at GC.
        self.client.close()


def client(timeout):
    """Return this worker thread's HTTP client: one per thread keeps connections alive."""
    holder = getattr(_local, "holder", None)
    if holder is None or holder.client.timeout.read != timeout:
        holder = _local.holder = _ThreadClient(timeout)
    return holder.client


def post(timeout, url, **request):
    """POST on this thread's client; return the closed answer, or a Retry if none came."""
    import httpx  # here: only the sender needs it; every CLI start paid ~60 ms

    try:
        response = client(timeout).post(url, **request)
    except httpx.HTTPError as error:
        return Retry(f"{type(error).__name__}: {error}"[:300])
    response.close()
    return response


def retry_after(response):
    """Return the seconds a 429 or 503 asks us to wait, or None."""
    value = response.headers.get("retry-after", "")
    return min(int(value), 86400) if value.isdigit() else None


class WebhookSender:
    """Send one outbox item to the endpoint its lane names and turn the answer into an outcome."""

    def __init__(self, resolve, switch_off, timeout=10.0):
        # resolve(lane) -> Endpoint or None (switched off, partner removed); switch_off(lane,
        # reason) after a 410. The domain that owns the endpoints hands both in.
        self.resolve = resolve
        self.switch_off = switch_off
        self.timeout = timeout

    def deliver(self, item):
        """POST the signed event; 2xx delivered, 410 turns the endpoint off, others retry."""
        endpoint = self.resolve(item.lane)
        if endpoint is None:
            return Cancelled("no webhook endpoint for this lane any more")
        body = encode(item.payload)
        headers = signed_headers(endpoint.secret, item.key, body)
        response = post(self.timeout, endpoint.url, content=body, headers=headers)
        if isinstance(response, Retry):
            return response
        status = response.status_code
        if 200 <= status < 300:
            return Delivered()
        if status == 410:
            reason = f"410 Gone from {endpoint.url}: endpoint switched off"
            self.switch_off(item.lane, reason)
            return Failed(reason)
        return Retry(f"HTTP {status} from {endpoint.url}", retry_after(response))
