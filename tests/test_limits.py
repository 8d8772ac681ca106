"""Rate limits on signing: per address (IPv6 by /64), friendly 429, proxies trusted by setting."""

import re
import threading

import pytest
from conftest import SLUG, browser_client, sign_through, steady_window, table_counts
from limits.storage import MemoryStorage
from limits.strategies import STRATEGIES

from widget.signing.limit_storage import LocalStorage
from widget.signing.limits import client_network, limiter
from widget.store.db import get_db

EMBED = f"/p/{SLUG}/embed"


def from_address(address):
    """Return the environ that makes a request come from address."""
    return {"REMOTE_ADDR": address}


@pytest.fixture
def limited(app):
    """Limit signing to 3 per minute per address."""
    app.config["SIGN_RATE_LIMITS"] = "3 per minute"
    return app


def test_over_the_limit_one_address_gets_a_friendly_page_in_the_frame(limited, client, db, sign):
    for n in range(3):
        assert sign(url=EMBED, email=f"s{n}@example.org").status_code == 303
    before = table_counts(db)
    response = sign(url=EMBED, email="s3@example.org", query="?source=rally")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    html = response.get_data(as_text=True)
    assert "Many people are signing right now" in html
    wait = re.search(r"You can try again in (\d+) seconds?\.", html)
    assert wait and wait.group(1) == response.headers["Retry-After"]
    assert f'href="{EMBED}?source=rally"' in html  # back to the form, context kept
    assert 'class="embed"' in html
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers
    assert table_counts(db) == before


def test_another_address_still_signs(limited, sign):
    assert [sign(email=f"s{n}@example.org").status_code for n in range(4)][-1] == 429
    other = sign(email="other@example.org", environ=from_address("192.0.2.7"))
    assert other.status_code == 303


def test_page_views_never_spend_the_budget(limited, client, sign):
    for _ in range(10):
        assert client.get(EMBED).status_code == 200
        assert client.get(f"/p/{SLUG}").status_code == 200
    assert [sign(email=f"v{n}@example.org").status_code for n in range(4)] == [303, 303, 303, 429]


def test_full_page_and_embed_share_one_budget(limited, sign):
    statuses = [
        sign(url=url, email=f"b{n}@example.org").status_code
        for n, url in enumerate([f"/p/{SLUG}", EMBED, f"/p/{SLUG}", EMBED])
    ]
    assert statuses == [303, 303, 303, 429]


def test_the_full_page_limit_page_is_a_full_page(limited, sign):
    for n in range(3):
        sign(email=f"f{n}@example.org")
    response = sign(email="f3@example.org")
    assert response.status_code == 429
    assert 'class="page"' in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_long_wait_is_said_in_minutes(make_app):
    # A moving window frees the hit an hour after it was made. Sliding and fixed windows turn
    # on the hour, so their wait is seconds in the last minutes of every hour.
    app = make_app(SIGN_RATE_LIMITS="1 per hour", RATELIMIT_STRATEGY="moving-window")
    client = browser_client(app)
    sign_through(client, f"/p/{SLUG}", email="h1@example.org")
    response = sign_through(client, f"/p/{SLUG}", email="h2@example.org")
    assert response.status_code == 429
    minutes = re.search(r"You can try again in (\d+) minutes\.", response.get_data(as_text=True))
    assert minutes and 59 <= int(minutes.group(1)) <= 61  # rounded up from 3,600 s or so


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_ipv6_addresses_are_grouped_by_64(address, network):
    assert client_network(address) == network


def test_one_ipv6_64_shares_a_budget_and_the_next_64_does_not(app, sign):
    app.config["SIGN_RATE_LIMITS"] = "2 per minute"
    addresses = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3", "2001:db8:1:3::1"]
    statuses = [
        sign(url=EMBED, email=f"v6-{n}@example.org", environ=from_address(address)).status_code
        for n, address in enumerate(addresses)
    ]
    assert statuses == [303, 303, 429, 303]


