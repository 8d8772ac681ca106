"""Retention and signers' rights: purge anonymizes, signer export tells all, forget erases."""

import json

import pytest
from conftest import SLUG, add_partner, browser_client, sign_through
from generated import generate_signatures

from widget.store.db import get_db

KEPT = "id, petition_id, postal_code, created_at, partner_id, source, lang, status, optin_org"
PERSONAL = ("first_name", "last_name", "email", "ip_hash", "consent_text")


def petition_id(db, slug):
    return db.execute("SELECT id FROM petitions WHERE slug = ?", [slug]).fetchone()[0]


def close(db, slug, days_ago):
    db.execute("UPDATE petitions SET status = 'closed' WHERE slug = ?", [slug])
    db.execute(
        "UPDATE petitions SET closed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?) WHERE slug = ?",
        [f"-{days_ago} days", slug],
    )


@pytest.fixture
def petitions(db, make_petition):
    """Three petitions of 300 signatures: closed 200 days ago, closed 10 days ago, open."""
    for slug in ("old-one", "recent-one"):
        make_petition(slug=slug)
    for seed, slug in enumerate((SLUG, "old-one", "recent-one")):
        generate_signatures(db, petition_id(db, slug), 300, {"60601": 2, "60602": 1}, seed=seed)
    close(db, "old-one", 200)
    close(db, "recent-one", 10)
    return petition_id(db, "old-one")


def snapshot(db):
    kept = db.execute(f"SELECT {KEPT} FROM signatures ORDER BY id").fetchall()
    counts = db.execute("SELECT slug, signature_count FROM petitions ORDER BY id").fetchall()
    return kept, counts


def test_closed_at_is_set_when_a_petition_closes_and_cleared_when_it_reopens(db):
    db.execute("UPDATE petitions SET status = 'closed' WHERE slug = ?", [SLUG])
    closed = db.execute("SELECT closed_at FROM petitions WHERE slug = ?", [SLUG]).fetchone()[0]
    assert closed and closed.endswith("Z")
    db.execute("UPDATE petitions SET status = 'open' WHERE slug = ?", [SLUG])
    assert (
        db.execute("SELECT closed_at FROM petitions WHERE slug = ?", [SLUG]).fetchone()[0] is None
    )


def test_purge_anonymizes_only_past_retention_and_keeps_counts_and_stats(
    runner, client, db, petitions
):
    before = snapshot(db)
    with client.get("/p/old-one/stats.json") as response:
        stats_before = response.get_json()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "old-one: closed" in dry.output and "300 signatures to anonymize" in dry.output
    assert "recent-one" not in dry.output and "Dry run: 300" in dry.output
    assert (
        db.execute("SELECT count(*) FROM signatures WHERE anonymized_at IS NOT NULL").fetchone()[0]
        == 0
    )
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Anonymized 300 signatures of petitions closed over 180 days ago." in result.output
    assert snapshot(db) == before
    rows = list(db.query("SELECT * FROM signatures WHERE petition_id = ?", [petitions]))
    assert len(rows) == 300
    for row in rows:
        assert all(row[column] == "" for column in PERSONAL), row
        assert row["email_key"] == f"anonymized:{row['id']}" and row["anonymized_at"]
    others = db.execute(
        "SELECT count(*) FROM signatures WHERE petition_id != ? AND (email = '' OR anonymized_at"
        " IS NOT NULL)",
        [petitions],
    ).fetchone()[0]
    assert others == 0
    with client.get("/p/old-one/stats.json") as response:
        assert response.get_json() == stats_before
    assert "Anonymized 0 signatures" in runner.invoke(args=["purge"]).output
    # --days moves the line: the petition closed 10 days ago is due after 5.
    assert "Anonymized 300 signatures" in runner.invoke(args=["purge", "--days", "5"]).output


def test_purge_deletes_finished_messages_about_the_people_it_anonymizes(runner, db, petitions):
    """A failed webhook or mail keeps its payload (names, address): purge takes those too."""
    old = db.execute("SELECT id, email FROM signatures WHERE petition_id = ? LIMIT 1", [petitions])
    old_id, old_email = old.fetchone()
    kept_id = db.execute(
        "SELECT id FROM signatures WHERE petition_id != ? LIMIT 1", [petitions]
    ).fetchone()[0]
    person = {"email": old_email, "first_name": "Ana"}
    messages = [  # (kind, key, payload, status, expected to stay)
        ("mail", "mail-confirm-x", {"to": old_email, "signature": old_id}, "failed", False),
        (
            "webhook",
            f"msg_{old_id}_created",
            {"data": {"signature_id": old_id, "signer": person}},
            "failed",
            False,
        ),
        ("action-network", f"an_{old_id}_p1", {"person": person}, "cancelled", False),
        # Still to be delivered: it is, then goes with the sent after OUTBOX_KEEP_SENT_DAYS.
        ("webhook", f"msg_{old_id}_withdrawn", {"data": {"signature_id": old_id}}, "pending", True),
        ("mail", "mail-receipt-y", {"to": "x@example.org", "signature": kept_id}, "failed", True),
        ("action-network", f"an_{kept_id}_p1", {"person": {}}, "failed", True),
    ]
    for kind, key, payload, status, _ in messages:
        db.execute(
            "INSERT INTO outbox (kind, lane, key, payload, status, due_at, created_at, updated_at)"
            " VALUES (?, 'l', ?, ?, ?, '2026-01-01', '2026-01-01', '2026-01-01')",
            [kind, key, json.dumps(payload), status],
        )
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert "and 3 finished outbox messages about them" in dry.output, dry.output
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == len(messages)
    result = runner.invoke(args=["purge"])
    assert "Deleted 3 finished outbox messages about them." in result.output, result.output
    left = {key for (key,) in db.execute("SELECT key FROM outbox")}
    assert left == {key for _, key, _, _, stays in messages if stays}


