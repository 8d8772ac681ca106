"""SECRET_KEY: written whole or not at all, never weak, never left readable by others."""

import logging
import stat
import threading
from pathlib import Path

import pytest

from widget import create_app
from widget.keys import MIN_SECRET_KEY_LENGTH, WeakSecretKey, stored_secret_key

LOGGER = logging.getLogger("test_keys")


@pytest.mark.parametrize("key", ["", "test-secret-key", "x" * (MIN_SECRET_KEY_LENGTH - 1)])
def test_a_short_configured_key_refuses_to_start_saying_how_to_make_one(make_app, key):
    with pytest.raises(WeakSecretKey, match=r"at least 32.*secrets\.token_urlsafe\(32\)"):
        make_app(SECRET_KEY=key)


def test_a_short_key_from_the_environment_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    with pytest.raises(WeakSecretKey, match="20 characters long"):
        create_app({"TESTING": True, "DATABASE": str(tmp_path / "widget.db")})


def test_an_empty_key_file_is_never_used(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("\n")  # what a crash between creating and writing the file left
    with pytest.raises(WeakSecretKey, match="delete it to have a new one made"):
        stored_secret_key(path, LOGGER)


def test_a_new_key_file_is_private_and_long_and_leaves_no_temporary_file(tmp_path, caplog):
    path = tmp_path / "secret_key"
    key = stored_secret_key(path, LOGGER)
    assert len(key) >= MIN_SECRET_KEY_LENGTH
    assert path.read_text() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    assert stored_secret_key(path, LOGGER) == key  # a restart reads the same key
    assert caplog.records == []


def start_together(path, count):
    """Return the keys that count threads read from path when they start at the same moment."""
    barrier = threading.Barrier(count, timeout=10)
    keys = []

    def start():
        barrier.wait()
        try:
            keys.append(stored_secret_key(path, LOGGER))
        except WeakSecretKey as refused:  # an empty key read: the fault itself
            keys.append(str(refused))

    threads = [threading.Thread(target=start) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return keys


def test_processes_starting_together_all_read_the_same_whole_key(tmp_path):
    for attempt in range(20):
        path = tmp_path / f"secret_key_{attempt}"
        assert start_together(path, 8) == [path.read_text()] * 8


def test_a_key_file_readable_by_others_is_warned_about(tmp_path, caplog):
    path = tmp_path / "secret_key"
    path.write_text("k" * 43)
    path.chmod(0o644)
    assert stored_secret_key(path, LOGGER) == "k" * 43
    assert "readable by other users (mode 644): run chmod 600" in caplog.text


def test_the_instance_folder_is_private(app):
    assert stat.S_IMODE(Path(app.instance_path).stat().st_mode) == 0o700