def test_forged_x_forwarded_for_is_ignored_without_trusted_proxies(limited, sign):
    statuses = [
        sign(email=f"x{n}@example.org", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(4)
    ]
    assert statuses == [303, 303, 303, 429]


@pytest.fixture
def proxied(make_app):
    """Return a client of an app behind one trusted proxy, limited to 2 signatures a minute."""
    app = make_app(TRUSTED_PROXIES=1, SIGN_RATE_LIMITS="2 per minute")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return app, client


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_signer(proxied):
    app, client = proxied

    def sign_via(forwarded, n):
        headers = {"X-Forwarded-For": forwarded}
        return sign_through(client, EMBED, headers=headers, email=f"p{n}@example.org").status_code

    # The proxy appends the real address last; whatever the client put before it is ignored.
    assert sign_via("6.6.6.6, 203.0.113.1", 1) == 303
    assert sign_via("7.7.7.7, 203.0.113.1", 2) == 303
    assert sign_via("8.8.8.8, 203.0.113.1", 3) == 429
    assert sign_via("203.0.113.2", 4) == 303
    with app.app_context():
        hashes = {row[0] for row in get_db().execute("SELECT ip_hash FROM signatures")}
    assert len(hashes) == 2


def test_an_unreachable_limit_storage_never_stops_signing(make_app, caplog):
    app = make_app(
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",  # nothing listens on port 1
        # The fallback counts in memory:// on the real clock: a window that will not turn.
        SIGN_RATE_LIMITS=f"1 per {steady_window()} seconds",
    )
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    statuses = [
        sign_through(client, EMBED, email=f"r{n}@example.org").status_code for n in range(3)
    ]
    # Limits fall back to memory: the first signs, the next are limited, nothing is a 500.
    assert statuses == [303, 429, 429]
    assert "falling back to in-memory storage" in caplog.text


def test_limits_can_be_turned_off(make_app):
    app = make_app(RATELIMIT_ENABLED=False, SIGN_RATE_LIMITS="1 per minute")
    client = app.test_client()
    statuses = [
        sign_through(client, EMBED, email=f"o{n}@example.org").status_code for n in range(3)
    ]
    assert statuses == [303, 303, 303]


def test_by_default_limits_count_without_a_sweep_thread(app, sign):
    # limits' memory:// starts a timer thread on every hit to sweep its keys; the default
    # local:// limits as well with none. Every thread started meanwhile runs the hook.
    app.config["SIGN_RATE_LIMITS"] = "2 per minute"
    started = set()
    threading.setprofile(lambda *_: started.add(threading.current_thread().name))
    try:
        statuses = [sign(email=f"d{n}@example.org").status_code for n in range(3)]
    finally:
        threading.setprofile(None)
    assert statuses == [303, 303, 429]
    assert started == set()


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize(
    ("uri", "storage"), [("local://", LocalStorage), ("memory://", MemoryStorage)]
)
def test_each_strategy_and_in_process_storage_limits_signing(make_app, strategy, uri, storage):
    seconds = steady_window()  # memory:// runs on the real clock: a window that will not turn
    app = make_app(
        RATELIMIT_STRATEGY=strategy,
        RATELIMIT_STORAGE_URI=uri,
        SIGN_RATE_LIMITS=f"2 per {seconds} seconds",
    )
    assert isinstance(limiter.storage, storage)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    responses = [sign_through(client, EMBED, email=f"w{n}@example.org") for n in range(3)]
    assert [response.status_code for response in responses] == [303, 303, 429]
    assert 1 <= int(responses[-1].headers["Retry-After"]) <= seconds + 1
    assert limiter.storage.reset() > 0  # the configured storage did the counting


def test_an_address_signs_again_once_its_window_has_passed(limited, limit_clock, sign):
    # At the start of a minute, so that the whole of it weighs on the next one.
    clock = limit_clock
    clock.now = clock.now // 60 * 60
    assert [sign(email=f"t{n}@example.org").status_code for n in range(4)] == [303, 303, 303, 429]
    clock.advance(60)  # the sliding window still holds all of the previous minute
    assert sign(email="t4@example.org").status_code == 429
    clock.advance(60)
    assert sign(email="t5@example.org").status_code == 303


def test_flask_limiter_app_wide_limits_still_apply_if_configured(make_app):
    # Our own limits need no app-wide hook; flask-limiter's own settings keep theirs.
    app = make_app(RATELIMIT_APPLICATION="2 per minute")
    client = app.test_client()
    statuses = [client.get(f"/p/{SLUG}/count.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
