"""The cluster Celery task shells, run by a real worker on the embedded broker (Celery's
SQLAlchemy transport on a SQLite file): ingested and annotated articles go in by id, come out in
events, and running the tasks twice changes nothing."""

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.annotate.store import annotate_stored
from parallax.cluster.tasks import register_tasks
from parallax.ingest.run import ingest
from parallax.shared import pipeline
from parallax.shared.config import Settings, get_settings
from parallax.shared.queue import create_celery_app
from parallax.shared.testing import wait_until

BILINGUAL = (
    Path(__file__).parents[1] / "services" / "cluster" / "tests" / "data" / "bilingual" / "articles.jsonl"
)
# The same phone call, reported in French and in English.
CALL = ("bi-fr-01", "bi-en-01")


def test_a_worker_puts_stored_articles_in_events_once(
    sqlite_engine: Engine,
    settings_for: Callable[..., Settings],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from celery.contrib.testing.worker import start_worker

    records = [json.loads(line) for line in BILINGUAL.read_text(encoding="utf-8").splitlines()]
    source = tmp_path / "call.jsonl"
    source.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records if record["id"] in CALL),
        encoding="utf-8",
    )
    settings = settings_for(sqlite_engine, broker_url=f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    article_ids = ingest([str(source)], engine=sqlite_engine, settings=settings).article_ids
    assert annotate_stored(article_ids, engine=sqlite_engine).annotated == 2
    monkeypatch.setenv("PARALLAX_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()

    app = create_celery_app(settings)
    register_tasks(app)

    def memberships() -> list[tuple[int, str, str]]:
        with sqlite_engine.connect() as connection:
            query = "SELECT article_id, event_id, assigned_at FROM event_membership ORDER BY article_id"
            return [(row[0], row[1], row[2]) for row in connection.execute(sa.text(query))]

    try:
        with start_worker(
            app, pool="solo", queues=["cluster"], perform_ping_check=False, shutdown_timeout=30
        ):
            for article_id in article_ids:
                app.send_task(pipeline.CLUSTER_ARTICLE, args=[article_id])
            wait_until(lambda: len(memberships()) == 2)
            first = memberships()
            for article_id in article_ids:
                app.send_task(pipeline.CLUSTER_ARTICLE, args=[article_id])
            app.send_task(pipeline.MERGE_EVENTS)
            time.sleep(2)
            # Placed once: the same assignment times (a merge may have moved them since).
            assert [(a, at) for a, _, at in memberships()] == [(a, at) for a, _, at in first]
    finally:
        get_settings.cache_clear()
    with sqlite_engine.connect() as connection:
        stages = set(connection.execute(sa.text("SELECT stage FROM article")).scalars())
        events = connection.execute(
            sa.text("SELECT id, article_count FROM event WHERE status = 'open'")
        ).all()
    assert stages == {"clustered"}
    assert sum(count for _, count in events) == 2
    assert {event for _, event, _ in memberships()} == {event for event, _ in events}
