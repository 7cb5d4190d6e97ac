"""Celery task shells of the ingest service: feeds polled on schedule, new articles sent on.

Beat runs `poll_due_feeds` every `feed_check_seconds`; it sends one `poll_feed` per feed
whose own interval (and backoff, when it fails) has passed. A poll records a job, stores
what is new and sends each new article to annotation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parallax.shared import pipeline

if TYPE_CHECKING:
    from celery import Celery


def poll_due_feeds(*, send: pipeline.Send | None = None) -> int:
    """Send a poll for every feed that is due; how many were sent."""
    from parallax.ingest.polling import claim_due_feeds
    from parallax.shared.config import get_settings
    from parallax.shared.db import task_engine

    settings = get_settings()
    engine = task_engine(settings.database_url)
    due = claim_due_feeds(engine, settings=settings)
    for feed_id in due:
        if send is not None:
            send(pipeline.POLL_FEED, args=[feed_id])
    return len(due)


def poll_feed(feed_id: int, *, send: pipeline.Send | None = None) -> None:
    """Poll one feed (conditionally), store its new articles and send them to annotation."""
    from parallax.ingest.polling import poll_feed as poll
    from parallax.shared.config import get_settings
    from parallax.shared.db import task_engine

    settings = get_settings()
    engine = task_engine(settings.database_url)
    outcome = poll(feed_id, engine=engine, settings=settings, trigger="schedule")
    for article_id in outcome.article_ids:
        if send is not None:
            send(pipeline.ANNOTATE_ARTICLE, args=[article_id])


def register_tasks(app: Celery) -> None:
    """Register the ingest tasks on `app` (routed to the `ingest` queue by their names)."""
    from parallax.shared.queue import task_options

    @app.task(name=pipeline.POLL_DUE_FEEDS, **task_options(app))  # type: ignore[untyped-decorator]
    def poll_due_feeds_task() -> int:
        return poll_due_feeds(send=app.send_task)

    @app.task(name=pipeline.POLL_FEED, **task_options(app))  # type: ignore[untyped-decorator]
    def poll_feed_task(feed_id: int) -> None:
        poll_feed(feed_id, send=app.send_task)
