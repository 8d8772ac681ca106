"""Start the widget or a baseline app as it is served in production, on a loopback port."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = ROOT / "gunicorn.conf.py"
# Used until the checkout ships gunicorn.conf.py; the same model: threads share one connection
# each, two processes use both cores.
FALLBACK_OPTIONS = ["--worker-class", "gthread", "--workers", "2", "--threads", "4"]
KINDS = {
    "shipped": [],
    "sync": ["--worker-class", "sync", "--threads", "1"],  # threads > 1 would switch to gthread
    "gthread": ["--worker-class", "gthread", "--threads", "4"],
}
APPS = {"widget": "widget:create_app()", "bare": "bench.bare:create_app()"}


def gunicorn_options():
    """Return the options of the server as shipped: its config file, else the fallback."""
    if SHIPPED_CONFIG.exists():
        return ["--config", str(SHIPPED_CONFIG)]
    return list(FALLBACK_OPTIONS)


def describe(kind="shipped"):
    """Say in one line how a server of this kind is started."""
    if kind == "granian":
        return "granian --interface wsgi --workers 2 --blocking-threads 4"
    return " ".join(["gunicorn", *gunicorn_options(), *KINDS[kind]]).replace(str(ROOT) + "/", "")


class Server:
    """A server process of ours, its port and its log; stop() ends it and its workers."""

    def __init__(self, app, tmp, kind="shipped", env=None, name=None):
        self.app, self.kind = app, kind
        self.name = name or f"{app}-{kind}"
        self.log_path = Path(tmp) / f"{self.name}.log"
        self.env = {
            **os.environ,
            "FLASK_DATABASE": str(Path(tmp) / f"{self.name}.db"),
            "FLASK_SECRET_KEY": "benchmark-secret-key-of-32-characters",
            # Signers here fill the form in microseconds, and each has its own address.
            "FLASK_MIN_FILL_SECONDS": "0",
            "FLASK_TRUSTED_PROXIES": "1",
            **(env or {}),
        }
        self.database = self.env["FLASK_DATABASE"]
        self.process = None
        self.port = None
        self.acked = []  # emails whose signature got its 303, to look for in the database

    def start(self, ready_path="/"):
        """Start the server; return the seconds until ready_path first answered 200."""
        if self.app == "bare":
            from bare import prepare_database

            prepare_database(self.database)
        listener = None
        if self.kind == "granian":
            self.port = free_port()
            command = [
                str(Path(sys.executable).parent / "granian"),
                *("--interface", "wsgi", "--workers", "2", "--blocking-threads", "4"),
                *("--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"),
                *("--factory", APPS[self.app].removesuffix("()")),
            ]
        else:
            # gunicorn takes the listening socket we bound: no race for the port.
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(1024)
            self.port = listener.getsockname()[1]
            command = [sys.executable, "-m", "gunicorn", *gunicorn_options(), *KINDS[self.kind]]
            # Several servers run at once here: no shared control socket in ~/.gunicorn.
            command += ["--no-control-socket", "--bind", f"fd://{listener.fileno()}"]
            command.append(APPS[self.app])
        started = time.perf_counter()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()] if listener else (),
                start_new_session=True,
            )
        if listener:
            listener.close()
        return self.wait_ready(ready_path, started)

    def wait_ready(self, path, started, timeout=30.0):
        """Poll path until it answers 200; return the seconds since started."""
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()[-2000:]}")
            try:
                status, _, _ = self.get(path, timeout=1)
            except OSError:
                status = None
            if status == 200:
                return time.perf_counter() - started
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout} s")

    def get(self, path, headers=None, timeout=5):
        """Return status, headers and body of one GET."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def worker_rss_mb(self):
        """Return the resident memory of each worker process, in MB."""
        sizes = [rss_kb(pid) / 1024 for pid in descendants(self.process.pid)]
        return [size for size in sizes if size]

    def cpu_seconds(self):
        """Return the CPU time its processes (server and workers) have used so far."""
        return sum(cpu_seconds(pid) for pid in [self.process.pid, *descendants(self.process.pid)])

    def stop(self):
        """Stop the server gracefully, then for sure: it runs in its own process group."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def free_port():
    """Return a loopback port that was free a moment ago (for servers that cannot take a fd)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(pid):
    """Return the ids of pid's child processes (a server's workers)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(child) for child in task.read_text().split()]
    return children


def cpu_seconds(pid):
    """Return a process's user + system CPU time in seconds, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid):
    """Return a process's resident set size in kB, 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0
