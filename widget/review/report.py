"""Find what deserves a look in a petition's signatures: bursts, outsized shares, duplicates."""

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from ..store.db import connect
from .filters import key_domain

SHOWN = 10  # lines per finding
DOMAIN = key_domain("email_key")


def statuses(db, petition_id):
    """Return [(status, signatures)] of the petition."""
    return db.execute(
        "SELECT status, count(*) FROM signatures WHERE petition_id = ? GROUP BY 1 ORDER BY 2 DESC",
        [petition_id],
    ).fetchall()


def suspect_signals(db, petition_id):
    """Return [(signals, signatures)] of the petition's suspect rows."""
    return db.execute(
        "SELECT CASE signals WHEN '' THEN '(not recorded)' ELSE signals END, count(*)"
        " FROM signatures WHERE petition_id = ? AND status = 'suspect' GROUP BY 1 ORDER BY 2 DESC",
        [petition_id],
    ).fetchall()


def bursts(db, petition_id, minimum):
    """Return [(ip_hash, hour, in that hour, in all)]: one address signing many in an hour."""
    # Only an address with at least `minimum` signatures in all can have that many in an hour:
    # grouping by hour just those is a third of the time on 100,000 signatures (bench/packet.py).
    return db.execute(
        "WITH many AS (SELECT ip_hash FROM signatures WHERE petition_id = :petition"
        " AND ip_hash != '' GROUP BY 1 HAVING count(*) >= :minimum),"
        " hourly AS (SELECT ip_hash, substr(created_at, 1, 13) AS hour, count(*) AS n"
        " FROM signatures WHERE petition_id = :petition AND ip_hash IN many GROUP BY 1, 2)"
        " SELECT * FROM (SELECT ip_hash, hour, n, sum(n) OVER (PARTITION BY ip_hash) AS total"
        " FROM hourly) WHERE n >= :minimum ORDER BY n DESC, ip_hash LIMIT :shown",
        {"petition": petition_id, "minimum": minimum, "shown": SHOWN},
    ).fetchall()


def outsized(db, petition_id, expression, minimum, ratio):
    """Return [(value, hour, in that hour, expected, in all)] for values far above their share.

    A value's share of the whole petition predicts its share of any hour; an hour where it has
    at least `ratio` times that (and at least `minimum` signatures) is a burst of it.
    """
    rows = db.execute(
        f"SELECT {expression} AS value, substr(created_at, 1, 13) AS hour, count(*)"  # noqa: S608
        " FROM signatures WHERE petition_id = ? GROUP BY 1, 2",
        [petition_id],
    ).fetchall()
    per_value, per_hour = Counter(), Counter()
    for value, hour, n in rows:
        per_value[value] += n
        per_hour[hour] += n
    total = sum(per_value.values()) or 1
    found = []
    for value, hour, n in rows:
        expected = per_hour[hour] * per_value[value] / total
        if n >= minimum and n >= ratio * expected:
            found.append((value, hour, n, round(expected, 1), per_value[value]))
    found.sort(key=lambda row: row[2] - row[3], reverse=True)
    return found[:SHOWN], per_value.most_common(5), total


def mailbox(email_key):
    """Return the mailbox an address delivers to: no +tag, and no dots at Gmail."""
    local, _, domain = email_key.rpartition("@")
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def duplicates(db, petition_id):
    """Return (same person under other addresses, same mailbox under other spellings)."""
    people = db.execute(
        "SELECT lower(first_name) || ' ' || lower(last_name) || ' ' || postal_code, count(*)"
        " FROM signatures WHERE petition_id = ? AND status = 'counted' AND first_name != ''"
        " GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 DESC",
        [petition_id],
    ).fetchall()
    # Addresses are unique per petition: two that reach one mailbox are one person twice.
    # Only +tagged and Gmail addresses can reach another's mailbox: fold those alone, then look
    # up the plain address each +tag folds to (an index lookup, not a pass over every row).
    boxes = Counter(
        mailbox(key)
        for (key,) in db.execute(
            "SELECT email_key FROM signatures WHERE petition_id = ? AND status = 'counted'"
            " AND (email_key LIKE '%+%@%' OR email_key LIKE '%@gmail.com'"
            " OR email_key LIKE '%@googlemail.com')",
            [petition_id],
        )
    )
    for box in [box for box in boxes if not box.endswith("@gmail.com")]:
        plain = db.execute(
            "SELECT 1 FROM signatures WHERE petition_id = ? AND email_key = ?"
            " AND status = 'counted'",
            [petition_id, box],
        ).fetchone()
        boxes[box] += bool(plain)
    same_box = sorted(((box, n) for box, n in boxes.items() if n > 1), key=lambda x: -x[1])
    return people, same_box


def findings(database, petition_id, minimum, ratio):
    """Return every finding of the report by name, its queries run side by side."""
    # Each query sorts all the petition's rows its own way, and SQLite lets go of the GIL while
    # it sorts: on two cores, two connections answer in two thirds of the time (bench/packet.py).
    tasks = {  # slowest first, so that no long query starts last
        "postal_codes": (outsized, "postal_code", minimum, ratio),
        "duplicates": (duplicates,),
        "email_domains": (outsized, DOMAIN, minimum, ratio),
        "bursts": (bursts, minimum),
        "statuses": (statuses,),
        "signals": (suspect_signals,),
    }
    local, opened = threading.local(), []

    def run(task):
        if not hasattr(local, "db"):
            local.db = connect(database)
            opened.append(local.db)
        function, *args = task
        return function(local.db, petition_id, *args)

    try:
        with ThreadPoolExecutor(max_workers=min(len(tasks), os.cpu_count() or 1)) as pool:
            return dict(zip(tasks, pool.map(run, tasks.values()), strict=True))
    finally:
        for db in opened:
            db.close()
