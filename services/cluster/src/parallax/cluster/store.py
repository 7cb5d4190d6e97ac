"""Clustering stored articles: this process's event pool, kept in step with the database.

The pool (`parallax.cluster.pool`) lives in memory in the process that assigns. The database
holds what it decided: one membership row per article (its event, the join probability, the
order of assignment) and one row per event summing up its members. Every change to them (an
assignment, a merge, a split) is made by one writer at a time, under a database lock
(PostgreSQL: a transaction-level advisory lock; SQLite: its write lock, taken up front with
`BEGIN IMMEDIATE`). Holding the lock, the writer first brings its pool up to date with the
store — it replays the assignments other processes stored since, or rebuilds the pool after a
merge or a split — then decides, then writes, then lets go. So two workers given two articles
about one new event cannot start two events, and event ids never collide
(`docs/decisions/0009-event-storage-and-single-writer.md`).

Writing is idempotent: an article that has a membership is not assigned again.
"""

from __future__ import annotations

import datetime as dt
import logging
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, col, select

from parallax.cluster.features import ArticleFeatures, features_from_annotation
from parallax.cluster.pool import (
    ALGORITHM_VERSION,
    LARGEST_SPLIT,
    Assignment,
    EventPool,
    Merge,
    Split,
    stream_order,
)
from parallax.shared.db import storage_errors
from parallax.shared.errors import PermanentError
from parallax.shared.models import (
    Article,
    Event,
    EventMembership,
    EventStatus,
    Outlet,
    Stage,
    Status,
    utc_now,
)

logger = logging.getLogger(__name__)

_READ_BATCH: Final = 200
# The PostgreSQL advisory lock of the event writer: the letters "pxevents" read as a number.
_WRITER_LOCK: Final = int.from_bytes(b"pxevents", "big")
_STATE_ROW: Final = 1


class EventRequestError(PermanentError):
    """An operator's request the stored events cannot carry out; the message says why."""


@dataclass
class ClusterReport:
    """What a run of `cluster_stored` did."""

    clustered: int = 0
    started: int = 0  # of the clustered, how many started a new event
    already_clustered: int = 0
    not_ready: list[int] = field(default_factory=list)  # not annotated, or failed at a stage
    failed: dict[int, str] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    events: set[str] = field(default_factory=set)  # the events that took articles


# --- assignment ---------------------------------------------------------------------------------


def cluster_stored(
    article_ids: Sequence[int] | None,
    *,
    engine: Engine,
    progress: Callable[[int], None] | None = None,
) -> ClusterReport:
    """Put the given stored articles (None: every annotated article not yet in one) in their events.

    Steps:
    1. read the articles with their annotations, a page at a time, setting apart those already
       in an event, not annotated (or failed) and unknown;
    2. read each one's features from its annotation; one that cannot be read is marked failed;
    3. holding the writer lock: bring the pool up to date, assign the page in order of
       publication, write the memberships and the events, move the articles to `clustered`.
    """
    report = ClusterReport()
    with storage_errors("clustering"):
        # 1.
        for page in _pending_pages(engine, article_ids, report):
            # 2.
            features, failures = _features_of(page)
            if failures:
                _mark_failed(engine, failures)
                report.failed.update(failures)
            # 3.
            if features:
                _assign(engine, features, report)
            if progress is not None:
                progress(len(page))
    return report


