"""Faults the pipeline's workers must survive, provoked on real processes: `parallax worker`
subprocesses, a real broker (a private redis-server, or Celery's SQLAlchemy transport on a
SQLite file) and a real database, fed real French and English articles.

- A pool process SIGKILLed mid-task: the message comes back and its effect happens once.
- Redis restarted with messages in flight (no persistence): `parallax reconcile` finds the
  lost work in the database and the pipeline finishes it, once.
- PostgreSQL out of reach for a while (a proxy severs it): tasks retry with backoff, then succeed.
- An input that kills its worker every time is quarantined, and a message with a bad
  argument is dropped; neither blocks the articles behind it.

Each worker is stopped with SIGTERM, then SIGKILL; its log is printed when a test fails.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from parallax.ingest.run import ingest
from parallax.shared import pipeline
from parallax.shared.config import Settings
from parallax.shared.queue import create_celery_app
from parallax.shared.reconcile import find_lost_work
from parallax.shared.testing import require_service, wait_until

PARALLAX = Path(sys.executable).parent / "parallax"
BILINGUAL = (
    Path(__file__).parents[1] / "services" / "cluster" / "tests" / "data" / "bilingual" / "articles.jsonl"
)
# The Macron–Putin call of 3 February 2022, in French and in English.
CALL = ("bi-fr-01", "bi-en-01", "bi-fr-03", "bi-en-02")
# Something else: the ECB's rate rise of 21 July 2022.
ECB = ("bi-fr-12", "bi-en-12")
ALL_QUEUES = ",".join(pipeline.QUEUES)
PIPELINE_QUEUES = "annotate,cluster,compare"
# What the reconciler counts when nothing is lost.
NOTHING_LOST = {"annotate_article": 0, "cluster_article": 0, "compare_overdue": 0, "compare_stale": 0}
# A fresh pool process loads spaCy for several seconds before its first annotation.
PIPELINE_SECONDS = 120


# --- services -----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """A private redis-server on a free port, without persistence: killed, it forgets everything."""

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        """The broker URL of this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (on the same port every time) and wait until it answers."""
        no_persistence = ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        with (self.folder / "redis.log").open("ab") as out:
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", *no_persistence],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, 15, what="redis-server")

    def kill(self) -> None:
        """SIGKILL the server: what it held is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def queue_length(self, queue: str) -> int:
        """Messages waiting in a queue (not those a worker holds)."""
        with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5) as client:
            return int(client.llen(queue))

    def unacked(self) -> int:
        """Messages a worker took and has not acknowledged yet."""
        with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5) as client:
            return int(client.hlen("unacked"))

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited:\n{(self.folder / 'redis.log').read_text()}")
        with redis.Redis(
            host="127.0.0.1", port=self.port, socket_connect_timeout=1, socket_timeout=1
        ) as client:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private redis-server (skips without the binary; fails in CI)."""
    binary = shutil.which("redis-server")
    require_service(binary is not None, "redis-server (the Redis server binary)")
    assert binary is not None
    server = RedisServer(binary, tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(params=["redis", "sqlite"])
def broker_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A real broker: a private Redis, then Celery's SQLAlchemy transport on a SQLite file."""
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        return server.url
    return f"sqla+sqlite:///{tmp_path / 'broker.db'}"


