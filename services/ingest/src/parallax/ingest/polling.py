"""Scheduled feed polling: which feeds are due, and one poll of one feed.

The pure core of the feed schedule; Celery task shells call it. Beat asks `due_feeds` which
feeds to poll and hands each id to a task that calls `poll_feed`, which re-reads the feed.

A poll is conditional (the stored ETag and Last-Modified), so an unchanged feed costs one
304. When a server ignores validators, the store still recognises items stored by an
earlier poll (same outlet, headline and text) as duplicates, so polling twice stores nothing
twice. A poll that fails (network, HTTP error, a body that is not a feed) is recorded on the
feed and on its job, never raised: the feed then waits twice as long before each next poll,
up to `feed_max_backoff_seconds`, and is marked failing after `feed_failing_after` failures in
a row. Only a fault outside the feed (the database) is raised.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from parallax.ingest.fetch import FetchedDocument, Fetcher, FetchError, FetchPolicy
from parallax.ingest.readers.feeds import read_feed_bytes
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.ingest.run import IngestReport, store_drafts
from parallax.shared.config import Settings
from parallax.shared.db import storage_errors
from parallax.shared.jobs import close_job, open_job
from parallax.shared.models import Feed, FeedStatus, Outlet, SourceKind, utc_now

logger = logging.getLogger(__name__)

PollStatus = Literal["polled", "not_modified", "failed", "skipped"]
"""What a poll came to: items read and stored, feed unchanged (304), failed, or not attempted."""

JOB_KIND: Final = "poll_feed"
"""The `kind` of the job row each poll records."""

FEED_ACCEPT: Final = (
    "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1"
)
"""The `Accept` header of a feed request: a site that negotiates content then sends the feed, not a page."""

# Ends every failure message: what happens next, and what a person may do.
_RETRY_NOTE: Final = (
    "It is polled again, less often after each failure; pause the feed if it is gone for good"
)
# The longest validators the feed table holds (its column sizes). A cut validator would never
# match again, so a longer one is not stored and the next poll is simply unconditional.
_LONGEST_ETAG: Final = 500
_LONGEST_LAST_MODIFIED: Final = 100


class FeedSchedule(Protocol):
    """What scheduling reads of a feed (a `Feed` row has it all)."""

    @property
    def status(self) -> str: ...
    @property
    def poll_interval_seconds(self) -> int: ...
    @property
    def last_polled_at(self) -> dt.datetime | None: ...
    @property
    def consecutive_failures(self) -> int: ...
    @property
    def created_at(self) -> dt.datetime: ...


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of one feed did, and when the feed is next due (None: paused or gone)."""

    feed_id: int
    status: PollStatus
    article_ids: list[int] = field(default_factory=list)
    """Articles this poll stored (not the duplicates and revisions of earlier ones)."""
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    """Why the poll failed or was skipped, and what to do about it."""
    job_id: int | None = None
    next_poll_at: dt.datetime | None = None


@dataclass(frozen=True)
class _Failure:
    """A poll that failed because of the feed: what went wrong (and what to do), whether it may pass."""

    message: str
    reason: str
    transient: bool


@dataclass(frozen=True)
class _FeedRead:
    """The feed's response, and its items (None when the feed answered 304 Not Modified)."""

    document: FetchedDocument
    items: list[Draft | Refusal] | None


def next_poll_at(feed: FeedSchedule, settings: Settings) -> dt.datetime | None:
    """When `feed` is next due: None while it is paused; when it was registered if it was never
    polled (that is, due now); else its last poll plus its interval, doubled for each failure in
    a row, at most `feed_max_backoff_seconds`."""
    if feed.status == FeedStatus.PAUSED:
        return None
    if feed.last_polled_at is None:
        return feed.created_at
    interval = feed.poll_interval_seconds
    # Backoff lengthens the wait of a failing feed; it must never shorten the feed's own
    # interval (a daily feed under a cap of one hour stays daily).
    longest = max(settings.feed_max_backoff_seconds, interval)
    wait = min(interval * 2**feed.consecutive_failures, longest)
    return feed.last_polled_at + dt.timedelta(seconds=wait)


def due_feeds(engine: Engine, *, settings: Settings, now: dt.datetime | None = None) -> list[int]:
    """Ids of the active and failing feeds due at `now` (default: the current time), the one
    due the longest first."""
    now = now or utc_now()
    with Session(engine) as session:
        feeds = session.exec(
            select(Feed).where(col(Feed.status).in_([FeedStatus.ACTIVE.value, FeedStatus.FAILING.value]))
        ).all()
    # The backoff (a power of two, capped) is computed here rather than in SQL, the same way
    # on SQLite and PostgreSQL; feeds number in the thousands at most.
    due = [
        (at, feed.id)
        for feed in feeds
        if feed.id is not None and (at := next_poll_at(feed, settings)) is not None and at <= now
    ]
    return [feed_id for _, feed_id in sorted(due)]