def _pending_pages(
    engine: Engine, article_ids: Sequence[int] | None, report: ClusterReport
) -> Iterator[list[Any]]:
    """Pages of annotated articles not yet in an event (with explicit ids, the others are
    counted in the report)."""
    article, annotation, membership = (
        _table("article"),
        _table("article_annotation"),
        _table("event_membership"),
    )
    query = (
        _features_query()
        .add_columns(article.c.stage, article.c.status, membership.c.event_id)
        .outerjoin(membership, membership.c.article_id == article.c.id)
    )
    ready = sa.and_(
        annotation.c.data.is_not(None),
        article.c.stage == Stage.ANNOTATED.value,
        article.c.status == Status.OK.value,
    )
    if article_ids is not None:
        wanted = sorted(set(article_ids))
        for start in range(0, len(wanted), _READ_BATCH):
            chunk = wanted[start : start + _READ_BATCH]
            with engine.connect() as connection:
                rows = connection.execute(query.where(article.c.id.in_(chunk)).order_by(article.c.id)).all()
            report.missing.extend(sorted(set(chunk) - {row.id for row in rows}))
            report.already_clustered += sum(row.event_id is not None for row in rows)
            waiting = [row for row in rows if row.event_id is None]
            report.not_ready.extend(row.id for row in waiting if not _is_ready(row))
            yield [row for row in waiting if _is_ready(row)]
        return
    last_id = 0
    while True:
        page_query = query.where(ready, membership.c.event_id.is_(None), article.c.id > last_id)
        with engine.connect() as connection:
            rows = connection.execute(page_query.order_by(article.c.id).limit(_READ_BATCH)).all()
        if not rows:
            return
        last_id = rows[-1].id
        yield list(rows)


def _is_ready(row: Any) -> bool:
    return bool(row.data is not None and row.stage == Stage.ANNOTATED and row.status == Status.OK)


def _features_of(rows: Sequence[Any]) -> tuple[list[ArticleFeatures], dict[int, str]]:
    """The features of each article; the reason for each that cannot be read."""
    features, failures = [], {}
    for row in rows:
        try:
            features.append(features_from_annotation(_article_record(row), row.data))
        except Exception as error:
            # One malformed annotation must not sink the page: record it and go on.
            failures[row.id] = f"{type(error).__name__}: {error}"
    return features, failures


def _assign(engine: Engine, features: list[ArticleFeatures], report: ClusterReport) -> None:
    """Assign one page of articles, in order of publication, and store the outcome."""
    with _writing(engine) as (connection, live):
        # Another worker may have placed some of them since they were read.
        fresh = [item for item in features if item.id not in live.pool.event_of]
        assignments = [live.pool.assign(item) for item in stream_order(fresh)]
        if assignments:
            _store_assignments(connection, live, assignments)
    report.already_clustered += len(features) - len(fresh)
    report.clustered += len(assignments)
    report.started += sum(a.started for a in assignments)
    report.events.update(a.event_id for a in assignments)


def _store_assignments(connection: Connection, live: _LivePool, assignments: Sequence[Assignment]) -> None:
    now = utc_now()
    # The new events first: memberships point at them.
    _create_events(connection, live.pool, [a.event_id for a in assignments if a.started], now)
    connection.execute(
        sa.insert(_table("event_membership")),
        [
            {
                "article_id": int(a.article_id),
                "event_id": a.event_id,
                "score": a.score,
                "started": a.started,
                "sequence": live.sequence + number,
                "algorithm_version": a.version,
                "model_version": live.pool.model.version,
                "assigned_at": now,
            }
            for number, a in enumerate(assignments, start=1)
        ],
    )
    _move_to_clustered(connection, [int(a.article_id) for a in assignments], now)
    _refresh_events(connection, live.pool, {a.event_id for a in assignments}, now)
    live.sequence += len(assignments)
    _save_state(connection, live, now)


def _move_to_clustered(connection: Connection, article_ids: list[int], now: dt.datetime) -> None:
    article = _table("article")
    connection.execute(
        sa.update(article)
        .where(article.c.id.in_(article_ids))
        .values(
            # A later stage stays where it is.
            stage=sa.case(
                (article.c.stage == Stage.ANNOTATED.value, Stage.CLUSTERED.value), else_=article.c.stage
            ),
            status=Status.OK.value,
            status_reason=None,
            updated_at=now,
        )
    )


def _mark_failed(engine: Engine, failures: Mapping[int, str]) -> None:
    article = _table("article")
    with engine.begin() as connection:
        for article_id, reason in failures.items():
            connection.execute(
                sa.update(article)
                .where(article.c.id == article_id)
                .values(
                    status=Status.FAILED.value,
                    status_reason=f"cluster: {reason}"[:2000],
                    updated_at=utc_now(),
                )
            )


