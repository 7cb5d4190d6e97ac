"""Reading an event's scores under load, with gunicorn on this machine (issue 7).

    .venv/bin/python benchmarks/api_load.py [--events 50] [--requests 5000] [--concurrency 50]
        [--workers 4] [--database-url URL] [--json PATH]

Data: the first `--events` BASIL events (real articles nobody here wrote), compared from their
cached annotations and stored as the compare service stores them (articles, events,
memberships, comparisons) in a fresh PostgreSQL database (`parallax_bench` on the local server
unless `--database-url` names another; it is dropped and made again).

Load: `parallax serve` (gunicorn, `--workers`) with an API key required, and ApacheBench
(`ab`, Debian's apache2-utils) sending `--requests` GETs of `/v1/events/<id>/scores`, with
`--concurrency` clients at once, cycling over the stored events' URLs one `ab` run per event.
Figures: the latency percentiles ab reports (p50, p99), requests per second, failures; the
issue's bar is p99 under 50 ms at 50 clients. The peer, measured in the same run by the same
tool and server: `GET /v1/health` (one database round trip, no JSON work): the ratio says what
reading and scoring a comparison adds to the cheapest request.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cluster_data import read_records
from compare_data import annotations_of

ROOT = Path(__file__).resolve().parents[1]
PARALLAX = ROOT / ".venv" / "bin" / "parallax"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/parallax_bench"
# Events whose scores are loaded, one after another, and the requests that warm each up.
LOADED_EVENTS = 10
WARM_UP_REQUESTS = 20


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's database, then build the schema."""
    import sqlalchemy as sa

    from parallax.shared.db import create_db_engine, upgrade_schema

    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_db_engine(url)
    upgrade_schema(engine)
    engine.dispose()


def store_events(url: str, count: int) -> list[str]:
    """Store the first `count` BASIL events with their comparisons; their event ids."""
    import datetime as dt

    from parallax.compare.article import Article
    from parallax.compare.comparison import compare_event
    from parallax.shared.db import create_db_engine, session_scope
    from parallax.shared.models import (
        Article as ArticleRow,
    )
    from parallax.shared.models import (
        ArticleAnnotation,
        Event,
        EventComparison,
        EventMembership,
        Outlet,
    )
    from parallax.shared.offsets import OffsetMap

    annotations = annotations_of("basil")
    events: dict[str, list[dict[str, Any]]] = {}
    for record in read_records("basil"):
        events.setdefault(str(record["event"]), []).append(record)
    engine = create_db_engine(url)
    stored: list[str] = []
    outlets: dict[str, int] = {}
    sequence = 0
    with session_scope(engine) as session:
        for number, records in enumerate(list(events.values())[:count], start=1):
            event_id = f"e{number:06d}"
            session.add(
                Event(
                    id=event_id, title=records[0]["title"], algorithm_version="bench", model_version="bench"
                )
            )
            session.flush()
            articles = []
            for record in records:
                if record["outlet"] not in outlets:
                    outlet = Outlet(name=record["outlet"])
                    session.add(outlet)
                    session.flush()
                    outlets[record["outlet"]] = outlet.id or 0
                row = ArticleRow(
                    outlet_id=outlets[record["outlet"]],
                    title=record["title"],
                    original_text=record["text"],
                    clean_text=record["text"],
                    offset_map=OffsetMap.identity(len(record["text"])).to_json(),
                    content_hash=f"bench-{record['id']}",
                    version_hash=f"bench-{record['id']}",
                    source_kind="jsonl",
                    normalizer_version="bench",
                    language="en",
                    published_at=dt.datetime.fromisoformat(record["published"]).replace(tzinfo=dt.UTC)
                    if record.get("published")
                    else None,
                    stage="compared",
                )
                session.add(row)
                session.flush()
                annotation = {**annotations[record["id"]], "id": str(row.id)}
                session.add(
                    ArticleAnnotation(
                        article_id=row.id or 0,
                        version_key="bench",
                        language="en",
                        analysis="full",
                        data=annotation,
                    )
                )
                sequence += 1
                session.add(
                    EventMembership(
                        article_id=row.id or 0,
                        event_id=event_id,
                        score=1.0,
                        started=False,
                        sequence=sequence,
                        algorithm_version="bench",
                        model_version="bench",
                    )
                )
                articles.append(Article.from_record({**record, "id": str(row.id)}, annotation))
            report = compare_event(event_id, articles).to_json()
            session.add(
                EventComparison(
                    event_id=event_id,
                    comparison_version=report["version"],
                    membership_key=report["membership_key"],
                    article_count=len(articles),
                    data=report,
                )
            )
            stored.append(event_id)
    engine.dispose()
    return stored


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cold_request(url: str, key: str) -> float:
    """Milliseconds of one request nobody asked before (the worker reads the whole report)."""
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"X-API-Key": key})
    urllib.request.urlopen(request, timeout=10).read()
    return round((time.perf_counter() - started) * 1000, 1)