class SeveringProxy:
    """A TCP proxy in front of a database server that can be severed: every connection through
    it closed, and new ones closed as soon as they are accepted, until it is restored."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.refused = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._severed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def sever(self) -> None:
        """Close every connection and refuse new ones."""
        with self._lock:
            self._severed = True
            sockets = list(self._open)
        self._drop(*sockets)

    def restore(self) -> None:
        """Let connections through again."""
        with self._lock:
            self._severed = False

    def close(self) -> None:
        """Sever for good and stop listening."""
        self.sever()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            try:
                server = None if self._severed else socket.create_connection(self.upstream, timeout=5)
            except OSError:
                server = None
            with self._lock:
                if server is not None and not self._severed:
                    server.settimeout(None)
                    self._open |= {client, server}
                    for source, sink in ((client, server), (server, client)):
                        threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()
                    continue
                self.refused += 1
            self._drop(*(s for s in (client, server) if s is not None))

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass  # severed, or the other side hung up: both ends are closed below
        finally:
            self._drop(source, sink)

    def _drop(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._open.difference_update(sockets)
        for each in sockets:
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
            each.close()


# --- workers ------------------------------------------------------------------------------------


@dataclass
class WorkerProcess:
    """A `parallax worker` subprocess and the file its log goes to."""

    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        """Everything the worker logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 80) -> str:
        """The last lines of the log."""
        return "\n".join(self.log_text().splitlines()[-lines:])

    def check_alive(self) -> None:
        """Fail at once when the worker exited (rather than wait for a timeout)."""
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited with {self.process.returncode}")

    def ready(self) -> bool:
        """Whether the worker consumes its queues."""
        self.check_alive()
        return " ready." in self.log_text()

    def pool_children(self) -> list[int]:
        """The pids of the pool processes (the worker's children)."""
        children: list[int] = []
        for path in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                children.extend(int(pid) for pid in path.read_text().split())
        return children

    def kill_pool_children(self) -> list[int]:
        """SIGKILL the pool processes, as if the task they run had crashed them; their pids."""
        children = self.pool_children()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return children

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL to the worker and whatever it left behind."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(20)
        # The worker leads its own process group (start_new_session): this reaches its pool too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def worker_env(*, database_url: str, broker_url: str, **settings: object) -> dict[str, str]:
    """The environment of a worker or command: this machine's, without its PARALLAX_* settings,
    with the given database, broker and settings (`task_max_attempts=2` -> PARALLAX_TASK_MAX_ATTEMPTS)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PARALLAX_")}
    env.update(
        {
            "PARALLAX_DATABASE_URL": database_url,
            "PARALLAX_BROKER_URL": broker_url,
            "PARALLAX_COMPARE_DEBOUNCE_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({f"PARALLAX_{name.upper()}": str(value) for name, value in settings.items()})
    return env


@contextlib.contextmanager
def running_worker(tmp_path: Path, env: dict[str, str], *, queues: str) -> Iterator[WorkerProcess]:
    """A ready `parallax worker` (prefork, one pool process); its log's tail is printed if the
    block fails, and it is stopped whatever happens."""
    log = tmp_path / f"worker-{len(list(tmp_path.glob('worker-*.log')))}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(PARALLAX), "worker", f"--queues={queues}", "--pool=prefork", "--concurrency=1"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = WorkerProcess(process, log)
    try:
        wait_until(worker.ready, 60, what="the worker's start")
        yield worker
    except BaseException:
        print(f"--- the last lines of {log} ---\n{worker.tail()}")
        raise
    finally:
        worker.stop()


def send_tasks(broker_url: str, messages: Sequence[tuple[str, list[Any]]]) -> list[str]:
    """Send task messages by name, as the API and the reconciler do; their ids."""
    app = create_celery_app(Settings(broker_url=broker_url))
    try:
        return [app.send_task(name, args=args).id for name, args in messages]
    finally:
        app.close()


# --- data ---------------------------------------------------------------------------------------


def ingest_articles(engine: Engine, tmp_path: Path, keys: Sequence[str]) -> dict[str, int]:
    """Ingest the bilingual test articles named by `keys`; their ids by key."""
    records = {
        record["id"]: record
        for record in (json.loads(line) for line in BILINGUAL.read_text(encoding="utf-8").splitlines())
    }
    source = tmp_path / "articles.jsonl"
    source.write_text(
        "".join(json.dumps(records[key], ensure_ascii=False) + "\n" for key in keys), encoding="utf-8"
    )
    url = engine.url.render_as_string(hide_password=False)
    report = ingest([str(source)], engine=engine, settings=Settings(database_url=url, ingest_workers=1))
    assert report.stored == len(keys), report
    with engine.connect() as connection:
        ids_by_title = {
            row.title: row.id for row in connection.execute(sa.text("SELECT title, id FROM article"))
        }
    return {key: int(ids_by_title[records[key]["title"]]) for key in keys}


@dataclass(frozen=True)
class ArticleState:
    """Where an article stands, and what the stages wrote about it."""

    stage: str
    status: str
    status_reason: str | None
    attempts: int
    annotations: int
    memberships: int


def article_state(engine: Engine, article_id: int) -> ArticleState:
    """The article's row and how many annotation and membership rows it has."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT stage, status, status_reason, attempts,"
                " (SELECT count(*) FROM article_annotation WHERE article_id = a.id),"
                " (SELECT count(*) FROM event_membership WHERE article_id = a.id)"
                " FROM article a WHERE id = :id"
            ),
            {"id": article_id},
        ).one()
    return ArticleState(*row)


