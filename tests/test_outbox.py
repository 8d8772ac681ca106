"""The outbox: enqueue in the caller's transaction, outcomes, backoff, lanes, the sender."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from widget.outbox.queue import enqueue
from widget.outbox.registry import Cancelled, Delivered, Failed, Retry, register_kind
from widget.outbox.sender import Sender, backoff_seconds, sender_lock
from widget.store.db import parse_stamp, stamp, write_transaction


def wait_for(condition, timeout=10.0):
    """Poll condition until it is true or the deadline passes; return its last value."""
    deadline = time.monotonic() + timeout
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


def put(db, kind="test", payload=None, lane="test", **options):
    with write_transaction(db):
        return enqueue(db, kind, payload or {}, lane=lane, **options)


def row(db, message_id):
    rows = list(db.query("SELECT * FROM outbox WHERE id = ?", [message_id]))
    return rows[0] if rows else None


def status_of(db, message_id):
    return db.execute("SELECT status FROM outbox WHERE id = ?", [message_id]).fetchone()[0]


OUTCOMES = {
    "delivered": Delivered(),
    "retry": Retry("server busy"),
    "failed": Failed("550 no such user"),
    "cancelled": Cancelled("withdrawn"),
}


@pytest.fixture
def outbox_app(make_app):
    """Return an app with a `test` kind whose payload says what deliver answers."""
    app = make_app(OUTBOX_RETRY_SECONDS=60, OUTBOX_POLL_SECONDS=0.05)

    def deliver(item):
        if item.payload["outcome"] == "raise":
            raise ConnectionRefusedError("[Errno 111] Connection refused")
        return OUTCOMES[item.payload["outcome"]]

    register_kind(app, "test", deliver)
    return app


@pytest.fixture
def outbox_db(outbox_app):
    from widget.store.db import get_db

    with outbox_app.app_context():
        yield get_db()


def test_enqueue_writes_only_inside_a_transaction_and_a_key_only_once(outbox_db):
    with pytest.raises(RuntimeError):
        enqueue(outbox_db, "test", {}, lane="test")
    first = put(outbox_db, key="sig-1")
    assert put(outbox_db, key="sig-1") is None
    other = put(outbox_db)
    assert row(outbox_db, other)["key"].startswith("msg_")
    assert (first, row(outbox_db, first)["status"]) == (first, "pending")


def test_a_message_rolls_back_with_its_transaction(outbox_db):
    with pytest.raises(ZeroDivisionError), write_transaction(outbox_db):
        enqueue(outbox_db, "test", {}, lane="test", key="lost")
        raise ZeroDivisionError
    assert outbox_db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_each_outcome_is_recorded(outbox_app, outbox_db):
    ids = {name: put(outbox_db, payload={"outcome": name}) for name in [*OUTCOMES, "raise"]}
    Sender(outbox_app).run(once=True)
    got = {name: row(outbox_db, i) for name, i in ids.items()}
    assert got["delivered"]["status"] == "sent" and got["delivered"]["sent_at"]
    assert (got["failed"]["status"], got["failed"]["last_error"]) == ("failed", "550 no such user")
    assert (got["cancelled"]["status"], got["cancelled"]["last_error"]) == (
        "cancelled",
        "withdrawn",
    )
    for name in ("retry", "raise"):
        assert got[name]["status"] == "pending" and got[name]["attempts"] == 1
        assert parse_stamp(got[name]["due_at"]) > datetime.now(UTC) + timedelta(seconds=20)
    assert "Connection refused" in got["raise"]["last_error"]


def test_retries_back_off_exponentially_with_jitter():
    for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (9, 100)]:
        waits = [backoff_seconds(attempts, 10, 100) for _ in range(200)]
        assert ceiling / 2 <= min(waits) and max(waits) <= ceiling
        assert max(waits) - min(waits) > ceiling / 10  # jittered, not one fixed value


def test_a_retry_waits_as_asked_and_gives_up_past_its_time(outbox_app, outbox_db):
    asked = put(outbox_db, payload={"outcome": "retry"})
    Sender(outbox_app).run(once=True)
    first = parse_stamp(row(outbox_db, asked)["due_at"])
    assert timedelta(seconds=29) < first - datetime.now(UTC) < timedelta(seconds=61)

    old = put(outbox_db, payload={"outcome": "retry"})
    past = stamp(datetime.now(UTC) - timedelta(days=4))
    with write_transaction(outbox_db):
        outbox_db.execute("UPDATE outbox SET created_at = ? WHERE id = ?", [past, old])
    Sender(outbox_app).run(once=True)
    assert status_of(outbox_db, old) == "failed"
    assert row(outbox_db, old)["last_error"].startswith("gave up after 1 attempts")


def test_retry_after_seconds_sets_the_next_try(make_app):
    app = make_app()
    register_kind(app, "test", lambda item: Retry("429", after_seconds=120))
    with app.app_context():
        from widget.store.db import get_db

        db = get_db()
        message = put(db)
        Sender(app).run(once=True)
        due = parse_stamp(row(db, message)["due_at"]) - datetime.now(UTC)
        assert timedelta(seconds=115) < due < timedelta(seconds=121)


def test_a_message_due_later_waits(outbox_app, outbox_db):
    later = stamp(datetime.now(UTC) + timedelta(hours=1))
    message = put(outbox_db, payload={"outcome": "delivered"}, due_at=later)
    Sender(outbox_app).run(once=True)
    assert status_of(outbox_db, message) == "pending"


def test_a_blocked_lane_does_not_delay_another(make_app):
    app = make_app(OUTBOX_POLL_SECONDS=0.05)
    release = threading.Event()

    def deliver(item):
        if item.lane == "webhook:dead":
            release.wait(20)  # a destination that hangs
        return Delivered()

    register_kind(app, "test", deliver)
    with app.app_context():
        from widget.store.db import get_db

        db = get_db()
        stuck = put(db, lane="webhook:dead")
        sender = Sender(app)
        thread = threading.Thread(target=sender.run)
        thread.start()
        try:
            # Enqueued while the dead lane's batch hangs: still delivered at once.
            fast = [put(db, lane="mail") for _ in range(5)]
            assert wait_for(lambda: all(status_of(db, i) == "sent" for i in fast), 10)
            assert status_of(db, stuck) == "pending"
        finally:
            release.set()
            sender.stop()
            thread.join(10)
        assert not thread.is_alive()
        assert status_of(db, stuck) == "sent"


def test_the_sender_runs_jobs_at_start(outbox_app, outbox_db):
    from widget.outbox.registry import register_job

    runs = []
    register_job(outbox_app, "count", 3600, lambda db: runs.append(db))
    Sender(outbox_app).run(once=True)
    assert len(runs) == 1


def test_sent_messages_are_pruned_after_their_days(outbox_app, outbox_db):
    kept, pruned = put(outbox_db, payload={"outcome": "delivered"}), put(outbox_db)
    old = stamp(datetime.now(UTC) - timedelta(days=31))
    with write_transaction(outbox_db):
        outbox_db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?", [old, pruned]
        )
    Sender(outbox_app).run(once=True)
    assert row(outbox_db, pruned) is None and status_of(outbox_db, kept) == "sent"


def test_one_sender_at_a_time(outbox_app, outbox_db):
    runner = outbox_app.test_cli_runner()
    with sender_lock(outbox_app.config["DATABASE"]):
        result = runner.invoke(args=["outbox", "run", "--once"])
    assert result.exit_code != 0
    assert "another outbox sender is running" in result.output
    assert runner.invoke(args=["outbox", "run", "--once"]).exit_code == 0


def test_cli_once_status_list_and_retry(outbox_app, outbox_db):
    runner = outbox_app.test_cli_runner()
    sent = put(outbox_db, payload={"outcome": "delivered"})
    failed = put(outbox_db, payload={"outcome": "failed"})
    put(outbox_db, payload={"outcome": "retry"})
    result = runner.invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert status_of(outbox_db, sent) == "sent"
    status = runner.invoke(args=["outbox", "status"]).output
    assert status.splitlines()[0] == "pending 1, sent 1, failed 1, cancelled 0"
    assert "oldest pending" in status and "test" in status
    listed = runner.invoke(args=["outbox", "list", "--failed"]).output
    assert listed.split()[0] == str(failed) and "550 no such user" in listed
    assert runner.invoke(args=["outbox", "retry", str(sent)]).exit_code != 0
    assert "1 message(s) due again" in runner.invoke(args=["outbox", "retry", "--all"]).output
    assert status_of(outbox_db, failed) == "pending"


def test_once_returns_only_when_nothing_is_due(make_app):
    # Batches ending between the sender's query and its idle check used to let --once return
    # with messages still due (seen: 400 of 2,000 sent). Small batches over several lanes make
    # that moment come often.
    app = make_app(OUTBOX_POLL_SECONDS=0.001, OUTBOX_BATCH=2)

    def deliver(item):
        time.sleep(0.001)  # a batch ends while the sender looks for due messages, often
        return Delivered()

    register_kind(app, "test", deliver)
    from widget.store.db import get_db

    with app.app_context():
        db = get_db()
        with write_transaction(db):
            for n in range(400):
                enqueue(db, "test", {}, lane=f"lane-{n % 2}")
        Sender(app).run(once=True)
        pending = db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()
    assert pending[0] == 0