def ab(url: str, key: str, requests: int, concurrency: int) -> dict[str, Any]:
    """ApacheBench's figures for one URL: percentiles (ms), requests per second, failures."""
    output = subprocess.run(
        ["ab", "-q", "-n", str(requests), "-c", str(concurrency), "-H", f"X-API-Key: {key}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = {int(p): float(ms) for p, ms in re.findall(r"^\s+(\d+)%\s+(\d+)", output, re.MULTILINE)}
    failed = int(re.search(r"Failed requests:\s+(\d+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", output)
    rate = float(re.search(r"Requests per second:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return {
        "p50_ms": percentiles.get(50),
        "p99_ms": percentiles.get(99),
        "max_ms": percentiles.get(100),
        "requests_per_second": rate,
        "failed": failed,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "ab_output": output,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Store the events, serve them, load them, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if shutil.which("ab") is None:
        raise SystemExit("ab (ApacheBench) is needed: apt-get install apache2-utils")

    fresh_database(args.database_url)
    event_ids = store_events(args.database_url, args.events)
    environment = {
        **os.environ,
        "PARALLAX_DATABASE_URL": args.database_url,
        "PARALLAX_API_KEYS_REQUIRED": "true",
        "PARALLAX_API_RATE_LIMIT": "100000000/minute",
        "PARALLAX_AUTO_MIGRATE": "false",
    }
    created = subprocess.run(
        [str(PARALLAX), "keys", "create", "--name", "load benchmark", "--scope", "read"],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    key = next(word for word in created.stdout.split() if word.startswith("px_"))
    port = free_port()
    server = subprocess.Popen(
        [str(PARALLAX), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/v1/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        cold = [cold_request(f"{base}/v1/events/{event_id}/scores", key) for event_id in event_ids[-10:]]
        loaded = event_ids[:LOADED_EVENTS]
        per_event = max(1, args.requests // len(loaded))
        runs = []
        for event_id in loaded:
            url = f"{base}/v1/events/{event_id}/scores"
            # warm-up, not measured: each worker computes the event's scores once and keeps them
            ab(url, key, WARM_UP_REQUESTS, WARM_UP_REQUESTS)
            runs.append(ab(url, key, per_event, args.concurrency))
        health = ab(f"{base}/v1/health", key, args.requests, args.concurrency)
    finally:
        server.terminate()
        server.wait(timeout=30)
    worst = max(runs, key=lambda run: run["p99_ms"] or 0)
    figures = {
        "benchmark": "api_load",
        "tool": "ApacheBench (ab) "
        + subprocess.run(["ab", "-V"], capture_output=True, text=True, check=True).stdout.split("\n")[0],
        "server": f"parallax serve (gunicorn, {args.workers} workers), PostgreSQL",
        "concurrency": args.concurrency,
        "scores": {
            "events_loaded": len(runs),
            "requests_each": per_event,
            "p50_ms_median": sorted(run["p50_ms"] for run in runs)[len(runs) // 2],
            "p99_ms_worst": worst["p99_ms"],
            "requests_per_second_median": sorted(run["requests_per_second"] for run in runs)[len(runs) // 2],
            "failed": sum(run["failed"] + run["non_2xx"] for run in runs),
        },
        "cold_ms": cold,
        "peer_health": {
            key_: health[key_] for key_ in ("p50_ms", "p99_ms", "requests_per_second", "failed", "non_2xx")
        },
        "bar_p99_ms": 50,
        "ab_output_worst_scores_run": worst["ab_output"],
    }
    figures["ratio_p99_scores_to_health"] = round((worst["p99_ms"] or 0) / (health["p99_ms"] or 1), 2)
    printed = {k: v for k, v in figures.items() if k != "ab_output_worst_scores_run"}
    print(json.dumps(printed, indent=1))
    print(worst["ab_output"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
