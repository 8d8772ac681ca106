"""The local:// limit storage: the answers limits' strategies expect, expiry without a thread."""

import threading
from collections import defaultdict
from math import floor

import pytest
from conftest import Clock
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import (
    STRATEGIES,
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)

from widget.signing.limit_storage import LocalStorage

START = 1_000_000.0  # a fake clock's first reading, in seconds


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def storage(clock):
    """Return a local:// storage on a fake clock."""
    storage = LocalStorage()
    storage.clock = clock
    return storage


def test_the_local_scheme_makes_this_storage():
    assert isinstance(storage_from_string("local://"), LocalStorage)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_each_strategy_allows_exactly_the_limit_then_refuses_until_the_window_passes(
    strategy, storage, clock
):
    limiter = STRATEGIES[strategy](storage)
    item = RateLimitItemPerSecond(3, 10)
    assert [limiter.hit(item, "ana") for _ in range(5)] == [True, True, True, False, False]
    assert limiter.hit(item, "ben")  # another key has its own budget
    assert not limiter.test(item, "ana")
    assert limiter.get_window_stats(item, "ana").remaining == 0
    clock.advance(20)  # two windows: nothing of the first counts any more
    assert limiter.test(item, "ana")
    assert limiter.get_window_stats(item, "ana").remaining == 3
    assert [limiter.hit(item, "ana") for _ in range(4)] == [True, True, True, False]


def test_the_sliding_window_says_what_flask_limiter_needs_for_retry_after(storage, clock):
    clock.now = 1000.5 * 10  # halfway through a 10-second window
    limiter = SlidingWindowCounterRateLimiter(storage)
    item = RateLimitItemPerSecond(2, 10)
    assert limiter.hit(item, "ana") and limiter.hit(item, "ana")
    # (previous count, previous ttl, current count, current ttl), as limits' storages answer.
    assert storage.get_sliding_window(item.key_for("ana"), 10) == (0, 0.0, 2, 15.0)
    clock.advance(7)  # 2 seconds into the next window: 80% of the previous one still counts
    previous, previous_ttl, current, current_ttl = storage.get_sliding_window(
        item.key_for("ana"), 10
    )
    assert (previous, current) == (2, 0)
    assert previous_ttl == pytest.approx(8)
    assert current_ttl == pytest.approx(18)
    assert limiter.hit(item, "ana")  # floor(2 * 0.8) + 1 is the limit
    assert not limiter.hit(item, "ana")  # floor(2 * 0.8 + 1) + 1 is over it
    clock.advance(5)  # 30% left: floor(2 * 0.3 + 1) + 1 is the limit again
    assert limiter.hit(item, "ana")
    assert not limiter.hit(item, "ana")


def test_the_moving_window_reports_its_oldest_hit(storage, clock):
    limiter = MovingWindowRateLimiter(storage)
    item = RateLimitItemPerSecond(2, 10)
    assert limiter.hit(item, "ana")
    clock.advance(4)
    assert limiter.hit(item, "ana")
    assert not limiter.hit(item, "ana")
    assert limiter.get_window_stats(item, "ana").reset_time == START + 10
    clock.advance(6)  # the first hit leaves the window
    assert storage.get_moving_window(item.key_for("ana"), 2, 10) == (START + 4, 1)
    assert limiter.hit(item, "ana")


def test_a_fixed_window_counter_and_its_expiry(storage, clock):
    assert storage.incr("k", 10) == 1
    clock.advance(4)
    assert storage.incr("k", 10, amount=2) == 3
    assert storage.get_expiry("k") == START + 10
    assert storage.decr("k") == 2
    assert storage.decr("k", amount=5) == 0
    assert storage.decr("nothing") == 0
    clock.advance(6)
    assert storage.get("k") == 0
    assert storage.get_expiry("k") == clock.now


