"""Count requests, signatures and refusals for Prometheus, and serve them to the token holder."""

import functools
import hmac
import json
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from ..store.db import get_db, parse_stamp, stamp

bp = Blueprint("metrics", __name__)
# Under gunicorn each worker writes its values to files in PROMETHEUS_MULTIPROC_DIR (set by
# gunicorn.conf.py before the app is imported) and a scrape adds up every worker's.
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
DELIVERY_WINDOW = timedelta(minutes=15)

REQUESTS = Counter(
    "widget_http_requests",
    "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "widget_http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
    buckets=LATENCY_BUCKETS,
)
SIGNATURES = Counter(
    "widget_signatures_stored",
    "Signatures stored, by status (counted, suspect); "
    "repeat: a signer who had signed already, thanked and not stored again.",
    ["status"],
)
REFUSED = Counter("widget_sign_refused", "Sign requests refused, by the reason logged.", ["reason"])
RATE_LIMITED = Counter("widget_rate_limit_hits", "Sign posts refused by a rate limit (429).")
REQUEST_LOG = logging.getLogger("widget.requests")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
STARTED = "widget.metrics.started"  # in the WSGI environ: cheaper to reach than g
_children = {}  # (endpoint, method, status) -> (request counter, latency histogram)


def signature_stored(status):
    """Count a signature stored with this status (or a repeat signer's)."""
    child(SIGNATURES, status).inc()


def sign_refused(reason):
    """Count a refused sign request."""
    child(REFUSED, reason).inc()


@functools.cache
def child(metric, *labels):
    """Return a metric's child for labels from a fixed set (statuses, reasons), looked up once."""
    return metric.labels(*labels)


def rate_limit_hit():
    """Count a sign post over its rate limit."""
    RATE_LIMITED.inc()


def start_timer():
    """Note when the request began."""
    request.environ[STARTED] = time.perf_counter()


def observe(response):
    """Count the answered request and its duration, by endpoint (never by URL: no tokens)."""
    asked = request._get_current_object()  # one context lookup, not one per attribute
    endpoint = asked.endpoint or "unmatched"
    method = asked.method if asked.method in METHODS else "other"  # a client names it
    key = (endpoint, method, response.status_code)
    # Looking up a labelled child takes a lock and builds a tuple: reuse them (a few dozen).
    children = _children.get(key)
    if children is None:
        children = _children[key] = (
            REQUESTS.labels(endpoint, method, str(response.status_code)),
            LATENCY.labels(endpoint),
        )
    children[0].inc()
    started = asked.environ.get(STARTED)
    if started is not None:
        seconds = time.perf_counter() - started
        children[1].observe(seconds)
        if REQUEST_LOG.handlers and current_app.config["REQUEST_LOG"]:
            log_request(asked, endpoint, response.status_code, seconds)
    return response


def log_request(asked, endpoint, status, seconds):
    """Log one JSON line: what was asked and answered, never who asked or with what values."""
    # The route is the URL's pattern (/s/<token>), so no token, slug value, query string
    # (partner keys), address or email ever reaches the log.
    rule = asked.url_rule.rule if asked.url_rule else None
    REQUEST_LOG.info(
        json.dumps(
            {
                "method": asked.method,
                "endpoint": endpoint,
                "route": rule,
                "status": status,
                "ms": round(seconds * 1000, 1),
            }
        )
    )


class OutboxCollector:
    """Read the outbox table at scrape time: what waits, what failed, how long delivery took."""

    def collect(self):
        db = get_db()
        if not db["outbox"].exists():  # the outbox package is not installed in this build
            return
        messages = GaugeMetricFamily(
            "widget_outbox_messages", "Outbox messages by status.", labels=["status"]
        )
        counts = dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status"))
        for status in ("pending", "failed", "cancelled", "sent"):
            messages.add_metric([status], counts.get(status, 0))
        yield messages
        oldest = db.execute(
            "SELECT min(created_at) FROM outbox WHERE status = 'pending'"
        ).fetchone()[0]
        yield GaugeMetricFamily(
            "widget_outbox_oldest_pending_seconds",
            "Age of the oldest pending outbox message (0: none pending).",
            value=age_seconds(oldest) if oldest else 0,
        )
        yield delivery_latency(db)


def age_seconds(text):
    """Return how many seconds ago an ISO 8601 UTC stamp was."""
    return max(0.0, (datetime.now(UTC) - parse_stamp(text)).total_seconds())


def delivery_latency(db):
    """Return quantiles of created-to-sent time over the messages sent in the last window."""
    now = datetime.now(UTC)
    # due_at <= sent_at: the (status, due_at) index narrows the rows before sent_at is read.
    latencies = sorted(
        seconds
        for (seconds,) in db.execute(
            "SELECT (julianday(sent_at) - julianday(created_at)) * 86400 FROM outbox"
            " WHERE status = 'sent' AND due_at >= ? AND sent_at >= ?",
            [stamp(now - 4 * DELIVERY_WINDOW), stamp(now - DELIVERY_WINDOW)],
        )
    )
    family = GaugeMetricFamily(
        "widget_outbox_delivery_seconds",
        "Time from enqueue to delivery of the messages sent in the last 15 minutes.",
        labels=["quantile"],
    )
    if latencies:
        median = statistics.median(latencies)
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        for quantile, value in (("0.5", median), ("0.95", p95), ("1", latencies[-1])):
            family.add_metric([quantile], max(0.0, value))
    return family


def exposition():
    """Return every metric in Prometheus text: all workers' counters, then the outbox."""
    if MULTIPROCESS:
        workers = CollectorRegistry()
        multiprocess.MultiProcessCollector(workers)
        text = generate_latest(workers)
    else:
        text = generate_latest(REGISTRY)
    outbox = CollectorRegistry()
    outbox.register(OutboxCollector())
    return text + generate_latest(outbox)


@bp.get("/metrics")
def metrics():
    """Serve the metrics to a scraper holding METRICS_TOKEN; to anyone else, nothing."""
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "")
    # Unset, or the wrong token: the same 404, so the URL tells nobody it exists.
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(404)
    response = current_app.response_class(exposition(), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    """Time every request, log it if REQUEST_LOG, and register /metrics."""
    if app.config["REQUEST_LOG"] and not REQUEST_LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        REQUEST_LOG.addHandler(handler)
        REQUEST_LOG.setLevel(logging.INFO)
        REQUEST_LOG.propagate = False
    app.before_request(start_timer)
    app.after_request(observe)
    app.register_blueprint(bp)
