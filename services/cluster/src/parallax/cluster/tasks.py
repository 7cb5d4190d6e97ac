"""Celery task shells of the cluster service: ids in, re-read rows, idempotent effect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parallax.shared import pipeline
from parallax.shared.errors import TransientError

if TYPE_CHECKING:
    from celery import Celery


def cluster_article(article_id: int) -> None:
    """Put one stored, annotated article in its event, unless it is in one already."""
    from parallax.cluster.store import cluster_stored
    from parallax.shared.config import get_settings
    from parallax.shared.db import shared_engine

    cluster_stored([article_id], engine=shared_engine(get_settings().database_url))


def merge_events() -> None:
    """Merge the stored events that turn out to be one, then split those that turn out to be
    two (maintenance: run it periodically)."""
    from parallax.cluster.store import merge_stored, split_pass_stored
    from parallax.shared.config import get_settings
    from parallax.shared.db import shared_engine

    engine = shared_engine(get_settings().database_url)
    merge_stored(engine=engine)
    split_pass_stored(engine=engine)


def register_tasks(app: Celery) -> None:
    """Register the cluster tasks on `app` (routed to the `cluster` queue by their names)."""
    for name, function in (
        (pipeline.CLUSTER_ARTICLE, cluster_article),
        (pipeline.MERGE_EVENTS, merge_events),
    ):
        app.task(
            name=name,
            autoretry_for=(TransientError,),
            retry_backoff=True,
            retry_jitter=True,
            max_retries=8,
        )(function)
