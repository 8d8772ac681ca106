"""Generate many signatures straight into a petition's table (tests and benchmarks)."""

import random
from datetime import UTC, datetime, timedelta

from widget.store.db import write_transaction

FIRST = ["Ana", "José", "María", "Luis", "Chen", "Fatima", "Olu", "Kateryna", "Sam", "Noor"]
LAST = ["García", "Smith", "Nguyen", "Okafor", "Kowalski", "Haddad", "Brown", "Lee", "Díaz"]
DOMAINS = ["example.org", "example.com", "mail.example.net"]
START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def generate_signatures(db, petition_id, count, postal_codes, days=30, seed=16, **fixed):
    """Insert count counted signatures spread over days; return their emails."""
    rng = random.Random(seed)
    first_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM signatures").fetchone()[0]
    rows, emails = [], []
    for n in range(count):
        email = f"signer{first_id + n}@{rng.choice(DOMAINS)}"
        signed = START + timedelta(seconds=rng.randrange(int(days * 86400)))
        row = {
            "petition_id": petition_id,
            "first_name": rng.choice(FIRST),
            "last_name": rng.choice(LAST),
            "email": email,
            "email_key": email.casefold(),
            "postal_code": rng.choices(*zip(*postal_codes.items(), strict=True))[0],
            "ip_hash": f"{rng.randrange(16**8):08x}",
            "created_at": signed.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "consent_text": "Send me updates.",
            "status": "counted",
            **fixed,
        }
        rows.append(row)
        emails.append(email)
    columns = list(rows[0])
    with write_transaction(db):
        db.conn.executemany(
            f"INSERT INTO signatures ({', '.join(columns)})"
            f" VALUES ({', '.join(':' + c for c in columns)})",
            rows,
        )
    return emails
