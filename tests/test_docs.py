"""The README documents every setting (with its default) and every command."""

import re

import click
import pytest
from conftest import ROOT

from widget.settings import SETTINGS

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_once_with_its_default(setting):
    rows = [line for line in README.splitlines() if line.startswith(f"| `{setting.name}` |")]
    assert len(rows) == 1, f"{setting.name} needs exactly one row in the README's table"
    assert f"`{setting.default!r}`" in rows[0]


def command_paths(group, prefix=""):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from command_paths(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


def test_every_command_is_documented(app):
    ours = [c for c in command_paths(app.cli) if c.split()[0] not in {"run", "shell", "routes"}]
    assert ours
    for command in ours:
        assert re.search(rf"flask --app widget {re.escape(command)}\b", README), command


def test_schema_doc_names_every_column(db):
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for table in (
        "petitions",
        "petition_translations",
        "partners",
        "signatures",
        "outbox",
        "signer_mail_quota",
        "signature_events",
        "signature_event_rows",
    ):
        for column in db[table].columns:
            assert f"`{column.name}`" in schema, f"{table}.{column.name}"


def test_readme_claims_no_more_than_a_repeat_signature_hides(client, sign):
    # A repeat signature leaves the live count unchanged, which the thank-you page shows, so
    # whether an address had signed can be told: the README must say so, not deny it.
    first = sign(email="ana@example.org").headers["Location"]
    count = client.get("/p/chicago-welcoming-city/count.json").get_json()["count"]
    again = sign(email="ANA@example.org").headers["Location"]
    assert again == first
    assert client.get("/p/chicago-welcoming-city/count.json").get_json()["count"] == count
    words = " ".join(README.split())
    assert "never tells whether an address had signed" not in words
    assert "the live count, which a repeat signature leaves unchanged" in words
