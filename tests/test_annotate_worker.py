"""The annotate Celery task shell, run by a real worker on the embedded broker (Celery's SQLAlchemy
transport on a SQLite file): an article id goes in, the stored article comes out annotated,
and running the task twice changes nothing."""

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.annotate.tasks import register_tasks
from parallax.ingest.run import ingest
from parallax.shared import pipeline
from parallax.shared.config import Settings, get_settings
from parallax.shared.queue import create_celery_app
from parallax.shared.testing import wait_until

ARTICLE = (
    "Emmanuel Macron s'est entretenu par téléphone avec Vladimir Poutine jeudi. Selon le Kremlin, "
    "les deux présidents ont évoqué les garanties de sécurité que réclame la Russie."
)


def test_a_worker_annotates_a_stored_article_once(
    sqlite_engine: Engine,
    settings_for: Callable[..., Settings],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from celery.contrib.testing.worker import start_worker

    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"outlet": "Le Courrier", "text": ARTICLE}) + "\n", encoding="utf-8")
    settings = settings_for(sqlite_engine, broker_url=f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    report = ingest([str(source)], engine=sqlite_engine, settings=settings)
    (article_id,) = report.article_ids
    monkeypatch.setenv("PARALLAX_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()

    app = create_celery_app(settings)
    register_tasks(app)

    def annotations() -> list[tuple[str, str]]:
        with sqlite_engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sa.text("SELECT version_key, created_at FROM article_annotation")
                )
            ]

    try:
        with start_worker(
            app, pool="solo", queues=["annotate"], perform_ping_check=False, shutdown_timeout=30
        ):
            app.send_task(pipeline.ANNOTATE_ARTICLE, args=[article_id])
            wait_until(lambda: len(annotations()) == 1)
            first = annotations()
            app.send_task(pipeline.ANNOTATE_ARTICLE, args=[article_id])
            time.sleep(2)
            assert annotations() == first  # current annotation: not redone
    finally:
        get_settings.cache_clear()
    with sqlite_engine.connect() as connection:
        stage = connection.execute(
            sa.text("SELECT stage FROM article WHERE id = :i"), {"i": article_id}
        ).scalar_one()
        actors = set(connection.execute(sa.text("SELECT actor_id FROM article_actor")).scalars())
    assert stage == "annotated"
    assert {"person/emmanuel-macron", "person/vladimir-putin", "government/ru"} <= actors


def test_tasks_are_routed_to_their_service_queue() -> None:
    app = create_celery_app(Settings(broker_url="memory://"))
    register_tasks(app)
    assert pipeline.ANNOTATE_ARTICLE in app.tasks
    route = app.amqp.router.route({}, pipeline.ANNOTATE_ARTICLE, args=(1,))
    assert route["queue"].name == "annotate"
