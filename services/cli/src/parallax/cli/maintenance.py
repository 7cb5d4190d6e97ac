"""Maintenance tasks of the worker app: the reconciler and the nightly rebuild of outlet profiles.

They live in the composition root because they reach across services by task name (the
reconciler) or read what the API serves (profiles). Both run on the `maintenance` queue, so
that a long queue of articles never holds them up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parallax.shared import pipeline

if TYPE_CHECKING:
    from collections.abc import Callable

    from celery import Celery
    from sqlalchemy.engine import Engine

    from parallax.shared.config import Settings


def reconcile_once(
    engine: Engine, settings: Settings, send: Callable[[str, list[Any]], Any], *, trigger: str = "schedule"
) -> dict[str, int]:
    """Send again the work the database says is waiting too long; the counts, recorded as a
    `reconcile` job. `send(task_name, args)` sends one message."""
    from parallax.shared.jobs import recorded_job
    from parallax.shared.reconcile import find_lost_work
    from parallax.shared.stages import push_comparison

    with recorded_job(engine, "reconcile", trigger=trigger) as job:
        lost = find_lost_work(engine, grace_seconds=settings.reconcile_grace_seconds)
        for task, article_ids in lost.articles.items():
            for article_id in article_ids:
                send(task, [article_id])
        if lost.events_stale:
            # Due at once: they have waited long enough.
            push_comparison(engine, lost.events_stale, delay_seconds=0)
        for event_id in [*lost.events_overdue, *lost.events_stale]:
            send(pipeline.COMPARE_EVENT, [event_id])
        job.counts = lost.counts()
    return job.counts


def reconcile(*, send: Callable[[str, list[Any]], Any]) -> dict[str, int]:
    """The scheduled reconciler (see `reconcile_once`)."""
    from parallax.shared.config import get_settings
    from parallax.shared.db import task_engine

    settings = get_settings()
    engine = task_engine(settings.database_url)
    return reconcile_once(engine, settings, send)


def rebuild_profiles_once(engine: Engine, *, trigger: str = "schedule") -> dict[str, int]:
    """Compute and store the profile of every outlet that has articles; recorded as a
    `rebuild_profiles` job."""
    from sqlmodel import Session, select

    from parallax.api.outlets import outlet_profile_document
    from parallax.shared.jobs import recorded_job
    from parallax.shared.models import Article, OutletProfile, utc_now

    with recorded_job(engine, "rebuild_profiles", trigger=trigger) as job:
        rebuilt = 0
        with Session(engine) as session:
            outlet_ids = list(session.exec(select(Article.outlet_id).distinct()).all())
        for outlet_id in outlet_ids:
            with Session(engine) as session:
                document = outlet_profile_document(session, outlet_id, stored=False)
                kept = session.get(OutletProfile, outlet_id)
                if kept is None:
                    kept = OutletProfile(outlet_id=outlet_id, data=document)
                kept.data, kept.computed_at = document, utc_now()
                session.add(kept)
                session.commit()
            rebuilt += 1
        job.counts = {"outlets": rebuilt}
    return job.counts


def rebuild_profiles() -> dict[str, int]:
    """The nightly rebuild of outlet profiles (see `rebuild_profiles_once`)."""
    from parallax.shared.config import get_settings
    from parallax.shared.db import task_engine

    engine = task_engine(get_settings().database_url)
    return rebuild_profiles_once(engine)


def register_tasks(app: Celery) -> None:
    """Register the maintenance tasks on `app` (the `maintenance` queue)."""
    from parallax.shared.queue import task_options

    @app.task(name=pipeline.RECONCILE, **task_options(app))  # type: ignore[untyped-decorator]
    def reconcile_task() -> dict[str, int]:
        return reconcile(send=lambda task, args: app.send_task(task, args=args))

    app.task(name=pipeline.REBUILD_PROFILES, **task_options(app))(rebuild_profiles)
