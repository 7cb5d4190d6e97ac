"""The whole pipeline with real workers and beat: a feed registered through the API is polled
on schedule, its articles become events with comparisons and scores, read through the API.

Two set-ups: the embedded default (Celery's SQLAlchemy transport on a SQLite file, SQLite
database) and production's (Redis broker, PostgreSQL database). The feed is served from a
local HTTP server: three constructed reports of the 3 February 2022 Macron–Putin call
(services/compare/tests/data/seed_event, labelled as constructed) and one unrelated story.
Workers and beat are the `parallax worker` and `parallax beat` commands, as an operator runs
them.
"""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.api.auth import create_key
from parallax.cli.api_app import create_api_app
from parallax.shared.config import Settings
from parallax.shared.db import create_db_engine, session_scope, upgrade_schema
from parallax.shared.testing import require_service, wait_until

SEED_EVENT = (
    Path(__file__).parents[1] / "services" / "compare" / "tests" / "data" / "seed_event" / "articles.jsonl"
)
PARALLAX = Path(sys.executable).parent / "parallax"
UNRELATED = {
    "id": "harbour",
    "title": "Harbour authority approves new ferry terminal",
    "language": "en",
    "published": "2022-02-03T09:00:00+00:00",
    "text": (
        "The harbour authority approved plans for a new ferry terminal on Tuesday evening, ending a "
        "dispute that had delayed the project for almost three years.\n\nThe terminal will replace "
        "the ageing pier on the east quay and is expected to handle twice as many passengers once "
        "the summer timetable begins next year.\n\nConstruction is due to begin in the autumn and the "
        "operator said services would continue from the old pier until the new terminal opens."
    ),
}


def stories() -> list[dict[str, Any]]:
    """The feed's articles: the constructed reports of the call, and one unrelated story."""
    lines = SEED_EVENT.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()] + [UNRELATED]


class FeedServer(ThreadingHTTPServer):
    """An RSS feed at /rss.xml whose items link to article pages on the same server."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FeedHandler)
        self.stories = stories()
        self.requests: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def feed(self) -> bytes:
        import datetime as dt

        items = "".join(
            f"<item><title>{html.escape(story['title'])}</title>"
            f"<link>{self.base}/news/{story['id']}</link><guid>{self.base}/news/{story['id']}</guid>"
            f"<pubDate>{format_datetime(dt.datetime.fromisoformat(story['published']))}</pubDate></item>"
            for story in self.stories
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Demo feed</title><link>{self.base}/</link><description>Constructed reports</description>"
            f"{items}</channel></rss>"
        ).encode()

    def page(self, story_id: str) -> bytes | None:
        for story in self.stories:
            if story["id"] == story_id:
                paragraphs = "".join(
                    f"<p>{html.escape(p)}</p>" for p in story["text"].split("\n") if p.strip()
                )
                return (
                    f'<!doctype html><html lang="{story["language"]}"><head><meta charset="utf-8">'
                    f"<title>{html.escape(story['title'])}</title>"
                    f'<meta property="article:published_time" content="{story["published"]}">'
                    f'<meta property="og:site_name" content="{html.escape(story.get("outlet", "Harbour News"))}">'
                    "</head>"
                    f"<body><article><h1>{html.escape(story['title'])}</h1>{paragraphs}</article></body></html>"
                ).encode()
        return None


class _FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        if self.path == "/rss.xml":
            body, kind = self.server.feed(), "application/rss+xml"
        elif self.path.startswith("/news/") and (page := self.server.page(self.path.removeprefix("/news/"))):
            body, kind = page, "text/html; charset=utf-8"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads `server.requests`, not the server's log on stderr."""


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _redis_broker() -> str:
    """A Redis database of its own on the local server, emptied, or a skip (a failure in CI)."""
    import redis

    url = os.environ.get("PARALLAX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/11"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError:
        require_service(False, "Redis (set PARALLAX_TEST_REDIS_URL)")
    client.flushdb()
    client.close()
    return url


@pytest.fixture(params=["embedded", pytest.param("redis-postgresql", marks=pytest.mark.postgres)])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, dict[str, str]]]:
    """A migrated database and the environment of the worker processes."""
    dropped: tuple[Engine, str] | None = None
    if request.param == "embedded":
        database_url = f"sqlite:///{tmp_path / 'parallax.db'}"
        broker_url = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
        require_service(url is not None, "PostgreSQL (set PARALLAX_TEST_POSTGRES_URL)")
        # A database of its own: the workers must see only this test's rows.
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        name = f"parallax_e2e_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        database_url = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
        broker_url = _redis_broker()
        dropped = (admin, name)
    engine = create_db_engine(database_url)
    upgrade_schema(engine)
    environment = {
        **os.environ,
        "PARALLAX_DATABASE_URL": database_url,
        "PARALLAX_BROKER_URL": broker_url,
        "PARALLAX_AUTO_MIGRATE": "false",
        "PARALLAX_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
        "PARALLAX_FEED_CHECK_SECONDS": "1",
        "PARALLAX_COMPARE_DEBOUNCE_SECONDS": "2",
        "PARALLAX_RECONCILE_INTERVAL_SECONDS": "3600",
    }
    try:
        yield engine, environment
    finally:
        engine.dispose()
        if dropped is not None:
            _drop(*dropped)


