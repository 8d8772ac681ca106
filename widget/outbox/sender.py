"""Deliver due messages: one batch per lane at a time, each outcome recorded as it comes."""

import fcntl
import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from ..store.db import get_db, parse_stamp, stamp, write_transaction
from .queue import now_stamp
from .registry import Cancelled, Delivered, Failed, Retry, registry

DUE = """
SELECT id, kind, lane, key, payload, attempts, created_at FROM (
    SELECT *, row_number() OVER (PARTITION BY lane ORDER BY due_at, id) AS place
    FROM outbox WHERE status = 'pending' AND due_at <= ? AND kind IN ({kinds})
) WHERE place <= ? ORDER BY lane, due_at, id
"""

NEXT_DUE = """
SELECT min(due_at) FROM outbox
WHERE status = 'pending' AND kind IN ({kinds}) AND lane NOT IN ({lanes})
"""


class SenderBusy(Exception):
    """Another sender holds the lock of this database."""


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    lane: str
    key: str
    payload: dict
    attempts: int
    created_at: str


@contextmanager
def sender_lock(database):
    """Hold the lock next to the database that allows one sender at a time."""
    # flock is released by the kernel when the process dies, even by SIGKILL: no stale lock.
    path = f"{database}.outbox-lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise SenderBusy(f"another outbox sender is running ({path} is locked)") from None
    try:
        yield
    finally:
        os.close(fd)