# --- maintenance --------------------------------------------------------------------------------


def merge_stored(*, engine: Engine) -> list[Merge]:
    """Merge the stored events that turn out to be one, and say which merged.

    Steps:
    1. holding the writer lock, bring the pool up to date and run its merge pass;
    2. move the absorbed events' articles to the events that kept them, mark the absorbed
       events `merged` (naming their keeper) and sum up the keepers again.
    """
    with storage_errors("merging"), _writing(engine) as (connection, live):
        # 1.
        merges = live.pool.merge_pass()
        # 2.
        if merges:
            _store_merges(connection, live, merges)
    return merges


def _store_merges(connection: Connection, live: _LivePool, merges: Sequence[Merge]) -> None:
    now = utc_now()
    membership, event = _table("event_membership"), _table("event")
    # In the pass's order: an event that kept another may itself be absorbed later in the pass.
    for merge in merges:
        connection.execute(
            sa.update(membership)
            .where(membership.c.article_id.in_([int(member) for member in merge.moved]))
            .values(event_id=merge.kept)
        )
        connection.execute(
            sa.update(event)
            .where(event.c.id == merge.absorbed)
            .values(
                status=EventStatus.MERGED.value,
                merged_into=merge.kept,
                article_count=0,
                outlets=[],
                languages=[],
                updated_at=now,
            )
        )
    absorbed = {merge.absorbed for merge in merges}
    _refresh_events(connection, live.pool, {merge.kept for merge in merges} - absorbed, now)
    live.reshaped += 1
    _save_state(connection, live, now)


def split_pass_stored(*, engine: Engine) -> list[Split]:
    """Split the stored events that turn out to be two, and say which split.

    Steps:
    1. holding the writer lock, bring the pool up to date and read the members of the open
       events the split pass looks at (2 to `LARGEST_SPLIT` articles);
    2. run the pass; store each split as an operator's is stored (the new event names the
       one it left in `split_from`), in the pass's order.
    """
    with storage_errors("splitting"), _writing(engine) as (connection, live):
        # 1.
        looked_at = [
            int(member)
            for event in live.pool.events.values()
            if 2 <= len(event.members) <= LARGEST_SPLIT
            for member in event.members
        ]
        features = _stored_features(connection, looked_at) if looked_at else {}
        # 2.
        splits = live.pool.split_pass(features)
        if splits:
            _store_split_pass(connection, live, splits)
    return splits


def _store_split_pass(connection: Connection, live: _LivePool, splits: Sequence[Split]) -> None:
    now = utc_now()
    membership = _table("event_membership")
    for split in splits:
        _create_events(connection, live.pool, [split.into], now, split_from=split.event)
        connection.execute(
            sa.update(membership)
            .where(membership.c.article_id.in_([int(member) for member in split.moved]))
            .values(event_id=split.into)
        )
    touched = {split.event for split in splits} | {split.into for split in splits}
    _refresh_events(connection, live.pool, touched, now)
    live.reshaped += 1
    _save_state(connection, live, now)


def split_stored(event_id: str, groups: Sequence[Sequence[int]], *, engine: Engine) -> list[str]:
    """Divide a stored event an operator found to be several: one group of article ids per event.

    The first group keeps the event's id; each other group becomes a new event that names it
    in `split_from`. Every article of the event must be in exactly one group. Returns the
    events' ids in the order of the groups.
    """
    with storage_errors("splitting"), _writing(engine) as (connection, live):
        members = _open_event_members(connection, event_id)
        _check_groups(event_id, members, groups)
        features = _stored_features(connection, members)
        ids = live.pool.split(event_id, [[features[str(member)] for member in group] for group in groups])
        _store_split(connection, live, event_id, groups, ids)
    return ids


