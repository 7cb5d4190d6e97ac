"""Small in-process caches for the API's hot reads, each bounded and thread-safe.

Scores are a pure function of a stored comparison and weights, so they are kept under a key
that names the comparison's identity (its version, membership key and time): a recomputed
comparison is a new key, never a stale answer. Authenticated keys are kept for a few seconds,
so a busy client does not cost a database lookup per request (a revoked key keeps working for
at most that long: `KEY_TTL`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final, Generic, TypeVar

V = TypeVar("V")

# How long an authenticated key is trusted without asking the database again.
KEY_TTL: Final = 10.0


class BoundedCache(Generic[V]):
    """A least-recently-used map of at most `size` entries, each kept at most `ttl` seconds
    (None: until evicted)."""

    def __init__(
        self, size: int, ttl: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._size = size
        self._ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value under `key` if present and fresh."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            stored_at, value = found
            if self._ttl is not None and self._clock() - stored_at > self._ttl:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        """Keep `value` under `key`, evicting the least recently used entry when full."""
        with self._lock:
            self._entries[key] = (self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (a key revoked here, say)."""
        with self._lock:
            self._entries.clear()
