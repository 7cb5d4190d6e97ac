"""Storage: the SQLModel tables. The database is the source of truth for every stage.

Alembic migrations in `parallax/shared/migrations` create these tables; the same migrations
run on SQLite (the embedded default) and PostgreSQL (production).
"""

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored as UTC; SQLite (which drops the zone) reads back UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Parallax stores timezone-aware UTC times")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def utc_now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class Stage(enum.StrEnum):
    """How far an article has gone through the pipeline (stored as text)."""

    INGESTED = "ingested"
    ANNOTATED = "annotated"
    CLUSTERED = "clustered"
    COMPARED = "compared"


class Status(enum.StrEnum):
    """Whether the article's last stage succeeded; `failed` rows carry the reason."""

    OK = "ok"
    FAILED = "failed"


class EventStatus(enum.StrEnum):
    """Whether an event still holds articles, or was found to be part of another one."""

    OPEN = "open"
    MERGED = "merged"


class SourceKind(enum.StrEnum):
    """Where an input came from."""

    JSONL = "jsonl"
    TEXT = "text"
    HTML = "html"
    PDF = "pdf"
    URL = "url"
    FEED = "feed"
    API = "api"


class FeedStatus(enum.StrEnum):
    """A feed's polling state."""

    ACTIVE = "active"
    PAUSED = "paused"
    FAILING = "failing"


