"""Comparing stored events, on SQLite and PostgreSQL: one current row per event, recomputed
only when the membership or the comparison version changes; members that cannot be compared
are named, not dropped."""

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.compare import store
from parallax.compare.article import evidence_in
from parallax.compare.comparison import COMPARISON_VERSION
from parallax.compare.store import compare_stored, stored_comparison
from parallax.compare.tasks import compare_event, register_tasks
from parallax.shared import pipeline
from parallax.shared.config import Settings, get_settings
from parallax.shared.errors import TransientError
from parallax.shared.queue import create_celery_app
from parallax.shared.stages import comparison_due, push_comparison

from .conftest import StoreEvent, simple_annotation

CALL = (
    "Emmanuel Macron spoke with Vladimir Putin by phone on Thursday about Ukraine. "
    "The Kremlin said the two leaders discussed security guarantees for Russia. "
)
ELYSEE = "The Elysee said both presidents agreed on the need for de-escalation. "
TROOPS = "Russia has massed more than 100,000 troops near the Ukrainian border. "
ACTORS = {"person/emmanuel-macron": ["Emmanuel Macron"], "person/vladimir-putin": ["Vladimir Putin"]}


def member(text: str, outlet: str) -> tuple[str, str, dict[str, Any]]:
    """An event member with its annotation (its id is set when stored)."""
    return (text, outlet, simple_annotation("placeholder", text, actors=ACTORS))


def rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        query = sa.text(
            "SELECT event_id, comparison_version, membership_key, article_count, created_at FROM event_comparison"
        )
        return [tuple(row) for row in connection.execute(query)]


def test_an_event_is_compared_once_and_stored_with_its_version(
    engine: Engine, store_event: StoreEvent
) -> None:
    ids = store_event(
        "e000001",
        [
            member(CALL + ELYSEE, "Ledger"),
            member(CALL + ELYSEE + TROOPS, "Gazette"),
            member(CALL + TROOPS, "Herald"),
        ],
    )
    report = compare_stored(["e000001"], engine=engine)
    assert report.compared == ["e000001"]
    [(event_id, version, key, count, created)] = rows(engine)
    assert (event_id, version, count) == ("e000001", COMPARISON_VERSION, 3)
    data = stored_comparison("e000001", engine=engine)
    assert data is not None
    assert [article["id"] for article in data["articles"]] == [str(i) for i in ids]
    assert data["membership_key"] == key
    # the third article lacks the Elysee's sentence, which both others carry
    omitted = data["omissions"]["by_article"][str(ids[2])]
    assert omitted
    assert all(span["article"] != str(ids[2]) for _, span in evidence_in(omitted))

    again = compare_stored(["e000001"], engine=engine)
    assert (again.compared, again.up_to_date) == ([], ["e000001"])
    assert rows(engine)[0][4] == created


def test_a_new_member_or_version_makes_the_event_compared_again(
    engine: Engine, store_event: StoreEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_event("e000001", [member(CALL, "Ledger"), member(CALL + ELYSEE, "Gazette")])
    compare_stored(None, engine=engine)
    first_key = rows(engine)[0][2]
    store_event("e000001", [member(CALL + TROOPS, "Herald")])
    assert compare_stored(None, engine=engine).compared == ["e000001"]
    [(_, _, key, count, _)] = rows(engine)
    assert (key != first_key, count) == (True, 3)

    monkeypatch.setattr(store, "COMPARISON_VERSION", "compare.v-next")
    assert compare_stored(None, engine=engine).compared == ["e000001"]
    assert compare_stored(None, engine=engine).up_to_date == ["e000001"]
    assert compare_stored(None, engine=engine, force=True).compared == ["e000001"]


def test_members_without_annotation_are_named_and_unknown_events_reported(
    engine: Engine, store_event: StoreEvent
) -> None:
    ids = store_event(
        "e000002", [member(CALL, "Ledger"), member(CALL + ELYSEE, "Gazette"), (CALL, "Herald", None)]
    )
    report = compare_stored(["e000002", "e404"], engine=engine)
    assert report.missing == ["e404"]
    assert list(report.left_out["e000002"]) == [str(ids[2])]
    data = stored_comparison("e000002", engine=engine)
    assert data is not None
    assert [item["article"] for item in data["left_out"]] == [str(ids[2])]
    assert "parallax annotate" in data["left_out"][0]["reason"]
    assert len(data["articles"]) == 2


@pytest.fixture
def configured(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The test database as the one the settings name, as a worker would find it."""
    monkeypatch.setenv("PARALLAX_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def test_the_task_compares_an_event_once_on_the_compare_queue(
    configured: Engine, store_event: StoreEvent
) -> None:
    app = create_celery_app(Settings(broker_url="memory://"))
    register_tasks(app)
    assert app.tasks[pipeline.COMPARE_EVENT].autoretry_for == (TransientError,)
    assert app.amqp.router.route({}, pipeline.COMPARE_EVENT, args=())["queue"].name == "compare"
    store_event("e000003", [member(CALL, "Ledger"), member(CALL + ELYSEE, "Gazette")])
    compare_event("e000003")
    assert rows(configured) == []  # nothing due: nothing compared
    push_comparison(configured, ["e000003"], delay_seconds=60)
    compare_event("e000003")
    assert rows(configured) == []  # due in a minute: a later message will do it
    push_comparison(configured, ["e000003"], delay_seconds=0)
    compare_event("e000003")
    created = rows(configured)[0][4]
    assert comparison_due(configured, "e000003").due_at is None
    compare_event("e000003")  # a redelivered message: done already
    assert rows(configured)[0][4] == created
