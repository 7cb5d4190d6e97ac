"""Where each article and event stands in the pipeline, kept in the database (the source of truth).

The broker only carries ids; the rows say what is left to do. A worker *takes up* an
article's stage (its `attempts` go up, committed before the work starts), and a stage that
succeeds resets them. An article taken up more than `task_max_attempts` times without
finishing (its worker died each time) is quarantined: marked failed with the reason, never
sent again, so that it cannot block its queue. Event comparisons are *debounced* through
`event.compare_due_at`: each arrival pushes the time back, and the compare task does the
work only once that time has passed and nothing moved it since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.shared.db import storage_errors
from parallax.shared.models import Stage, Status, utc_now

# The longest reason kept on a row.
_LONGEST_REASON = 2000


def _table(name: str) -> sa.Table:
    from sqlmodel import SQLModel

    return SQLModel.metadata.tables[name]


def take_up(engine: Engine, article_id: int, *, stage: str, max_attempts: int, retries: int = 0) -> bool:
    """Count one more attempt at the stage after `stage`; False when the article is not there
    (missing, failed, or past `stage`) or has just been quarantined for too many attempts.

    `retries`: how many times this task was retried after a transient error. Each retry
    takes the article up again, and is allowed for, so an outage does not quarantine what it
    interrupted; a worker that dies on the article during a retry still counts against it.
    """
    article = _table("article")
    with storage_errors(f"taking up article {article_id}"), engine.begin() as connection:
        row = connection.execute(
            sa.update(article)
            .where(article.c.id == article_id, article.c.stage == stage, article.c.status == Status.OK.value)
            .values(attempts=article.c.attempts + 1)
            .returning(article.c.attempts)
        ).first()
        if row is None:
            return False
        if row.attempts <= max_attempts + retries:
            return True
        connection.execute(
            sa.update(article)
            .where(article.c.id == article_id)
            .values(
                status=Status.FAILED.value,
                status_reason=(
                    f"quarantined at stage {stage}: taken up {row.attempts - 1 - retries} times without "
                    "finishing (its worker died or it kept failing); fix the cause, then "
                    "`parallax articles retry` it"
                )[:_LONGEST_REASON],
                updated_at=utc_now(),
            )
        )
        return False


def work_on(
    engine: Engine,
    article_id: int,
    *,
    stage: str,
    max_attempts: int,
    retries: int,
    work: Callable[[], bool],
) -> None:
    """Take the article up at `stage` (see `take_up`), run `work` — True when it finished the
    stage, False when the store recorded a failure — and settle it when it did. Nothing runs
    when the article is not at `stage` (done already, failed) or has just been quarantined."""
    if take_up(engine, article_id, stage=stage, max_attempts=max_attempts, retries=retries) and work():
        settle(engine, [article_id])


def settle(engine: Engine, article_ids: Sequence[int]) -> None:
    """A stage succeeded for these articles: their attempts start again from nothing."""
    if not article_ids:
        return
    article = _table("article")
    with storage_errors("recording finished stages"), engine.begin() as connection:
        connection.execute(sa.update(article).where(article.c.id.in_(list(article_ids))).values(attempts=0))


def mark_failed(engine: Engine, article_id: int, reason: str) -> None:
    """Record that the article's current stage failed for good, with the reason."""
    article = _table("article")
    with storage_errors(f"recording the failure of article {article_id}"), engine.begin() as connection:
        connection.execute(
            sa.update(article)
            .where(article.c.id == article_id)
            .values(status=Status.FAILED.value, status_reason=reason[:_LONGEST_REASON], updated_at=utc_now())
        )


def stage_of(engine: Engine, article_id: int) -> tuple[str, str] | None:
    """The article's (stage, status), or None when there is no such article."""
    article = _table("article")
    with storage_errors(f"reading article {article_id}"), engine.connect() as connection:
        row = connection.execute(
            sa.select(article.c.stage, article.c.status).where(article.c.id == article_id)
        ).first()
    return (row.stage, row.status) if row is not None else None


