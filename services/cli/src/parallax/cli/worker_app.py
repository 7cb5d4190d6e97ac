"""The composition root of the workers: one Celery app with every service's tasks and the schedule.

Services never import each other; this module is where they meet. `parallax worker`,
`parallax beat`, `parallax flower`, the API (to start work) and the tests build their app
here. For the `celery` command itself, `parallax.cli.worker_app:celery_app` builds one from
the environment's settings on first use (nothing is built at import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parallax.shared.config import Settings, get_settings

if TYPE_CHECKING:
    from celery import Celery


def create_worker_app(settings: Settings) -> Celery:
    """A Celery app on `settings.broker_url` with the tasks of every service and the beat schedule."""
    from parallax.annotate.tasks import register_tasks as register_annotate
    from parallax.cli.maintenance import register_tasks as register_maintenance
    from parallax.cluster.tasks import register_tasks as register_cluster
    from parallax.compare.tasks import register_tasks as register_compare
    from parallax.ingest.tasks import register_tasks as register_ingest
    from parallax.shared.queue import create_celery_app
    from parallax.shared.schedule import beat_schedule

    app = create_celery_app(settings)
    for register in (
        register_ingest,
        register_annotate,
        register_cluster,
        register_compare,
        register_maintenance,
    ):
        register(app)
    app.conf.beat_schedule = beat_schedule(settings)
    return app


def celery_app() -> Celery:
    """The app for `celery -A 'parallax.cli.worker_app:celery_app()'` (Flower, inspect), built
    from the environment's settings."""
    return create_worker_app(get_settings())
