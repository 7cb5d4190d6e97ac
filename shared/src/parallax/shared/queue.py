"""The Celery application factory: one app, one queue per service, routed by task name.

Nothing is created at import. `create_celery_app(settings)` builds the app from settings;
each service registers its task shells on it (`parallax.<service>.tasks.register_tasks`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from celery import Task

from parallax.shared.config import Settings
from parallax.shared.pipeline import QUEUES, queue_of

if TYPE_CHECKING:
    from celery import Celery

logger = logging.getLogger(__name__)


def create_celery_app(settings: Settings, *, name: str = "parallax") -> Celery:
    """A Celery app on the configured broker, with Parallax's delivery guarantees.

    Tasks carry ids and are idempotent, so a message is acknowledged only after its task
    ran (`acks_late`), one at a time per worker process (`prefetch 1`), and put back if the
    worker dies mid-task (`reject_on_worker_lost`).
    """
    from celery import Celery
    from kombu import Queue  # type: ignore[attr-defined]  # exported, but kombu is untyped

    app = Celery(name, broker=settings.broker_url)
    if settings.broker_url.startswith(("redis://", "rediss://", "sqs://")):
        # Redis (and SQS) hand a message taken by a worker that vanished to another one after
        # this long: longer than the longest task. (The SQLAlchemy transport would pass the
        # option on to its engine, which refuses it.)
        app.conf.broker_transport_options = {"visibility_timeout": settings.broker_visibility_timeout_seconds}
    app.conf.update(
        parallax_task_max_retries=settings.task_max_retries,
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


class ParallaxTask(Task):  # type: ignore[misc]  # celery is untyped
    """A task whose final failure is recorded on its article's row (when its argument is one).

    Transient errors are retried by `autoretry_for` first; what fails after that, or at once
    with an error retrying cannot fix, lands here. When the database itself is the problem
    the record cannot be written: the row then still says the stage is to do, and the
    reconciler sends it again later.
    """

    article_argument: bool = False

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        if not self.article_argument or not args:
            return
        from parallax.shared.config import get_settings
        from parallax.shared.db import shared_engine
        from parallax.shared.errors import TransientError
        from parallax.shared.stages import mark_failed

        if isinstance(exc, TransientError):
            logger.warning("task %s on article %s gave up after retries: %s", self.name, args[0], exc)
            return
        if isinstance(args[0], bool) or not isinstance(args[0], int):
            return  # not an article id: there is no row to record it on (the error is logged)
        try:
            mark_failed(
                shared_engine(get_settings().database_url),
                args[0],
                f"{self.name.rsplit('.', 1)[-1]}: {type(exc).__name__}: {exc}",
            )
        except Exception:
            logger.exception("could not record the failure of article %s", args[0])


def task_options(app: Celery, *, article_argument: bool = False) -> dict[str, Any]:
    """The options every Parallax task is registered with: transient errors retried with
    exponential backoff and jitter (at most 10 minutes apart, `task_max_retries` times)."""
    from parallax.shared.errors import TransientError

    return {
        # Registered on this app only: a shared task would be added to every app built later
        # in the process (tests, commands) and collide with its own registration there.
        "shared": False,
        "base": ParallaxTask,
        "article_argument": article_argument,
        "autoretry_for": (TransientError,),
        "retry_backoff": True,
        "retry_backoff_max": 600,
        "retry_jitter": True,
        "max_retries": app.conf.parallax_task_max_retries,
    }


def _route_by_service(name: str, *_args: Any, **_kwargs: Any) -> dict[str, str] | None:
    try:
        return {"queue": queue_of(name)}
    except ValueError:
        return None