def backoff_seconds(attempts, base, ceiling):
    """Return the wait before try number attempts + 1: doubling, capped, with jitter."""
    # "Equal jitter": at least half the doubled wait, so senders restarted together spread out
    # without ever retrying at once.
    delay = min(ceiling, base * 2 ** max(0, attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - timing, not a secret


class Sender:
    """Deliver what is due in the outbox until stopped (or, once, until nothing is due)."""

    def __init__(self, app):
        self.app = app
        config = app.config
        self.registry = registry(app)
        self.batch = int(config["OUTBOX_BATCH"])
        self.poll = float(config["OUTBOX_POLL_SECONDS"])
        self.retry_base = float(config["OUTBOX_RETRY_SECONDS"])
        self.retry_max = float(config["OUTBOX_RETRY_MAX_SECONDS"])
        self.threads = int(config["OUTBOX_THREADS"])
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.busy = set()  # lanes with a batch in flight: one batch per lane at a time
        self.busy_lock = threading.Lock()
        self.next_run = {}

    def stop(self):
        """Ask the sender to finish the messages in flight and return."""
        self.stopping.set()
        self.wake.set()

    def run(self, once=False):
        """Deliver until stop(); with once, return when nothing is due or in flight."""
        with self.app.app_context(), sender_lock(self.app.config["DATABASE"]):
            db = get_db()
            pool = ThreadPoolExecutor(self.threads, thread_name_prefix="outbox")
            try:
                while not self.stopping.is_set():
                    self.wake.clear()
                    self.run_jobs(db)
                    started = self.dispatch(db, pool)
                    with self.busy_lock:
                        idle = not self.busy
                    if once and not started and idle:
                        # A lane skipped as busy may have ended after the query: only a look
                        # with no batch in flight tells that nothing is due.
                        if not self.dispatch(db, pool):
                            return
                        continue
                    self.wake.wait(self.pause(db, once))
            finally:
                self.stopping.set()  # batches stop between messages
                pool.shutdown(wait=True)

    def run_jobs(self, db):
        """Run each job that is due (all of them at the start)."""
        for job in self.registry.jobs.values():
            if self.next_run.get(job.name, 0) <= time.monotonic():
                self.next_run[job.name] = time.monotonic() + job.every_seconds
                try:
                    job.func(db)
                except Exception:
                    self.app.logger.exception("outbox job %s failed", job.name)

    def kinds_sql(self):
        kinds = list(self.registry.kinds)
        return ", ".join("?" * len(kinds)), kinds

    def dispatch(self, db, pool):
        """Start a batch for every lane that has messages due and none in flight."""
        marks, kinds = self.kinds_sql()
        if not kinds:
            return 0
        # Lanes busy before the query are skipped even if their batch ends meanwhile: the rows
        # read for them may predate that batch's last outcomes, and would be sent twice.
        with self.busy_lock:
            busy_before = set(self.busy)
        rows = db.execute(DUE.format(kinds=marks), [now_stamp(), *kinds, self.batch]).fetchall()
        batches = {}
        for row in rows:
            item = Item(*row[:4], json.loads(row[4]), *row[5:])
            batches.setdefault(item.lane, []).append(item)
        started = 0
        for lane, items in batches.items():
            with self.busy_lock:
                if lane in busy_before or lane in self.busy:
                    continue
                self.busy.add(lane)
            pool.submit(self.deliver_batch, lane, items)
            started += 1
        return started

    def pause(self, db, once):
        """Return how long to wait: until the next due message of an idle lane, at most poll."""
        marks, kinds = self.kinds_sql()
        if once:
            return self.poll  # woken as soon as a batch ends; a later retry is not waited for
        with self.busy_lock:
            busy = list(self.busy)
        lanes = ", ".join("?" * len(busy)) or "NULL"
        query = NEXT_DUE.format(kinds=marks, lanes=lanes)  # placeholders only
        row = db.execute(query, [*kinds, *busy]).fetchone()
        waits = [self.poll]
        waits += [t - time.monotonic() for t in self.next_run.values()]
        if row and row[0]:
            waits.append((parse_stamp(row[0]) - datetime.now(UTC)).total_seconds())
        return max(0.0, min(waits))

    def deliver_batch(self, lane, items):
        """Deliver one lane's batch in order, recording each outcome before the next message."""
        try:
            # One app context per batch: a kind may keep a connection in flask.g for the batch.
            with self.app.app_context():
                db = get_db()
                for item in items:
                    if self.stopping.is_set():
                        break
                    self.record(db, item, self.attempt(item))
        except Exception:
            self.app.logger.exception("outbox lane %s: batch stopped", lane)
        finally:
            with self.busy_lock:
                self.busy.discard(lane)
            self.wake.set()

    def attempt(self, item):
        """Call the kind's deliver; an exception is a Retry with its message."""
        try:
            outcome = self.registry.kinds[item.kind].deliver(item)
        except Exception as error:
            return Retry(f"{type(error).__name__}: {error}")
        if not isinstance(outcome, Delivered | Retry | Failed | Cancelled):
            return Retry(f"deliver returned {outcome!r}, not an outcome")
        return outcome

    def record(self, db, item, outcome):
        """Write an outcome; a retry past the kind's give-up time becomes a failure."""
        now = datetime.now(UTC)
        attempts = item.attempts + 1
        fields = {"attempts": attempts, "updated_at": stamp(now)}
        if isinstance(outcome, Retry):
            give_up = self.registry.kinds[item.kind].give_up_after_seconds
            if (now - parse_stamp(item.created_at)).total_seconds() > give_up:
                outcome = Failed(f"gave up after {attempts} attempts: {outcome.reason}")
        if isinstance(outcome, Delivered):
            fields |= {"status": "sent", "sent_at": stamp(now), "last_error": None}
        elif isinstance(outcome, Retry):
            wait = outcome.after_seconds
            if wait is None:
                wait = backoff_seconds(attempts, self.retry_base, self.retry_max)
            due = stamp(now + timedelta(seconds=wait))
            fields |= {"due_at": due, "last_error": outcome.reason}
        else:
            status = "failed" if isinstance(outcome, Failed) else "cancelled"
            fields |= {"status": status, "last_error": outcome.reason}
            self.app.logger.warning("outbox %s %s %s: %s", item.kind, item.key, status, outcome)
        sets = ", ".join(f"{name} = :{name}" for name in fields)
        with write_transaction(db):
            db.execute(
                f"UPDATE outbox SET {sets} WHERE id = :id AND status = 'pending'",  # noqa: S608
                {**fields, "id": item.id},
            )


def prune_sent(db):
    """Delete sent messages older than OUTBOX_KEEP_SENT_DAYS (their keys may then recur)."""
    days = float(current_app.config["OUTBOX_KEEP_SENT_DAYS"])
    cutoff = stamp(datetime.now(UTC) - timedelta(days=days))
    with write_transaction(db):
        db.execute("DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", [cutoff])
