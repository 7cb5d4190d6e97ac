"""Celery task shells of the compare service: an event id in, rows re-read, idempotent effect.

Comparisons are debounced: every article that joins an event pushes `event.compare_due_at`
back and sends this task for then. Of the messages a burst of arrivals sends, only the one
that finds the due time passed does the work; the others return at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parallax.shared import pipeline

if TYPE_CHECKING:
    from celery import Celery


def compare_event(event_id: str) -> None:
    """Compare one stored event if its comparison is due (and not current already)."""
    from parallax.compare.store import compare_stored
    from parallax.shared.config import get_settings
    from parallax.shared.db import task_engine
    from parallax.shared.stages import clear_comparison, comparison_due, members_of

    engine = task_engine(get_settings().database_url)
    due = comparison_due(engine, event_id)
    if not due.now or due.due_at is None:
        return  # done already, or pushed back by a later arrival whose message will come
    members = members_of(engine, event_id)
    compare_stored([event_id], engine=engine)
    clear_comparison(engine, event_id, due.due_at, members)


def register_tasks(app: Celery) -> None:
    """Register the compare task on `app` (routed to the `compare` queue by its name)."""
    from parallax.shared.queue import task_options

    app.task(name=pipeline.COMPARE_EVENT, **task_options(app))(compare_event)
