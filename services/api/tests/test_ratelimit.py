"""Rate limits: N per period per key (per address without one), in memory or in Redis shared by
every process; standard headers on every counted response; 429 with Retry-After beyond it."""

import os
import sys
import threading
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from sqlalchemy.engine import Engine

from parallax.api import errors, ratelimit
from parallax.api.app import create_app
from parallax.api.auth import create_key
from parallax.api.ratelimit import (
    MemoryCounter,
    RateLimit,
    RedisCounter,
    parse_rate_limit,
    rate_limiter,
)
from parallax.shared.config import Settings
from parallax.shared.db import session_scope
from parallax.shared.errors import ConfigurationError
from parallax.shared.testing import require_service

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_url() -> str:
    """The Redis the tests use (PARALLAX_TEST_REDIS_URL); skips without one, fails in CI."""
    url = os.environ.get("PARALLAX_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        available = bool(client.ping())
    except redis.RedisError:
        available = False
    finally:
        client.close()
    require_service(available, "Redis (set PARALLAX_TEST_REDIS_URL)")
    return url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"parallax-test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def limited_app(*, rate: str = "3/minute", redis_url: str | None = None, prefix: str = "") -> Flask:
    """A bare application with the rate limiter alone (no keys: clients are told apart by address)."""
    app = Flask("ratelimit-test")
    app.extensions["parallax"] = {"settings": Settings(api_rate_limit=rate, redis_url=redis_url)}
    errors.init_app(app)
    ratelimit.init_app(app, key_prefix=prefix or ratelimit.DEFAULT_KEY_PREFIX)
    app.add_url_rule("/v1/ping", "ping", lambda: {"pong": True})
    return app


def api(engine: Engine, *, rate: str) -> Flask:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        api_keys_required=False,
        api_rate_limit=rate,
        auto_migrate=False,
    )
    return create_app(settings, engine=engine)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("120/minute", RateLimit(120, 60)),
        ("5/second", RateLimit(5, 1)),
        (" 1000 / Hour ", RateLimit(1000, 3600)),
    ],
)
def test_limits_are_read_as_n_per_second_minute_or_hour(text: str, limit: RateLimit) -> None:
    assert parse_rate_limit(text) == limit


@pytest.mark.parametrize("text", ["120", "120/day", "0/minute", "-1/minute", "1.5/second", "per minute", ""])
def test_a_malformed_limit_names_the_setting_and_the_format(text: str) -> None:
    with pytest.raises(ConfigurationError, match=r"PARALLAX_API_RATE_LIMIT=.*N/second, N/minute or N/hour"):
        parse_rate_limit(text)


def test_the_api_refuses_to_start_with_a_malformed_limit_or_redis_url(sqlite_engine: Engine) -> None:
    with pytest.raises(ConfigurationError, match="PARALLAX_API_RATE_LIMIT"):
        api(sqlite_engine, rate="lots")
    with pytest.raises(ConfigurationError, match="PARALLAX_REDIS_URL"):
        limited_app(redis_url="http://127.0.0.1:6379")


def test_memory_windows_count_then_reset_when_the_period_ends() -> None:
    now = [100.0]
    counter = MemoryCounter(clock=lambda: now[0])
    assert counter.hit("a", 60).count == 1
    now[0] += 20
    second = counter.hit("a", 60)
    assert second.count == 2
    assert second.reset_seconds == pytest.approx(40)
    assert counter.hit("b", 60).count == 1  # each client its own window
    now[0] += 40
    assert counter.hit("a", 60).count == 1  # a new window


