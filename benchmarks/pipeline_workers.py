"""The pipeline through the Celery workers against the same stages run in-process by the CLI (issue 8).

    .venv/bin/python benchmarks/pipeline_workers.py [--articles 1000] [--repeat 3] [--debounce 2]
        [--annotate-concurrency 2] [--diagnose] [--database-url URL] [--broker-url URL] [--json PATH]

Data: real English news nobody here wrote, from ../shared/data: every BASIL article (300),
then ECB+ articles with a text in file order up to `--articles` (700: topics 10 to 41, the
last one cut; 61 ECB+ articles are a headline alone and ingest would refuse them).
ECB+ names no outlet and ingest needs one, so each ECB+ article gets an outlet of its own
("ECB+ <id>"): to the cluster service that is the same as no outlet (no two articles share
one). The records are written to benchmarks/.work/pipeline_workers/ as interchange JSON Lines.

Both runs start from a fresh PostgreSQL database and ingest that file with the same command
(`parallax ingest FILE --json`), timed apart. Then:

(a) in-process, the peer: `parallax annotate --stored`, `parallax events assign`,
    `parallax events compare`, one command after the other, each timed (Python start-up
    and spaCy loading included, as a user meets them; `annotate --stored` is one process);
(b) distributed: three `parallax worker` processes on a Redis broker (a database number of
    its own, flushed first), one per queue: annotate (`--annotate-concurrency` processes,
    2 by default: the parse is CPU-bound, one process per core), cluster (1: one writer under
    a database lock, more would wait) and compare+maintenance (1: a comparison takes tens of
    milliseconds). Once all three answer, the clock starts and every new article's annotate
    task is sent as the API sends them (`parallax.cli.api_app.send_to_pipeline`); the
    workers chain annotate -> cluster -> compare, debounced by `--debounce` seconds
    (PARALLAX_COMPARE_DEBOUNCE_SECONDS). The clock stops when the database says every
    article is in an event and every event with members has a comparison of all its members
    with none due; a last `compare_stored` pass then checks that every stored comparison is
    current. Worker start-up (before the clock) is reported apart; spaCy loading in each
    annotate process happens at its first task, inside the clock.

Every second of (b), the queue depths (`parallax.cli.workers.queue_depths`, what
`parallax queues --json` prints), the messages workers hold (Redis's `unacked`: tasks
running and compare tasks waiting for their countdown) and the articles at each stage are
sampled into the JSON output. Worker logs go to benchmarks/.work/pipeline_workers/; each
task's run time is read back from them ("succeeded in").

The machine is shared, so each run also records CPU seconds: of each command or worker
(its process group), of the PostgreSQL processes serving the run's database, and of the
whole machine (what is left is other people's work). `--repeat` runs pairs, alternating
which goes first; the medians are reported. `--diagnose` adds, in a fresh process, the cost
of loading the English pipeline and spaCy one article per call against batches of 32 (every
5th article, each way in three fresh processes, alternately).

Figures: articles per second of each run after ingest (the stages that differ) and with
ingest, and the ratio distributed / in-process (the issue's target: at most 1.3x slower).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from api_load import fresh_database
from cluster_data import read_records

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PARALLAX = ROOT / ".venv" / "bin" / "parallax"
WORK = HERE / ".work" / "pipeline_workers"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/parallax_bench_pipeline"
# Database 14: the end-to-end test uses 11, the API's examples 0 and 1.
DEFAULT_BROKER = "redis://127.0.0.1:6379/14"
INTERCHANGE_FIELDS = ("id", "outlet", "title", "text", "url", "published", "language")
# One worker per queue; None: `--annotate-concurrency` (see the module's docstring for why).
WORKERS = (("annotate", None), ("cluster", 1), ("compare,maintenance", 1))
POLL_SECONDS = 0.25
# Ingest's shortest body (PARALLAX_MIN_ARTICLE_CHARS' default).
MIN_TEXT = 40
STOP_SECONDS = 30


# --- data -----------------------------------------------------------------------------------------


def benchmark_input(count: int) -> tuple[Path, dict[str, Any]]:
    """Write the benchmark's JSON Lines (BASIL, then ECB+ in file order); its path and what it holds."""
    basil = read_records("basil")
    # 61 ECB+ articles are a headline with no text: ingest refuses those.
    with_text = [r for r in read_records("ecbplus") if len(r["text"].strip()) >= MIN_TEXT]
    ecbplus = with_text[: max(0, count - len(basil))]
    chosen = (basil + ecbplus)[:count]
    lines = []
    for record in chosen:
        article = {name: record.get(name) for name in INTERCHANGE_FIELDS}
        article["outlet"] = article["outlet"] or f"ECB+ {record['id'].split(':', 1)[1]}"
        lines.append(json.dumps(article, ensure_ascii=False))
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"articles-{count}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    described = {
        "articles": len(chosen),
        "basil": sum(r["id"].startswith("basil:") for r in chosen),
        "ecbplus": sum(r["id"].startswith("ecbplus:") for r in chosen),
        "characters": sum(len(r["text"]) for r in chosen),
        "source": "../shared/data/basil and ../shared/data/ecbplus (English; ECB+ in file order)",
    }
    return path, described


