"""Gunicorn settings for Petition Widget: `make serve`, or gunicorn --config gunicorn.conf.py.

Command-line flags and GUNICORN_CMD_ARGS override these, e.g.
GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --workers 4" make serve.
"""

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

bind = ["127.0.0.1:8000"]  # behind a reverse proxy on the same host; see README "Deploying"
# One sync worker per core (measured on 2 cores: 2 sync workers beat 3 and 4, and gthread with
# 8 or 4 threads, on every workload; see BENCHMARKS.md). The app is CPU-bound and SQLite has
# one writer, so threads only queue on the GIL and the write lock; and a gthread worker keeps
# each keep-alive connection it accepted, so one worker can end up serving every connection
# of a client while the other idles. A sync worker is held by a slow client for the whole
# request: run it behind a buffering proxy (nginx, Caddy; see README "Deploying"). With more
# than one worker, set RATELIMIT_STORAGE_URI to Redis, or each keeps its own counters.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
worker_class = "sync"
timeout = 30  # a worker silent this long is restarted
graceful_timeout = 20  # on SIGTERM, finish requests in flight before exiting
# Load the app once in the master: create_app never opens the database (see pre_fork).
preload_app = True
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's own advice, not a temp file we write
    worker_tmp_dir = "/dev/shm"  # noqa: S108 - heartbeat files off the disk
# No access log by default: it would record every signer's IP address. Errors go to stderr,
# with client addresses blanked (see on_starting): gunicorn names the client of a malformed
# request ("Invalid request from ip=...").
errorlog = "-"
loglevel = "info"
# Gunicorn 25+ opens a control socket at one path per user, which two services (or test runs)
# on one machine would fight over; nothing here uses it.
control_socket_disable = True

# Prometheus metrics (widget/web/metrics.py): each worker writes its counters to files in
# PROMETHEUS_MULTIPROC_DIR, and /metrics adds up every worker's. It must be set before the app
# is imported, and be empty when the server starts (old workers' files would count again).


def prepare_metrics_dir():
    """Empty PROMETHEUS_MULTIPROC_DIR if set, else make a fresh one; return (path, made)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        path = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return path, False
    path = Path(tempfile.mkdtemp(prefix="widget-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path, True


# Gunicorn loads this file as __config__; a test importing it leaves the environment alone.
metrics_dir, made_metrics_dir = prepare_metrics_dir() if __name__ == "__config__" else (None, False)


def open_database_files(database):
    """Return the files of the database (and its WAL) that this process holds open."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():  # not Linux: nothing to check
        return []
    held = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed while listing
            continue
        if target.startswith(database):  # widget.db, widget.db-wal, widget.db-shm
            held.append(target)
    return held


def pre_fork(server, worker):
    """Refuse to fork a worker while the master holds the database open."""
    # SQLite forbids carrying a connection across fork (its locks break and the file can be
    # corrupted); workers open their own, lazily, after the fork.
    if not server.cfg.preload_app:
        return
    database = os.path.realpath(server.app.wsgi().config["DATABASE"])
    held = open_database_files(database)
    if held:
        raise RuntimeError(f"the master holds {', '.join(held)} open; refusing to fork")


# An IPv4 or IPv6 address, as gunicorn writes one ("ip=203.0.113.9", "ip=2001:db8::1").
ADDRESS = re.compile(r"\b(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})\b")
ABOUT_A_CLIENT = ("Invalid request from", "Error handling request")


class NoClientAddresses(logging.Filter):
    """Blank the client addresses gunicorn writes about a malformed or failed request."""

    def filter(self, record):
        message = record.getMessage()
        if message.startswith(ABOUT_A_CLIENT):
            # The error text can quote the request too (a forwarded-for header, a proxy line).
            record.msg, record.args = ADDRESS.sub("-", message), ()
        return True


def on_starting(server):
    """Keep signers' addresses out of the error log (workers inherit the filter at fork)."""
    logging.getLogger("gunicorn.error").addFilter(NoClientAddresses())


def child_exit(server, worker):
    """Tell Prometheus a worker is gone, so its live gauges stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the metrics folder made for this run."""
    if made_metrics_dir:
        shutil.rmtree(metrics_dir, ignore_errors=True)