def test_expired_keys_are_removed_without_a_sweep(storage, clock):
    fixed = FixedWindowRateLimiter(storage)
    moving = MovingWindowRateLimiter(storage)
    item = RateLimitItemPerSecond(5, 10)
    for n in range(100):
        fixed.hit(item, f"fixed-{n}")
        moving.hit(item, f"moving-{n}")
    assert (len(storage.counters), len(storage.windows)) == (100, 100)
    clock.advance(9)
    assert storage.get("unrelated") == 0
    assert (len(storage.counters), len(storage.windows)) == (100, 100)
    clock.advance(1)
    assert storage.get("unrelated") == 0  # any call drops what has expired
    assert (len(storage.counters), len(storage.windows), len(storage.deadlines)) == (0, 0, 0)


def test_a_stale_deadline_never_deletes_a_recreated_counter(storage, clock):
    storage.incr("k", 10)  # deadline at +10 in the heap
    storage.clear("k")
    clock.advance(5)
    storage.incr("k", 10)  # back again, due at +15
    clock.advance(6)  # the stale +10 item has come up
    assert storage.get("k") == 1
    assert storage.get_expiry("k") == START + 15
    clock.advance(4)
    assert storage.get("k") == 0
    assert not storage.counters


def test_a_counter_back_from_zero_starts_a_new_window(storage, clock):
    storage.incr("k", 10)
    storage.decr("k")
    clock.advance(5)
    assert storage.incr("k", 10) == 1
    clock.advance(6)  # past the first deadline, before the second
    assert storage.get("k") == 1
    clock.advance(4)
    assert storage.get("k") == 0


def test_a_moving_window_lives_until_its_newest_hit_expires(storage, clock):
    limiter = MovingWindowRateLimiter(storage)
    item = RateLimitItemPerSecond(5, 10)
    limiter.hit(item, "ana")
    clock.advance(8)
    limiter.hit(item, "ana")
    clock.advance(4)  # the window's first deadline has come up
    assert storage.get_moving_window(item.key_for("ana"), 5, 10) == (START + 8, 1)
    assert len(storage.windows) == 1
    assert len(storage.deadlines) == 1  # moved on, not duplicated
    clock.advance(6)
    assert storage.get("unrelated") == 0
    assert not storage.windows
    assert not storage.deadlines


def test_a_stale_deadline_never_deletes_a_recreated_moving_window(storage, clock):
    limiter = MovingWindowRateLimiter(storage)
    item = RateLimitItemPerSecond(5, 10)
    limiter.hit(item, "ana")
    limiter.clear(item, "ana")
    clock.advance(5)
    limiter.hit(item, "ana")
    clock.advance(6)
    assert storage.get_moving_window(item.key_for("ana"), 5, 10) == (START + 5, 1)
    clock.advance(4)
    assert storage.get_moving_window(item.key_for("ana"), 5, 10) == (clock.now, 0)
    assert not storage.windows


def test_clear_and_reset_forget_limits(storage, clock):
    sliding = SlidingWindowCounterRateLimiter(storage)
    item = RateLimitItemPerSecond(1, 10)
    assert sliding.hit(item, "ana") and not sliding.hit(item, "ana")
    sliding.clear(item, "ana")
    assert sliding.hit(item, "ana")
    storage.incr("k", 10)
    MovingWindowRateLimiter(storage).hit(item, "ben")
    assert storage.reset() == 3
    assert (storage.counters, storage.windows, storage.deadlines) == ({}, {}, [])
    assert storage.check()


def test_past_max_keys_the_soonest_to_expire_goes_first(storage, clock):
    storage.max_keys = 4
    storage.incr("day", 86400)
    storage.incr("minute", 60)
    storage.incr("back", 30)
    storage.clear("back")  # leaves a stale item on top of the heap...
    storage.incr("back", 7200)  # ...for a key that now lives two hours
    storage.incr("hour", 3600)
    assert storage.incr("new", 600) == 1  # one key too many: the minute counter goes
    assert sorted(storage.counters) == ["back", "day", "hour", "new"]
    MovingWindowRateLimiter(storage).hit(RateLimitItemPerSecond(1, 10), "ana")
    assert sorted(storage.counters) == ["back", "day", "hour"]  # "new" was due in 600 s
    assert len(storage.windows) == 1


