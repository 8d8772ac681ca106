"""GET /metrics: Prometheus text for the token holder only, counting what signing does."""

import http.client
import json
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from conftest import BROWSER_HEADERS, SLUG, browser_client, sign_through
from prometheus_client.parser import text_string_to_metric_families
from test_server import gunicorn, sign_over_http  # noqa: F401 - gunicorn is a fixture

from widget.outbox.queue import enqueue
from widget.outbox.registry import Delivered, register_kind
from widget.outbox.sender import Sender
from widget.store.db import get_db, write_transaction

TOKEN = "scrape-me"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_app(make_app):
    """Return an app whose /metrics answers to TOKEN."""
    return make_app(METRICS_TOKEN=TOKEN)


def scrape(client):
    """Return {(name, labels): value} of every sample /metrics shows."""
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    return samples(response.get_data(as_text=True))


def samples(text):
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))), 0)


def test_metrics_answer_404_without_the_setting_even_to_a_bearer(client):
    assert client.get("/metrics", headers=AUTH).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_metrics_answer_404_to_anyone_without_the_token(metrics_app, header):
    headers = {"Authorization": header} if header else {}
    response = metrics_app.test_client().get("/metrics", headers=headers)
    assert response.status_code == 404
    assert "widget_" not in response.get_data(as_text=True)


def test_metrics_are_prometheus_text_never_cached_nor_framed(metrics_app):
    response = metrics_app.test_client().get("/metrics", headers=AUTH)
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {"widget_http_requests", "widget_http_request_duration_seconds"} <= names


def test_signature_counters_move_as_signatures_arrive_and_are_refused(metrics_app):
    client = browser_client(metrics_app)
    before = scrape(client)
    url = f"/p/{SLUG}/embed"
    assert sign_through(client, url, email="one@example.org").status_code == 303
    assert sign_through(client, url, email="one@example.org").status_code == 303  # a repeat
    page = client.get(url)
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    fields = {"first_name": "A", "last_name": "B", "email": "two@example.org"}
    fields |= {"postal_code": "60608", "csrf_token": token.split('"')[0]}
    assert client.post(url, data=fields).status_code == 303
    assert client.post(url, data=fields).status_code == 400  # the same form again: replayed
    after = scrape(client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("widget_signatures_stored_total", status="counted") == 2
    assert moved("widget_signatures_stored_total", status="repeat") == 1
    assert moved("widget_sign_refused_total", reason="form-replayed") == 1
    assert moved("widget_http_requests_total", endpoint="sign.embed", method="POST", status="303")
    # Three forms loaded, four posted.
    assert moved("widget_http_request_duration_seconds_count", endpoint="sign.embed") == 7
    assert moved("widget_http_requests_total", endpoint="sign.embed", method="GET", status="200")


def test_a_signature_flagged_suspect_is_stored_as_suspect_not_refused(metrics_app):
    client = metrics_app.test_client()  # no browser headers: a tool's request
    before = scrape(client)
    assert sign_through(client, f"/p/{SLUG}/embed", email="bot@example.org").status_code == 303
    after = scrape(client)
    assert value(after, "widget_signatures_stored_total", status="suspect") == (
        value(before, "widget_signatures_stored_total", status="suspect") + 1
    )
    assert value(after, "widget_sign_refused_total", reason="flagged-suspect") == 0


def test_rate_limit_hits_are_counted(make_app):
    app = make_app(METRICS_TOKEN=TOKEN, SIGN_RATE_LIMITS="1 per hour")
    client = browser_client(app)
    before = scrape(client)
    sign_through(client, f"/p/{SLUG}", email="a@example.org")
    assert sign_through(client, f"/p/{SLUG}", email="b@example.org").status_code == 429
    after = scrape(client)
    assert value(after, "widget_rate_limit_hits_total") == (
        value(before, "widget_rate_limit_hits_total") + 1
    )
    assert value(after, "widget_sign_refused_total", reason="rate-limited") == (
        value(before, "widget_sign_refused_total", reason="rate-limited") + 1
    )


def test_outbox_pending_failed_and_delivery_time_are_read_at_scrape(metrics_app):
    register_kind(metrics_app, "test", lambda item: Delivered())
    with metrics_app.app_context():
        db = get_db()
        with write_transaction(db):
            enqueue(db, "test", {}, lane="test")
        Sender(metrics_app).run(once=True)  # a real sender delivers it
        an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()[:19] + "Z"
        with write_transaction(db):
            for _ in range(2):  # waiting for a retry, the older one for an hour
                enqueue(db, "test", {}, lane="test", due_at="2999-01-01T00:00:00Z")
            db.execute("UPDATE outbox SET created_at = ? WHERE id = 2", [an_hour_ago])
            failed = enqueue(db, "test", {}, lane="other", due_at="2999-01-01T00:00:00Z")
            db.execute("UPDATE outbox SET status = 'failed' WHERE id = ?", [failed])
    found = scrape(metrics_app.test_client())
    assert value(found, "widget_outbox_messages", status="pending") == 2
    assert value(found, "widget_outbox_messages", status="failed") == 1
    assert value(found, "widget_outbox_messages", status="sent") == 1
    assert 3500 < value(found, "widget_outbox_oldest_pending_seconds") < 3700
    assert ("widget_outbox_delivery_seconds", (("quantile", "0.5"),)) in found
    assert 0 <= value(found, "widget_outbox_delivery_seconds", quantile="1") < 60


def test_request_logs_are_json_without_addresses_queries_or_emails(make_app):
    app = make_app(REQUEST_LOG=True)
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger("widget.requests")
    logger.addHandler(handler)
    try:
        client = browser_client(app)
        query = "?partner=Im1pamVudGUi.secretsignature&source=newsletter"
        sign_through(client, f"/p/{SLUG}/embed", query, email="private@example.org")
        client.get("/no/such/page?token=abc")
    finally:
        logger.removeHandler(handler)
    entries = [json.loads(line) for line in lines]
    assert [(e["method"], e["endpoint"], e["status"]) for e in entries] == [
        ("GET", "sign.embed", 200),
        ("POST", "sign.embed", 303),
        ("GET", "unmatched", 404),
    ]
    assert entries[0]["route"] == "/p/<slug>/embed"
    for secret in ("private", "@", "secretsignature", "newsletter", "127.0.0.1", "abc", SLUG):
        assert not any(secret in line for line in lines), secret


def test_counters_add_up_across_gunicorn_workers(gunicorn):  # noqa: F811 - the fixture
    server = gunicorn(workers=2, env={"FLASK_METRICS_TOKEN": TOKEN})
    # Signers at once: a sync worker busy with one leaves the next connection to the other.
    statuses = []
    threads = [
        threading.Thread(
            target=lambda i=i: statuses.append(
                sign_over_http(server.port, email=f"w{i}@example.org")[0]
            )
        )
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [303] * 8

    for _scrape in range(6):  # whichever worker answers, it reports every worker's counts
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("GET", "/metrics", headers={**AUTH, **BROWSER_HEADERS})
            response = conn.getresponse()
            found = samples(response.read().decode())
        finally:
            conn.close()
        assert value(found, "widget_signatures_stored_total", status="counted") == 8