class Outlet(SQLModel, table=True):
    """A publisher: a newspaper, broadcaster, agency or site."""

    __tablename__ = "outlet"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    domain: str | None = Field(default=None, max_length=255)
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Feed(SQLModel, table=True):
    """An RSS or Atom feed polled for new articles."""

    __tablename__ = "feed"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2048, unique=True)
    outlet_id: int | None = Field(default=None, foreign_key="outlet.id")
    title: str | None = Field(default=None, max_length=500)
    status: str = Field(default=FeedStatus.ACTIVE, max_length=20)
    poll_interval_seconds: int = Field(default=900)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    last_polled_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    consecutive_failures: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Article(SQLModel, table=True):
    """One article: its original text, its clean text and the map between them, its metadata."""

    __tablename__ = "article"
    __table_args__ = (
        sa.UniqueConstraint("outlet_id", "content_hash", name="uq_article_outlet_content"),
        sa.Index("ix_article_outlet_external", "outlet_id", "external_id"),
        sa.Index("ix_article_outlet_url", "outlet_id", "url"),
        sa.Index("ix_article_content_hash", "content_hash"),
        sa.Index("ix_article_stage_status", "stage", "status"),
        sa.Index("ix_article_published", "published_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=500)
    outlet_id: int = Field(foreign_key="outlet.id")
    title: str | None = Field(default=None, sa_type=sa.Text)
    url: str | None = Field(default=None, max_length=2048)
    published_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    language: str | None = Field(default=None, max_length=8)
    language_confidence: float | None = Field(default=None)
    language_source: str | None = Field(default=None, max_length=20)
    original_text: str = Field(sa_type=sa.Text)
    clean_text: str = Field(sa_type=sa.Text)
    offset_map: list[int] = Field(sa_type=JSONType)
    title_span: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    dateline: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    extra: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    content_hash: str = Field(max_length=64, description="SHA-256 of the clean body.")
    version_hash: str = Field(max_length=64, description="SHA-256 of the headline and clean body.")
    copy_of_id: int | None = Field(default=None, foreign_key="article.id")
    source_kind: str = Field(max_length=20)
    source_uri: str | None = Field(default=None, sa_type=sa.Text)
    normalizer_version: str = Field(max_length=40)
    stage: str = Field(default=Stage.INGESTED, max_length=20)
    status: str = Field(default=Status.OK, max_length=20)
    status_reason: str | None = Field(default=None, sa_type=sa.Text)
    revision_count: int = Field(default=0)
    attempts: int = Field(
        default=0,
        sa_column_kwargs={"server_default": "0"},
        description="Times a worker took up the article's next stage (reset when a stage succeeds).",
    )
    ingest_run_id: int | None = Field(default=None, foreign_key="ingest_run.id")
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ArticleRevision(SQLModel, table=True):
    """A later version of an article (changed headline, corrected typo) from the same outlet."""

    __tablename__ = "article_revision"
    __table_args__ = (
        sa.UniqueConstraint("article_id", "version_hash", name="uq_revision_article_version"),
        sa.Index("ix_revision_content_hash", "content_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    revision: int
    title: str | None = Field(default=None, sa_type=sa.Text)
    url: str | None = Field(default=None, max_length=2048)
    published_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    original_text: str = Field(sa_type=sa.Text)
    clean_text: str = Field(sa_type=sa.Text)
    content_hash: str = Field(max_length=64)
    version_hash: str = Field(max_length=64)
    similarity: float
    source_kind: str = Field(max_length=20)
    source_uri: str | None = Field(default=None, sa_type=sa.Text)
    ingest_run_id: int | None = Field(default=None, foreign_key="ingest_run.id")
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class NearDuplicateKey(SQLModel, table=True):
    """MinHash band keys of an article's text, to find near-copies without scanning."""

    __tablename__ = "near_duplicate_key"
    # Looked up by key first (a handful of rows per key), then narrowed to the outlet.
    __table_args__ = (sa.Index("ix_near_duplicate_lookup", "band_key", "outlet_id"),)

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    band_key: int = Field(primary_key=True, sa_type=sa.BigInteger)
    outlet_id: int = Field(foreign_key="outlet.id")


class JobStatus(enum.StrEnum):
    """Where a job run is."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class IngestRun(SQLModel, table=True):
    """One job run: an ingest, a feed poll, a reconciliation … what was asked, what came of it.

    The table is named for the first kind of job it held; `kind` says which job a row is.
    """

    __tablename__ = "ingest_run"
    __table_args__ = (sa.Index("ix_ingest_run_kind", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="ingest", max_length=40, sa_column_kwargs={"server_default": "ingest"})
    trigger: str | None = Field(
        default=None, max_length=20, description="request, command, schedule or worker."
    )
    status: str = Field(
        default=JobStatus.RUNNING, max_length=20, sa_column_kwargs={"server_default": "succeeded"}
    )
    sources: list[str] = Field(default_factory=list, sa_type=JSONType)
    started_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    error: str | None = Field(default=None, sa_type=sa.Text)


class RejectedInput(SQLModel, table=True):
    """An input that was refused: what came in, from where, and why."""

    __tablename__ = "rejected_input"
    __table_args__ = (
        sa.Index("ix_rejected_reason", "reason"),
        sa.Index("ix_rejected_run", "ingest_run_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_type=sa.Text, description="File path or URL.")
    location: str | None = Field(default=None, max_length=100, description="Line, item or page.")
    source_kind: str = Field(max_length=20)
    reason: str = Field(max_length=40, description="A stable code, e.g. invalid_json.")
    message: str = Field(sa_type=sa.Text, description="What was wrong and how to fix it.")
    payload: str | None = Field(default=None, sa_type=sa.Text, description="The input, as received.")
    payload_truncated: bool = Field(default=False)
    ingest_run_id: int | None = Field(default=None, foreign_key="ingest_run.id")
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ArticleAnnotation(SQLModel, table=True):
    """The annotate service's analysis of an article, with the versions that produced it.

    One row per article; it is replaced when the annotator's versions change, and only then.
    """

    __tablename__ = "article_annotation"

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    version_key: str = Field(max_length=400, description="Versions of annotator, model, actors, lexicon.")
    language: str = Field(max_length=8)
    analysis: str = Field(max_length=10, description="full (spaCy model) or light (tokenizer and lemmas).")
    data: dict[str, Any] = Field(sa_type=JSONType, description="The annotation document.")
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ArticleActor(SQLModel, table=True):
    """Which canonical actors an article names, and how often: the index that clustering blocks on."""

    __tablename__ = "article_actor"
    __table_args__ = (sa.Index("ix_article_actor_actor", "actor_id"),)

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    actor_id: str = Field(max_length=200, primary_key=True)
    actor_type: str = Field(max_length=20)
    mentions: int
    in_title: bool = Field(default=False)
    confidence: float


class Event(SQLModel, table=True):
    """An event: the articles of every outlet and language that report the same thing.

    Its id is the one the cluster service's pool gave it ("e000042"). The other fields sum up
    its current members and are rewritten whenever they change. A merged event stays, empty,
    with `merged_into` naming the event that took its articles; an event split off another
    names it in `split_from`.
    """

    __tablename__ = "event"
    # The listing: open events, most recently reported first.
    __table_args__ = (
        sa.Index("ix_event_status_last", "status", "last_published"),
        sa.Index("ix_event_compare_due_at", "compare_due_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    title: str = Field(default="", sa_type=sa.Text, description="A representative headline.")
    first_published: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_published: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    outlets: list[str] = Field(default_factory=list, sa_type=JSONType, description="Outlet names.")
    languages: list[str] = Field(default_factory=list, sa_type=JSONType)
    article_count: int = Field(default=0)
    status: str = Field(default=EventStatus.OPEN, max_length=20)
    merged_into: str | None = Field(default=None, foreign_key="event.id", max_length=40)
    split_from: str | None = Field(default=None, foreign_key="event.id", max_length=40)
    algorithm_version: str = Field(max_length=40, description="The clustering that last shaped it.")
    model_version: str = Field(max_length=80, description="The join model that last shaped it.")
    compare_due_at: dt.datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="When the comparison is next due; each arrival pushes it back (debounce).",
    )
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class EventMembership(SQLModel, table=True):
    """Which event an article is in now, and how it got there. One row per article.

    `sequence` is the order of assignment: the cluster service rebuilds its pool by replaying
    the memberships in that order. A merge or a split moves the row to another event and
    keeps the rest (the score and versions of the decision that first placed the article).
    """

    __tablename__ = "event_membership"
    __table_args__ = (sa.UniqueConstraint("sequence", name="uq_event_membership_sequence"),)

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    event_id: str = Field(foreign_key="event.id", max_length=40, index=True)
    score: float = Field(description="The join probability (1.0 for the article that started the event).")
    started: bool = Field(description="Whether the article started a new event when it was assigned.")
    sequence: int = Field(sa_type=sa.BigInteger)
    algorithm_version: str = Field(max_length=40)
    model_version: str = Field(max_length=80)
    assigned_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ClusterState(SQLModel, table=True):
    """How far the stored events have changed: one row, written with every change to them.

    A cluster worker keeps its pool in memory and compares it with this row, under the writer
    lock, before each change: new assignments since (`last_sequence`) are replayed onto it; a
    merge or split since (`reshaped`) makes it rebuild the pool from the memberships.
    """

    __tablename__ = "cluster_state"

    id: int = Field(default=1, primary_key=True)
    last_sequence: int = Field(default=0, sa_type=sa.BigInteger)
    reshaped: int = Field(default=0)
    updated_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class OutletProfile(SQLModel, table=True):
    """An outlet's profile across events and its blind spots, as last rebuilt (nightly)."""

    __tablename__ = "outlet_profile"

    outlet_id: int = Field(foreign_key="outlet.id", primary_key=True)
    data: dict[str, Any] = Field(
        sa_type=JSONType, description="The document /v1/outlets/{id}/profile serves."
    )
    computed_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class EventComparison(SQLModel, table=True):
    """The compare service's measurements of one event, and what they were computed from.

    One row per event, replaced when the event's membership (its articles, their texts and
    the versions of their annotations: `membership_key`) or the comparison's version changes,
    and only then.
    """

    __tablename__ = "event_comparison"

    event_id: str = Field(foreign_key="event.id", primary_key=True, max_length=40)
    comparison_version: str = Field(max_length=40, description="The comparison that made the data.")
    membership_key: str = Field(max_length=64, description="SHA-256 of the members, texts and annotations.")
    article_count: int
    data: dict[str, Any] = Field(sa_type=JSONType, description="The measurements with their evidence.")
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ApiKey(SQLModel, table=True):
    """A key to the API: a SHA-256 of the key (never the key itself), a short prefix that
    recognises it in lists and logs, its scopes and its dates. Revoked keys stay, for the record."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, description="Who or what holds it, e.g. 'ci-bot'.")
    prefix: str = Field(max_length=16, description="The key's first characters (not secret).")
    key_hash: str = Field(max_length=64, unique=True, description="SHA-256 of the key, hexadecimal.")
    scopes: list[str] = Field(sa_type=JSONType, description="Any of read, write, admin.")
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_used_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
