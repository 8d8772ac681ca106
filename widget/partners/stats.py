"""Count what a partner brought, per petition, day and source, and how its pushes are going."""

from datetime import date, timedelta

from ..store.db import get_db

# What a partner brought: counted, and awaiting the signer's confirmation link. A partner id
# of None means every partner (the organization's view of a petition).
MAX_DAYS = 60


def petitions_of(partner_id):
    """Return the petitions a partner brought signatures to, newest first."""
    return list(
        get_db().query(
            "SELECT p.* FROM petitions p WHERE p.id IN (SELECT petition_id FROM signatures"
            " WHERE partner_id = ? AND status IN ('counted', 'unconfirmed'))"
            " ORDER BY p.created_at DESC",
            [partner_id],
        )
    )


def summary(petition_id, partner_id=None):
    """Return counted, unconfirmed, opt-ins (the partner's, or the organization's), shares."""
    row = (
        get_db()
        .execute(
            "SELECT sum(s.status = 'counted'), sum(s.status = 'unconfirmed'),"
            " sum(IIF(:partner IS NULL, s.optin_org, s.optin_partner)), count(*),"
            " sum(s.status = 'counted' AND s.source LIKE 'share-%')"
            " FROM signatures s WHERE"
            " s.status IN ('counted', 'unconfirmed') AND s.petition_id = :petition"
            " AND (:partner IS NULL OR s.partner_id = :partner)",
            {"petition": petition_id, "partner": partner_id},
        )
        .fetchone()
    )
    counted, unconfirmed, optins, total, shared = (value or 0 for value in row)
    return {
        "counted": counted,
        "unconfirmed": unconfirmed,
        "optins": optins,
        "optin_rate": round(100 * optins / total) if total else 0,
        # The share ratio, as `petition list` gives it: counted signatures that came through a
        # shared link (source share-<channel>, listed per channel under "By source").
        "shared": shared,
        "share_rate": round(100 * shared / counted) if counted else 0,
    }


def per_day(petition_id, partner_id=None, today=None):
    """Return [(day, counted, unconfirmed)] for every day from the first (at most MAX_DAYS)."""
    rows = get_db().execute(
        "SELECT substr(s.created_at, 1, 10) AS day, sum(s.status = 'counted'),"
        " sum(s.status = 'unconfirmed') FROM signatures s WHERE"
        " s.status IN ('counted', 'unconfirmed') AND s.petition_id = :petition"
        " AND (:partner IS NULL OR s.partner_id = :partner)"
        " GROUP BY day",
        {"petition": petition_id, "partner": partner_id},
    )
    found = {day: (counted, unconfirmed) for day, counted, unconfirmed in rows}
    if not found:
        return []
    last = max(today or date.today(), date.fromisoformat(max(found)))
    first = max(date.fromisoformat(min(found)), last - timedelta(days=MAX_DAYS - 1))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(day.isoformat(), *found.get(day.isoformat(), (0, 0))) for day in days]


def by_source(petition_id, partner_id=None):
    """Return [(source, signatures)], biggest first."""
    sql = (
        "SELECT s.source, count(*) AS n FROM signatures s WHERE"
        " s.status IN ('counted', 'unconfirmed') AND s.petition_id = :petition"
        " AND (:partner IS NULL OR s.partner_id = :partner)"
        " GROUP BY 1 ORDER BY n DESC"
    )
    params = {"petition": petition_id, "partner": partner_id}
    return [tuple(row) for row in get_db().execute(sql, params)]


def by_partner(petition_id):
    """Return [(partner name or '', signatures, partner opt-ins)], biggest first."""
    sql = (
        "SELECT COALESCE(pa.name, ''), count(*) AS n, sum(s.optin_partner) FROM signatures s"
        " LEFT JOIN partners pa ON pa.id = s.partner_id WHERE"
        " s.status IN ('counted', 'unconfirmed') AND s.petition_id = :petition"
        " GROUP BY 1 ORDER BY n DESC"
    )
    return [tuple(row) for row in get_db().execute(sql, {"petition": petition_id})]


def lane_health(lanes):
    """Return, per lane, the last delivery, failures, retrying and the last error, from outbox."""
    db = get_db()
    health = []
    for lane in lanes:
        row = db.execute(
            "SELECT max(sent_at), sum(status = 'failed'), sum(status = 'pending' AND attempts > 0),"
            " sum(status = 'pending'),"
            " (SELECT last_error FROM outbox WHERE lane = ? AND last_error IS NOT NULL"
            "  AND last_error != '' ORDER BY updated_at DESC LIMIT 1)"
            " FROM outbox WHERE lane = ?",
            [lane, lane],
        ).fetchone()
        last, failed, retrying, pending, error = row
        health.append(
            {
                "lane": lane,
                "last_delivery": last,
                "failed": failed or 0,
                "retrying": retrying or 0,
                "pending": pending or 0,
                "last_error": error or "",
            }
        )
    return health