# --- commands and processes -----------------------------------------------------------------------


def environment(database_url: str, broker_url: str, debounce: float) -> dict[str, str]:
    """The PARALLAX_* settings both runs' commands and workers read."""
    return {
        **os.environ,
        "PARALLAX_DATABASE_URL": database_url,
        "PARALLAX_BROKER_URL": broker_url,
        "PARALLAX_AUTO_MIGRATE": "false",
        "PARALLAX_COMPARE_DEBOUNCE_SECONDS": str(debounce),
    }


def timed_command(
    arguments: Sequence[str], env: dict[str, str], *, partial_ok: bool = False
) -> tuple[float, float, str]:
    """Run one `parallax` command to its end; its wall time, CPU time and standard output."""
    started, cpu = time.perf_counter(), children_cpu_seconds()
    done = subprocess.run(
        [str(PARALLAX), *arguments], env=env, capture_output=True, text=True, cwd=WORK, check=False
    )
    seconds, cpu_seconds = time.perf_counter() - started, children_cpu_seconds() - cpu
    if done.returncode not in ((0, 3) if partial_ok else (0,)):  # 3: some inputs refused
        raise SystemExit(f"parallax {' '.join(arguments)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, cpu_seconds, done.stdout


def ingest(path: Path, env: dict[str, str]) -> tuple[float, list[int]]:
    """`parallax ingest FILE --json`: its wall time and the new articles' ids."""
    seconds, _, output = timed_command(["ingest", str(path), "--json"], env, partial_ok=True)
    report = json.loads(output)
    if report["refusals"]:
        raise SystemExit(f"ingest refused {len(report['refusals'])} articles: {report['refusals'][:3]}")
    return seconds, [int(article_id) for article_id in report["article_ids"]]


def start_worker(queues: str, concurrency: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`parallax worker` on `queues`, in a process group of its own, its output in `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(PARALLAX), "worker", "--queues", queues, "--concurrency", str(concurrency)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=WORK,
            start_new_session=True,
        )


def stop_workers(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    """Warm shutdown (TERM), then KILL the process group of any worker still there."""
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in workers:
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for_workers(app: Any, queues: Sequence[str], workers: Sequence[subprocess.Popen[bytes]]) -> None:
    """Return once a worker answers for each queue (fail if one of them exits)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for process in workers:
            if process.poll() is not None:
                raise SystemExit(f"a worker exited with {process.returncode}: see {WORK}/worker-*.log")
        answered = app.control.inspect(timeout=1.0).active_queues() or {}
        consumed = {queue["name"] for found in answered.values() for queue in found}
        if set(queues) <= consumed:
            return
    raise SystemExit(f"the workers did not answer within 120 s: see {WORK}/worker-*.log")


def flushed_redis(url: str) -> None:
    """Empty the broker's Redis database (it is the benchmark's own)."""
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


# --- CPU accounting -------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since boot (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


def process_cpu_seconds() -> dict[int, tuple[int, str, float]]:
    """Every live process: pid -> (process group, command line, CPU seconds so far)."""
    found = {}
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            after_name = (folder / "stat").read_text().rsplit(")", 1)[1].split()
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended meanwhile
        cpu = (int(after_name[11]) + int(after_name[12])) / _TICKS
        found[int(folder.name)] = (int(after_name[2]), command, cpu)
    return found


def group_cpu_seconds(group: int) -> float:
    """CPU seconds (user + system) of the live processes in process group `group`."""
    return sum(cpu for pgrp, _, cpu in process_cpu_seconds().values() if pgrp == group)


class DatabaseCpu:
    """CPU seconds of the PostgreSQL server processes serving one database, sampled every
    half second in a thread while in use (a connection that closes between two samples loses
    at most its last half second)."""

    def __init__(self, database: str) -> None:
        self.marker = f" {database} "
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def _sample(self) -> dict[int, float]:
        found = process_cpu_seconds().items()
        return {
            pid: cpu
            for pid, (_, command, cpu) in found
            if command.startswith("postgres:") and self.marker in command
        }

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(0.5):
            self.last.update(self._sample())

    def __enter__(self) -> DatabaseCpu:
        self.first = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.last.update(self._sample())

    def seconds(self) -> float:
        """CPU seconds the database's server processes spent between enter and exit."""
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())


def children_cpu_seconds() -> float:
    """CPU seconds of this process's finished children (the commands it ran and waited for)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- what the database says -----------------------------------------------------------------------

_PROGRESS = """
SELECT
  (SELECT count(*) FROM article) AS articles,
  (SELECT count(*) FROM article WHERE stage <> 'ingested') AS annotated,
  (SELECT count(*) FROM event_membership) AS clustered,
  (SELECT count(*) FROM article WHERE stage = 'compared') AS compared_stage,
  (SELECT count(*) FROM article WHERE status <> 'ok') AS failed,
  (SELECT count(DISTINCT event_id) FROM event_membership) AS events,
  (SELECT count(*) FROM (SELECT event_id, count(*) AS n FROM event_membership GROUP BY event_id) AS m
     JOIN event_comparison AS c ON c.event_id = m.event_id AND c.article_count = m.n) AS compared_events,
  (SELECT count(*) FROM event WHERE compare_due_at IS NOT NULL) AS due
"""


def progress(engine: Any) -> dict[str, int]:
    """Articles at each stage and events with a comparison of all their members, in one query."""
    import sqlalchemy as sa

    with engine.connect() as connection:
        row = connection.execute(sa.text(_PROGRESS)).one()
    return {key: int(value) for key, value in row._mapping.items()}


def finished(state: dict[str, int]) -> bool:
    """Every article in an event (or failed) and every event with members compared, none due."""
    return (
        state["clustered"] + state["failed"] >= state["articles"]
        and state["compared_events"] == state["events"]
        and state["due"] == 0
    )


def stale_comparisons(database_url: str) -> dict[str, int]:
    """Check every stored comparison against its event as it is now (after the clock): how many
    events were current and how many had to be compared again."""
    from parallax.compare.store import compare_stored
    from parallax.shared.db import create_db_engine

    engine = create_db_engine(database_url)
    try:
        report = compare_stored(None, engine=engine)
    finally:
        engine.dispose()
    return {"current": len(report.up_to_date), "stale_or_missing": len(report.compared)}


# --- the two runs ---------------------------------------------------------------------------------


def in_process(path: Path, database_url: str, env: dict[str, str]) -> dict[str, Any]:
    """(a) Ingest, then annotate, cluster and compare with the CLI commands, each timed."""
    load = os.getloadavg()[0]
    fresh_database(database_url)
    ingest_seconds, article_ids = ingest(path, env)
    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    outputs: dict[str, str] = {}
    busy = machine_busy_seconds()
    with DatabaseCpu(database_name(database_url)) as database:
        for name, arguments in (
            ("annotate", ["annotate", "--stored", "--quiet"]),
            ("cluster", ["events", "assign", "--quiet"]),
            ("compare", ["events", "compare"]),
        ):
            stages[name], cpu[name], output = timed_command(arguments, env)
            outputs[name] = output.strip()
    busy = machine_busy_seconds() - busy
    after_ingest = sum(stages.values())
    return {
        "ingest_seconds": round(ingest_seconds, 2),
        "stored": len(article_ids),
        "stage_seconds": {name: round(value, 2) for name, value in stages.items()},
        "after_ingest_seconds": round(after_ingest, 2),
        "with_ingest_seconds": round(after_ingest + ingest_seconds, 2),
        "cpu_seconds": {name: round(value, 1) for name, value in cpu.items()},
        "database_cpu_seconds": round(database.seconds(), 1),
        "machine_busy_cpu_seconds": round(busy, 1),
        "load_average_before": load,
        "command_output": outputs,
        "final": _final_state(database_url),
    }


def distributed(
    path: Path, database_url: str, broker_url: str, env: dict[str, str], annotate_concurrency: int
) -> dict[str, Any]:
    """(b) Ingest the same way, then the workers, from the first message until the database
    says everything is clustered and compared."""
    from parallax.cli.api_app import send_to_pipeline
    from parallax.cli.worker_app import create_worker_app
    from parallax.shared.config import Settings
    from parallax.shared.db import create_db_engine

    load = os.getloadavg()[0]
    fresh_database(database_url)
    flushed_redis(broker_url)
    ingest_seconds, article_ids = ingest(path, env)
    settings = Settings(database_url=database_url, broker_url=broker_url, auto_migrate=False)
    app = create_worker_app(settings)
    engine = create_db_engine(database_url)
    workers: dict[str, subprocess.Popen[bytes]] = {}
    try:
        started = time.perf_counter()
        for queues, concurrency in WORKERS:
            log = WORK / f"worker-{queues.split(',')[0]}.log"
            workers[queues] = start_worker(queues, concurrency or annotate_concurrency, env, log)
        wait_for_workers(app, ["annotate", "cluster", "compare", "maintenance"], list(workers.values()))
        startup_seconds = time.perf_counter() - started
        cpu_before = {queues: group_cpu_seconds(process.pid) for queues, process in workers.items()}
        busy = machine_busy_seconds()
        with DatabaseCpu(database_name(database_url)) as database:
            clock = time.perf_counter()
            send_to_pipeline(settings, article_ids)
            sent_seconds = time.perf_counter() - clock
            timeline = watch(app, engine, broker_url, clock)
            busy = machine_busy_seconds() - busy
            cpu = {q: group_cpu_seconds(p.pid) - cpu_before[q] for q, p in workers.items()}
    finally:
        stop_workers(list(workers.values()))
        engine.dispose()
    elapsed = timeline[-1]["t"]
    return {
        "ingest_seconds": round(ingest_seconds, 2),
        "stored": len(article_ids),
        "worker_startup_seconds": round(startup_seconds, 2),
        "send_seconds": round(sent_seconds, 3),
        "after_ingest_seconds": round(elapsed, 2),
        "with_ingest_seconds": round(elapsed + ingest_seconds, 2),
        "stage_reached_seconds": stage_reached(timeline),
        "cpu_seconds": {queues: round(value, 1) for queues, value in cpu.items()},
        "database_cpu_seconds": round(database.seconds(), 1),
        "machine_busy_cpu_seconds": round(busy, 1),
        "load_average_before": load,
        "tasks": task_times([WORK / f"worker-{queues.split(',')[0]}.log" for queues, _ in WORKERS]),
        "final": _final_state(database_url),
        "timeline": timeline,
    }


def watch(app: Any, engine: Any, broker_url: str, clock: float, limit: float = 3600) -> list[dict[str, Any]]:
    """Poll the database every POLL_SECONDS until the work is done; every second, and at the
    end, keep a sample of the queue depths, held messages and stage counts."""
    import redis

    from parallax.cli.workers import queue_depths

    client = redis.Redis.from_url(broker_url)
    timeline: list[dict[str, Any]] = []
    next_sample = 0.0
    try:
        while True:
            now = time.perf_counter() - clock
            state = progress(engine)
            done = finished(state)
            if now >= next_sample or done:
                # Redis keeps the messages a worker took (running, or waiting for a countdown) in `unacked`.
                held = int(client.hlen("unacked"))
                timeline.append({"t": round(now, 2), "queues": queue_depths(app), "held": held, **state})
                next_sample += 1.0
            if done:
                return timeline
            if now > limit:
                raise SystemExit(f"not finished after {limit:.0f} s; last state {state}")
            time.sleep(POLL_SECONDS)
    finally:
        client.close()


def stage_reached(timeline: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """When (seconds after the first message) all articles were annotated, and clustered."""
    total = timeline[-1]["articles"] - timeline[-1]["failed"]
    reached: dict[str, float | None] = {}
    for key in ("annotated", "clustered"):
        reached[f"all_{key}"] = next((s["t"] for s in timeline if s[key] >= total), None)
    return reached


_SUCCEEDED = re.compile(r"Task (parallax\.[\w.]+)\[[^\]]+\] succeeded in ([\d.]+)s")


def task_times(logs: Sequence[Path]) -> dict[str, dict[str, float]]:
    """Each task's count, total, median and p95 run time, read from the workers' logs."""
    times: dict[str, list[float]] = defaultdict(list)
    for log in logs:
        for name, seconds in _SUCCEEDED.findall(log.read_text(errors="replace")):
            times[name].append(float(seconds))
    summary = {}
    for name, values in sorted(times.items()):
        ordered = sorted(values)
        summary[name] = {
            "count": len(values),
            "total_s": round(sum(values), 2),
            "median_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        }
    return summary


def _final_state(database_url: str) -> dict[str, Any]:
    """The stage counts at the end and the check that every comparison is current."""
    from parallax.shared.db import create_db_engine

    engine = create_db_engine(database_url)
    try:
        state = progress(engine)
        written = rows_written(engine)
    finally:
        engine.dispose()
    return {**state, "rows_written": written, "comparisons": stale_comparisons(database_url)}


def rows_written(engine: Any) -> dict[str, int]:
    """Rows inserted into the annotation, membership and comparison tables since the database
    was made (PostgreSQL's statistics): a comparison replaced n times counts n + 1."""
    import sqlalchemy as sa

    tables = ("article_annotation", "event_membership", "event_comparison")
    query = sa.text("SELECT relname, n_tup_ins FROM pg_stat_user_tables WHERE relname IN :tables")
    query = query.bindparams(sa.bindparam("tables", expanding=True))
    time.sleep(1.0)  # the statistics of ended sessions reach the view within a second
    with engine.connect() as connection:
        return {str(name): int(count) for name, count in connection.execute(query, {"tables": list(tables)})}


# --- diagnosis: what a task does that a batch does not ------------------------------------------


def cold_annotation(path: Path, every: int, one_per_call: bool) -> dict[str, float]:
    """In a fresh process (the caller spawns one): CPU seconds to import annotate and load the
    English pipeline, then CPU milliseconds per article to annotate every `every`-th article
    of the benchmark once, one article per call (as a task does) or in batches of 32 (as
    `parallax annotate --stored` does). Each article is new to the process, as in both runs."""
    started = time.process_time()
    from parallax.annotate.annotate import ArticleInput, annotate_many
    from parallax.annotate.pipelines import pipeline_for

    pipeline_for("en")
    load = time.process_time() - started
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[::every]]
    articles = [
        ArticleInput.from_text(str(n), r["text"], title=r["title"], language="en")
        for n, r in enumerate(records)
    ]
    started = time.process_time()
    if one_per_call:
        for article in articles:
            list(annotate_many([article]))
    else:
        list(annotate_many(articles, batch_size=32))
    return {"load_cpu_s": load, "cpu_ms_per_article": (time.process_time() - started) / len(articles) * 1000}


def diagnosis(path: Path, every: int, rounds: int = 3) -> dict[str, Any]:
    """`cold_annotation` in fresh spawned processes, batches and one per call alternately."""
    import multiprocessing

    runs: dict[str, list[dict[str, float]]] = {"batch_32": [], "one_per_call": []}
    context = multiprocessing.get_context("spawn")
    for _ in range(rounds):
        for name, done in runs.items():
            with context.Pool(1) as pool:
                done.append(pool.apply(cold_annotation, (path, every, name == "one_per_call")))
    per_article = {
        name: [round(run["cpu_ms_per_article"], 1) for run in values] for name, values in runs.items()
    }
    medians = {name: statistics.median(values) for name, values in per_article.items()}
    return {
        "articles": len(path.read_text(encoding="utf-8").splitlines()[::every]),
        "load_english_cpu_s": round(statistics.median(r["load_cpu_s"] for v in runs.values() for r in v), 2),
        "cpu_ms_per_article": per_article,
        "one_per_call_over_batch": round(medians["one_per_call"] / medians["batch_32"], 3),
    }


# --- report ---------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Cores, Python, and the code measured (commit, and the files changed since)."""

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout

    commit, dirty = git("rev-parse", "HEAD"), git("status", "--porcelain", "--untracked-files=no")
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit.strip(),
        # other people's work in progress was measured with it
        "uncommitted_changes": sorted(line[3:] for line in dirty.splitlines()),
    }


def run_pair(
    path: Path, args: argparse.Namespace, env: dict[str, str], *, workers_first: bool
) -> dict[str, Any]:
    """One in-process run and one distributed run (in the order given) and their ratio."""
    runs: dict[str, Any] = {}
    order = ("distributed", "in_process") if workers_first else ("in_process", "distributed")
    for kind in order:
        if kind == "in_process":
            runs[kind] = in_process(path, args.database_url, env)
        else:
            runs[kind] = distributed(path, args.database_url, args.broker_url, env, args.annotate_concurrency)
    runs["order"] = list(order)
    runs["ratio_after_ingest"] = round(
        runs["distributed"]["after_ingest_seconds"] / runs["in_process"]["after_ingest_seconds"], 3
    )
    runs["ratio_with_ingest"] = round(
        runs["distributed"]["with_ingest_seconds"] / runs["in_process"]["with_ingest_seconds"], 3
    )
    return runs


def headline(pairs: Sequence[dict[str, Any]], articles: int) -> dict[str, Any]:
    """Medians over the pairs: seconds, articles per second and the ratios."""

    def median(kind: str, key: str) -> float:
        return float(statistics.median(pair[kind][key] for pair in pairs))

    seconds = {
        f"{kind}_{key}": median(kind, f"{key}_seconds")
        for kind in ("in_process", "distributed")
        for key in ("after_ingest", "with_ingest")
    }
    return {
        "seconds": seconds,
        "articles_per_second": {key: round(articles / value, 2) for key, value in seconds.items()},
        "ratio_after_ingest": round(statistics.median(p["ratio_after_ingest"] for p in pairs), 3),
        "ratio_with_ingest": round(statistics.median(p["ratio_with_ingest"] for p in pairs), 3),
        "ratios_after_ingest": [pair["ratio_after_ingest"] for pair in pairs],
        "target": 1.3,
    }


def summary(pair: dict[str, Any], articles: int) -> str:
    """The figures of one pair of runs, for a person."""
    a, b = pair["in_process"], pair["distributed"]
    return "\n".join(
        [
            f"in-process:  ingest {a['ingest_seconds']} s, then {a['stage_seconds']} = "
            f"{a['after_ingest_seconds']} s -> {articles / a['after_ingest_seconds']:.2f} articles/s; "
            f"CPU s {a['cpu_seconds']}, database {a['database_cpu_seconds']}, "
            f"machine busy {a['machine_busy_cpu_seconds']} CPU s",
            f"distributed: ingest {b['ingest_seconds']} s, workers up in {b['worker_startup_seconds']} s "
            f"(not timed), first message to done {b['after_ingest_seconds']} s -> "
            f"{articles / b['after_ingest_seconds']:.2f} articles/s; {b['stage_reached_seconds']}; "
            f"CPU s {b['cpu_seconds']}, database {b['database_cpu_seconds']}, "
            f"machine busy {b['machine_busy_cpu_seconds']} CPU s",
            f"  tasks {json.dumps(b['tasks'])}",
            f"  rows written: in-process {a['final']['rows_written']}, "
            f"distributed {b['final']['rows_written']}",
            f"ratio distributed / in-process: {pair['ratio_after_ingest']}x after ingest, "
            f"{pair['ratio_with_ingest']}x with ingest",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the pipeline both ways (`--repeat` pairs, alternating which goes first), print a
    summary and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="Pairs of runs; the median is reported.")
    parser.add_argument("--debounce", type=float, default=2.0, help="PARALLAX_COMPARE_DEBOUNCE_SECONDS")
    parser.add_argument(
        "--annotate-concurrency",
        type=int,
        default=2,
        help="Processes of the annotate worker (spaCy is CPU-bound: one per core).",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER)
    parser.add_argument("--keep-database", action="store_true", help="Leave the last run's database.")
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="Also measure, on every 5th article, spaCy batches against one article per call and "
        "the cost of loading the pipeline.",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    path, data = benchmark_input(args.articles)
    env = environment(args.database_url, args.broker_url, args.debounce)
    measured = machine()
    pairs = []
    try:
        for number in range(args.repeat):
            pairs.append(run_pair(path, args, env, workers_first=number % 2 == 1))
            print(
                f"--- pair {number + 1} of {args.repeat}\n{summary(pairs[-1], data['articles'])}", flush=True
            )
    finally:
        if not args.keep_database:
            drop_database(args.database_url)
    figures: dict[str, Any] = {
        "benchmark": "pipeline_workers",
        "date": dt.date.today().isoformat(),
        "data": data,
        "settings": {
            "compare_debounce_seconds": args.debounce,
            "workers": [{"queues": q, "concurrency": c or args.annotate_concurrency} for q, c in WORKERS],
            "in_process_commands": [
                "parallax ingest FILE --json",
                "parallax annotate --stored",
                "parallax events assign",
                "parallax events compare",
            ],
            "database": "PostgreSQL on 127.0.0.1:5432, made afresh for each run",
            "broker": f"Redis {args.broker_url}, flushed before each distributed run",
            "poll_seconds": POLL_SECONDS,
        },
        "machine": measured,
        **headline(pairs, data["articles"]),
        "pairs": pairs,
    }
    if args.diagnose:
        figures["diagnosis"] = diagnosis(path, every=5)
        print("diagnosis:", json.dumps(figures["diagnosis"]))
    print(
        json.dumps(
            {
                key: figures[key]
                for key in (
                    "seconds",
                    "articles_per_second",
                    "ratio_after_ingest",
                    "ratio_with_ingest",
                    "ratios_after_ingest",
                )
            },
            indent=1,
        )
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


def database_name(url: str) -> str:
    """The database a URL names (its last path part)."""
    return url.rsplit("/", 1)[1]


def drop_database(url: str) -> None:
    """Drop the benchmark's database."""
    import sqlalchemy as sa

    name = database_name(url)
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
