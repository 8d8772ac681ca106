"""Fixtures: a real SQLite file per test, the app, its client, CLI runner and helpers."""

import json
import os
import re
import time
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from widget import create_app
from widget.signing.limit_storage import LocalStorage
from widget.signing.limits import limiter
from widget.store.db import close_thread_databases, get_db

TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SLUG = "chicago-welcoming-city"
# Every page a person sees of the demo petition, and one of a petition that does not exist.
PAGES = (
    "/",
    f"/p/{SLUG}",
    f"/p/{SLUG}/embed",
    f"/p/{SLUG}/thanks",
    f"/p/{SLUG}/embed/thanks",
    f"/p/{SLUG}/share",
)
MISSING_PAGE = "/p/no-such-petition"
ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "widget" / "translations"


# What a developer's shell may set that would change what the app, gunicorn or the tests do.
DEVELOPER_VARIABLES = ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS")


def pytest_configure(config):
    """Run the tests without the developer's FLASK_* settings and gunicorn variables."""
    # Before collection: gunicorn.conf.py reads WEB_CONCURRENCY when a test module loads it.
    # Child processes (gunicorn, the surge script) inherit the cleaned environment.
    for name in list(os.environ):
        if name.startswith("FLASK_") or name in DEVELOPER_VARIABLES:
            del os.environ[name]


@pytest.fixture(scope="session")
def instance(tmp_path_factory):
    """Return an empty instance folder: no developer's instance/config.py reaches a test."""
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def catalogs(tmp_path_factory):
    """Return a folder of the committed catalogs, compiled (the build does it for real runs)."""
    folder = tmp_path_factory.mktemp("translations")
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = folder / po_path.relative_to(TRANSLATIONS).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True)
        with po_path.open("rb") as po, mo_path.open("wb") as mo:
            write_mo(mo, read_po(po, locale=po_path.parts[-3]))
    return folder


# What every browser sends; without them a signature is stored as suspect (widget/abuse.py).
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept-Language": "en-US,en;q=0.5",
}


class Clock:
    """A clock that moves only when told, for a limit storage's `clock` attribute."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def limit_clock():
    """Return the clock of the apps' local:// limit storage: it stands still until advanced."""
    return Clock(time.time())


def stop_limit_clock(clock):
    """Put the limiter's local:// storage (the last app's) on clock, so no window turns."""
    # A test that signs across a minute boundary would see the sliding window let one more
    # through; with the clock standing still no test depends on when it runs.
    if isinstance(limiter.storage, LocalStorage):
        limiter.storage.clock = clock


def steady_window(margin=30, shortest=60):
    """Return a window length, shortest seconds or a little more, with margin seconds left."""
    # For storages on the real clock (memory://, Redis): sliding windows are aligned on
    # multiples of their length since the epoch; pick one that is not about to turn.
    now = time.time()
    for seconds in range(shortest, 10 * shortest):
        if seconds - now % seconds >= margin:
            return seconds
    raise AssertionError("no steady window")  # never: one length in three or so will do


@pytest.fixture
def make_app(tmp_path, catalogs, limit_clock, instance):
    """Return a function that creates an app on this test's database, with settings changed."""

    def make(**settings):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret-key-of-32-characters-or-more",
                "DATABASE": str(tmp_path / "widget.db"),
                "MIN_FILL_SECONDS": 0,
                "BABEL_TRANSLATION_DIRECTORIES": str(catalogs),
                "MAIL_FILE_DIR": str(tmp_path / "mail"),
                **settings,
            },
            instance_path=instance,
        )
        stop_limit_clock(limit_clock)
        return app

    yield make
    close_thread_databases()


@pytest.fixture
def app(make_app):
    """Return an app on its own database file, with the minimum fill time off."""
    return make_app()


def browser_client(app):
    """Return a test client of app that sends a browser's headers."""
    client = app.test_client()
    client.environ_base.update(
        {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in BROWSER_HEADERS.items()}
    )
    return client


@pytest.fixture
def client(app):
    """Return a test client that speaks real HTTP semantics to the app, like a browser."""
    return browser_client(app)


@pytest.fixture
def runner(app):
    """Return a runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """Return the test's database (migrated, with the shipped petitions loaded)."""
    # No context stays pushed: the test client would reuse it, and `g` would leak from one
    # request to the next. The connection is this thread's; make_app closes it.
    with app.app_context():
        return get_db()


@pytest.fixture
def make_petition(app, tmp_path):
    """Return a function that writes a petition file and loads it through the CLI."""

    def make(slug="test-petition", title="Test petition", **front):
        front = {
            "slug": slug,
            "title": title,
            "target": "The Council",
            "statement": "Do the right thing.",
            "goal": 100,
            "optin_text": "Send me updates.",
            "thanks_text": "Thanks!",
            **front,
        }
        lines = ["+++"]
        for key, value in front.items():
            # JSON strings and integers are valid TOML values.
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines += ["+++", "", "Background with a note.[^1]", "", "[^1]: A reference."]
        path = tmp_path / f"{slug}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = app.test_cli_runner().invoke(args=["petition", "load", str(path)])
        assert result.exit_code == 0, result.output
        return path

    return make


def add_partner(app, *origins):
    """Add Mijente as a partner through the CLI; return its printed snippet and key."""
    runner = app.test_cli_runner()
    args = [
        "partner",
        "add",
        "mijente",
        "--name",
        "Mijente",
        "--optin-text",
        "Mijente may email me about its campaigns.",
    ]
    for origin in origins:
        args += ["--origin", origin]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    output = runner.invoke(args=["partner", "snippet", "mijente", SLUG]).output
    snippet = "\n".join(output.splitlines()[:2])
    return snippet, re.search(r'\?partner=([^"&]+)', snippet).group(1)


def without_ref(location):
    """Return a thank-you URL with the signer's own ref code (random per signature) left out."""
    bare = re.sub(r"[?&]ref=[A-Za-z0-9_-]{16}$", "", location)
    assert bare != location, f"no ref code in {location}"
    return bare


def form_token(response):
    """Return the signed form token in a rendered form."""
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, "no form token in the page"
    return match.group(1)


def sign_through(client, url, query="", headers=None, environ=None, **fields):
    """Load a form with client like a browser and post it back; return the post's response."""
    page = client.get(url + query, headers=headers or {}, environ_base=environ or {})
    data = {
        "first_name": "Ana",
        "last_name": "García",
        "email": "ana@example.org",
        "postal_code": "60608",
        "csrf_token": form_token(page),
        **fields,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(url + query, data=data, headers=headers or {}, environ_base=environ or {})


@pytest.fixture
def sign(client):
    """Return a function that loads a form like a browser and posts it back."""

    def sign(slug=SLUG, url=None, query="", headers=None, environ=None, **fields):
        return sign_through(client, url or f"/p/{slug}", query, headers, environ, **fields)

    return sign


def table_counts(db):
    """Return row counts of every table, to prove a request changed nothing."""
    tables = ["petitions", "partners", "signatures", "form_nonces"]
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    counts["signature_count"] = db.execute("SELECT sum(signature_count) FROM petitions").fetchone()[
        0
    ]
    return counts
