"""Annotating stored articles: read them, annotate what is missing or out of date, write back.

An article is parsed once: its annotation row records the versions of the annotator, the
spaCy model, the actor file and the lexicon that made it, and the article is annotated again
only when one of those changes (or when asked to with `force`). Writing is idempotent: the
annotation and the article's actor index are replaced in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from parallax.annotate.annotate import ArticleInput, annotate_many, annotator_versions, headline_in_text
from parallax.annotate.annotation import Annotation
from parallax.shared.db import storage_errors
from parallax.shared.models import Stage, Status, utc_now
from parallax.shared.offsets import OffsetMap

logger = logging.getLogger(__name__)

_READ_BATCH = 200


@dataclass
class AnnotateReport:
    """What a run of `annotate_stored` did."""

    annotated: int = 0
    up_to_date: int = 0
    failed: dict[int, str] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)


def annotate_stored(
    article_ids: Sequence[int] | None,
    *,
    engine: Engine,
    force: bool = False,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
) -> AnnotateReport:
    """Annotate the given stored articles (None: every article not yet annotated at the current versions).

    Steps:
    1. read the articles in pages, skipping those whose annotation is current (unless `force`);
    2. annotate them in batches (one spaCy pass per language);
    3. write each annotation and its actor index, and move the article to the `annotated` stage.
    """
    report = AnnotateReport()
    with storage_errors("annotating"):
        for page in _pages(engine, article_ids, report):
            # 1.
            todo = [row for row in page if force or not _is_current(row)]
            report.up_to_date += len(page) - len(todo)
            # 2. and 3.
            _annotate_page(engine, todo, report, batch_size)
            if progress is not None:
                progress(len(page))
    return report


def _annotate_page(engine: Engine, rows: list[Any], report: AnnotateReport, batch_size: int) -> None:
    inputs = [_article_input(row) for row in rows]
    try:
        annotations = list(annotate_many(inputs, batch_size=batch_size))
    except Exception:
        # One article that breaks the parser must not sink the others: retry one by one.
        logger.exception("batch annotation failed; annotating one article at a time")
        annotations = []
        for article in inputs:
            try:
                annotations.extend(annotate_many([article]))
            except Exception as error:
                report.failed[int(article.id)] = f"{type(error).__name__}: {error}"
    with engine.begin() as connection:
        for annotation in annotations:
            _write(connection, int(annotation.id), annotation)
            report.annotated += 1
        for article_id, reason in report.failed.items():
            _mark_failed(connection, article_id, reason)


def _pages(engine: Engine, article_ids: Sequence[int] | None, report: AnnotateReport) -> Iterator[list[Any]]:
    article = _table("article")
    annotation = _table("article_annotation")
    columns = (
        article.c.id,
        article.c.original_text,
        article.c.clean_text,
        article.c.offset_map,
        article.c.title,
        article.c.title_span,
        article.c.language,
        article.c.published_at,
        annotation.c.version_key,
    )
    base = (
        sa.select(*columns)
        .outerjoin(annotation, annotation.c.article_id == article.c.id)
        .order_by(article.c.id)
    )
    if article_ids is not None:
        wanted = sorted(set(article_ids))
        for start in range(0, len(wanted), _READ_BATCH):
            chunk = wanted[start : start + _READ_BATCH]
            with engine.connect() as connection:
                rows = connection.execute(base.where(article.c.id.in_(chunk))).all()
            report.missing.extend(sorted(set(chunk) - {row.id for row in rows}))
            yield list(rows)
        return
    last_id = 0
    while True:
        with engine.connect() as connection:
            rows = connection.execute(base.where(article.c.id > last_id).limit(_READ_BATCH)).all()
        if not rows:
            return
        last_id = rows[-1].id
        yield list(rows)


def _is_current(row: Any) -> bool:
    return row.version_key is not None and row.version_key == annotator_versions(row.language).key()


def _article_input(row: Any) -> ArticleInput:
    title, title_map = headline_in_text(row.original_text, row.title_span, row.title)
    return ArticleInput(
        id=str(row.id),
        text=row.original_text,
        clean_text=row.clean_text,
        offset_map=OffsetMap.from_json(row.offset_map),
        language=row.language,
        title=title,
        published=row.published_at.date() if row.published_at else None,
        title_map=title_map,
    )


def _write(connection: Connection, article_id: int, annotation: Annotation) -> None:
    """Replace the article's annotation and actor index, and move it to the annotated stage."""
    annotations = _table("article_annotation")
    actors = _table("article_actor")
    article = _table("article")
    connection.execute(sa.delete(annotations).where(annotations.c.article_id == article_id))
    connection.execute(sa.delete(actors).where(actors.c.article_id == article_id))
    connection.execute(
        sa.insert(annotations),
        {
            "article_id": article_id,
            "version_key": annotation.versions.key(),
            "language": annotation.language,
            "analysis": annotation.analysis,
            "data": annotation.model_dump(mode="json"),
            "created_at": utc_now(),
        },
    )
    actor_rows = [
        {
            "article_id": article_id,
            "actor_id": actor.id,
            "actor_type": actor.type,
            "mentions": len(actor.mentions),
            "in_title": any(m.field == "title" for m in actor.mentions),
            "confidence": max(m.confidence for m in actor.mentions),
        }
        for actor in annotation.actors
    ]
    if actor_rows:
        connection.execute(sa.insert(actors), actor_rows)
    connection.execute(
        sa.update(article)
        .where(article.c.id == article_id)
        .values(
            # Later stages stay where they are: re-annotation does not undo them by itself.
            stage=sa.case(
                (article.c.stage == Stage.INGESTED.value, Stage.ANNOTATED.value), else_=article.c.stage
            ),
            status=Status.OK.value,
            status_reason=None,
            updated_at=utc_now(),
        )
    )


def _mark_failed(connection: Connection, article_id: int, reason: str) -> None:
    article = _table("article")
    connection.execute(
        sa.update(article)
        .where(article.c.id == article_id)
        .values(status=Status.FAILED.value, status_reason=f"annotate: {reason}"[:2000], updated_at=utc_now())
    )


def _table(name: str) -> sa.Table:
    import parallax.shared.models  # noqa: F401  (registers the tables)

    return SQLModel.metadata.tables[name]
