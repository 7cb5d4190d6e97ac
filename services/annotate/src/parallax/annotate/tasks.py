"""Celery task shells of the annotate service: ids in, re-read rows, idempotent effect.

A shell takes the article up (its attempts counted in the database first), runs the store
function, and hands the article to the next stage by task name. Whatever happens, the row
says where the article is: a redelivered message finds the work done and only passes it on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parallax.shared import pipeline
from parallax.shared.models import Stage

if TYPE_CHECKING:
    from celery import Celery


def annotate_article(article_id: int, *, send: pipeline.Send | None = None, retries: int = 0) -> None:
    """Annotate one stored article (unless its annotation is current), then send it to clustering."""
    from parallax.annotate.store import annotate_stored
    from parallax.shared.config import get_settings
    from parallax.shared.db import task_engine
    from parallax.shared.stages import stage_of, work_on

    settings = get_settings()
    engine = task_engine(settings.database_url)

    def annotate() -> bool:
        report = annotate_stored([article_id], engine=engine)
        return article_id not in report.failed and article_id not in report.missing

    work_on(
        engine,
        article_id,
        stage=Stage.INGESTED.value,
        max_attempts=settings.task_max_attempts,
        retries=retries,
        work=annotate,
    )
    found = stage_of(engine, article_id)
    # Already annotated (a redelivery, or the reconciler): pass it on all the same, the next
    # stage is idempotent too.
    if found == (Stage.ANNOTATED.value, "ok") and send is not None:
        next_task = pipeline.NEXT_STAGE[pipeline.ANNOTATE_ARTICLE]
        assert next_task is not None
        send(next_task, args=[article_id])


def register_tasks(app: Celery) -> None:
    """Register the annotate tasks on `app` (routed to the `annotate` queue by their names)."""
    from parallax.shared.queue import task_options

    @app.task(name=pipeline.ANNOTATE_ARTICLE, **task_options(app, article_argument=True), bind=True)  # type: ignore[untyped-decorator]
    def annotate_article_task(self: Any, article_id: int) -> None:
        annotate_article(article_id, send=app.send_task, retries=int(self.request.retries or 0))
