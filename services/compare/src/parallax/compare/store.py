"""Comparing stored events: read an event's articles and annotations, compare, store the report.

A comparison is recomputed only when what it reads changed: the event's members, their texts
or their annotations (the membership key), or the comparison itself (`COMPARISON_VERSION`).
Writing is idempotent: the event's one row is replaced in one transaction, so comparing an
event twice, or from two workers at once, leaves one current row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from parallax.compare.article import Article, ComparisonInputError
from parallax.compare.comparison import COMPARISON_VERSION, compare_event, membership_key
from parallax.shared.db import storage_errors
from parallax.shared.models import utc_now

logger = logging.getLogger(__name__)


@dataclass
class CompareReport:
    """What a run of `compare_stored` did, by event id."""

    compared: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Articles of an event that could not be compared (no annotation, say), with the reason:
    # the event is compared without them, and the report names them.
    left_out: dict[str, dict[str, str]] = field(default_factory=dict)


def compare_stored(event_ids: Sequence[str] | None, *, engine: Engine, force: bool = False) -> CompareReport:
    """Compare stored events (all open events with members when `event_ids` is None).

    An event whose stored comparison is current (same membership key and version) is left
    alone unless `force`.
    """
    report = CompareReport()
    with storage_errors("reading the events to compare"), engine.connect() as connection:
        wanted = list(event_ids) if event_ids is not None else _events_with_members(connection)
        known = _existing_events(connection, wanted)
    report.missing = [event_id for event_id in wanted if event_id not in known]
    for event_id in wanted:
        if event_id in known:
            _compare_one(engine, event_id, report, force)
    return report


def stored_comparison(event_id: str, *, engine: Engine) -> dict[str, Any] | None:
    """The stored report of an event, or None when it has not been compared."""
    table = _table("event_comparison")
    with storage_errors("reading a comparison"), engine.connect() as connection:
        row = connection.execute(sa.select(table.c.data).where(table.c.event_id == event_id)).first()
    return dict(row.data) if row is not None else None


def _compare_one(engine: Engine, event_id: str, report: CompareReport, force: bool) -> None:
    with storage_errors(f"reading event {event_id}"), engine.connect() as connection:
        articles, left_out = _event_articles(connection, event_id)
        stored = _stored_key(connection, event_id)
    key = membership_key(articles)
    if not force and stored == (COMPARISON_VERSION, key):
        report.up_to_date.append(event_id)
        return
    comparison = compare_event(event_id, articles)
    data = comparison.to_json()
    data["left_out"] = [{"article": article_id, "reason": reason} for article_id, reason in left_out.items()]
    with storage_errors(f"storing the comparison of event {event_id}"), engine.begin() as connection:
        _write(connection, event_id, key, len(articles), data)
    report.compared.append(event_id)
    if left_out:
        report.left_out[event_id] = left_out
        logger.warning("event %s compared without %d article(s): %s", event_id, len(left_out), left_out)


def _event_articles(connection: Connection, event_id: str) -> tuple[list[Article], dict[str, str]]:
    """The event's members that can be compared, and the reason each other member cannot."""
    article = _table("article")
    membership = _table("event_membership")
    annotation = _table("article_annotation")
    outlet = _table("outlet")
    query = (
        sa.select(
            article.c.id,
            article.c.title,
            article.c.original_text,
            article.c.language,
            article.c.published_at,
            outlet.c.name.label("outlet"),
            annotation.c.data,
        )
        .join(membership, membership.c.article_id == article.c.id)
        .join(outlet, outlet.c.id == article.c.outlet_id)
        .outerjoin(annotation, annotation.c.article_id == article.c.id)
        .where(membership.c.event_id == event_id)
        .order_by(article.c.id)
    )
    articles: list[Article] = []
    left_out: dict[str, str] = {}
    for row in connection.execute(query):
        if row.data is None:
            left_out[str(row.id)] = "not annotated: run `parallax annotate` on the stored articles"
            continue
        record = {
            "id": str(row.id),
            "outlet": row.outlet,
            "title": row.title,
            "text": row.original_text,
            "language": row.language,
            "published": row.published_at,
        }
        # The stored annotation names the article by its row id.
        annotation_data = {**row.data, "id": str(row.id)}
        try:
            articles.append(Article.from_record(record, annotation_data))
        except ComparisonInputError as error:
            left_out[str(row.id)] = str(error)
    return articles, left_out


def _write(connection: Connection, event_id: str, key: str, count: int, data: dict[str, Any]) -> None:
    table = _table("event_comparison")
    connection.execute(sa.delete(table).where(table.c.event_id == event_id))
    connection.execute(
        sa.insert(table),
        {
            "event_id": event_id,
            "comparison_version": COMPARISON_VERSION,
            "membership_key": key,
            "article_count": count,
            "data": data,
            "created_at": utc_now(),
        },
    )


def _stored_key(connection: Connection, event_id: str) -> tuple[str, str] | None:
    table = _table("event_comparison")
    row = connection.execute(
        sa.select(table.c.comparison_version, table.c.membership_key).where(table.c.event_id == event_id)
    ).first()
    return (row.comparison_version, row.membership_key) if row is not None else None


def _events_with_members(connection: Connection) -> list[str]:
    membership = _table("event_membership")
    query = sa.select(membership.c.event_id).distinct().order_by(membership.c.event_id)
    return [row.event_id for row in connection.execute(query)]


def _existing_events(connection: Connection, event_ids: Sequence[str]) -> set[str]:
    event = _table("event")
    found: set[str] = set()
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        found.update(row.id for row in connection.execute(sa.select(event.c.id).where(event.c.id.in_(chunk))))
    return found


def _table(name: str) -> sa.Table:
    # The models are registered on SQLModel's metadata once parallax.shared.models is imported.
    import parallax.shared.models  # noqa: F401

    return SQLModel.metadata.tables[name]