def test_the_outbox_sender_runs_purge(make_app, tmp_path, make_petition):
    app = make_app(RETENTION_DAYS=0)
    with app.app_context():
        from widget.store.db import get_db

        db = get_db()
        generate_signatures(db, petition_id(db, SLUG), 20, {"60601": 1})
        close(db, SLUG, 1)
        result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
        assert result.exit_code == 0, result.output
        left = db.execute("SELECT count(*) FROM signatures WHERE email != ''").fetchone()[0]
        assert left == 0


@pytest.fixture
def ana(db, make_petition):
    """Ana signed two petitions with two spellings of one address; Bea signed one."""
    make_petition(slug="second")
    rows = [
        (petition_id(db, SLUG), "Ana", "ana@example.org", "ana@example.org"),
        (petition_id(db, "second"), "Ana", "Ana@Example.org", "ana@example.org"),
        (petition_id(db, "second"), "Bea", "bea@example.org", "bea@example.org"),
    ]
    for pid, name, email, key in rows:
        db.execute(
            "INSERT INTO signatures (petition_id, first_name, last_name, email, email_key,"
            " postal_code, optin_partner, created_at) VALUES (?, ?, 'García', ?, ?, '60608', 1,"
            " '2026-11-26T10:00:00Z')",
            [pid, name, email, key],
        )
    return "ANA@example.org "


def test_signer_export_prints_every_signature_of_the_address(runner, db, ana):
    runner.invoke(
        args=[
            "review",
            "set",
            "--status",
            "suspect",
            "--email-domain",
            "example.org",
            "--petition",
            "second",
            "--yes",
        ]
    )
    result = runner.invoke(args=["signer", "export", ana])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["email_key"] == "ana@example.org"
    assert [s["petition_slug"] for s in data["signatures"]] == [SLUG, "second"]
    assert {s["email"] for s in data["signatures"]} == {"ana@example.org", "Ana@Example.org"}
    assert data["signatures"][0]["consent_text"] == "" and "ip_hash" in data["signatures"][0]
    assert [(e["old_status"], e["new_status"]) for e in data["review_events"]] == [
        ("counted", "suspect")
    ]
    assert "bea@" not in result.output


def test_signer_forget_leaves_nothing_findable_and_partners_hear_of_it(app, runner, db, ana):
    add_partner(app)
    assert (
        runner.invoke(
            args=["partner", "webhook", "mijente", "--url", "http://127.0.0.1:9/h"]
        ).exit_code
        == 0
    )
    partner = db.execute("SELECT id FROM partners WHERE slug = 'mijente'").fetchone()[0]
    db.execute("UPDATE signatures SET partner_id = ?", [partner])
    # Flagged, then counted by review: her signature.created (with her address) is queued.
    runner.invoke(args=["review", "set", "--status", "suspect", "--id", "1", "--yes"])
    runner.invoke(args=["review", "set", "--status", "counted", "--id", "1", "--yes"])
    queued = db.execute("SELECT payload FROM outbox").fetchall()
    assert any("ana@example.org" in payload for (payload,) in queued)
    counts = dict(db.execute("SELECT slug, signature_count FROM petitions"))
    result = runner.invoke(args=["signer", "forget", ana])
    assert result.exit_code == 0, result.output
    assert f"Forgot 2 signatures ({SLUG}, second)" in result.output
    after = dict(db.execute("SELECT slug, signature_count FROM petitions"))
    assert after == {slug: n - 1 for slug, n in counts.items()}
    # Search every text column of every table for the address, in any case.
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        for column in db[table].columns:
            found = db.execute(
                f'SELECT count(*) FROM "{table}" WHERE instr(lower("{column.name}"), ?) > 0',
                ["ana@example.org"],
            ).fetchone()[0]
            assert found == 0, f"{table}.{column.name}"
    assert db.execute("SELECT count(*) FROM signature_event_rows").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM signatures WHERE first_name = 'Bea'").fetchone()[0] == 1
    withdrawn = [json.loads(p) for (p,) in db.execute("SELECT payload FROM outbox")]
    assert {(e["type"], e["data"]["reason"]) for e in withdrawn} == {
        ("signature.withdrawn", "forgotten")
    }
    assert json.loads(runner.invoke(args=["signer", "export", ana]).output)["signatures"] == []


def test_signer_requests_find_what_signing_stored_under_its_own_keys(make_app):
    """Gmail's dots and +tags, an unconfirmed row's key suffix: export and forget see them all."""
    app = make_app(SIGNER_EMAIL="confirm")
    signer = browser_client(app)
    # Signed as typed: signing folds the address to its mailbox's key, and an unconfirmed
    # submission keeps that key with a suffix of its own.
    response = sign_through(signer, f"/p/{SLUG}", email="Ana.Garcia+petitions@GMail.com")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        (stored,) = get_db().execute("SELECT email_key FROM signatures").fetchall()
    assert stored[0].startswith("anagarcia@gmail.com#")
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["signer", "export", "ana.garcia@gmail.com"])
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.output)
    assert [s["email"] for s in data["signatures"]] == ["Ana.Garcia+petitions@gmail.com"]
    assert data["outbox"], "the confirmation mail to her is part of what is stored"
    forgot = runner.invoke(args=["signer", "forget", "AnaGarcia@googlemail.com"])
    assert forgot.exit_code == 0, forgot.output
    assert "Forgot 1 signatures" in forgot.output
    with app.app_context():
        db = get_db()
        assert db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 0
        payloads = " ".join(p for (p,) in db.execute("SELECT payload FROM outbox"))
    assert "ana" not in payloads.casefold()
