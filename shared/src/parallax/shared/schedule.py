"""Every schedule in one place: what beat runs, how often, and why.

`parallax schedule list` prints this table; `beat_schedule(settings)` hands it to Celery beat.
Intervals come from settings (docs/settings.md); feeds keep their own intervals, which
`poll_due_feeds` reads from the database every `feed_check_seconds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parallax.shared import pipeline
from parallax.shared.config import Settings


@dataclass(frozen=True)
class ScheduledJob:
    """One entry of the schedule: a task sent every `every_seconds`, or daily at `daily_hour` UTC."""

    name: str
    task: str
    description: str
    every_seconds: float | None = None
    daily_hour: int | None = None

    @property
    def when(self) -> str:
        """The timing in words, for listings."""
        if self.daily_hour is not None:
            return f"daily at {self.daily_hour:02d}:00 UTC"
        assert self.every_seconds is not None
        seconds = self.every_seconds
        if seconds % 3600 == 0:
            return f"every {seconds / 3600:g} h"
        if seconds % 60 == 0:
            return f"every {seconds / 60:g} min"
        return f"every {seconds:g} s"


def scheduled_jobs(settings: Settings) -> list[ScheduledJob]:
    """The schedule, from settings."""
    return [
        ScheduledJob(
            "poll-feeds",
            pipeline.POLL_DUE_FEEDS,
            "Poll every registered feed whose own interval (doubled per consecutive failure) has passed.",
            every_seconds=settings.feed_check_seconds,
        ),
        ScheduledJob(
            "reconcile",
            pipeline.RECONCILE,
            "Send again the work the database says has waited too long (a message lost by the broker).",
            every_seconds=settings.reconcile_interval_seconds,
        ),
        ScheduledJob(
            "merge-events",
            pipeline.MERGE_EVENTS,
            "Merge the events that turn out to be one, split those that turn out to be two.",
            every_seconds=settings.merge_interval_seconds,
        ),
        ScheduledJob(
            "rebuild-profiles",
            pipeline.REBUILD_PROFILES,
            "Rebuild every outlet's profile across events and its blind spots.",
            daily_hour=settings.profiles_rebuild_hour,
        ),
    ]


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The schedule in Celery beat's form."""
    from celery.schedules import crontab

    schedule: dict[str, dict[str, Any]] = {}
    for job in scheduled_jobs(settings):
        timing: Any = (
            crontab(minute=0, hour=job.daily_hour) if job.daily_hour is not None else job.every_seconds
        )
        # A job that could not run by its next turn is dropped rather than piled up.
        expires = job.every_seconds if job.every_seconds is not None else 3600.0
        schedule[job.name] = {"task": job.task, "schedule": timing, "options": {"expires": expires}}
    return schedule