def event_of(engine: Engine, article_id: int) -> str | None:
    """The event the article is in now, if any."""
    membership = _table("event_membership")
    with storage_errors(f"reading the event of article {article_id}"), engine.connect() as connection:
        value = connection.execute(
            sa.select(membership.c.event_id).where(membership.c.article_id == article_id)
        ).scalar()
    return str(value) if value is not None else None


# --- debounced comparisons --------------------------------------------------------------------


def push_comparison(engine: Engine, event_ids: Sequence[str], *, delay_seconds: float) -> dt.datetime:
    """An event changed: its comparison is due `delay_seconds` from now (pushed back if it was
    due sooner). Returns the new due time."""
    due = utc_now() + dt.timedelta(seconds=delay_seconds)
    event = _table("event")
    with storage_errors("scheduling comparisons"), engine.begin() as connection:
        connection.execute(sa.update(event).where(event.c.id.in_(list(event_ids))).values(compare_due_at=due))
    return due


@dataclass(frozen=True)
class Due:
    """Whether an event's comparison should run now, and the due time it was read with."""

    now: bool
    due_at: dt.datetime | None


def comparison_due(engine: Engine, event_id: str, *, now: dt.datetime | None = None) -> Due:
    """Is the event's comparison due now? Not when nothing is due, nor when an arrival since
    pushed it later (the message sent with that arrival will come)."""
    event = _table("event")
    with storage_errors(f"reading event {event_id}"), engine.connect() as connection:
        due_at = connection.execute(sa.select(event.c.compare_due_at).where(event.c.id == event_id)).scalar()
    if due_at is None:
        return Due(False, None)
    if due_at.tzinfo is None:  # SQLite hands back naive UTC
        due_at = due_at.replace(tzinfo=dt.UTC)
    return Due(due_at <= (now or utc_now()), due_at)


def clear_comparison(engine: Engine, event_id: str, due_at: dt.datetime, member_ids: Sequence[int]) -> None:
    """The comparison due at `due_at` is done: clear it (unless an arrival pushed it since) and
    move the members that were clustered to the `compared` stage."""
    event = _table("event")
    article = _table("article")
    with storage_errors(f"recording the comparison of event {event_id}"), engine.begin() as connection:
        connection.execute(
            sa.update(event)
            .where(event.c.id == event_id, event.c.compare_due_at == due_at)
            .values(compare_due_at=None)
        )
        if member_ids:
            connection.execute(
                sa.update(article)
                .where(article.c.id.in_(list(member_ids)), article.c.stage == Stage.CLUSTERED.value)
                .values(stage=Stage.COMPARED.value, updated_at=utc_now())
            )


def members_of(engine: Engine, event_id: str) -> list[int]:
    """The ids of the event's articles."""
    membership = _table("event_membership")
    with storage_errors(f"reading the members of event {event_id}"), engine.connect() as connection:
        return [
            int(value)
            for value in connection.execute(
                sa.select(membership.c.article_id).where(membership.c.event_id == event_id)
            ).scalars()
        ]


def release(engine: Engine, article_ids: Sequence[int] | None) -> list[tuple[int, str]]:
    """Give failed (or quarantined) articles another chance: status ok, attempts from nothing.
    None: every failed article. Returns (id, stage) of those released."""
    article = _table("article")
    condition = article.c.status == Status.FAILED.value
    if article_ids is not None:
        condition = sa.and_(condition, article.c.id.in_(list(article_ids)))
    with storage_errors("releasing failed articles"), engine.begin() as connection:
        rows = connection.execute(sa.select(article.c.id, article.c.stage).where(condition)).all()
        if rows:
            connection.execute(
                sa.update(article)
                .where(article.c.id.in_([row.id for row in rows]))
                .values(status=Status.OK.value, status_reason=None, attempts=0, updated_at=utc_now())
            )
    return [(int(row.id), str(row.stage)) for row in rows]