def _store_split(
    connection: Connection, live: _LivePool, event_id: str, groups: Sequence[Sequence[int]], ids: list[str]
) -> None:
    now = utc_now()
    _create_events(connection, live.pool, ids[1:], now, split_from=event_id)
    membership = _table("event_membership")
    for group, group_event in zip(groups, ids, strict=True):
        connection.execute(
            sa.update(membership).where(membership.c.article_id.in_(list(group))).values(event_id=group_event)
        )
    _refresh_events(connection, live.pool, set(ids), now)
    live.reshaped += 1
    _save_state(connection, live, now)


def _open_event_members(connection: Connection, event_id: str) -> list[int]:
    event, membership = _table("event"), _table("event_membership")
    found = connection.execute(
        sa.select(event.c.status, event.c.merged_into).where(event.c.id == event_id)
    ).first()
    if found is None:
        raise EventRequestError(f"there is no event {event_id!r}; list them with: parallax events list")
    if found.status == EventStatus.MERGED:
        raise EventRequestError(
            f"event {event_id} was merged into {found.merged_into}; split {found.merged_into} instead"
        )
    query = sa.select(membership.c.article_id).where(membership.c.event_id == event_id)
    return sorted(connection.execute(query).scalars())


def _check_groups(event_id: str, members: Sequence[int], groups: Sequence[Sequence[int]]) -> None:
    given = [article_id for group in groups for article_id in group]
    problems = []
    if len(groups) < 2 or not all(groups):
        problems.append("give two or more groups, none empty")
    if missing := sorted(set(members) - set(given)):
        problems.append(f"put articles {_ids(missing)} in a group too")
    if strangers := sorted(set(given) - set(members)):
        problems.append(f"articles {_ids(strangers)} are not in it")
    if twice := sorted(article_id for article_id, count in Counter(given).items() if count > 1):
        problems.append(f"articles {_ids(twice)} are in more than one group")
    if problems:
        raise EventRequestError(
            f"cannot split event {event_id} (articles {_ids(members)}): " + "; ".join(problems)
        )


def _ids(numbers: Sequence[int]) -> str:
    return ", ".join(map(str, numbers))


# --- the events' rows ---------------------------------------------------------------------------


def _create_events(
    connection: Connection,
    pool: EventPool,
    event_ids: Sequence[str],
    now: dt.datetime,
    *,
    split_from: str | None = None,
) -> None:
    """Insert new events (their summaries follow, once their memberships are written)."""
    if not event_ids:
        return
    connection.execute(
        sa.insert(_table("event")),
        [
            {
                "id": event_id,
                "title": "",
                "outlets": [],
                "languages": [],
                "article_count": 0,
                "status": EventStatus.OPEN.value,
                "split_from": split_from,
                "algorithm_version": ALGORITHM_VERSION,
                "model_version": pool.model.version,
                "created_at": now,
                "updated_at": now,
            }
            for event_id in event_ids
        ],
    )


def _refresh_events(
    connection: Connection, pool: EventPool, event_ids: Collection[str], now: dt.datetime
) -> None:
    """Sum up events again from their stored members: outlets, languages, dates, count; the
    representative headline from the pool."""
    if not event_ids:
        return
    membership, article, outlet, event = (
        _table("event_membership"),
        _table("article"),
        _table("outlet"),
        _table("event"),
    )
    rows = connection.execute(
        sa.select(membership.c.event_id, outlet.c.name, article.c.language, article.c.published_at)
        .join(article, article.c.id == membership.c.article_id)
        .join(outlet, outlet.c.id == article.c.outlet_id)
        .where(membership.c.event_id.in_(sorted(event_ids)))
    ).all()
    for event_id in sorted(event_ids):
        members = [row for row in rows if row.event_id == event_id]
        dates = [row.published_at for row in members if row.published_at is not None]
        held = pool.events.get(event_id) or pool.closed.get(event_id)
        connection.execute(
            sa.update(event)
            .where(event.c.id == event_id)
            .values(
                title=held.title if held is not None else "",
                first_published=min(dates, default=None),
                last_published=max(dates, default=None),
                outlets=sorted({row.name for row in members}),
                languages=sorted({row.language for row in members if row.language}),
                article_count=len(members),
                status=EventStatus.OPEN.value,
                merged_into=None,
                algorithm_version=ALGORITHM_VERSION,
                model_version=pool.model.version,
                updated_at=now,
            )
        )


