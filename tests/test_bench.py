"""The benchmark runs end to end and prints its table (no timings are asserted here)."""

import re
import subprocess
import sys

from conftest import ROOT


def test_quick_benchmark_prints_its_table_and_finds_every_signature():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for row in (
        "full sign path",
        "bare insert baseline",
        "bare hello baseline",
        "GET embed page",
        "GET count.json",
        "GET embed.js",
        "sign path ÷ bare insert",
        "embed page ÷ hello",
        "count.json ÷ hello",
        "signatures per minute ÷ 2,000",
        "worker RSS after the run",
        "start-up to first 200",
        "embed document",
        "embed.js gzipped",
    ):
        assert f"| {row}" in out or f"|   {row}" in out, row
    stored = [line for line in out.splitlines() if "acknowledged signatures stored" in line]
    assert len(stored) == 2 and all("| ok |" in line for line in stored), stored
    for line in stored:  # "0 of 0" would be ok too: some signatures must have been made
        found, acknowledged = re.search(r"\| ([\d,]+) of ([\d,]+) ", line).groups()
        assert found == acknowledged and int(acknowledged.replace(",", "")) > 0, line


def test_packet_benchmark_runs_and_prints_its_table():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "packet.py"), "--signatures", "1500"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for row in ("| PDF packet |", "peak memory (all processes)", "| review |", "pages, file size"):
        assert row in result.stdout, row
