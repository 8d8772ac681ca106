"""Run workloads in interleaved rounds and reduce them to medians and paired ratios."""

import itertools
import sqlite3
import statistics

from measure import measure

_wrk_runs = itertools.count(1)  # numbers every wrk run, so every signer's email is unique


def interleave(runs, rounds, seconds, tmp, warmup=0.0):
    """Run each (label, server, workload) once per round, A/B/A/B, reversing every other round.

    Return {label: [figures of each round]}; warm-up runs are not counted but their
    acknowledged signatures are kept for the check that they were stored.
    """
    if warmup:
        for _label, server, workload in runs:
            server.acked += measure(server, workload, warmup, tmp, next(_wrk_runs)).get("acked", [])
    figures = {label: [] for label, _, _ in runs}
    for round_no in range(rounds):
        for label, server, workload in runs if round_no % 2 == 0 else runs[::-1]:
            result = measure(server, workload, seconds, tmp, next(_wrk_runs))
            server.acked += result.pop("acked", [])
            figures[label].append(result)
    return figures


def median(rounds, key):
    """Return the median of one figure over rounds, ignoring rounds that lack it."""
    values = [r[key] for r in rounds if r.get(key) is not None]
    return statistics.median(values) if values else None


def paired_ratio(numerator, denominator, key="rate"):
    """Return the median over rounds of numerator ÷ denominator measured in the same round."""
    ratios = [a[key] / b[key] for a, b in zip(numerator, denominator, strict=True) if b[key]]
    return statistics.median(ratios) if ratios else None


def verify_stored(server):
    """Return how many signatures were acknowledged, stored, and counted by the trigger."""
    db = sqlite3.connect(f"file:{server.database}?mode=ro", uri=True)
    try:
        stored = {row[0] for row in db.execute("SELECT email_key FROM signatures")}
        counted = db.execute("SELECT sum(signature_count) FROM petitions").fetchone()[0]
    finally:
        db.close()
    acked = set(server.acked)
    found = {email for email in acked if email.casefold() in stored}
    return {"acked": len(acked), "found": len(found), "rows": len(stored), "counted": counted}
