"""Settings, read from `PARALLAX_*` environment variables (and a `.env` file) when asked for.

Nothing is read at import: call `get_settings()`. Tests and commands that need other values
build `Settings(...)` themselves and pass it down.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob Parallax has; the defaults are the embedded set-up (no server needed)."""

    model_config = SettingsConfigDict(env_prefix="PARALLAX_", env_file=".env", extra="ignore")

    # Storage and messaging.
    database_url: str = Field(
        default="sqlite:///parallax.db",
        description="SQLAlchemy URL. Default: a SQLite file in the working directory. "
        "Production: postgresql+psycopg://user:password@host:5432/parallax.",
    )
    broker_url: str = Field(
        default="sqla+sqlite:///parallax-broker.db",
        description="Celery broker URL. Default: Celery's SQLAlchemy transport on a SQLite "
        "file (a real broker with no server). Production: redis://… or amqp://….",
    )
    auto_migrate: bool = Field(
        default=True,
        description="Bring the database schema up to date when a command opens it. Turn off "
        "in production and run `parallax db upgrade` as a deploy step.",
    )

    # Input limits.
    max_article_chars: int = Field(
        default=500_000, gt=0, description="Longest article text accepted, in characters."
    )
    min_article_chars: int = Field(
        default=40, gt=0, description="Shortest article body accepted after cleaning."
    )
    max_file_bytes: int = Field(default=50_000_000, gt=0, description="Largest input file read, in bytes.")
    max_rejected_payload_chars: int = Field(
        default=200_000,
        gt=0,
        description="How much of a refused input is kept in the rejected-input record.",
    )

    # Fetching URLs and feeds.
    fetch_timeout_seconds: float = Field(default=15.0, gt=0, description="Connect and read timeout.")
    fetch_max_bytes: int = Field(default=10_000_000, gt=0, description="Largest response body read.")
    fetch_max_redirects: int = Field(default=5, ge=0, description="Redirects followed per URL.")
    fetch_allow_private_addresses: bool = Field(
        default=False,
        description="Allow fetching loopback, private and link-local addresses. Off by default "
        "so that a deployment cannot be used to reach its own internal network.",
    )
    fetch_allowed_networks: list[str] = Field(
        default_factory=list,
        description="Private networks that may be fetched even when private addresses are not "
        'allowed, as a JSON list of CIDR blocks, e.g. ["10.20.0.0/16"] for an intranet feed server.',
    )
    fetch_ca_certs: str | None = Field(
        default=None,
        description="A PEM file of certificate authorities to trust for HTTPS instead of the "
        "default store (certifi), e.g. a newsroom's own CA.",
    )
    fetch_user_agent: str = Field(
        default="Parallax/0.1 (news framing comparison)",
        description="User-Agent sent with every request.",
    )

    # Ingest behaviour.
    near_duplicate_threshold: float = Field(
        default=0.95,
        gt=0,
        le=1,
        description="Similarity (0..1) above which a new text from the same outlet is stored "
        "as a revision of an existing article rather than as a new article.",
    )
    ingest_batch_size: int = Field(default=500, gt=0, description="Articles written per transaction.")
    ingest_workers: int = Field(
        default=0,
        ge=0,
        description="Processes that clean and analyse articles in parallel; 0 = one per CPU core.",
    )

    # --- API (issue 7) ---------------------------------------------------------------------
    api_cors_origins: list[str] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser (CORS); empty = none.",
    )
    api_max_request_bytes: int = Field(
        default=2_000_000, gt=0, description="Largest request body the API accepts, in bytes."
    )
    api_page_size: int = Field(
        default=50, gt=0, le=500, description="Items per page when a list asks none (at most 500)."
    )
    api_keys_required: bool = Field(
        default=True,
        description="Whether every request needs an API key (X-API-Key or Authorization: Bearer). "
        "Off, reads are open (a classroom on one machine) and writes still need a key.",
    )
    api_rate_limit: str = Field(
        default="120/minute",
        description="Requests per key (or per address without a key), e.g. '120/minute'.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for the API's rate limits (shared by every API process); unset = in memory.",
    )

    # Workers and schedules (Celery).
    task_max_retries: int = Field(
        default=8,
        ge=0,
        description="Retries of a task that met a transient error (backoff 1, 2, 4 … s, at most "
        "10 minutes apart) before the article is marked failed with the reason.",
    )
    task_max_attempts: int = Field(
        default=3,
        ge=1,
        description="Times a worker may take up one article's stage before it is quarantined "
        "(marked failed): an input that kills its worker is not redelivered for ever.",
    )
    broker_visibility_timeout_seconds: int = Field(
        default=3600,
        gt=0,
        description="Redis and SQS only: how long a message taken by a worker that then vanished "
        "waits before it is delivered again. Longer than the longest task.",
    )
    compare_debounce_seconds: float = Field(
        default=30.0,
        ge=0,
        description="Quiet time after an event's last new article before it is compared "
        "(a burst of arrivals makes one comparison, not one per article).",
    )
    reconcile_interval_seconds: float = Field(
        default=300.0, gt=0, description="How often the reconciler looks for work whose message was lost."
    )
    reconcile_grace_seconds: float = Field(
        default=600.0,
        ge=0,
        description="How long an article may wait at one stage (or an event past its due "
        "comparison) before the reconciler sends its work again.",
    )
    feed_check_seconds: float = Field(
        default=60.0, gt=0, description="How often beat looks for feeds due to be polled."
    )
    feed_max_backoff_seconds: int = Field(
        default=86_400,
        gt=0,
        description="Longest wait between two polls of a failing feed (its interval doubles "
        "with each consecutive failure up to this).",
    )
    feed_failing_after: int = Field(
        default=3, ge=1, description="Consecutive failures after which a feed is reported as failing."
    )
    merge_interval_seconds: float = Field(
        default=3600.0, gt=0, description="How often the event merge-and-split pass runs."
    )
    profiles_rebuild_hour: int = Field(
        default=3, ge=0, le=23, description="Hour (UTC) of the nightly rebuild of outlet profiles."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment. `get_settings.cache_clear()` re-reads."""
    return Settings()
