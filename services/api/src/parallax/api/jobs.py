"""`/v1/jobs`: the status of what a request (or a command) started.

Every job run leaves a row: ingests (`POST /v1/articles`, `parallax ingest`), feed polls,
reconciliations, event merges and the rebuild of outlet profiles that the schedule runs
(`parallax schedule list`): what it was asked, who started it, when it started and
finished, whether it succeeded, what came of it, and the error when it failed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, Literal

from flask import Blueprint, Response, current_app, request
from pydantic import Field
from sqlmodel import Session, col, select

from parallax.api.app import app_engine, app_settings
from parallax.api.auth import require_scope
from parallax.api.errors import ProblemError
from parallax.api.http import list_response
from parallax.api.openapi import operation
from parallax.api.pagination import PageRequest, next_page, page_request
from parallax.api.params import LARGEST_ID, PageParameters, parse_query
from parallax.api.schemas import PublicModel
from parallax.shared.models import IngestRun

blueprint = Blueprint("jobs", __name__, url_prefix="/v1")

_JOB_KEY: Final = ("int",)
# Inputs listed with a job (a batch of URLs may name many; the counts say the rest).
_SOURCES_LISTED: Final = 20


JobKind = Literal["ingest", "poll_feed", "reconcile", "merge_events", "rebuild_profiles"]


class JobQuery(PageParameters):
    """Filters of the job list."""

    status: Literal["running", "succeeded", "failed", "finished"] | None = Field(
        default=None, description="Only jobs in this state (finished: succeeded or failed)."
    )
    kind: JobKind | None = Field(default=None, description="Only jobs of this kind.")


class Job(PublicModel):
    """A job: what it was asked to do, when, and what came of it."""

    id: int = Field(ge=1, le=LARGEST_ID)
    kind: str = Field(description="ingest, poll_feed, reconcile, merge_events or rebuild_profiles.")
    trigger: str | None = Field(description="Who started it: request, command, schedule or worker.")
    status: Literal["running", "succeeded", "failed"]
    started_at: dt.datetime
    finished_at: dt.datetime | None
    sources: list[str] = Field(description=f"The inputs asked for (the first {_SOURCES_LISTED}).")
    source_count: int
    counts: dict[str, Any] = Field(
        description="What came of it: for an ingest or a poll, stored, duplicates, revisions, "
        "rejected and the reasons; for the others, what they found and did."
    )
    error: str | None = Field(description="What went wrong, when it failed.")


class JobPage(PublicModel):
    """A page of jobs, the most recent first; `next` as for events."""

    items: list[Job]
    next: str | None
    next_cursor: str | None


def job_of(run: IngestRun) -> Job:
    """A job run as the API shows it."""
    status = run.status if run.status in ("running", "succeeded", "failed") else "succeeded"
    return Job(
        id=run.id or 0,
        kind=run.kind,
        trigger=run.trigger,
        status=status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        sources=list(run.sources[:_SOURCES_LISTED]),
        source_count=len(run.sources),
        counts=dict(run.counts),
        error=run.error,
    )


def jobs_page(session: Session, query: JobQuery, page: PageRequest) -> tuple[list[Job], bool]:
    """A page of jobs, most recent first, and whether more follow."""
    statement = select(IngestRun)
    if query.status == "finished":
        statement = statement.where(col(IngestRun.status).in_(["succeeded", "failed"]))
    elif query.status is not None:
        statement = statement.where(col(IngestRun.status) == query.status)
    if query.kind is not None:
        statement = statement.where(col(IngestRun.kind) == query.kind)
    if page.after is not None:
        statement = statement.where(col(IngestRun.id) < page.after[0])
    rows = session.exec(statement.order_by(col(IngestRun.id).desc()).limit(page.limit + 1)).all()
    return [job_of(run) for run in rows[: page.limit]], len(rows) > page.limit


@blueprint.get("/jobs")
@require_scope("read")
@operation(
    summary="Jobs, the most recent first",
    tag="jobs",
    query=JobQuery,
    response=JobPage,
    csv=True,
    errors=(400,),
)
def list_jobs() -> Response | dict[str, Any]:
    """Job runs (ingests, feed polls, reconciliations, merges, profile rebuilds) with their
    state and counts."""
    query = parse_query(JobQuery, request.args)
    default_limit = app_settings(current_app).api_page_size
    page = page_request(request.args, limit=query.limit, default_limit=default_limit, key=_JOB_KEY)
    with Session(app_engine(current_app)) as session:
        items, more = jobs_page(session, query, page)
    next_url, cursor = next_page(request.path, request.args, last_key=(items[-1].id,) if more else None)
    return list_response(JobPage(items=items, next=next_url, next_cursor=cursor), Job, items, next_url)


@blueprint.get("/jobs/<int:job_id>")
@require_scope("read")
@operation(summary="One job", tag="jobs", response=Job, errors=(404,))
def get_job(job_id: int) -> dict[str, Any]:
    """The job's state, inputs and counts."""
    with Session(app_engine(current_app)) as session:
        run = session.get(IngestRun, job_id) if job_id <= LARGEST_ID else None
        if run is None:
            raise ProblemError(
                404,
                "Not Found",
                f"there is no job {job_id}",
                field="job_id",
                fix="Take an id from GET /v1/jobs, or the `job` link a request answered.",
            )
        return job_of(run).model_dump(mode="json")