def all_states(engine: Engine, article_ids: Sequence[int]) -> list[ArticleState]:
    """The states of several articles."""
    return [article_state(engine, article_id) for article_id in article_ids]


def finished(stages: set[str]) -> Callable[[ArticleState], bool]:
    """Whether an article reached one of `stages`, ok, with its attempts reset."""
    return lambda state: state.stage in stages and state.status == "ok" and state.attempts == 0


def open_events(engine: Engine) -> dict[str, int]:
    """The open events and how many articles each says it holds."""
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, article_count FROM event WHERE status = 'open'"))
        return {row.id: row.article_count for row in rows}


def database_url(engine: Engine) -> str:
    """The engine's URL with its password, for another process."""
    return engine.url.render_as_string(hide_password=False)


# --- 1. a pool process killed mid-task ----------------------------------------------------------


def test_a_task_whose_pool_process_is_killed_is_redelivered_and_done_once(
    sqlite_engine: Engine, broker_url: str, tmp_path: Path
) -> None:
    (article_id,) = ingest_articles(sqlite_engine, tmp_path, CALL[:1]).values()
    env = worker_env(database_url=database_url(sqlite_engine), broker_url=broker_url)
    with running_worker(tmp_path, env, queues=PIPELINE_QUEUES) as worker:
        (task_id,) = send_tasks(broker_url, [(pipeline.ANNOTATE_ARTICLE, [article_id])])

        # 1. taken up (attempt counted), not annotated yet: the pool process is loading spaCy.
        def taken_up() -> bool:
            worker.check_alive()
            state = article_state(sqlite_engine, article_id)
            assert state.annotations == 0, "annotated before the kill: no window to kill it in"
            return state.attempts == 1

        wait_until(taken_up, 60, what="the first attempt")
        assert worker.kill_pool_children(), "the worker has no pool process to kill"

        # 2. the message comes back (reject_on_worker_lost) and the chain runs to the end.
        def done() -> bool:
            worker.check_alive()
            return finished({"compared"})(article_state(sqlite_engine, article_id))

        wait_until(done, PIPELINE_SECONDS, what="the redelivered task and its successors")

        # 3. the effect happened once; the redelivery is what did it (no reconciler runs here).
        state = article_state(sqlite_engine, article_id)
        assert (state.annotations, state.memberships) == (1, 1)
        assert (state.status, state.status_reason, state.attempts) == ("ok", None, 0)
        with sqlite_engine.connect() as connection:
            compared = list(connection.execute(sa.text("SELECT event_id FROM event_comparison")).scalars())
        assert open_events(sqlite_engine) == {compared[0]: 1}  # counted in its event once
        log = worker.log_text()
        assert "WorkerLostError" in log
        assert log.count(f"annotate_article[{task_id}] received") == 2


# --- 2. Redis restarted with messages in flight -------------------------------------------------