def test_the_storage_starts_no_thread(clock):
    before = set(threading.enumerate())
    storage = LocalStorage()
    storage.clock = clock
    for strategy in STRATEGIES.values():
        limiter = strategy(storage)
        for n in range(200):
            limiter.hit(RateLimitItemPerSecond(5, 1), f"key-{n % 20}")
            clock.advance(0.01)
    assert set(threading.enumerate()) == before


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_threads_hitting_one_key_never_get_more_than_the_limit(strategy, storage):
    limiter = STRATEGIES[strategy](storage)
    item = RateLimitItemPerMinute(100)
    start = threading.Barrier(8)
    allowed = []

    def hit_many():
        start.wait(timeout=10)
        allowed.append(sum(limiter.hit(item, "crowd") for _ in range(50)))

    threads = [threading.Thread(target=hit_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(allowed) == 8
    assert sum(allowed) == 100  # the clock stands still: exactly the limit, never more


class Model:
    """What each strategy should answer, recomputed from every hit it allowed (brute force)."""

    def __init__(self, strategy):
        self.strategy = strategy
        self.allowed = defaultdict(list)  # (item, key) -> times of allowed hits
        self.fixed = {}  # (item, key) -> [window start, hits counted, allowed or not]

    def hit(self, item, key, now):
        expiry, limit = item.get_expiry(), item.amount
        if self.strategy == "fixed-window":
            window = self.fixed.get((item, key))
            if window is None or now >= window[0] + expiry:
                window = self.fixed[item, key] = [now, 0]
            window[1] += 1  # a fixed window counts refused hits too
            return window[1] <= limit
        times = self.allowed[item, key]
        if self.strategy == "moving-window":
            ok = sum(t > now - expiry for t in times) < limit
        else:
            current, previous = int(now / expiry), int((now - expiry) / expiry)
            count_current = sum(int(t / expiry) == current for t in times)
            count_previous = sum(int(t / expiry) == previous for t in times)
            # limits' weighting: the share of the previous window still in the sliding one.
            ttl = (1 - ((now - expiry) / expiry) % 1) * expiry if count_previous else 0.0
            ok = floor(count_previous * ttl / expiry + count_current) + 1 <= limit
        if ok:
            times.append(now)
        return ok

    def clear(self, item, key):
        self.allowed.pop((item, key), None)
        self.fixed.pop((item, key), None)


ITEMS = [RateLimitItemPerSecond(2, 3), RateLimitItemPerSecond(4, 7)]
operations = st.lists(
    st.one_of(
        st.tuples(st.just("wait"), st.integers(0, 5)),
        st.tuples(st.just("hit"), st.sampled_from("abc")),
        st.tuples(st.just("clear"), st.sampled_from("abc")),
    ),
    max_size=80,
)


@pytest.mark.parametrize("strategy", STRATEGIES)
@settings(max_examples=150, deadline=None, database=None)
@given(operations=operations)
def test_every_strategy_answers_like_a_brute_force_model(strategy, operations):
    storage, clock, model = LocalStorage(), Clock(START), Model(strategy)
    storage.clock = clock
    limiter = STRATEGIES[strategy](storage)
    for operation, argument in operations:
        if operation == "wait":
            clock.advance(argument)
        for item in ITEMS:
            if operation == "hit":
                assert limiter.hit(item, argument) == model.hit(item, argument, clock.now)
            elif operation == "clear":
                limiter.clear(item, argument)
                model.clear(item, argument)
    # Whatever the model has forgotten, the storage has forgotten too (after one more call).
    clock.advance(2 * max(item.get_expiry() for item in ITEMS))
    storage.get("unrelated")
    assert (storage.counters, storage.windows, storage.deadlines) == ({}, {}, [])