def claim_due_feeds(engine: Engine, *, settings: Settings, now: dt.datetime | None = None) -> list[int]:
    """The due feeds (as `due_feeds`), each claimed for one poll: its `last_polled_at` moves to
    `now` when nobody moved it since it was read, so that a poll still running (or a second
    beat) does not make the same feed be sent twice. Ids of the feeds claimed."""
    now = now or utc_now()
    table = _feed_table()
    claimed = []
    with storage_errors("claiming the due feeds"):
        for feed_id in due_feeds(engine, settings=settings, now=now):
            with engine.begin() as connection:
                seen = connection.execute(
                    sa.select(table.c.last_polled_at).where(table.c.id == feed_id)
                ).scalar()
                unchanged = (
                    table.c.last_polled_at.is_(None) if seen is None else table.c.last_polled_at == seen
                )
                moved = connection.execute(
                    sa.update(table).where(table.c.id == feed_id, unchanged).values(last_polled_at=now)
                ).rowcount
            if moved:
                claimed.append(feed_id)
    return claimed


def poll_feed(
    feed_id: int,
    *,
    engine: Engine,
    settings: Settings,
    fetcher: Fetcher | None = None,
    now: dt.datetime | None = None,
    trigger: str = "schedule",
) -> PollOutcome:
    """Poll one feed once and store its new items; a failure is recorded and returned, not raised.

    Steps:
    1. re-read the feed; a missing or paused feed is skipped (no job, no request);
    2. open a `poll_feed` job (started by `trigger`);
    3. GET the feed with its stored ETag and Last-Modified; 304 means nothing to do;
    4. read its items, fetching each item's page (a body that is not a feed is a failure);
    5. store them under the job, the feed's outlet (if it has one) naming their outlet;
    6. save the feed's validators and state (failures counted, never un-pausing it);
    7. close the job: succeeded, or failed with the error.

    Raises only what is not the feed's fault (the database failing); the job is then closed
    as failed with that error before it goes on.
    """
    now = now or utc_now()
    # 1.
    feed = _load_feed(engine, feed_id)
    if feed is None:
        return PollOutcome(
            feed_id,
            "skipped",
            error=f"there is no feed {feed_id} (it may have been removed); take an id from the "
            "list of feeds, or register the feed again",
        )
    if feed.status == FeedStatus.PAUSED:
        return PollOutcome(
            feed_id, "skipped", error=f"feed {feed_id} is paused; resume it to have it polled again"
        )
    # 2.
    job_id = open_job(engine, JOB_KIND, sources=[feed.url], trigger=trigger)
    try:
        outcome = _poll(feed_id, feed, job_id, engine=engine, settings=settings, fetcher=fetcher, now=now)
    except BaseException as error:
        # 7. (a fault outside the feed)
        close_job(engine, job_id, counts={}, error=f"{type(error).__name__}: {error}")
        raise
    # 7.
    close_job(engine, job_id, counts=outcome.counts, error=outcome.error)
    return outcome


def _poll(
    feed_id: int,
    feed: Feed,
    job_id: int,
    *,
    engine: Engine,
    settings: Settings,
    fetcher: Fetcher | None,
    now: dt.datetime,
) -> PollOutcome:
    """Steps 3 to 6 of `poll_feed`."""
    # 3., 4.
    read = _read_feed(
        feed, settings=settings, fetcher=fetcher or Fetcher(FetchPolicy.from_settings(settings))
    )
    if isinstance(read, _Failure):
        # 6.
        saved = _save_failure(engine, feed_id, read.message, now=now, settings=settings)
        failures = saved.consecutive_failures if saved is not None else feed.consecutive_failures + 1
        return PollOutcome(
            feed_id,
            "failed",
            counts={"failures": failures, "reason": read.reason, "transient": read.transient},
            error=read.message,
            job_id=job_id,
            next_poll_at=next_poll_at(saved, settings) if saved is not None else None,
        )
    if read.items is None:
        # 6. A 304 need not repeat the validators; the stored ones still hold then.
        saved = _save_success(
            engine,
            feed_id,
            etag=read.document.etag or feed.etag,
            last_modified=read.document.last_modified or feed.last_modified,
            now=now,
        )
        return PollOutcome(
            feed_id,
            "not_modified",
            counts={"not_modified": 1},
            job_id=job_id,
            next_poll_at=next_poll_at(saved, settings) if saved is not None else None,
        )
    # 5.
    report = store_drafts(
        [read.items],
        IngestReport(run_id=job_id),
        engine=engine,
        settings=settings,
        outlet=_outlet_name(engine, feed.outlet_id),
    )
    # 6. A 200 without validators means the server stopped sending them: forget the old ones.
    saved = _save_success(
        engine, feed_id, etag=read.document.etag, last_modified=read.document.last_modified, now=now
    )
    return PollOutcome(
        feed_id,
        "polled",
        article_ids=list(report.article_ids),
        counts={"items": len(read.items), **report.counts()},
        job_id=job_id,
        next_poll_at=next_poll_at(saved, settings) if saved is not None else None,
    )


