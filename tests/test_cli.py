"""Maintainer commands: init-db, petition load/list, export."""

import csv
import io

import pytest
from conftest import SLUG, table_counts

from widget.store.migrations import migrations


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


TRANSLATIONS_OF = (
    "SELECT t.* FROM petition_translations t JOIN petitions p ON p.id = t.petition_id"
    " WHERE p.slug = ?"
)


def write_translation(folder, name, **front):
    front = {
        "slug": "bilingual",
        "title": "Una petición",
        "optin_text": "Envíame noticias.",
        **front,
    }
    lines = ["+++", *(f'{key} = "{value}"' for key, value in front.items()), "+++"]
    path = folder / name
    path.write_text("\n".join(lines) + "\n\nFondo con una nota.[^1]\n\n[^1]: Una referencia.\n")
    return path


def test_loading_a_main_file_loads_its_translations(runner, db, tmp_path, make_petition):
    write_translation(tmp_path, "bilingual.es.md")
    path = make_petition(slug="bilingual", title="A petition")
    rows = list(db.query(TRANSLATIONS_OF, ["bilingual"]))
    assert [(row["lang"], row["title"], row["optin_text"]) for row in rows] == [
        ("es", "Una petición", "Envíame noticias.")
    ]
    assert 'class="footnote-item"' in rows[0]["body_html"]
    result = runner.invoke(args=["petition", "load", str(path)])
    assert result.output.splitlines() == [
        "Updated petition bilingual",
        "Updated translation bilingual (es)",
    ]
    line = next(
        line
        for line in runner.invoke(args=["petition", "list"]).output.splitlines()
        if line.startswith("bilingual")
    )
    assert line.split()[4] == "en,es"


def test_loading_a_translation_alone_updates_it_and_counts_stay_one(
    runner, db, tmp_path, make_petition, client
):
    make_petition(slug="bilingual", title="A petition")
    path = write_translation(tmp_path, "bilingual.es.md", title="Primera")
    assert runner.invoke(args=["petition", "load", str(path)]).output == (
        "Created translation bilingual (es)\n"
    )
    write_translation(tmp_path, "bilingual.es.md", title="Segunda")
    assert runner.invoke(args=["petition", "load", str(path)]).exit_code == 0
    assert [row["title"] for row in db.query(TRANSLATIONS_OF, ["bilingual"])] == ["Segunda"]
    assert db.execute("SELECT count(*) FROM petitions WHERE slug = 'bilingual'").fetchone()[0] == 1
    assert "Segunda" in client.get("/p/bilingual?lang=es").get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "front", "message"),
    [
        ("bilingual.es.md", {"goal": "5"}, "set goal in the main file"),
        ("bilingual.es.md", {"lang": "fr"}, "file name says 'es'"),
        ("bilingual.xx.md", {}, "a translation is named SLUG.LANG.md"),
        ("bilingual.en.md", {}, "already in 'en'"),
        ("bilingual.es.md", {"slug": "nobody"}, "no petition 'nobody' to translate"),
    ],
)
def test_bad_translations_are_refused_and_change_nothing(
    runner, db, tmp_path, make_petition, name, front, message
):
    make_petition(slug="bilingual", title="A petition")
    before = table_counts(db)
    folder = tmp_path / "other"
    folder.mkdir()
    result = runner.invoke(args=["petition", "load", str(write_translation(folder, name, **front))])
    assert result.exit_code != 0
    assert message in result.output
    assert table_counts(db) == before
    assert list(db.query(TRANSLATIONS_OF, ["bilingual"])) == []
