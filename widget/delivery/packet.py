"""Select a packet's signatures: their areas, counts per area and per day, and signers in order."""

import csv
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..store.db import get_db

OTHER = "Other"
AREA_TABLE = "temp.delivery_areas"


class PacketError(Exception):
    """A packet cannot be made from what was asked (a friendly message for the CLI)."""


@dataclass
class Selection:
    """Which counted signatures of a petition a packet holds, and how they are grouped."""

    petition: dict
    group_by: str = "postal_code"
    districts: dict = field(default_factory=dict)
    since: date | None = None
    until: date | None = None

    def where(self):
        """Return the SQL condition and parameters of the selected signatures."""
        clauses = ["s.petition_id = :petition", "s.status = 'counted'"]
        params = {"petition": self.petition["id"]}
        if self.since:
            clauses.append("s.created_at >= :since")
            params["since"] = self.since.isoformat()
        if self.until:
            # --until is a whole day: everything signed before the next midnight (UTC).
            clauses.append("s.created_at < :before")
            params["before"] = (self.until + timedelta(days=1)).isoformat()
        return " AND ".join(clauses), params

    def area_of(self, postal_code):
        """Return the group a postal code belongs to."""
        if self.group_by == "district":
            # A ZIP+4 (60601-1234) or a full UK postcode (SW1A 1AA) falls back to the code
            # before its hyphen or space, which is what a campaign's file usually maps.
            head = re.split(r"[- ]", postal_code, maxsplit=1)[0]
            return self.districts.get(postal_code) or self.districts.get(head, OTHER)
        return postal_code or OTHER


def read_districts(path):
    """Read a CSV of postal_code,district (a header row is optional) into a dict."""
    districts = {}
    with open(path, newline="", encoding="utf-8-sig") as file:
        for number, row in enumerate(csv.reader(file), start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                raise PacketError(f"{path}, line {number}: expected postal_code,district")
            code, district = row[0].strip().upper(), row[1].strip()
            if number == 1 and code == "POSTAL_CODE":
                continue
            districts[code] = district
    if not districts:
        raise PacketError(f"{path} maps no postal code to a district")
    return districts


def natural_key(name):
    """Sort "Ward 2" before "Ward 10", and "Other" last."""
    parts = [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]
    return (name == OTHER, [(isinstance(p, str), p) for p in parts])


def area_counts(selection):
    """Return [(area, signatures)] in packet order, and fill the areas' temporary table."""
    db = get_db()
    where, params = selection.where()
    per_code = db.execute(
        f"SELECT s.postal_code, count(*) FROM signatures s WHERE {where}"  # noqa: S608
        " GROUP BY s.postal_code",
        params,
    ).fetchall()
    totals = {}
    for code, count in per_code:
        area = selection.area_of(code)
        totals[area] = totals.get(area, 0) + count
    order = sorted(totals, key=natural_key)
    rank = {area: number for number, area in enumerate(order)}
    # The signer query orders by this table's rank, so the rows stream out already grouped.
    db.execute(f"DROP TABLE IF EXISTS {AREA_TABLE}")
    db.execute(f"CREATE TABLE {AREA_TABLE} (postal_code TEXT PRIMARY KEY, area TEXT, rank INTEGER)")
    db.conn.executemany(
        f"INSERT INTO {AREA_TABLE} VALUES (?, ?, ?)",  # noqa: S608
        [(code, selection.area_of(code), rank[selection.area_of(code)]) for code, _ in per_code],
    )
    return [(area, totals[area]) for area in order]


def day_counts(selection):
    """Return [(day, signatures)] for every day from the first signature to the last."""
    where, params = selection.where()
    rows = get_db().execute(
        f"SELECT substr(s.created_at, 1, 10) AS day, count(*) FROM signatures s"  # noqa: S608
        f" WHERE {where} GROUP BY day ORDER BY day",
        params,
    )
    counts = {date.fromisoformat(day): count for day, count in rows}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    days = (last - first).days + 1
    return [(first + timedelta(n), counts.get(first + timedelta(n), 0)) for n in range(days)]


def partner_names(selection):
    """Return the names of the partners whose signers are in the packet."""
    where, params = selection.where()
    rows = get_db().execute(
        "SELECT DISTINCT p.name FROM signatures s JOIN partners p ON p.id = s.partner_id"  # noqa: S608
        f" WHERE {where} ORDER BY p.name",
        params,
    )
    return [name for (name,) in rows]


def signers(selection):
    """Yield (area, first_name, last_name, postal_code, day) grouped by area, from a cursor."""
    where, params = selection.where()
    # Never the email: the packet goes to the target.
    cursor = get_db().execute(
        "SELECT a.area, s.first_name, s.last_name, s.postal_code, substr(s.created_at, 1, 10)"  # noqa: S608
        f" FROM signatures s JOIN {AREA_TABLE} a ON a.postal_code = s.postal_code"
        f" WHERE {where}"
        " ORDER BY a.rank, s.last_name COLLATE NOCASE, s.first_name COLLATE NOCASE, s.id",
        params,
    )
    yield from cursor
