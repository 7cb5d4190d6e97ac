"""The Celery application factory: one app, one queue per service, routed by task name.

Nothing is created at import. `create_celery_app(settings)` builds the app from settings;
each service registers its task shells on it (`parallax.<service>.tasks.register_tasks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parallax.shared.config import Settings
from parallax.shared.pipeline import QUEUES, queue_of

if TYPE_CHECKING:
    from celery import Celery


def create_celery_app(settings: Settings, *, name: str = "parallax") -> Celery:
    """A Celery app on the configured broker, with Parallax's delivery guarantees.

    Tasks carry ids and are idempotent, so a message is acknowledged only after its task
    ran (`acks_late`), one at a time per worker process (`prefetch 1`), and put back if the
    worker dies mid-task (`reject_on_worker_lost`).
    """
    from celery import Celery
    from kombu import Queue  # type: ignore[attr-defined]  # exported, but kombu is untyped

    app = Celery(name, broker=settings.broker_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_queues=[Queue(queue) for queue in QUEUES],  # type: ignore[no-untyped-call]
        task_default_queue="ingest",
        task_routes=(_route_by_service,),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


def _route_by_service(name: str, *_args: Any, **_kwargs: Any) -> dict[str, str] | None:
    try:
        return {"queue": queue_of(name)}
    except ValueError:
        return None