def test_memory_windows_count_every_request_across_threads() -> None:
    counter = MemoryCounter()

    def hammer() -> None:
        for _ in range(2000):
            counter.hit("busy", 3600)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so that a race shows
    try:
        threads = [threading.Thread(target=hammer) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert counter.hit("busy", 3600).count == 8 * 2000 + 1


def test_over_the_limit_is_a_429_with_retry_after_and_every_response_says_what_is_left(
    engine: Engine,
) -> None:
    client = api(engine, rate="3/minute").test_client()
    remaining = []
    for _ in range(3):
        response = client.get("/v1/nowhere")  # counted like any request, even a 404
        assert response.headers["RateLimit-Limit"] == "3"
        assert response.headers["RateLimit-Policy"] == "3;w=60"
        assert 1 <= int(response.headers["RateLimit-Reset"]) <= 60
        remaining.append(response.headers["RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    refused = client.get("/v1/nowhere")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert "Retry-After" in refused.get_json()["fix"]
    # Health checks are neither counted nor refused.
    health = client.get("/v1/health")
    assert health.status_code == 200
    assert "RateLimit-Limit" not in health.headers


def test_each_key_and_each_address_has_its_own_allowance(engine: Engine) -> None:
    client = api(engine, rate="2/minute").test_client()
    with session_scope(engine) as session:
        first, _ = create_key("first", ["read"], session=session)
        second, _ = create_key("second", ["read"], session=session)
    for _ in range(2):
        assert client.get("/v1/nowhere", headers={"X-API-Key": first}).status_code == 404
    assert client.get("/v1/nowhere", headers={"X-API-Key": first}).status_code == 429
    assert client.get("/v1/nowhere", headers={"X-API-Key": second}).status_code == 404
    assert client.get("/v1/nowhere").status_code == 404  # no key: the address's allowance
    other_address = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.get("/v1/nowhere", environ_base=other_address).status_code == 404


def test_the_api_counts_in_memory_without_redis_and_in_redis_with_it(sqlite_engine: Engine) -> None:
    assert isinstance(rate_limiter(api(sqlite_engine, rate="1/second")).counter, MemoryCounter)
    settings = Settings(
        database_url=sqlite_engine.url.render_as_string(hide_password=False),
        redis_url="redis://127.0.0.1:6379/0",
        auto_migrate=False,
    )
    assert isinstance(rate_limiter(create_app(settings, engine=sqlite_engine)).counter, RedisCounter)


def test_redis_windows_count_atomically_and_expire(redis_url: str, redis_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    counter = RedisCounter(client, prefix=redis_prefix)
    assert [counter.hit("a", 1).count for _ in range(3)] == [1, 2, 3]
    assert counter.hit("b", 1).count == 1
    ttl = client.pttl(redis_prefix + "a")
    assert 0 < ttl <= 1000  # the window's end is set once, by its first request
    client.pexpire(redis_prefix + "a", 1)  # let the window end now rather than wait for it
    threading.Event().wait(0.01)
    fresh = counter.hit("a", 1)
    assert fresh.count == 1
    assert 0 < fresh.reset_seconds <= 1
    client.close()


def test_every_api_process_shares_the_counts_in_redis(redis_url: str, redis_prefix: str) -> None:
    one = limited_app(rate="3/minute", redis_url=redis_url, prefix=redis_prefix).test_client()
    other = limited_app(rate="3/minute", redis_url=redis_url, prefix=redis_prefix).test_client()
    assert one.get("/v1/ping").headers["RateLimit-Remaining"] == "2"
    assert other.get("/v1/ping").headers["RateLimit-Remaining"] == "1"
    assert one.get("/v1/ping").status_code == 200
    refused = other.get("/v1/ping")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) <= 60


def test_a_redis_that_does_not_answer_leaves_the_api_answering_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = limited_app(rate="1/minute", redis_url="redis://127.0.0.1:1/0").test_client()
    for _ in range(3):
        response = client.get("/v1/ping")
        assert response.status_code == 200
        assert "RateLimit-Limit" not in response.headers
    warnings = [r for r in caplog.records if "rate limits are off" in r.getMessage()]
    assert len(warnings) == 1  # once, not once per request
    assert "PARALLAX_REDIS_URL" in warnings[0].getMessage()
