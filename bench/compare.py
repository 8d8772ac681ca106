"""Measure the known costs (issue 5, item 3) side by side, each group in interleaved rounds."""

import subprocess
import sys

from itsdangerous import URLSafeSerializer
from measure import BARE_INSERT, EMBED, EMBED_PAGE, HELLO, SIGN, Workload
from report import table
from rounds import interleave, median, paired_ratio
from servers import ROOT, Server, describe

# The key of partner "alpha" in a partner's snippet (widget/partners/records.py signs it so with
# the servers' FLASK_SECRET_KEY): signers come through its embed and tick its opt-in.
ALPHA_KEY = URLSafeSerializer(
    "benchmark-secret-key-of-32-characters", salt="petition-widget.partner-key"
).dumps("alpha")
SIGN_VIA_PARTNER = Workload("sign via a partner", "widget", f"{EMBED}?partner={ALPHA_KEY}", True)
WEBHOOKS_ON = {
    "BENCH_PARTNER_WEBHOOKS": "on",  # read by add_partners below, not by the app
    "FLASK_WEBHOOK_URL": "http://127.0.0.1:9/org-hook",
    "FLASK_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
}

# (group, [(label, app, server kind, extra environment, workload), ...]); the first row of a
# workload is the one the others are compared with.
GROUPS = [
    (
        "Server: gunicorn sync vs gthread vs granian (2 processes each)",
        [
            ("gunicorn sync, 2 workers", "widget", "sync", {}, SIGN),
            ("gunicorn gthread, 2 × 4 threads", "widget", "gthread", {}, SIGN),
            ("granian WSGI, 2 × 4 threads", "widget", "granian", {}, SIGN),
            ("gunicorn sync, 2 workers", "widget", "sync", {}, EMBED_PAGE),
            ("gunicorn gthread, 2 × 4 threads", "widget", "gthread", {}, EMBED_PAGE),
            ("granian WSGI, 2 × 4 threads", "widget", "granian", {}, EMBED_PAGE),
            ("gunicorn sync, 2 workers", "bare", "sync", {}, HELLO),
            ("gunicorn gthread, 2 × 4 threads", "bare", "gthread", {}, HELLO),
            ("granian WSGI, 2 × 4 threads", "bare", "granian", {}, HELLO),
        ],
    ),
    (
        "SQLite synchronous: NORMAL vs FULL",
        [
            ("NORMAL", "widget", "shipped", {"FLASK_SQLITE_SYNCHRONOUS": "NORMAL"}, SIGN),
            ("FULL", "widget", "shipped", {"FLASK_SQLITE_SYNCHRONOUS": "FULL"}, SIGN),
            ("NORMAL", "bare", "shipped", {"FLASK_SQLITE_SYNCHRONOUS": "NORMAL"}, BARE_INSERT),
            ("FULL", "bare", "shipped", {"FLASK_SQLITE_SYNCHRONOUS": "FULL"}, BARE_INSERT),
        ],
    ),
    (
        "SQLite connection: one per thread vs one per request",
        [
            (
                "one per thread",
                "bare",
                "shipped",
                {"FLASK_BENCH_CONNECTION": "thread"},
                BARE_INSERT,
            ),
            (
                "one per request",
                "bare",
                "shipped",
                {"FLASK_BENCH_CONNECTION": "request"},
                BARE_INSERT,
            ),
        ],
    ),
    (
        "flask-limiter on the POST: limits' memory:// vs our local:// storage",
        [
            ("without", "bare", "shipped", {}, BARE_INSERT),
            ("with, memory://", "bare", "shipped", {"FLASK_BENCH_LIMITER": "true"}, BARE_INSERT),
            (
                "RATELIMIT_ENABLED false",
                "widget",
                "shipped",
                {"FLASK_RATELIMIT_ENABLED": "false"},
                SIGN,
            ),
            (
                "memory://",
                "widget",
                "shipped",
                {"FLASK_RATELIMIT_STORAGE_URI": "memory://"},
                SIGN,
            ),
            ("local:// (as shipped)", "widget", "shipped", {}, SIGN),
        ],
    ),
    (
        "Signer email: none vs confirm (the signature and its mail in one transaction)",
        [
            ("signer_email none (as shipped)", "widget", "shipped", {}, SIGN),
            ("signer_email confirm", "widget", "shipped", {"FLASK_SIGNER_EMAIL": "confirm"}, SIGN),
        ],
    ),
    (
        "Webhooks: none vs two partners' and the organization's (queued in the sign transaction)",
        [
            (
                "no webhooks",
                "widget",
                "shipped",
                {"BENCH_PARTNER_WEBHOOKS": "off"},
                SIGN_VIA_PARTNER,
            ),
            (
                "2 partner webhooks + organization's",
                "widget",
                "shipped",
                WEBHOOKS_ON,
                SIGN_VIA_PARTNER,
            ),
        ],
    ),
]


def add_partners(server):
    """Add partners alpha and beta to a server's database, with webhooks if its env says so."""
    hooks = server.env.get("BENCH_PARTNER_WEBHOOKS")
    if hooks is None:
        return
    flask = [sys.executable, "-m", "flask", "--app", "widget", "partner", "add"]
    for slug in ("alpha", "beta"):
        webhook = ["--webhook", f"http://127.0.0.1:9/{slug}"] if hooks == "on" else []
        subprocess.run(
            [*flask, slug, "--name", slug.title(), *webhook],
            cwd=ROOT,
            env=server.env,
            check=True,
            capture_output=True,
        )


def compare(rounds, seconds, tmp, warmup):
    """Run every group and print its table; return the figures."""
    results = {}
    for number, (title, variants) in enumerate(GROUPS):
        servers = {}
        for _label, app, kind, env, _workload in variants:
            key = (app, kind, tuple(sorted(env.items())))
            if key not in servers:
                name = f"compare{number}-{app}-{kind}-{len(servers)}"
                servers[key] = Server(app, tmp, kind=kind, env=env, name=name)
        try:
            for server in servers.values():
                add_partners(server)
                server.start(ready_path=EMBED if server.app == "widget" else HELLO.path)
            runs = [
                (
                    f"{workload.name}: {label}",
                    servers[(app, kind, tuple(sorted(env.items())))],
                    workload,
                )
                for label, app, kind, env, workload in variants
            ]
            figures = interleave(runs, rounds, seconds, tmp, warmup)
        finally:
            for server in servers.values():
                server.stop()
        results[title] = figures
        print(f"\n{title}\n\n" + table(HEADER, group_rows(runs, figures)))
    print(f"\nShipped server: {describe()}")
    return results


HEADER = ["workload: variant", "median", "p99 per request", "server CPU per unit", "ratio"]


def group_rows(runs, figures):
    """Return one row per variant, with its ratio to the first variant of its workload."""
    rows, first = [], {}
    for label, _server, workload in runs:
        rounds = figures[label]
        base = first.setdefault(workload.name, label)
        unit = "signatures/s" if workload.flow else "requests/s"
        rows.append(
            [
                label,
                f"{median(rounds, 'rate'):,.0f} {unit}",
                f"{median(rounds, 'p99'):.1f} ms",
                f"{median(rounds, 'cpu_us'):,.0f} µs",
                f"{paired_ratio(rounds, figures[base]):.2f}",
            ]
        )
    return rows
