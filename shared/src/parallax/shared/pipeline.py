"""The stage graph in one place: task names, the queue each runs on, and what follows what.

Services never import each other; they reach each other by these task names. A task's
name says its service (`parallax.<service>.<task>`), and the service is its queue.
"""

from __future__ import annotations

from typing import Final

ANNOTATE_ARTICLE: Final = "parallax.annotate.annotate_article"
CLUSTER_ARTICLE: Final = "parallax.cluster.cluster_article"
# Per event, not per article: compare one event's articles (after its membership changed).
COMPARE_EVENT: Final = "parallax.compare.compare_event"
# Maintenance, not a stage: run periodically (beat, cron or `parallax events merge`).
MERGE_EVENTS: Final = "parallax.cluster.merge_events"

QUEUES: Final = ("ingest", "annotate", "cluster", "compare")

# Which stage comes after which, by task name (a stage with no successor ends the chain).
NEXT_STAGE: Final[dict[str, str | None]] = {
    ANNOTATE_ARTICLE: CLUSTER_ARTICLE,
    CLUSTER_ARTICLE: None,
}


def queue_of(task_name: str) -> str:
    """The queue a task runs on: its service's name (`parallax.annotate.x` -> `annotate`)."""
    parts = task_name.split(".")
    if len(parts) < 3 or parts[0] != "parallax" or parts[1] not in QUEUES:
        raise ValueError(f"{task_name!r} is not a Parallax task name (parallax.<service>.<task>)")
    return parts[1]
