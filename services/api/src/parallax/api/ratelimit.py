"""Rate limits: at most N requests a second, minute or hour per API key (per client address
for requests without one), from `api_rate_limit` ("120/minute").

Counting is by fixed window: a client's window opens with its first request and lasts the
period; the count resets when it ends. Of the usual schemes it is the one Redis does in one
atomic step (INCR, and PEXPIRE on the first hit) with one small key per client, and its reset
time is exact, which is what RateLimit-Reset and Retry-After report. Its known weakness, a
burst of up to 2N across the end of one window and the start of the next, is acceptable for
a limit that shares the API fairly rather than meters it; a sliding log would cost a sorted
set per client and a token bucket a read-modify-write script for little practical gain here.
Windows open at each client's first request rather than on the clock's minute, so no two
servers need agree on the time: Redis's expiry is the only clock.

Counts live in Redis when `redis_url` is set (shared by every API process and machine), in
memory otherwise (per process: with several gunicorn workers, each counts on its own).
When Redis cannot be reached the API keeps answering, unlimited, and says so in its log:
an outage of the counter should not become an outage of the API.

Every counted response carries RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (seconds)
and RateLimit-Policy (`N;w=SECONDS`); a request over the limit is answered 429 with
Retry-After. Not counted: the endpoints open to anyone (`auth.OPEN_ENDPOINTS`, health checks)
and requests refused for a bad key before they reach the limiter (see docs/api.md).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

from flask import current_app, g, request

from parallax.api.app import app_settings
from parallax.api.auth import OPEN_ENDPOINTS, request_identity
from parallax.api.errors import ProblemError
from parallax.shared.errors import ConfigurationError

if TYPE_CHECKING:
    import redis
    from flask import Flask, Response

logger = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX: Final = "parallax:ratelimit:"
PERIODS: Final = {"second": 1, "minute": 60, "hour": 3600}
_RATE: Final = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour)\s*", re.IGNORECASE)
_COUNT = "parallax_rate_count"
_EXTENSION = "rate_limiter"
# A dead Redis must not hold every request for long: fail fast, then answer unlimited.
_REDIS_TIMEOUT_SECONDS: Final = 0.5
_OUTAGE_LOG_INTERVAL: Final = 60.0


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` requests per `period` seconds."""

    limit: int
    period: int

    @property
    def policy(self) -> str:
        """The limit as a RateLimit-Policy header value: `120;w=60`."""
        return f"{self.limit};w={self.period}"


def parse_rate_limit(text: str) -> RateLimit:
    """The limit that `text` ("120/minute") says; a ConfigurationError naming the setting otherwise."""
    match = _RATE.fullmatch(text)
    if match is None or int(match[1]) == 0:
        raise ConfigurationError(
            f"PARALLAX_API_RATE_LIMIT={text!r} is not a rate limit: write N/second, N/minute or "
            "N/hour with N a whole number above 0, e.g. PARALLAX_API_RATE_LIMIT=120/minute"
        )
    return RateLimit(int(match[1]), PERIODS[match[2].lower()])


@dataclass(frozen=True, slots=True)
class WindowCount:
    """A client's window after one more request: requests counted (this one included) and
    seconds until the window ends."""

    count: int
    reset_seconds: float


class WindowCounter(Protocol):
    """Counts requests per client in fixed windows."""

    def hit(self, client: str, period: int) -> WindowCount:
        """Count one request of `client` in its current window of `period` seconds."""
        ...


