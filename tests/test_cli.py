"""Maintainer commands: init-db, petition load/list, export."""

import csv
import io

from conftest import SLUG, table_counts

from widget.migrations import migrations


def test_init_db_twice_changes_nothing(runner, db):
    first = runner.invoke(args=["init-db"])
    schema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    counts = table_counts(db)
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == second.exit_code == 0
    assert second.output == first.output
    assert f"{len(list(migrations.applied(db)))} migrations applied" in second.output
    assert not list(migrations.pending(db))
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert table_counts(db) == counts


def test_petition_load_twice_updates_never_duplicates(runner, db, tmp_path, make_petition):
    path = make_petition(slug="twice", title="First title")
    path.write_text(path.read_text().replace("First title", "Second title"))
    result = runner.invoke(args=["petition", "load", str(path)])
    assert result.exit_code == 0
    assert "Updated petition twice" in result.output
    rows = list(db.query("SELECT title FROM petitions WHERE slug = 'twice'"))
    assert rows == [{"title": "Second title"}]


def test_petition_load_reports_a_bad_file(runner, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text('+++\nslug = "Bad Slug"\ntitle = "x"\n+++\nbody\n')
    result = runner.invoke(args=["petition", "load", str(bad)])
    assert result.exit_code != 0
    assert "slug must be lowercase" in result.output


def test_petition_list_prints_slug_title_count_goal_status(runner, sign):
    sign()
    result = runner.invoke(args=["petition", "list"])
    line = next(line for line in result.output.splitlines() if line.startswith(SLUG))
    assert line.split()[1:4] == ["1", "10000", "open"]
    assert "Tell the Chicago City Council" in line


def read_export(runner, *args):
    result = runner.invoke(args=["export", SLUG, *args])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_delivery_export_has_no_email_and_neutralizes_formulas(runner, sign, tmp_path):
    sign(first_name='=HYPERLINK("http://x")', last_name="+1", email="f@example.org")
    [row] = read_export(runner, "--kind", "delivery")
    assert set(row) == {"first_name", "last_name", "postal_code", "signed_on"}
    assert row["first_name"] == '\'=HYPERLINK("http://x")'
    assert row["last_name"] == "'+1"
    out = tmp_path / "delivery.csv"
    assert runner.invoke(args=["export", SLUG, "-o", str(out)]).exit_code == 0
    assert "f@example.org" not in out.read_text()
    assert "'=HYPERLINK" in out.read_text()


def test_full_export_has_every_column(runner, sign):
    sign(email="g@example.org", optin_org="y")
    [row] = read_export(runner, "--kind", "full")
    assert row["email"] == "g@example.org"
    assert row["optin_org"] == "1"
    assert row["status"] == "counted"


def test_export_of_unknown_petition_fails_clearly(runner):
    result = runner.invoke(args=["export", "nope"])
    assert result.exit_code != 0
    assert "no petition 'nope'" in result.output
