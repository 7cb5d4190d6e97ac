"""The cluster task shells, called as functions (a real worker runs them in tests/test_cluster_worker.py):
ids in, rows re-read, the same effect however often they run; a database outage is retried."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.cluster.tasks import cluster_article, merge_events, register_tasks
from parallax.shared import pipeline
from parallax.shared.config import Settings, get_settings
from parallax.shared.errors import StorageUnavailableError, TransientError
from parallax.shared.queue import create_celery_app

from .conftest import CALL, CALL_ACTORS, AddArticle, ScriptedJoins


@pytest.fixture
def configured(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The test database as the one the settings name, as a worker would find it."""
    monkeypatch.setenv("PARALLAX_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def placed(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        query = sa.text("SELECT article_id, event_id FROM event_membership ORDER BY article_id")
        return [(row[0], row[1]) for row in connection.execute(query)]


def test_the_tasks_retry_transient_errors_on_the_cluster_queue() -> None:
    app = create_celery_app(Settings(broker_url="memory://"))
    register_tasks(app)
    for name in (pipeline.CLUSTER_ARTICLE, pipeline.MERGE_EVENTS):
        assert app.tasks[name].autoretry_for == (TransientError,)
        assert app.amqp.router.route({}, name, args=())["queue"].name == "cluster"
    assert pipeline.NEXT_STAGE[pipeline.ANNOTATE_ARTICLE] == pipeline.CLUSTER_ARTICLE


def test_cluster_article_places_one_stored_article_once(configured: Engine, add_article: AddArticle) -> None:
    first = add_article(CALL, actors=CALL_ACTORS)
    second = add_article(CALL + " talks", actors=CALL_ACTORS, outlet="La Gazette")
    cluster_article(first)
    assert placed(configured) == [(first, "e000001")]
    cluster_article(second)
    cluster_article(second)
    assert placed(configured) == [(first, "e000001"), (second, "e000001")]


def test_merge_events_stores_the_merge_pass(
    configured: Engine, add_article: AddArticle, scripted_joins: ScriptedJoins
) -> None:
    ids = [add_article(CALL, actors=CALL_ACTORS, outlet=name) for name in ("A", "B")]
    for article_id in ids:
        cluster_article(article_id)
    scripted_joins.decide(0.9)
    merge_events()
    merge_events()
    assert len({event for _, event in placed(configured)}) == 1
    with configured.connect() as connection:
        statuses = connection.execute(sa.text("SELECT status FROM event ORDER BY id")).scalars().all()
    assert sorted(statuses) == ["merged", "open"]


def test_a_database_outage_is_a_transient_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PARALLAX_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:9/down?connect_timeout=2"
    )
    get_settings.cache_clear()
    try:
        with pytest.raises(StorageUnavailableError):
            cluster_article(1)
        with pytest.raises(StorageUnavailableError):
            merge_events()
    finally:
        get_settings.cache_clear()
