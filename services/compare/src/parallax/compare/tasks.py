"""Celery task shells of the compare service: an event id in, rows re-read, idempotent effect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parallax.shared import pipeline
from parallax.shared.errors import TransientError

if TYPE_CHECKING:
    from celery import Celery


def compare_event(event_id: str) -> None:
    """Compare one stored event, unless its stored comparison is current."""
    from parallax.compare.store import compare_stored
    from parallax.shared.config import get_settings
    from parallax.shared.db import shared_engine

    compare_stored([event_id], engine=shared_engine(get_settings().database_url))


def register_tasks(app: Celery) -> None:
    """Register the compare task on `app` (routed to the `compare` queue by its name)."""
    app.task(
        name=pipeline.COMPARE_EVENT,
        autoretry_for=(TransientError,),
        retry_backoff=True,
        retry_jitter=True,
        max_retries=8,
    )(compare_event)