def _drop(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[list[tuple[subprocess.Popen[bytes], Path]]]:
    """Worker and beat processes, stopped (TERM, then KILL) at the end; their logs printed on failure."""
    started: list[tuple[subprocess.Popen[bytes], Path]] = []
    yield started
    for process, _ in started:
        process.send_signal(signal.SIGTERM)
    for process, log in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        sys.stderr.write(f"--- {log.name} (last lines)\n")
        sys.stderr.write("\n".join(log.read_text(errors="replace").splitlines()[-30:]) + "\n")


def start(arguments: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A `parallax` command in its own process group, its output in `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(PARALLAX), *arguments],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=log.parent,
            start_new_session=True,
        )


def api_client(engine: Engine) -> tuple[FlaskClient, str]:
    """The composed API on the test database (reads open) and a write key."""
    url = engine.url.render_as_string(hide_password=False)
    app = create_api_app(
        Settings(
            database_url=url, api_keys_required=False, auto_migrate=False, api_rate_limit="100000/minute"
        )
    )
    app.config["TESTING"] = True
    with session_scope(engine) as session:
        secret, _ = create_key("e2e", ["write"], session=session)
    return app.test_client(), secret


def test_a_registered_feed_becomes_events_with_comparisons_and_scores(
    setup: tuple[Engine, dict[str, str]],
    feed_server: FeedServer,
    processes: list[tuple[subprocess.Popen[bytes], Path]],
    tmp_path: Path,
) -> None:
    engine, environment = setup
    client, key = api_client(engine)
    registered = client.post(
        "/v1/feeds",
        json={"url": f"{feed_server.base}/rss.xml", "poll_interval_seconds": 60},
        headers={"X-API-Key": key},
    )
    assert registered.status_code == 201, registered.get_json()

    for arguments, name in (
        (
            ["worker", "--queues", "ingest,annotate,cluster,compare,maintenance", "--concurrency", "2"],
            "worker",
        ),
        (["beat", "--schedule-file", str(tmp_path / "beat-schedule")], "beat"),
    ):
        log = tmp_path / f"{name}.log"
        processes.append((start(arguments, environment, log), log))

    def events_with_scores() -> list[dict[str, Any]]:
        response = client.get("/v1/events")
        assert response.status_code == 200, response.get_json()
        listed = response.get_json()["items"]
        done = []
        for event in listed:
            scores = client.get(f"/v1/events/{event['id']}/scores")
            if scores.status_code == 200:
                done.append({"event": event, "scores": scores.get_json()})
        return done

    wait_until(
        lambda: any(len(found["scores"].get("pairs", [])) >= 3 for found in events_with_scores()),
        seconds=240,
        what="the workers (feed polled, articles annotated, clustered, compared)",
    )
    found = events_with_scores()
    call = next(item for item in found if item["event"]["article_count"] >= 3)
    assert call["event"]["article_count"] == 3  # the three reports of the call, not the harbour
    assert {pair["distance"] is not None for pair in call["scores"]["pairs"]} == {True}
    assert call["scores"]["explanations"], "scores come with their explanations"

    jobs = client.get("/v1/jobs?kind=poll_feed").get_json()["items"]
    assert jobs, "the poll is recorded as a job"
    assert jobs[-1]["status"] == "succeeded"
    assert jobs[-1]["trigger"] == "schedule"
    assert jobs[-1]["counts"]["stored"] == 4
    assert "/rss.xml" in feed_server.requests

    def memberships() -> int:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM event_membership")).scalar_one())

    # The unrelated story may still be on its way when the call's event is compared.
    wait_until(lambda: memberships() == 4, seconds=120, what="the workers (every article in an event)")
    with engine.connect() as connection:
        stages = dict(connection.execute(sa.text("SELECT stage, count(*) FROM article GROUP BY stage")).all())
    assert stages.get("compared", 0) >= 3
