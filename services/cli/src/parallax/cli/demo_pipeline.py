"""The demo's pipeline as it runs when deployed: a Celery worker on the embedded broker.

`make demo` stores the corpus, then starts one worker (`parallax worker`, every queue, the solo
pool: one process, nothing to fork) on the configured broker — by default Celery's SQLAlchemy
transport on a SQLite file, a real broker that needs no server — sends it whatever the
database says is waiting (as the reconciler would), and waits until nothing is: every article
annotated and in an event, every event compared. The worker keeps running while the pages are
served, so an article posted to the API goes through it too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from parallax.shared.config import Settings

# How long the whole corpus may take (the worker loads two spaCy models first), and how often
# the database is asked how far it got.
DEMO_PIPELINE_SECONDS: Final = 600.0
POLL_SECONDS: Final = 0.5
# A comparison waits this long for more arrivals in its event (the deployed default is longer:
# a feed brings a burst; the demo's corpus is all there at once).
DEMO_DEBOUNCE_SECONDS: Final = "1"
_WORKER_STOP_SECONDS: Final = 20
# The `parallax` command run by this interpreter (wherever its script was installed).
_PARALLAX: Final = (sys.executable, "-c", "from parallax.cli.main import cli; cli()")


class PipelineError(Exception):
    """The worker stopped or did not finish; the message says what and where its log is."""


@dataclass(frozen=True)
class Progress:
    """How far the stored articles and their events have gone."""

    articles: int
    annotated: int
    in_events: int
    failed: int
    events: int
    compared: int
    waiting: int

    def line(self) -> str:
        """One line for the terminal."""
        failed = f" · {self.failed} failed" if self.failed else ""
        return (
            f"  annotated {self.annotated} of {self.articles} · in events {self.in_events} of "
            f"{self.articles} · events compared {self.compared} of {self.events}{failed}"
        )


@contextlib.contextmanager
def pipeline_worker(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `parallax worker` on every queue, with this command's database and broker; stopped
    (then killed, if it must be) on the way out."""
    environment = {
        "PARALLAX_DATABASE_URL": settings.database_url,
        "PARALLAX_BROKER_URL": settings.broker_url,
        "PARALLAX_COMPARE_DEBOUNCE_SECONDS": DEMO_DEBOUNCE_SECONDS,
    }
    with log.open("ab") as out:
        worker = subprocess.Popen(
            [
                *_PARALLAX,
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--hostname",
                "parallax-demo@%h",
            ],
            env={**os.environ, **environment},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=_WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def send_waiting_work(engine: Engine, settings: Settings) -> dict[str, int]:
    """Send the worker everything that is waiting, however recent (the reconciler's reading
    with no grace time); what was sent, by kind."""
    from parallax.cli.api_app import sending_app
    from parallax.cli.maintenance import reconcile_once

    app = sending_app(settings.broker_url)
    now_settings = settings.model_copy(update={"reconcile_grace_seconds": 0.0})
    return reconcile_once(
        engine, now_settings, lambda task, args: app.send_task(task, args=args), trigger="demo"
    )


def progress_of(engine: Engine) -> Progress:
    """The stored articles by stage, the events and their comparisons, and what still waits."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    from parallax.shared.models import EventStatus, Stage, Status
    from parallax.shared.reconcile import find_lost_work

    article = SQLModel.metadata.tables["article"]
    event = SQLModel.metadata.tables["event"]
    comparison = SQLModel.metadata.tables["event_comparison"]
    with engine.connect() as connection:
        stages: dict[str, int] = dict(
            connection.execute(
                sa.select(article.c.stage, sa.func.count())
                .where(article.c.status == Status.OK.value)
                .group_by(article.c.stage)
            ).all()
        )
        failed = connection.execute(
            sa.select(sa.func.count()).where(article.c.status != Status.OK.value)
        ).scalar_one()
        open_events = sa.and_(event.c.status == EventStatus.OPEN.value, event.c.article_count > 0)
        events = connection.execute(sa.select(sa.func.count()).where(open_events)).scalar_one()
        compared = connection.execute(
            sa.select(sa.func.count())
            .select_from(event.join(comparison, comparison.c.event_id == event.c.id))
            .where(open_events, event.c.compare_due_at.is_(None))
        ).scalar_one()
    # Waiting with no grace at all: a moment from now, everything not done counts.
    lost = find_lost_work(engine, grace_seconds=0, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    later = (Stage.ANNOTATED.value, Stage.CLUSTERED.value, Stage.COMPARED.value)
    return Progress(
        articles=sum(stages.values()),
        annotated=sum(stages.get(stage, 0) for stage in later),
        in_events=sum(stages.get(stage, 0) for stage in later[1:]),
        failed=int(failed),
        events=int(events),
        compared=int(compared),
        waiting=sum(lost.counts().values()),
    )


def wait_until_done(
    engine: Engine,
    worker: subprocess.Popen[bytes],
    log: Path,
    report: Callable[[Progress], None],
    *,
    seconds: float = DEMO_PIPELINE_SECONDS,
) -> Progress:
    """Wait until nothing is left to do, reporting each change; PipelineError when the worker
    stops or the time is up (the message points at its log)."""
    deadline = time.monotonic() + seconds
    shown: Progress | None = None
    while True:
        progress = progress_of(engine)
        if progress != shown:
            report(progress)
            shown = progress
        if progress.waiting == 0:
            return progress
        if worker.poll() is not None:
            raise PipelineError(
                f"the pipeline worker stopped (exit code {worker.returncode}) before the end; its log: {log}"
            )
        if time.monotonic() > deadline:
            raise PipelineError(
                f"the pipeline did not finish in {seconds:.0f} s ({progress.waiting} task(s) still "
                f"waiting); the worker's log: {log}"
            )
        time.sleep(POLL_SECONDS)
