"""Job runs: every ingest, feed poll, reconciliation and maintenance pass leaves a row.

The row (table `ingest_run`, named for its first kind) says what the job was asked, who
started it (a request, a command, the schedule, a worker), where it is and what came of it;
the API's `/v1/jobs` reads them. A job that raises is recorded as failed with the error
before the error goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.shared.models import JobStatus, utc_now

# The longest error kept on a row: enough for a message and the end of a traceback line.
LONGEST_ERROR: Final = 2000


def _table() -> sa.Table:
    from sqlmodel import SQLModel

    return SQLModel.metadata.tables["ingest_run"]


def open_job(
    engine: Engine, kind: str, *, sources: list[str] | None = None, trigger: str | None = None
) -> int:
    """Record a job as running; its id."""
    table = _table()
    with engine.begin() as connection:
        result = connection.execute(
            sa.insert(table).returning(table.c.id),
            {
                "kind": kind,
                "trigger": trigger,
                "status": JobStatus.RUNNING.value,
                "sources": list(sources or []),
                "started_at": utc_now(),
                "counts": {},
            },
        )
        return int(result.scalar_one())


def close_job(engine: Engine, job_id: int, *, counts: dict[str, Any], error: str | None = None) -> None:
    """Record a job as finished: succeeded, or failed with `error`."""
    table = _table()
    with engine.begin() as connection:
        connection.execute(
            sa.update(table)
            .where(table.c.id == job_id)
            .values(
                finished_at=utc_now(),
                counts=counts,
                status=(JobStatus.FAILED if error else JobStatus.SUCCEEDED).value,
                error=error[:LONGEST_ERROR] if error else None,
            )
        )


@dataclass
class RecordedJob:
    """A job being run: its id, and the counts it will be recorded with."""

    id: int
    counts: dict[str, Any] = field(default_factory=dict)


@contextmanager
def recorded_job(
    engine: Engine, kind: str, *, sources: list[str] | None = None, trigger: str | None = None
) -> Iterator[RecordedJob]:
    """Run a block as a recorded job: running at entry, succeeded or failed (with the error) at exit."""
    job = RecordedJob(open_job(engine, kind, sources=sources, trigger=trigger))
    try:
        yield job
    except BaseException as error:
        close_job(engine, job.id, counts=job.counts, error=f"{type(error).__name__}: {error}")
        raise
    close_job(engine, job.id, counts=job.counts)
