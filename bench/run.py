#!/usr/bin/env python3
"""Benchmark the widget against its bare baselines, in one run, on loopback: bench/run.py."""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime

from load import wrk_path
from measure import (
    BARE_INSERT,
    COUNT,
    EMBED,
    EMBED_JS,
    EMBED_PAGE,
    HELLO,
    SIGN,
    document_weight,
    script_weight,
)
from report import render
from rounds import interleave, verify_stored
from sender import sender_throughput
from servers import Server, describe


def sender_row(figures):
    """Describe the outbox sender's throughput against its target (≥ 200 messages/s)."""
    verdict = "ok" if figures["rate"] and figures["rate"] >= 200 else "MISSED"
    return (
        f"\noutbox sender → local SMTP (aiosmtpd): {figures['rate']} messages/s"
        f" ({figures['messages']} messages, {figures['sender_cpu_ms']} ms sender CPU and"
        f" {figures['smtp_server_cpu_ms']} ms SMTP server CPU each; received"
        f" {figures['distinct']} distinct of {figures['received']}); target ≥ 200: {verdict}"
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per load (default 3)")
    parser.add_argument("--quick", action="store_true", help="one short round: checks it runs")
    parser.add_argument("--compare", action="store_true", help="also measure the known costs")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds = 1, 0.3
    return args


def machine():
    """Describe where and when this ran, for BENCHMARKS.md."""
    wrk = subprocess.run([wrk_path(), "--version"], capture_output=True, text=True).stdout
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in open("/proc/cpuinfo")
                if line.startswith("model name")
            ),
            platform.machine(),
        ),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk.split()[1] if wrk else "?",
    }


def main(argv=None):
    args = parse_args(argv)
    wrk_path()
    warmup = 0 if args.quick else 1.0
    with tempfile.TemporaryDirectory(prefix="widget-bench-") as tmp:
        widget, bare = Server("widget", tmp), Server("bare", tmp)
        try:
            startup = widget.start(ready_path=EMBED)
            bare.start(ready_path=HELLO.path)
            document, script = document_weight(widget), script_weight(widget)
            workloads = [SIGN, BARE_INSERT, HELLO, EMBED_PAGE, COUNT]
            workloads += [EMBED_JS] if script is not None else []
            runs = [(w.name, widget if w.server == "widget" else bare, w) for w in workloads]
            figures = interleave(runs, args.rounds, args.seconds, tmp, warmup)
            rss = widget.worker_rss_mb()
        finally:
            widget.stop()
            bare.stop()
        results = {
            "machine": machine(),
            "server": describe(),
            "rounds": args.rounds,
            "seconds": args.seconds,
            "figures": figures,
            "startup_s": startup,
            "worker_rss_mb": rss,
            "document": document,
            "script_gzip_bytes": script,
            "stored": {"widget": verify_stored(widget), "bare": verify_stored(bare)},
        }
        print(render(results))
        results["sender"] = sender_throughput(tmp, 200 if args.quick else 2000)
        print(sender_row(results["sender"]))
        if args.compare:
            from compare import compare

            results["comparisons"] = compare(args.rounds, args.seconds, tmp, warmup)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    stored = results["stored"].values()
    return 0 if all(s["acked"] == s["found"] for s in stored) else 1


if __name__ == "__main__":
    sys.exit(main())
