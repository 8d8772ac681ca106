"""A partner's identity: ids never reused, removal that keeps history, revocable links."""

import csv
import io
import sqlite3

import sqlite_utils
from conftest import SLUG, add_partner

from widget.store.db import get_db
from widget.store.migrations import migrations


def rows_of(output):
    return list(csv.DictReader(io.StringIO(output)))


def sign_with_optin(sign, key, email="in@example.org"):
    query = f"?partner={key}"
    response = sign(url=f"/p/{SLUG}/embed", query=query, email=email, optin_partner="y")
    assert response.status_code == 303


def export_link_path(runner, partner="mijente"):
    result = runner.invoke(args=["partner", "export-link", partner, SLUG])
    assert result.exit_code == 0, result.output
    return result.output.strip().removeprefix("http://127.0.0.1:5000")


def test_a_hand_deleted_partners_id_goes_to_no_other_partner(app, runner, sign, db):
    _snippet, key = add_partner(app)
    sign_with_optin(sign, key)
    # What maintainers did without `partner remove`: the sqlite3 shell has foreign keys off.
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        conn.execute("DELETE FROM partners WHERE slug = 'mijente'")
    conn.close()
    result = runner.invoke(args=["partner", "add", "newcomer", "--name", "Newcomer"])
    assert result.exit_code == 0, result.output
    output = runner.invoke(args=["export", SLUG, "--kind", "partner", "--partner", "newcomer"])
    assert rows_of(output.output) == []


def test_removed_partner_signs_as_no_partner_its_links_stop_and_its_history_stays(
    app, client, runner, sign, db
):
    _snippet, key = add_partner(app)
    sign_with_optin(sign, key)
    link = export_link_path(runner)
    assert client.get(link).status_code == 200
    result = runner.invoke(args=["partner", "remove", "mijente"])
    assert result.exit_code == 0, result.output

    gone = client.get(link)
    assert gone.status_code == 404
    assert "no longer valid" in gone.get_data(as_text=True)
    page = client.get(f"/p/{SLUG}/embed?partner={key}").get_data(as_text=True)
    assert "Mijente may email me" not in page
    sign_with_optin(sign, key, email="later@example.org")
    by_email = {row["email"]: row for row in db.query("SELECT * FROM signatures")}
    assert by_email["later@example.org"]["partner_id"] is None
    assert by_email["in@example.org"]["partner_id"] is not None  # its history stays
    full = rows_of(runner.invoke(args=["export", SLUG, "--kind", "full"]).output)
    assert {row["email"]: row["partner"] for row in full} == {
        "in@example.org": "mijente",
        "later@example.org": "",
    }
    for args in (
        ["export", SLUG, "--kind", "partner", "--partner", "mijente"],
        ["partner", "snippet", "mijente", SLUG],
        ["partner", "export-link", "mijente", SLUG],
        ["partner", "add", "mijente", "--name", "Someone else"],
    ):
        refused = runner.invoke(args=args)
        assert refused.exit_code != 0, args
        assert "removed" in refused.output or "no partner 'mijente'" in refused.output


def test_revoke_links_stops_the_links_given_so_far_and_only_those(app, client, runner, db):
    add_partner(app)
    old = export_link_path(runner)
    result = runner.invoke(args=["partner", "revoke-links", "mijente"])
    assert result.exit_code == 0, result.output
    assert client.get(old).status_code == 404
    assert client.get(export_link_path(runner)).status_code == 200


def test_migration_rebuilds_partners_keeping_rows_history_and_foreign_keys(make_app, tmp_path):
    path = tmp_path / "widget.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m006_partner_identity")
    old["petitions"].insert(
        {"id": 1, "slug": "p", "title": "P", "created_at": "x", "updated_at": "x"}
    )
    for pk in (1, 2, 3):
        old["partners"].insert({"id": pk, "slug": f"s{pk}", "name": f"N{pk}", "created_at": "x"})
    for pk, partner in ((1, 1), (2, 3)):
        old["signatures"].insert(
            {
                "id": pk,
                "petition_id": 1,
                "first_name": "A",
                "last_name": "B",
                "email": f"{pk}@example.org",
                "email_key": f"{pk}@example.org",
                "postal_code": "1",
                "partner_id": partner,
                "created_at": "x",
            }
        )
    old.execute("DELETE FROM partners WHERE id = 3")  # by hand, foreign keys off
    old.close()

    app = make_app(DATABASE=str(path))
    with app.app_context():
        db = get_db()
        partners = {row["id"]: row for row in db.query("SELECT * FROM partners")}
        assert partners[1]["slug"] == "s1" and partners[1]["links_version"] == 1
        assert partners[1]["removed_at"] is None
        assert partners[3]["removed_at"] is not None  # kept for its signature's history
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert "AUTOINCREMENT" in db["partners"].schema
        totals = db.execute("SELECT partner, signatures FROM partner_totals ORDER BY 1").fetchall()
        assert totals == [("removed-3", 1), ("s1", 1)]
    result = app.test_cli_runner().invoke(args=["partner", "add", "fresh", "--name", "F"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert get_db()["partners"].get(4)["slug"] == "fresh"
