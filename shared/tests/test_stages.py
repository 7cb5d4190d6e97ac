"""Where articles and events stand, kept in the database: attempts and quarantine, debounced
comparisons, releasing failed articles, and finding work whose message was lost."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from parallax.shared import pipeline
from parallax.shared.db import session_scope
from parallax.shared.models import Article, Event, EventComparison, EventMembership, Outlet, Stage, Status
from parallax.shared.reconcile import find_lost_work
from parallax.shared.stages import (
    clear_comparison,
    comparison_due,
    members_of,
    push_comparison,
    release,
    settle,
    stage_of,
    take_up,
)

LONG_AGO = dt.datetime(2022, 2, 3, 12, tzinfo=dt.UTC)
AddArticle = Callable[..., int]
# Membership sequence numbers are unique across events.
SEQUENCE = itertools.count(1)


@pytest.fixture
def add_article(engine: Engine) -> AddArticle:
    """Store an article at a stage, last touched at `updated_at`."""
    numbers = itertools.count(1)

    def add(
        stage: str = Stage.INGESTED, *, status: str = Status.OK, updated_at: dt.datetime = LONG_AGO
    ) -> int:
        number = next(numbers)
        with session_scope(engine) as session:
            outlet = session.exec(select(Outlet).where(Outlet.name == "Ledger")).first()
            if outlet is None:
                outlet = Outlet(name="Ledger")
                session.add(outlet)
                session.flush()
            article = Article(
                outlet_id=outlet.id or 0,
                original_text=f"text {number}",
                clean_text=f"text {number}",
                offset_map=[],
                content_hash=f"c{number}",
                version_hash=f"v{number}",
                source_kind="jsonl",
                normalizer_version="1",
                stage=stage,
                status=status,
                updated_at=updated_at,
            )
            session.add(article)
            session.flush()
            return article.id or 0

    return add


def add_event(
    engine: Engine, event_id: str, members: list[int], *, updated_at: dt.datetime = LONG_AGO
) -> None:
    with session_scope(engine) as session:
        session.add(
            Event(
                id=event_id,
                algorithm_version="t",
                model_version="t",
                article_count=len(members),
                updated_at=updated_at,
            )
        )
        session.flush()
        for position, article_id in enumerate(members):
            session.add(
                EventMembership(
                    article_id=article_id,
                    event_id=event_id,
                    score=1.0,
                    started=position == 0,
                    sequence=next(SEQUENCE),
                    algorithm_version="t",
                    model_version="t",
                )
            )


def attempts(engine: Engine, article_id: int) -> tuple[int, str, str | None]:
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT attempts, status, status_reason FROM article WHERE id = :i"), {"i": article_id}
        ).one()
    return int(row[0]), str(row[1]), row[2]


def test_an_article_taken_up_too_often_is_quarantined_and_can_be_released(
    engine: Engine, add_article: AddArticle
) -> None:
    article = add_article()
    assert take_up(engine, article, stage=Stage.INGESTED, max_attempts=2)
    assert take_up(engine, article, stage=Stage.INGESTED, max_attempts=2)  # redelivered once
    assert not take_up(engine, article, stage=Stage.INGESTED, max_attempts=2)  # the worker died twice
    count, status, reason = attempts(engine, article)
    assert (count, status) == (3, "failed")
    assert reason is not None
    assert "quarantined at stage ingested" in reason
    assert "taken up 2 times" in reason
    assert not take_up(engine, article, stage=Stage.INGESTED, max_attempts=2)  # never again by itself
    assert release(engine, [article]) == [(article, "ingested")]
    assert attempts(engine, article) == (0, "ok", None)
    assert release(engine, [article]) == []  # not failed any more


def test_retries_after_transient_errors_are_allowed_for_but_a_worker_dying_in_one_is_not(
    engine: Engine, add_article: AddArticle
) -> None:
    article = add_article()
    assert take_up(engine, article, stage=Stage.INGESTED, max_attempts=1)
    for retries in range(1, 6):  # the database came and went: retried, not quarantined
        assert take_up(engine, article, stage=Stage.INGESTED, max_attempts=1, retries=retries)
    assert attempts(engine, article) == (6, "ok", None)
    # Retry 5 kills its worker: the redelivered message (still retry 5) is one attempt too many.
    assert not take_up(engine, article, stage=Stage.INGESTED, max_attempts=1, retries=5)
    _, status, reason = attempts(engine, article)
    assert status == "failed"
    assert reason is not None
    assert "taken up 1 times" in reason


def test_a_finished_stage_resets_attempts_and_a_later_stage_is_not_taken_up(
    engine: Engine, add_article: AddArticle
) -> None:
    article = add_article()
    assert take_up(engine, article, stage=Stage.INGESTED, max_attempts=3)
    settle(engine, [article])
    assert attempts(engine, article)[0] == 0
    clustered = add_article(Stage.CLUSTERED)
    assert not take_up(engine, clustered, stage=Stage.INGESTED, max_attempts=3)  # a redelivery: done
    assert attempts(engine, clustered)[0] == 0
    assert not take_up(engine, 999_999, stage=Stage.INGESTED, max_attempts=3)
    assert stage_of(engine, clustered) == ("clustered", "ok")
    assert stage_of(engine, 999_999) is None


def test_a_burst_of_arrivals_makes_one_comparison_after_it(engine: Engine, add_article: AddArticle) -> None:
    members = [add_article(Stage.CLUSTERED) for _ in range(3)]
    add_event(engine, "e000001", members)
    assert comparison_due(engine, "e000001").due_at is None  # nothing due
    due_times = []
    for _ in members:  # three arrivals, each pushing the comparison back
        due_times.append(push_comparison(engine, ["e000001"], delay_seconds=0.3))
        # The message sent with an earlier arrival comes before the comparison is due: nothing.
        assert not comparison_due(engine, "e000001").now
    assert due_times == sorted(due_times)
    time.sleep(0.35)
    due = comparison_due(engine, "e000001")
    assert due.now
    assert due.due_at == due_times[-1]
    clear_comparison(engine, "e000001", due.due_at, members_of(engine, "e000001"))
    assert comparison_due(engine, "e000001").due_at is None  # the later messages find it done
    assert {stage_of(engine, article) for article in members} == {("compared", "ok")}


def test_an_arrival_during_a_comparison_is_not_cleared_by_it(engine: Engine, add_article: AddArticle) -> None:
    add_event(engine, "e000002", [add_article(Stage.CLUSTERED)])
    first = push_comparison(engine, ["e000002"], delay_seconds=0)
    read = comparison_due(engine, "e000002")
    assert read.due_at == first
    later = push_comparison(engine, ["e000002"], delay_seconds=30)  # arrives while comparing
    clear_comparison(engine, "e000002", first, [])
    assert comparison_due(engine, "e000002").due_at == later


def test_the_reconciler_finds_only_work_that_waited_past_the_grace_time(
    engine: Engine, add_article: AddArticle
) -> None:
    now = dt.datetime.now(dt.UTC)
    stuck_ingested = add_article(Stage.INGESTED)
    stuck_annotated = add_article(Stage.ANNOTATED)
    add_article(Stage.INGESTED, updated_at=now)  # just arrived: its message is on the way
    add_article(Stage.INGESTED, status=Status.FAILED)  # failed: left for a person
    add_article(Stage.CLUSTERED)  # done with its stages
    overdue = add_article(Stage.CLUSTERED)
    add_event(engine, "e000010", [overdue])
    push_comparison(engine, ["e000010"], delay_seconds=-3600)
    never_compared = add_article(Stage.CLUSTERED)
    add_event(engine, "e000011", [never_compared])
    compared = add_article(Stage.COMPARED)
    add_event(engine, "e000012", [compared])
    with session_scope(engine) as session:
        session.add(
            EventComparison(
                event_id="e000012",
                comparison_version="t",
                membership_key="k",
                article_count=1,
                data={},
                created_at=LONG_AGO + dt.timedelta(hours=1),
            )
        )

    found = find_lost_work(engine, grace_seconds=600, now=now)

    assert found.articles == {
        pipeline.ANNOTATE_ARTICLE: [stuck_ingested],
        pipeline.CLUSTER_ARTICLE: [stuck_annotated],
    }
    assert found.events_overdue == ["e000010"]
    assert found.events_stale == ["e000011"]  # e000012's comparison is newer than its change
    assert found.counts() == {
        "annotate_article": 1,
        "cluster_article": 1,
        "compare_overdue": 1,
        "compare_stale": 1,
    }
