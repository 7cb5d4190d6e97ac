"""`parallax schedule list`, `queues`, `reconcile`, `ping`, `worker` (its arguments) and
`articles retry`, on a real broker: Celery's SQLAlchemy transport on a SQLite file, and Redis
for the worker ping (the SQLAlchemy transport has no broadcast)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from parallax.cli import exit_codes
from parallax.cli.main import cli
from parallax.shared.testing import require_service

from .conftest import Invoke


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A broker file of this test's own; the environment restored afterwards (the commands
    export their settings for the task shells)."""
    url = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    monkeypatch.setenv("PARALLAX_BROKER_URL", url)
    monkeypatch.setenv("PARALLAX_DATABASE_URL", os.environ.get("PARALLAX_DATABASE_URL", ""))
    return url


def test_schedule_list_names_every_job_and_when(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_RECONCILE_INTERVAL_SECONDS", "120")
    listed = invoke("schedule", "list", "--json")
    assert listed.exit_code == exit_codes.OK
    jobs = {job["name"]: job for job in json.loads(listed.output)}
    assert set(jobs) == {"poll-feeds", "reconcile", "merge-events", "rebuild-profiles"}
    assert jobs["reconcile"]["when"] == "every 2 min"
    assert jobs["rebuild-profiles"]["when"] == "daily at 03:00 UTC"
    assert jobs["poll-feeds"]["task"] == "parallax.ingest.poll_due_feeds"
    table = invoke("schedule", "list")
    assert "merge-events" in table.output
    assert "every 1 h" in table.output


def exits(*args: str) -> Result:
    """`parallax ARGS…` with its exit (usage errors, a failed ping) caught by the runner."""
    return CliRunner().invoke(cli, list(args))


def test_a_worker_asked_for_an_unknown_queue_says_which_exist(broker: str) -> None:
    result = exits("worker", "--queues", "annotate,nonsense")
    assert result.exit_code == exit_codes.USAGE
    assert "unknown queue nonsense" in result.output
    assert "ingest, annotate, cluster, compare, maintenance" in result.output


def test_reconcile_counts_then_sends_what_waited_too_long(
    invoke: Invoke, annotated: list[int], broker: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = invoke("reconcile", "--dry-run")
    assert fresh.exit_code == exit_codes.OK
    assert "cluster_article             0" in fresh.output  # just annotated: within the grace time
    monkeypatch.setenv("PARALLAX_RECONCILE_GRACE_SECONDS", "0")
    counted = invoke("reconcile", "--dry-run")
    assert f"cluster_article      {len(annotated):>8}" in counted.output
    sent = invoke("reconcile")
    assert sent.exit_code == exit_codes.OK, sent.output
    depths = json.loads(invoke("queues", "--json").output)
    assert depths["cluster"] == len(annotated)
    assert depths["annotate"] == 0
    with engine.connect() as connection:
        kind, trigger, status, counts = connection.execute(
            sa.text("SELECT kind, trigger, status, counts FROM ingest_run ORDER BY id DESC LIMIT 1")
        ).one()
    assert (kind, trigger, status) == ("reconcile", "command", "succeeded")
    counts = counts if isinstance(counts, dict) else json.loads(counts)
    assert counts["cluster_article"] == len(annotated)


def test_a_failed_article_is_sent_again_by_retry(
    invoke: Invoke, annotated: list[int], broker: str, engine: Engine
) -> None:
    failed = annotated[0]
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE article SET status = 'failed', status_reason = 'quarantined', attempts = 4 WHERE id = :i"
            ),
            {"i": failed},
        )
    assert exits("articles", "retry").exit_code == exit_codes.USAGE
    retried = invoke("articles", "retry", str(failed))
    assert retried.exit_code == exit_codes.OK, retried.output
    assert str(failed) in retried.output
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT status, status_reason, attempts FROM article WHERE id = :i"), {"i": failed}
        ).one()
    assert tuple(row) == ("ok", None, 0)
    assert json.loads(invoke("queues", "--json").output)["cluster"] == 1  # annotated: clustering next
    assert invoke("articles", "retry", str(failed)).exit_code == exit_codes.FAILURE  # not failed now


def test_ping_answers_for_a_queue_only_while_a_worker_consumes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import redis
    from celery.contrib.testing.worker import start_worker

    from parallax.cli.worker_app import create_worker_app
    from parallax.shared.config import Settings

    url = os.environ.get("PARALLAX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/12"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        require_service(False, "Redis (set PARALLAX_TEST_REDIS_URL)")
    monkeypatch.setenv("PARALLAX_BROKER_URL", url)
    silent = exits("ping", "--queue", "annotate", "--timeout", "0.5")
    assert silent.exit_code == 1
    assert "no worker answered for queue annotate" in silent.output
    app = create_worker_app(Settings(broker_url=url))
    with start_worker(app, pool="solo", queues=["annotate"], perform_ping_check=False, shutdown_timeout=10):
        # the worker takes its queue a moment after it starts (seconds on a loaded machine)
        deadline = time.monotonic() + 60
        answered = exits("ping", "--queue", "annotate", "--timeout", "2")
        while answered.exit_code != 0 and time.monotonic() < deadline:
            answered = exits("ping", "--queue", "annotate", "--timeout", "2")
        assert answered.exit_code == 0, answered.output
        assert answered.output.startswith("annotate: ")
        other = exits("ping", "--queue", "compare", "--timeout", "1")
        assert other.exit_code == 1
