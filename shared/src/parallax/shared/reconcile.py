"""Finding work whose message was lost: the database says what is left to do.

The broker may lose messages (Redis restarted without persistence, a queue purged by hand).
Every article's stage and every event's due comparison are rows, so the work still to do
can be read back: an article that has waited at a stage longer than the grace time, an event
whose comparison fell due that long ago, or an event whose members changed after its stored
comparison with nothing due. The reconciler sends that work again; every task is
idempotent, so work that was only slow is done once all the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.shared.db import storage_errors
from parallax.shared.models import EventStatus, Status, utc_now
from parallax.shared.pipeline import TASK_FOR_STAGE

# Ids read per query: bounded, so that a huge backlog is reconciled over several runs.
_LIMIT = 10_000


@dataclass
class LostWork:
    """Work to send again: article ids by the task that takes them on; events to compare."""

    articles: dict[str, list[int]] = field(default_factory=dict)
    events_overdue: list[str] = field(default_factory=list)
    events_stale: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How much of each kind was found (recorded on the reconcile job)."""
        found = {task.rsplit(".", 1)[-1]: len(ids) for task, ids in sorted(self.articles.items())}
        found["compare_overdue"] = len(self.events_overdue)
        found["compare_stale"] = len(self.events_stale)
        return found


def _table(name: str) -> sa.Table:
    from sqlmodel import SQLModel

    return SQLModel.metadata.tables[name]


def find_lost_work(engine: Engine, *, grace_seconds: float, now: dt.datetime | None = None) -> LostWork:
    """What has waited longer than `grace_seconds` without its stage moving on."""
    cutoff = (now or utc_now()) - dt.timedelta(seconds=grace_seconds)
    article = _table("article")
    event = _table("event")
    comparison = _table("event_comparison")
    membership = _table("event_membership")
    found = LostWork()
    with storage_errors("looking for lost work"), engine.connect() as connection:
        for stage, task in TASK_FOR_STAGE.items():
            ids = connection.execute(
                sa.select(article.c.id)
                .where(
                    article.c.stage == stage,
                    article.c.status == Status.OK.value,
                    article.c.updated_at <= cutoff,
                )
                .order_by(article.c.id)
                .limit(_LIMIT)
            ).scalars()
            found.articles[task] = [int(value) for value in ids]
        found.events_overdue = [
            str(value)
            for value in connection.execute(
                sa.select(event.c.id)
                .where(event.c.compare_due_at.is_not(None), event.c.compare_due_at <= cutoff)
                .order_by(event.c.id)
                .limit(_LIMIT)
            ).scalars()
        ]
        # Members changed after the stored comparison (or there is none), and nothing is due:
        # the cluster worker died between placing an article and scheduling the comparison.
        has_members = sa.exists().where(membership.c.event_id == event.c.id)
        found.events_stale = [
            str(value)
            for value in connection.execute(
                sa.select(event.c.id)
                .outerjoin(comparison, comparison.c.event_id == event.c.id)
                .where(
                    event.c.status == EventStatus.OPEN.value,
                    event.c.compare_due_at.is_(None),
                    event.c.updated_at <= cutoff,
                    has_members,
                    sa.or_(comparison.c.event_id.is_(None), comparison.c.created_at < event.c.updated_at),
                )
                .order_by(event.c.id)
                .limit(_LIMIT)
            ).scalars()
        ]
    return found