def _read_feed(feed: Feed, *, settings: Settings, fetcher: Fetcher) -> _FeedRead | _Failure:
    """Fetch the feed conditionally and read its items, or say why that failed (steps 3 and 4)."""
    try:
        document = fetcher.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT
        )
        if document.not_modified:
            return _FeedRead(document, None)
        # Read in full before anything is stored, so that whatever goes wrong while fetching and
        # parsing is the feed's failure (recorded, with backoff) and only storage faults are
        # raised. A feed holds tens of items, each page fetched within the fetch limits.
        items = list(
            read_feed_bytes(
                document.body,
                provenance=Provenance(source=feed.url, kind=SourceKind.FEED),
                settings=settings,
                fetcher=fetcher,
                base_url=document.final_url,
            )
        )
    except FetchError as error:
        return _Failure(
            f"the feed could not be fetched: {error.message}. {_RETRY_NOTE}",
            reason=error.reason.value,
            transient=error.transient,
        )
    except Exception as error:
        # Not the feed's fault as far as we know, but one feed must not stop the schedule: the
        # feed backs off like any failing one, and the traceback goes to the log for a fix.
        logger.exception("reading the feed %s failed unexpectedly", feed.url)
        return _Failure(
            f"reading the feed failed unexpectedly ({type(error).__name__}: {error}); this is "
            f"likely a fault in Parallax rather than in the feed: report it with the feed's "
            f"address. {_RETRY_NOTE}",
            reason="unexpected_error",
            transient=False,
        )
    if _is_not_a_feed(items):
        refusal = items[0]
        assert isinstance(refusal, Refusal)
        return _Failure(
            f"{feed.url} did not answer with a feed: {refusal.message}. {_RETRY_NOTE}",
            reason=refusal.reason.value,
            transient=False,
        )
    return _FeedRead(document, items)


def _is_not_a_feed(items: Sequence[Draft | Refusal]) -> bool:
    """Whether the reader refused the whole body (its single INVALID_FEED refusal)."""
    return len(items) == 1 and isinstance(items[0], Refusal) and items[0].reason is RefusalReason.INVALID_FEED


def _save_success(
    engine: Engine,
    feed_id: int,
    *,
    etag: str | None,
    last_modified: str | None,
    now: dt.datetime,
) -> Feed | None:
    """Record a poll that worked: new validators, failures forgotten; the saved feed (None if gone)."""
    table = _feed_table()
    values = {
        "etag": _fitting(etag, _LONGEST_ETAG),
        "last_modified": _fitting(last_modified, _LONGEST_LAST_MODIFIED),
        "last_polled_at": now,
        "consecutive_failures": 0,
        "last_error": None,
        "status": _unless_paused(table, FeedStatus.ACTIVE.value),
    }
    with engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id == feed_id).values(values))
    return _load_feed(engine, feed_id)


def _save_failure(
    engine: Engine, feed_id: int, message: str, *, now: dt.datetime, settings: Settings
) -> Feed | None:
    """Record a failed poll: one more failure in a row, failing after enough; the saved feed."""
    table = _feed_table()
    # Counted in the database, so that a pause or a resume made during the poll is kept.
    failures = table.c.consecutive_failures + 1
    failing_or_active = sa.case(
        (failures >= settings.feed_failing_after, FeedStatus.FAILING.value),
        else_=FeedStatus.ACTIVE.value,
    )
    values = {
        "consecutive_failures": failures,
        "last_error": message,
        "last_polled_at": now,
        "status": _unless_paused(table, failing_or_active),
    }
    with engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id == feed_id).values(values))
    return _load_feed(engine, feed_id)


def _unless_paused(table: sa.Table, status: Any) -> sa.Case[Any]:
    """`status`, except for a feed paused meanwhile: a poll never resumes a feed, people do."""
    return sa.case((table.c.status == FeedStatus.PAUSED.value, FeedStatus.PAUSED.value), else_=status)


def _fitting(value: str | None, longest: int) -> str | None:
    return value if value is not None and len(value) <= longest else None


def _load_feed(engine: Engine, feed_id: int) -> Feed | None:
    with Session(engine) as session:
        return session.get(Feed, feed_id)


def _outlet_name(engine: Engine, outlet_id: int | None) -> str | None:
    """The name of the outlet the feed was registered under (its items are stored under it)."""
    if outlet_id is None:
        return None
    with Session(engine) as session:
        outlet = session.get(Outlet, outlet_id)
    return outlet.name if outlet is not None else None


def _feed_table() -> sa.Table:
    return SQLModel.metadata.tables[str(Feed.__tablename__)]