def test_work_lost_with_a_restarted_redis_is_found_by_the_reconciler_and_done_once(
    sqlite_engine: Engine, redis_server: RedisServer, tmp_path: Path
) -> None:
    ids = list(ingest_articles(sqlite_engine, tmp_path, CALL + ECB).values())
    assert len(ids) == 6

    # 1. the messages wait in Redis, no worker running; Redis dies and comes back empty.
    send_tasks(redis_server.url, [(pipeline.ANNOTATE_ARTICLE, [article_id]) for article_id in ids])
    assert redis_server.queue_length("annotate") == 6
    redis_server.kill()
    redis_server.start()
    assert redis_server.queue_length("annotate") == 0

    # 2. a worker on every queue, and the reconciler run by hand.
    env = worker_env(
        database_url=database_url(sqlite_engine), broker_url=redis_server.url, reconcile_grace_seconds=0
    )
    with running_worker(tmp_path, env, queues=ALL_QUEUES) as worker:
        command = subprocess.run(
            [str(PARALLAX), "reconcile"],
            check=False,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert command.returncode == 0, command.stderr
        assert re.search(r"annotate_article\s+6\b", command.stdout), command.stdout

        # 3. every article goes all the way, every event with members is compared.
        def done() -> bool:
            worker.check_alive()
            return all(map(finished({"compared"}), all_states(sqlite_engine, ids)))

        wait_until(done, PIPELINE_SECONDS, what="the reconciled work")

        with sqlite_engine.connect() as connection:
            events = set(
                connection.execute(sa.text("SELECT DISTINCT event_id FROM event_membership")).scalars()
            )
            compared = list(connection.execute(sa.text("SELECT event_id FROM event_comparison")).scalars())
            still_due = connection.execute(
                sa.text("SELECT count(*) FROM event WHERE compare_due_at IS NOT NULL")
            ).scalar_one()
            job = connection.execute(
                sa.text("SELECT status, \"trigger\", counts FROM ingest_run WHERE kind = 'reconcile'")
            ).one()
        states = all_states(sqlite_engine, ids)
        assert [(s.annotations, s.memberships) for s in states] == [(1, 1)] * 6
        assert len(events) >= 2  # the call and the rate rise at least
        assert open_events(sqlite_engine).keys() == events
        assert sum(open_events(sqlite_engine).values()) == 6  # each article counted once
        assert sorted(compared) == sorted(events)  # one comparison per event, none left out
        assert still_due == 0
        assert find_lost_work(sqlite_engine, grace_seconds=0).counts() == NOTHING_LOST
        status, trigger, counts = job
        counts = json.loads(counts) if isinstance(counts, str) else counts
        assert (status, trigger) == ("succeeded", "command")
        assert counts == {**NOTHING_LOST, "annotate_article": 6}


# --- 3. PostgreSQL out of reach for a while -----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_tasks_retry_while_postgresql_is_out_of_reach_and_then_succeed(
    engine: Engine, redis_server: RedisServer, tmp_path: Path
) -> None:
    warm_up, *rest = ingest_articles(engine, tmp_path, (CALL[0], CALL[1], CALL[2], ECB[1])).values()
    upstream = make_url(database_url(engine))
    proxy = SeveringProxy((upstream.host or "127.0.0.1", upstream.port or 5432))
    through_proxy = upstream.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    env = worker_env(database_url=through_proxy, broker_url=redis_server.url, task_max_retries=30)
    try:
        with running_worker(tmp_path, env, queues="annotate") as worker:
            # 1. a first article loads spaCy and leaves a pooled connection through the proxy.
            send_tasks(redis_server.url, [(pipeline.ANNOTATE_ARTICLE, [warm_up])])

            def annotated(article_ids: Sequence[int]) -> Callable[[], bool]:
                def check() -> bool:
                    worker.check_alive()
                    return all(map(finished({"annotated"}), all_states(engine, article_ids)))

                return check

            wait_until(annotated([warm_up]), PIPELINE_SECONDS, what="the first annotation")

            # 2. PostgreSQL goes out of reach as the tasks arrive, and comes back 6 s later.
            send_tasks(redis_server.url, [(pipeline.ANNOTATE_ARTICLE, [article_id]) for article_id in rest])
            proxy.sever()
            time.sleep(6)
            proxy.restore()

            # 3. the tasks retried with backoff, then succeeded, each article annotated once.
            wait_until(annotated(rest), PIPELINE_SECONDS, what="the retried tasks")
            states = all_states(engine, [warm_up, *rest])
            assert [(s.annotations, s.status, s.attempts) for s in states] == [(1, "ok", 0)] * 4
            assert proxy.refused > 0, "no connection was refused: the outage was not felt"
            log = worker.log_text()
            assert re.search(r"annotate_article\[[0-9a-f-]+\] retry: Retry in", log), "no retry logged"
            assert "StorageUnavailableError" in log
    finally:
        proxy.close()


# --- 4. poison inputs ---------------------------------------------------------------------------