# --- the pool of this process, and the writer lock ----------------------------------------------


@dataclass
class _LivePool:
    """A process's pool and how far into the store it is: the last assignment it holds
    (`sequence`) and the count of merges and splits it reflects (`reshaped`)."""

    pool: EventPool
    sequence: int = 0
    reshaped: int = 0


# One pool per engine (per database, per process); empty until the first assignment.
_live_pools: weakref.WeakKeyDictionary[Engine, _LivePool] = weakref.WeakKeyDictionary()


@contextmanager
def _writing(engine: Engine) -> Iterator[tuple[Connection, _LivePool]]:
    """A transaction holding the writer lock, with this process's pool brought up to date.

    A process without a pool builds it before taking the lock: reading every membership is
    the long part, and other writers need not wait for it; what they store meanwhile is
    replayed under the lock. When the block fails, the store did not take what the pool
    decided in it: the pool is dropped and rebuilt on next use.
    """
    try:
        if engine not in _live_pools:
            with engine.connect() as connection:
                _live_pools[engine] = _rebuilt_pool(connection)
        with _writer_lock(engine) as connection:
            yield connection, _pool_in_step(connection, engine)
    except BaseException:
        _live_pools.pop(engine, None)
        raise


@contextmanager
def _writer_lock(engine: Engine) -> Iterator[Connection]:
    """A transaction that only one process at a time holds, until it commits or rolls back."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            with connection.begin():
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_WRITER_LOCK)))
                yield connection
            return
        # SQLite: a plain BEGIN takes the write lock only at the first write, after the reads
        # the decision rests on; BEGIN IMMEDIATE takes it first (waiting out the busy timeout).
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")


def _pool_in_step(connection: Connection, engine: Engine) -> _LivePool:
    """This process's pool, with what other processes stored since replayed onto it (rebuilt
    after a merge or a split)."""
    last_sequence, reshaped = _locked_state(connection)
    live = _live_pools.get(engine)
    if live is None or live.reshaped != reshaped or live.sequence > last_sequence:
        live = _live_pools[engine] = _rebuilt_pool(connection)
    elif live.sequence < last_sequence:
        _replay(connection, live)
    return live


def _rebuilt_pool(connection: Connection) -> _LivePool:
    """A pool rebuilt from every stored membership, in order of assignment."""
    # The state first: a merge or split stored while the memberships are read changes it,
    # and the pool is rebuilt again under the lock.
    state = _stored_state(connection)
    live = _LivePool(EventPool(), reshaped=state[1] if state is not None else 0)
    _replay(connection, live)
    _reserve_highest_event_id(connection, live.pool)
    return live


def _replay(connection: Connection, live: _LivePool) -> None:
    """Restore the stored memberships after the pool's last one, in order of assignment."""
    membership = _table("event_membership")
    query = (
        _features_query()
        .add_columns(membership.c.event_id, membership.c.score, membership.c.sequence)
        .join(membership, membership.c.article_id == _table("article").c.id)
        .order_by(membership.c.sequence)
        .limit(_READ_BATCH)
    )
    while True:
        rows = connection.execute(query.where(membership.c.sequence > live.sequence)).all()
        if not rows:
            return
        for row in rows:
            live.pool.restore(_features_or_bare(row), row.event_id, row.score)
        live.sequence = rows[-1].sequence


def _reserve_highest_event_id(connection: Connection, pool: EventPool) -> None:
    """Make sure the pool never hands out a stored event's id again: restoring advances the
    pool's id counter past the events that hold articles, but an event merged away holds none."""
    event = _table("event")
    newest = connection.execute(
        sa.select(event.c.id).order_by(sa.func.length(event.c.id).desc(), event.c.id.desc()).limit(1)
    ).scalar()
    if newest is not None:
        pool.reserve(newest)


