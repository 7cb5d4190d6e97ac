"""The API's bounded caches: least recently used out first, entries expire after their time."""

from parallax.api.caching import BoundedCache


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: BoundedCache[int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_entries_expire_after_their_time() -> None:
    now = [100.0]
    cache: BoundedCache[str] = BoundedCache(10, ttl=10.0, clock=lambda: now[0])
    cache.put("key", "identity")
    now[0] = 109.0
    assert cache.get("key") == "identity"
    now[0] = 110.5
    assert cache.get("key") is None
    cache.put("key", "again")
    cache.clear()
    assert cache.get("key") is None
