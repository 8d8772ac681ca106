"""Keep rate limit counters in this process, expiring them without a sweep thread."""

import heapq
import threading
import time
from collections import deque
from math import floor

from limits.storage import Storage
from limits.storage.base import (
    MovingWindowSupport,
    SlidingWindowCounterSupport,
    TimestampedSlidingWindow,
)

# A bound on memory when a flood of distinct addresses arrives: about 340 bytes a key (measured
# with tracemalloc, 64-character keys), so ~170 MB a process at most. Past it the key that would
# expire soonest goes first: that only ever lets one signer through early (never refuses anyone),
# and of all keys it is the one whose loss lets anyone through least early.
MAX_KEYS = 500_000


class LocalStorage(
    Storage, MovingWindowSupport, SlidingWindowCounterSupport, TimestampedSlidingWindow
):
    """Count in a dict, with every deadline in a heap: expiry costs O(log n) a key, no thread."""

    # Registered with limits when the class is created, so importing this module is enough.
    STORAGE_SCHEME = ["local"]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        """Start empty; `clock` and `max_keys` are attributes so tests can change them."""
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.clock = time.time
        self.max_keys = MAX_KEYS
        # One lock for all: gthread workers share the storage between threads, and a hit is
        # a few dict operations, too short for finer locks to pay.
        self.lock = threading.Lock()
        self.counters = {}  # key -> [count, expires_at]: fixed and sliding window counters
        self.windows = {}  # key -> [expires_at, queued_at, deque of hit times, oldest first]
        # (deadline, key) items, soonest first. A counter pushes one each time its deadline is
        # set; a moving window keeps exactly one (at queued_at) and moves it on when it comes
        # up early. Items left by a cleared or re-created key are stale: popping one checks the
        # entry's own deadline, so it never deletes a live entry.
        self.deadlines = []

    @property
    def base_exceptions(self):
        """Return what this storage can raise (nothing remote: a plain ValueError at most)."""
        return ValueError

    def _settle(self, deadline, key, cutoff):
        """Drop key's entries due by cutoff, for the heap item (deadline, key) just popped."""
        counter = self.counters.get(key)
        if counter is not None and counter[1] <= cutoff:
            del self.counters[key]
        window = self.windows.get(key)
        if window is not None and window[1] == deadline:  # its own item, not a stale one
            if window[0] <= cutoff:
                del self.windows[key]
            else:  # hits came since it was queued: wait for the newest to expire
                window[1] = window[0]
                heapq.heappush(self.deadlines, (window[0], key))

    def _expire(self, now):
        """Drop every entry whose deadline has passed: only the heap's top is looked at."""
        deadlines = self.deadlines
        while deadlines and deadlines[0][0] <= now:
            deadline, key = heapq.heappop(deadlines)
            self._settle(deadline, key, now)

    def _make_room(self):
        """Drop the entries that would expire soonest until a new key fits under max_keys."""
        deadlines = self.deadlines
        while deadlines and len(self.counters) + len(self.windows) >= self.max_keys:
            deadline, key = heapq.heappop(deadlines)
            self._settle(deadline, key, deadline)

    def _incr(self, key, expiry, amount, now):
        """Add amount to key's counter, starting it (and its deadline) if it is new."""
        counter = self.counters.get(key)
        if counter is None:
            self._make_room()
            counter = self.counters[key] = [0, 0.0]
        counter[0] += amount
        if counter[0] == amount:  # new, or back from zero: its window starts now (as in limits)
            counter[1] = now + expiry
            heapq.heappush(self.deadlines, (counter[1], key))
        return counter[0]

    def _count(self, key):
        """Return key's live count (call after _expire)."""
        counter = self.counters.get(key)
        return counter[0] if counter is not None else 0

    def incr(self, key, expiry, amount=1):
        """Add amount to key's counter, which expires expiry seconds after it started."""
        with self.lock:
            now = self.clock()
            self._expire(now)
            return self._incr(key, expiry, amount, now)

    def decr(self, key, amount=1):
        """Take amount from key's counter, never below zero."""
        with self.lock:
            self._expire(self.clock())
            counter = self.counters.get(key)
            if counter is None:
                return 0
            counter[0] = max(counter[0] - amount, 0)
            return counter[0]

    def get(self, key):
        """Return key's count, 0 once it has expired."""
        with self.lock:
            self._expire(self.clock())
            return self._count(key)

    def get_expiry(self, key):
        """Return when key's counter expires (now if there is none)."""
        with self.lock:
            now = self.clock()
            self._expire(now)
            counter = self.counters.get(key)
            return counter[1] if counter is not None else now

    def check(self):
        """Say the storage is healthy: it lives in this process."""
        return True

    def reset(self):
        """Forget every limit; return how many keys there were."""
        with self.lock:
            count = len(self.counters) + len(self.windows)
            self.counters.clear()
            self.windows.clear()
            self.deadlines.clear()
            return count

    def clear(self, key):
        """Forget key's counter and moving window (their heap items go stale)."""
        with self.lock:
            self.counters.pop(key, None)
            self.windows.pop(key, None)

    def _sliding_window(self, key, expiry, now):
        """Return (previous count, previous ttl, current count, current ttl), as limits does."""
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        previous_count = self._count(previous_key)
        current_count = self._count(current_key)
        # The share of the previous window still inside the sliding one, in seconds.
        previous_ttl = 0.0 if previous_count == 0 else (1 - ((now - expiry) / expiry) % 1) * expiry
        current_ttl = (1 - (now / expiry) % 1) * expiry + expiry
        return previous_count, previous_ttl, current_count, current_ttl

    def acquire_sliding_window_entry(self, key, limit, expiry, amount=1):
        """Count a hit if the weighted count stays within limit; check and count are one step."""
        if amount > limit:
            return False
        with self.lock:
            now = self.clock()
            self._expire(now)
            previous_count, previous_ttl, current_count, _ = self._sliding_window(key, expiry, now)
            if floor(previous_count * previous_ttl / expiry + current_count) + amount > limit:
                return False
            # Twice the window: the current window is still needed while it is the previous one.
            self._incr(self.sliding_window_keys(key, expiry, now)[1], 2 * expiry, amount, now)
            return True

    def get_sliding_window(self, key, expiry):
        """Return (previous count, previous ttl, current count, current ttl) for key."""
        with self.lock:
            now = self.clock()
            self._expire(now)
            return self._sliding_window(key, expiry, now)

    def clear_sliding_window(self, key, expiry):
        """Forget key's current and previous sliding windows."""
        with self.lock:
            for window_key in self.sliding_window_keys(key, expiry, self.clock()):
                self.counters.pop(window_key, None)

    def _hits(self, key, expiry, now):
        """Return key's deque of hit times within the last expiry seconds, or None."""
        window = self.windows.get(key)
        if window is None:
            return None
        hits, start = window[2], now - expiry
        while hits and hits[0] <= start:  # each hit is dropped once: O(1) amortized
            hits.popleft()
        return hits

    def acquire_entry(self, key, limit, expiry, amount=1):
        """Record amount hits now if no more than limit fall within the last expiry seconds."""
        if amount > limit:
            return False
        with self.lock:
            now = self.clock()
            self._expire(now)
            hits = self._hits(key, expiry, now)
            if hits is None:
                self._make_room()
                hits = deque()
                self.windows[key] = [now + expiry, now + expiry, hits]
                heapq.heappush(self.deadlines, (now + expiry, key))
            if len(hits) + amount > limit:
                return False
            hits.extend([now] * amount)
            # The heap item stays where it is; when it comes up, _settle moves it to this one.
            self.windows[key][0] = now + expiry
            return True

    def get_moving_window(self, key, limit, expiry):
        """Return (time of the oldest hit in the window, hits in the window), or (now, 0)."""
        with self.lock:
            now = self.clock()
            self._expire(now)
            hits = self._hits(key, expiry, now)
            if not hits:
                return now, 0
            return hits[0], len(hits)