# On Redis only: redelivery after a lost pool process is tested on both brokers above, and on
# the SQLAlchemy transport every kill costs Celery's `worker_lost_wait` (10 s) more.
def test_an_input_that_kills_its_worker_is_quarantined_and_does_not_block_the_queue(
    sqlite_engine: Engine, redis_server: RedisServer, tmp_path: Path
) -> None:
    # French first: each attempt at it loads the French model for seconds, the window to kill in.
    ids = ingest_articles(sqlite_engine, tmp_path, (CALL[0], ECB[1]))
    poison, healthy = ids[CALL[0]], ids[ECB[1]]
    broker_url = redis_server.url
    env = worker_env(database_url=database_url(sqlite_engine), broker_url=broker_url, task_max_attempts=2)
    with running_worker(tmp_path, env, queues="annotate") as worker:
        send_tasks(
            broker_url, [(pipeline.ANNOTATE_ARTICLE, [poison]), (pipeline.ANNOTATE_ARTICLE, [healthy])]
        )

        # 1. every time the poison article is taken up, its worker dies before finishing it.
        killed_at: set[int] = set()

        def quarantined() -> bool:
            worker.check_alive()
            state = article_state(sqlite_engine, poison)
            assert state.annotations == 0, "the poison article was annotated: the kill came too late"
            if state.status == "failed":
                return True
            if state.attempts > 0 and state.attempts not in killed_at:
                assert worker.kill_pool_children(), "the worker has no pool process to kill"
                killed_at.add(state.attempts)
            return False

        deadline = time.monotonic() + PIPELINE_SECONDS
        while not quarantined():
            assert time.monotonic() < deadline, "the poison article was not quarantined in time"
            time.sleep(0.02)

        # 2. after two attempts it is set aside with the reason; the other article went through.
        def healthy_done() -> bool:
            worker.check_alive()
            return finished({"annotated"})(article_state(sqlite_engine, healthy))

        wait_until(healthy_done, PIPELINE_SECONDS, what="the article behind the poison one")
        state = article_state(sqlite_engine, poison)
        assert killed_at == {1, 2}
        assert (state.stage, state.status, state.attempts, state.annotations) == ("ingested", "failed", 3, 0)
        assert state.status_reason is not None
        assert "quarantined" in state.status_reason
        lost = find_lost_work(sqlite_engine, grace_seconds=0)
        assert poison not in lost.articles[pipeline.ANNOTATE_ARTICLE]  # never sent again
        assert article_state(sqlite_engine, healthy).annotations == 1
        # The poison message is gone for good: neither waiting nor held.
        wait_until(
            lambda: (redis_server.queue_length("annotate"), redis_server.unacked()) == (0, 0),
            10,
            what="the last acknowledgement",
        )


# The database decides what a bad argument does (SQLite matches no row, PostgreSQL refuses
# to compare an integer with text), so both run; the SQLAlchemy transport acknowledges too.
@pytest.mark.parametrize(
    ("engine", "broker_url"),
    [
        ("sqlite", "redis"),
        pytest.param("postgresql", "redis", marks=pytest.mark.postgres),
        ("sqlite", "sqlite"),
    ],
    indirect=True,
)
def test_a_message_with_a_bad_argument_does_not_block_the_queue(
    engine: Engine, broker_url: str, tmp_path: Path
) -> None:
    (article_id,) = ingest_articles(engine, tmp_path, ECB[1:]).values()
    env = worker_env(database_url=database_url(engine), broker_url=broker_url)
    with running_worker(tmp_path, env, queues="annotate") as worker:
        # Not an id, an id with no article, no argument at all; then a good one.
        bad = send_tasks(
            broker_url,
            [
                (pipeline.ANNOTATE_ARTICLE, ["not-an-id"]),
                (pipeline.ANNOTATE_ARTICLE, [article_id + 1000]),
                (pipeline.ANNOTATE_ARTICLE, []),
            ],
        )
        send_tasks(broker_url, [(pipeline.ANNOTATE_ARTICLE, [article_id])])

        def annotated() -> bool:
            worker.check_alive()
            return finished({"annotated"})(article_state(engine, article_id))

        wait_until(annotated, PIPELINE_SECONDS, what="the valid article behind the bad messages")
        log = worker.log_text()
        for task_id in bad:
            assert re.search(rf"annotate_article\[{task_id}\] (succeeded|raised)", log), task_id
