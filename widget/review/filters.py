"""Turn review set's filters into one SQL condition (all combined with AND)."""

from datetime import timedelta

from ..partners.records import get_partner
from ..petitions.records import get_petition
from .events import ReviewError


def key_domain(column):
    """Return SQL for the domain of an email_key column, without a row's own "#" suffix."""
    # An unconfirmed row keeps its key as "key#unconfirmed-..." (signing/emails.py); no domain
    # holds a "#", so the domain ends there.
    domain = f"substr({column}, instr({column}, '@') + 1)"
    return (
        f"CASE WHEN instr({domain}, '#') THEN substr({domain}, 1, instr({domain}, '#') - 1)"
        f" ELSE {domain} END"
    )


def filter_sql(
    petition=None,
    ids=(),
    ip_hash=None,
    email_domain=None,
    postal_code=None,
    partner=None,
    source=None,
    since=None,
    until=None,
    current=None,
):
    """Return (where, params) for signatures matching every filter given."""
    clauses, params = [], {}
    if petition:
        row = get_petition(petition)
        if row is None:
            raise ReviewError(f"no petition {petition!r}")
        clauses.append("s.petition_id = :petition")
        params["petition"] = row["id"]
    if ids:
        clauses.append(f"s.id IN ({', '.join(f':id{n}' for n in range(len(ids)))})")
        params.update({f"id{n}": value for n, value in enumerate(ids)})
    if ip_hash:
        clauses.append("s.ip_hash = :ip_hash")
        params["ip_hash"] = ip_hash.strip().lower()
    if email_domain:
        # email_key is the casefolded address: compare its domain, casefolded too.
        clauses.append(f"{key_domain('s.email_key')} = :domain")
        params["domain"] = email_domain.strip().lstrip("@").casefold()
    if postal_code:
        clauses.append("s.postal_code = :postal_code")
        params["postal_code"] = postal_code.strip().upper()
    if partner:
        row = get_partner(partner, removed=True)  # a removed partner's signatures still count
        if row is None:
            raise ReviewError(f"no partner {partner!r}")
        clauses.append("s.partner_id = :partner")
        params["partner"] = row["id"]
    if source is not None:
        clauses.append("s.source = :source")
        params["source"] = source
    if since:
        clauses.append("s.created_at >= :since")
        params["since"] = since.date().isoformat()
    if until:
        clauses.append("s.created_at < :before")  # --until is a whole day, included
        params["before"] = (until.date() + timedelta(days=1)).isoformat()
    if current:
        clauses.append("s.status = :current")
        params["current"] = current
    if not clauses:
        raise ReviewError("give at least one filter (--id, --ip-hash, --email-domain, ...)")
    return " AND ".join(clauses), params
