"""Celery task shells of the cluster service: ids in, re-read rows, idempotent effect.

Clustering is a single writer under a database lock (decision 0009), so any number of
cluster workers stay correct. An article placed in an event pushes back that event's
comparison (debounce) and sends the compare task for when it falls due.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parallax.shared import pipeline
from parallax.shared.models import Stage

if TYPE_CHECKING:
    from celery import Celery


def cluster_article(article_id: int, *, send: pipeline.Send | None = None, retries: int = 0) -> None:
    """Put one stored, annotated article in its event (unless it is in one already); then its
    event's comparison is due after the debounce delay."""
    from parallax.cluster.store import cluster_stored
    from parallax.shared.config import get_settings
    from parallax.shared.db import task_engine
    from parallax.shared.stages import event_of, push_comparison, work_on

    settings = get_settings()
    engine = task_engine(settings.database_url)

    def cluster() -> bool:
        report = cluster_stored([article_id], engine=engine)
        return not {article_id} & {*report.failed, *report.missing, *report.not_ready}

    work_on(
        engine,
        article_id,
        stage=Stage.ANNOTATED.value,
        max_attempts=settings.task_max_attempts,
        retries=retries,
        work=cluster,
    )
    # An article that failed or is not ready is in no event: nothing to schedule.
    event_id = event_of(engine, article_id)
    if event_id is None:
        return
    # A redelivered message pushes the comparison back once more: harmless, it stays one.
    push_comparison(engine, [event_id], delay_seconds=settings.compare_debounce_seconds)
    next_task = pipeline.NEXT_STAGE[pipeline.CLUSTER_ARTICLE]
    assert next_task is not None
    if send is not None:
        send(next_task, args=[event_id], countdown=settings.compare_debounce_seconds)


def merge_events(*, send: pipeline.Send | None = None) -> None:
    """Merge the stored events that turn out to be one, then split those that turn out to be
    two (maintenance: run it periodically); every event that changed is due for comparison."""
    from parallax.cluster.store import merge_stored, split_pass_stored
    from parallax.shared.config import get_settings
    from parallax.shared.db import task_engine
    from parallax.shared.jobs import recorded_job
    from parallax.shared.stages import push_comparison

    settings = get_settings()
    engine = task_engine(settings.database_url)
    with recorded_job(engine, "merge_events", trigger="schedule") as job:
        merges = merge_stored(engine=engine)
        splits = split_pass_stored(engine=engine)
        changed = sorted(
            {merge.kept for merge in merges} | {e for split in splits for e in (split.event, split.into)}
        )
        job.counts = {"merged": len(merges), "split": len(splits), "events_to_compare": len(changed)}
    if changed:
        push_comparison(engine, changed, delay_seconds=settings.compare_debounce_seconds)
        for event_id in changed:
            if send is not None:
                send(pipeline.COMPARE_EVENT, args=[event_id], countdown=settings.compare_debounce_seconds)


def register_tasks(app: Celery) -> None:
    """Register the cluster tasks on `app` (routed to the `cluster` queue by their names)."""
    from parallax.shared.queue import task_options

    @app.task(name=pipeline.CLUSTER_ARTICLE, **task_options(app, article_argument=True), bind=True)  # type: ignore[untyped-decorator]
    def cluster_article_task(self: Any, article_id: int) -> None:
        cluster_article(article_id, send=app.send_task, retries=int(self.request.retries or 0))

    @app.task(name=pipeline.MERGE_EVENTS, **task_options(app))  # type: ignore[untyped-decorator]
    def merge_events_task() -> None:
        merge_events(send=app.send_task)
