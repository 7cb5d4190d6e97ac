"""Celery task shells of the annotate service: ids in, re-read rows, idempotent effect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parallax.shared import pipeline
from parallax.shared.errors import TransientError

if TYPE_CHECKING:
    from celery import Celery


def annotate_article(article_id: int) -> None:
    """Annotate one stored article, unless its annotation is already current."""
    from parallax.annotate.store import annotate_stored
    from parallax.shared.config import get_settings
    from parallax.shared.db import shared_engine

    annotate_stored([article_id], engine=shared_engine(get_settings().database_url))


def register_tasks(app: Celery) -> None:
    """Register the annotate tasks on `app` (routed to the `annotate` queue by their names)."""
    app.task(
        name=pipeline.ANNOTATE_ARTICLE,
        autoretry_for=(TransientError,),
        retry_backoff=True,
        retry_jitter=True,
        max_retries=8,
    )(annotate_article)