class MemoryCounter:
    """Windows in this process's memory, safe across its threads."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        self._prune_above = 10_000

    def hit(self, client: str, period: int) -> WindowCount:
        """Count one request of `client` in its current window of `period` seconds."""
        with self._lock:
            now = self._clock()
            start, count = self._windows.get(client, (now, 0))
            if now - start >= period:
                start, count = now, 0
            self._windows[client] = (start, count + 1)
            if len(self._windows) > self._prune_above:
                self._forget_ended(now, period)
            return WindowCount(count + 1, period - (now - start))  # exact at the window's start

    def _forget_ended(self, now: float, period: int) -> None:
        # Clients that came once and left would otherwise stay forever; pruning only when the
        # table has doubled keeps the cost per request constant on average.
        self._windows = {c: w for c, w in self._windows.items() if now - w[0] < period}
        self._prune_above = max(10_000, 2 * len(self._windows))


# KEYS[1]: the client's window; ARGV[1]: the period in milliseconds. A key without an expiry
# (first hit, or one left by an interrupted writer) gets one, so no window lasts forever.
_HIT_SCRIPT: Final = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


class RedisCounter:
    """Windows in Redis, shared by every process that uses the same Redis and key prefix."""

    def __init__(self, client: redis.Redis, *, prefix: str = DEFAULT_KEY_PREFIX) -> None:
        self.prefix = prefix
        self._hit = client.register_script(_HIT_SCRIPT)

    def hit(self, client: str, period: int) -> WindowCount:
        """Count one request of `client` in its current window of `period` seconds (one atomic script)."""
        count, ttl_ms = self._hit(keys=[self.prefix + client], args=[period * 1000])
        return WindowCount(int(count), int(ttl_ms) / 1000)


def redis_client(url: str) -> redis.Redis:
    """A Redis client for `url` (no connection is made yet); a ConfigurationError if it is not one."""
    import redis

    try:
        return redis.Redis.from_url(
            url, socket_connect_timeout=_REDIS_TIMEOUT_SECONDS, socket_timeout=_REDIS_TIMEOUT_SECONDS
        )
    except ValueError as error:
        raise ConfigurationError(
            f"PARALLAX_REDIS_URL is not a Redis URL ({error}): write redis://host:6379/0 "
            "(rediss:// for TLS), or leave it unset to count in memory"
        ) from error


class RateLimiter:
    """One limit, applied through one counter; answers None when the counter is unavailable."""

    def __init__(self, rate: RateLimit, counter: WindowCounter) -> None:
        self.rate = rate
        self.counter = counter
        self._outage_logged_at = -math.inf

    def hit(self, client: str) -> WindowCount | None:
        """Count one request of `client`, or None (unlimited) when the counter cannot be reached."""
        import redis

        try:
            return self.counter.hit(client, self.rate.period)
        except redis.RedisError as error:
            now = time.monotonic()
            if now - self._outage_logged_at >= _OUTAGE_LOG_INTERVAL:
                self._outage_logged_at = now
                logger.warning(
                    "rate limits are off: Redis does not answer (%s); check PARALLAX_REDIS_URL", error
                )
            return None


def init_app(app: Flask, *, key_prefix: str = DEFAULT_KEY_PREFIX) -> None:
    """Limit the requests of `app` per key or client address, as its settings say.

    Raises ConfigurationError at once for a malformed `api_rate_limit` or `redis_url`.
    `key_prefix` namespaces the Redis keys (deployments or tests that share a Redis).
    """
    settings = app_settings(app)
    rate = parse_rate_limit(settings.api_rate_limit)
    counter: WindowCounter = (
        RedisCounter(redis_client(settings.redis_url), prefix=key_prefix)
        if settings.redis_url
        else MemoryCounter()
    )
    app.extensions["parallax"][_EXTENSION] = RateLimiter(rate, counter)
    app.before_request(_count_request)
    app.after_request(_add_headers)


def rate_limiter(app: Flask) -> RateLimiter:
    """The application's rate limiter."""
    limiter: RateLimiter = app.extensions["parallax"][_EXTENSION]
    return limiter


def _count_request() -> None:
    if request.endpoint in OPEN_ENDPOINTS:
        return
    limiter, client = rate_limiter(current_app), _client()
    window = limiter.hit(client)
    if window is None:
        return
    setattr(g, _COUNT, window)
    if window.count > limiter.rate.limit:
        raise ProblemError(
            429,
            "Too Many Requests",
            f"More than {limiter.rate.limit} requests in {limiter.rate.period} s from this "
            f"{'key' if client.startswith('key:') else 'address'}.",
            fix=f"Wait {_seconds(window.reset_seconds)} s (Retry-After) and send fewer requests; "
            "RateLimit-Remaining says how many are left.",
            headers={"Retry-After": str(_seconds(window.reset_seconds))},
        )


def _client() -> str:
    identity = request_identity()
    if identity is not None and identity.key_id is not None:
        return f"key:{identity.key_id}"
    return f"address:{request.remote_addr or 'unknown'}"


def _add_headers(response: Response) -> Response:
    window: WindowCount | None = g.get(_COUNT)
    if window is None:
        return response
    rate = rate_limiter(current_app).rate
    response.headers["RateLimit-Limit"] = str(rate.limit)
    response.headers["RateLimit-Remaining"] = str(max(0, rate.limit - window.count))
    response.headers["RateLimit-Reset"] = str(_seconds(window.reset_seconds))
    response.headers["RateLimit-Policy"] = rate.policy
    return response


def _seconds(value: float) -> int:
    """Whole seconds, rounded up (a client that waits that long finds the window over)."""
    return max(1, math.ceil(value))