def _stored_state(connection: Connection) -> tuple[int, int] | None:
    """The stored (last sequence, reshaped) counts, or None before the first assignment."""
    state = _table("cluster_state")
    row = connection.execute(
        sa.select(state.c.last_sequence, state.c.reshaped).where(state.c.id == _STATE_ROW)
    ).first()
    return None if row is None else (int(row.last_sequence), int(row.reshaped))


def _locked_state(connection: Connection) -> tuple[int, int]:
    """The stored counts, the row made when missing (only a lock holder may make it)."""
    found = _stored_state(connection)
    if found is not None:
        return found
    membership = _table("event_membership")
    last = connection.execute(sa.select(sa.func.coalesce(sa.func.max(membership.c.sequence), 0))).scalar_one()
    connection.execute(
        sa.insert(_table("cluster_state")),
        {"id": _STATE_ROW, "last_sequence": last, "reshaped": 0, "updated_at": utc_now()},
    )
    return int(last), 0


def _save_state(connection: Connection, live: _LivePool, now: dt.datetime) -> None:
    state = _table("cluster_state")
    connection.execute(
        sa.update(state)
        .where(state.c.id == _STATE_ROW)
        .values(last_sequence=live.sequence, reshaped=live.reshaped, updated_at=now)
    )


# --- features of stored articles ----------------------------------------------------------------


def _features_query() -> sa.Select[Any]:
    """Articles with what their features are read from: outlet, headline, date, annotation."""
    article, outlet, annotation = _table("article"), _table("outlet"), _table("article_annotation")
    return (
        sa.select(
            article.c.id,
            article.c.title,
            article.c.published_at,
            article.c.language,
            outlet.c.name.label("outlet"),
            annotation.c.data,
        )
        .join(outlet, outlet.c.id == article.c.outlet_id)
        .outerjoin(annotation, annotation.c.article_id == article.c.id)
    )


def _stored_features(connection: Connection, article_ids: Sequence[int]) -> dict[str, ArticleFeatures]:
    article = _table("article")
    rows = connection.execute(_features_query().where(article.c.id.in_(article_ids))).all()
    return {str(row.id): _features_or_bare(row) for row in rows}


def _article_record(row: Any) -> dict[str, Any]:
    """The article as `features_from_annotation` reads it."""
    return {
        "id": str(row.id),
        "outlet": row.outlet,
        "title": row.title,
        "published": row.published_at.isoformat() if row.published_at else None,
        "language": row.language,
    }


def _features_or_bare(row: Any) -> ArticleFeatures:
    """An assigned article's features; when its annotation is gone or unreadable now, its
    outlet, headline and date alone, so that it stays in its event."""
    try:
        return features_from_annotation(_article_record(row), row.data or {})
    except Exception as error:
        logger.warning("article %s: annotation unreadable (%s); restored from its metadata", row.id, error)
        return features_from_annotation(_article_record(row), {"tokens": []})


# --- reading the stored events ------------------------------------------------------------------


def list_events(
    *, session: Session, status: str | None = EventStatus.OPEN, limit: int = 50
) -> Sequence[Event]:
    """Stored events, the most recently reported first (undated ones last); all when `status` is None."""
    query = select(Event)
    if status is not None:
        query = query.where(Event.status == status)
    query = query.order_by(
        col(Event.last_published).is_(None), col(Event.last_published).desc(), col(Event.id).desc()
    )
    return session.exec(query.limit(limit)).all()


def get_event(event_id: str, *, session: Session) -> Event | None:
    """One stored event, or None."""
    return session.get(Event, event_id)


def event_articles(event_id: str, *, session: Session) -> Sequence[tuple[EventMembership, Article, str]]:
    """An event's articles with their memberships and outlet names, in the order they were assigned."""
    query = (
        select(EventMembership, Article, Outlet.name)
        .join(Article, col(Article.id) == col(EventMembership.article_id))
        .join(Outlet, col(Outlet.id) == col(Article.outlet_id))
        .where(EventMembership.event_id == event_id)
        .order_by(col(EventMembership.sequence))
    )
    return session.exec(query).all()


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]
