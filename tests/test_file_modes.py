"""Personal data at rest is readable by its owner only, whatever the umask."""

import os
import stat

import pytest
from conftest import SLUG


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    """Run each test under the usual umask 022, which makes new files 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_database_and_its_wal_files_are_private(app, sign):
    assert sign().status_code == 303
    database = app.config["DATABASE"]
    for path in (database, database + "-wal", database + "-shm"):
        assert mode(path) == 0o600, path


def test_backups_are_private(app, runner, db, tmp_path):
    target = tmp_path / "backups" / "widget-Thu.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700


def test_exports_written_to_a_file_are_private(runner, db, sign, tmp_path):
    sign()
    fresh, existing = tmp_path / "fresh.csv", tmp_path / "existing.csv"
    existing.write_text("old")
    existing.chmod(0o644)
    for path in (fresh, existing):
        result = runner.invoke(args=["export", SLUG, "--kind", "full", "-o", str(path)])
        assert result.exit_code == 0, result.output
        assert mode(path) == 0o600
        assert "ana@example.org" in path.read_text()
