"""The stage graph in one place: task names, the queue each runs on, and what follows what.

Services never import each other; they reach each other by these task names. A task's
name says its service (`parallax.<service>.<task>`), and the service is its queue; the
maintenance jobs (reconcile, rebuild profiles) have a queue of their own so that they run
even when a service's queue is long.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from parallax.shared.models import Stage

# Feeds: beat asks for the due ones; each is polled on its own.
POLL_DUE_FEEDS: Final = "parallax.ingest.poll_due_feeds"
POLL_FEED: Final = "parallax.ingest.poll_feed"
ANNOTATE_ARTICLE: Final = "parallax.annotate.annotate_article"
CLUSTER_ARTICLE: Final = "parallax.cluster.cluster_article"
# Per event, not per article: compare one event's articles once its arrivals have settled.
COMPARE_EVENT: Final = "parallax.compare.compare_event"
# Maintenance, not stages: run by the schedule (beat) or by hand.
MERGE_EVENTS: Final = "parallax.cluster.merge_events"
RECONCILE: Final = "parallax.maintenance.reconcile"
REBUILD_PROFILES: Final = "parallax.maintenance.rebuild_profiles"

# How a task shell sends the next task: Celery's `app.send_task(name, args=[...], countdown=…)`
# in a worker, a recorder in tests; shells called without one send nothing.
Send = Callable[..., Any]

QUEUES: Final = ("ingest", "annotate", "cluster", "compare", "maintenance")

# Which stage comes after which, by task name (a stage with no successor ends the chain;
# the cluster stage hands its event, not its article, to the compare stage, debounced).
NEXT_STAGE: Final[dict[str, str | None]] = {
    ANNOTATE_ARTICLE: CLUSTER_ARTICLE,
    CLUSTER_ARTICLE: COMPARE_EVENT,
    COMPARE_EVENT: None,
}

# The task that takes an article on from the stage it is at (what the reconciler re-sends).
TASK_FOR_STAGE: Final[dict[str, str]] = {
    Stage.INGESTED.value: ANNOTATE_ARTICLE,
    Stage.ANNOTATED.value: CLUSTER_ARTICLE,
}


def queue_of(task_name: str) -> str:
    """The queue a task runs on: its service's name (`parallax.annotate.x` -> `annotate`)."""
    parts = task_name.split(".")
    if len(parts) < 3 or parts[0] != "parallax" or parts[1] not in QUEUES:
        raise ValueError(f"{task_name!r} is not a Parallax task name (parallax.<service>.<task>)")
    return parts[1]
