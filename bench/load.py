"""Drive wrk for a bounded time and read back what its Lua script measured."""

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONNECTIONS = 32


def wrk_path():
    """Return the wrk executable, or exit saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing: run `bash scripts/install-system-deps.sh` (Debian: wrk)")
    return path


def run_wrk(url, path, script, seconds, tmp, round_no=1, threads=2):
    """Run one wrk load of `seconds` against url+path and return its measurements."""
    out = Path(tmp) / f"wrk-{os.getpid()}-{round_no}.json"
    out.unlink(missing_ok=True)
    command = [
        wrk_path(),
        *("--threads", str(threads), "--connections", str(CONNECTIONS)),
        *("--duration", f"{int(seconds) + 5}s", "--timeout", "10s"),
        *("--script", str(HERE / script), url, "--", path, str(round_no)),
    ]
    process = subprocess.Popen(
        command,
        env={**os.environ, "BENCH_OUT": str(out)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # wrk's --duration counts whole seconds; SIGINT stops it on time and it still reports.
    try:
        output, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    if not out.exists():
        raise RuntimeError(f"wrk wrote no result:\n{output.decode(errors='replace')}")
    result = json.loads(out.read_text())
    result["seconds"] = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / result["seconds"]
    return result
