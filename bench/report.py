"""Print the benchmark's table: medians, paired ratios and the targets of issue 5."""

from measure import BARE_INSERT, COUNT, EMBED_JS, EMBED_PAGE, HELLO, SIGN
from rounds import median, paired_ratio

RECORD_PER_MINUTE = 2000  # UK Parliament petitions, March 2019, when that site went down
HEADER = ["measure", "median", "per round", "server CPU", "target", ""]


def verdict(ok):
    return "" if ok is None else ("ok" if ok else "MISSED")


def row(what, value, target="", ok=None, per_round="", cpu=""):
    return [what, value, per_round, cpu, target, verdict(ok)]


def rate_row(figures, workload, what, unit="requests/s"):
    rounds = figures.get(workload.name)
    if not rounds:
        return row(what, "n/a: answers 404 in this checkout")
    return row(
        what,
        f"{median(rounds, 'rate'):,.0f} {unit}",
        per_round=" ".join(f"{r['rate']:.0f}" for r in rounds),
        cpu=f"{median(rounds, 'cpu_us'):,.0f} µs each",
    )


def latency_row(rounds, what, low, high, target=None):
    p50, p99 = median(rounds, low), median(rounds, high)
    limit = f"p99 ≤ {target} ms" if target else ""
    if p50 is None or p99 is None:  # a --quick round on a busy machine may finish none
        return row(what, "n/a: none finished", limit)
    return row(what, f"{p50:.1f} / {p99:.1f} ms", limit, None if target is None else p99 <= target)


def ratio_row(figures, a, b, what, target):
    if not figures.get(a.name) or not figures.get(b.name):
        return row(what, "n/a", f"≥ {target}")
    ratio = paired_ratio(figures[a.name], figures[b.name])
    # The same ratio in server CPU per unit: steadier when other processes share the machine.
    cpu = paired_ratio(figures[b.name], figures[a.name], "cpu_us")
    if ratio is None or cpu is None:
        return row(what, "n/a: none finished", f"≥ {target}")
    return row(what, f"{ratio:.2f}", f"≥ {target}", ratio >= target, cpu=f"{cpu:.2f}")


def rows(results):
    """Return the table's rows."""
    f = results["figures"]
    sign = f[SIGN.name]
    per_minute = median(sign, "rate") * 60
    document, script, rss = (
        results["document"],
        results["script_gzip_bytes"],
        results["worker_rss_mb"],
    )
    errors = sum(r["errors"] for rounds in f.values() for r in rounds)
    wrk_cpu = max(r["wrk_cpu"] for rounds in f.values() for r in rounds)
    stored = [
        row(
            f"acknowledged signatures stored ({name})",
            f"{s['found']:,} of {s['acked']:,} (rows {s['rows']:,}, counted {s['counted']:,})",
            "all",
            s["found"] == s["acked"] and s["rows"] == s["counted"],
        )
        for name, s in results["stored"].items()
    ]
    return [
        rate_row(f, SIGN, "full sign path (GET form, POST, follow 303)", "signatures/s"),
        latency_row(sign, "  sign path, each request p50 / p99", "p50", "p99", 50),
        latency_row(sign, "  sign path, the POST p50 / p99", "post_p50", "post_p99"),
        latency_row(sign, "  sign path, whole signature p50 / p99", "flow_p50", "flow_p99"),
        rate_row(f, BARE_INSERT, "bare insert baseline (same flow)", "signatures/s"),
        rate_row(f, HELLO, "bare hello baseline"),
        rate_row(f, EMBED_PAGE, "GET embed page"),
        rate_row(f, COUNT, "GET count.json"),
        rate_row(f, EMBED_JS, "GET embed.js"),
        ratio_row(f, SIGN, BARE_INSERT, "sign path ÷ bare insert", 0.7),
        ratio_row(f, EMBED_PAGE, HELLO, "embed page ÷ hello", 0.6),
        ratio_row(f, COUNT, HELLO, "count.json ÷ hello", 0.8),
        row(
            "signatures per minute ÷ 2,000",
            f"{per_minute / RECORD_PER_MINUTE:.1f}× ({per_minute:,.0f}/min)",
        ),
        row(
            "worker RSS after the run",
            " + ".join(f"{mb:.1f}" for mb in rss) + " MB",
            "≤ 60 MB each",
            bool(rss) and max(rss) <= 60,
        ),
        row("start-up to first 200 (fresh database)", f"{results['startup_s']:.2f} s"),
        row(
            "embed document",
            f"{document['bytes']:,} bytes, {document['requests']} request(s), "
            f"{document['third_party']} third-party",
            "≤ 10 KB, 1 request, 0 third-party",
            document["bytes"] <= 10240
            and document["requests"] == 1
            and document["third_party"] == 0,
        ),
        row(
            "embed.js gzipped",
            "n/a: answers 404 in this checkout" if script is None else f"{script:,} bytes",
            "≤ 2 KB",
            None if script is None else script <= 2048,
        ),
        *stored,
        row("errors (non-2xx/3xx, socket, failed signatures)", f"{errors}", "0", not errors),
        row("load generator (wrk) CPU, worst load", f"{wrk_cpu:.0%} of one core"),
    ]


def table(header, body):
    """Format rows as a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in cells) + " |" for cells in body]
    return "\n".join(lines)


def render(results):
    """Return the whole report: where it ran, then the table."""
    m = results["machine"]
    intro = (
        f"Petition Widget benchmark, {m['date']}: {m['cores']} cores ({m['cpu']}), "
        f"Python {m['python']}, SQLite {m['sqlite']}, wrk {m['wrk']}.\n"
        f"Server: {results['server']}. 32 concurrent connections; "
        f"{results['rounds']} interleaved rounds of {results['seconds']:g} s; medians. "
        "Server CPU: its processes' CPU time per request (per signature for sign flows); "
        "on ratio rows, the same ratio computed from CPU time.\n"
    )
    return intro + "\n" + table(HEADER, rows(results))
