"""How long the server takes to render one event's classroom page, and how heavy the page is.

    .venv/bin/python benchmarks/classroom_page.py [--articles 10] [--repeat 30] [--json PATH]

Data: real articles nobody here wrote (../shared/data), one event per set: `ecbplus`, the
first `--articles` articles of the largest ECB+ topic (short news reports of one kind of
event, much in common: many highlights and aligned passages), and `basil`, BASIL articles
(500 to 900 words each, three per real event, events taken in file order until there are
`--articles`: long columns, the heaviest page). Each set goes through the real pipeline into a
fresh SQLite database: ingest, annotate (spaCy), then the articles are made one event (as the
cluster service would store it) and compared by the compare service.

Figures, per set: the median and p95 wall time of `GET /events/<id>` through the composed
application (`parallax.cli.api_app`, Flask's test client: the database read, the view, the
SVG charts, the template), after one warm-up request (reported apart); the page's weight:
its HTML plus the stylesheet and script it loads (everything it needs: no images, fonts or
other requests), raw and gzipped. The issue's bars: under 300 ms for 10 articles, under
500 KB. The peer, measured in the same run on the same event: `GET /v1/events/<id>/comparison`,
the stored report the page is built from served as JSON; the ratio says what turning the
report into a page costs over reading and serialising it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cluster_data import read_records

SETS = {
    "ecbplus": "ECB+ (../shared/data/ecbplus): the first articles of the largest topic",
    "basil": "BASIL (../shared/data/basil): whole events of three long articles, in file order",
}
EVENT_ID = "e000001"
BUDGET_MS = 300
BUDGET_BYTES = 500_000


def chosen_records(name: str, count: int) -> list[dict[str, Any]]:
    """The articles that make the benchmark's event."""
    records = [r for r in read_records(name) if r.get("text")]
    group = "topic" if name == "ecbplus" else "event"
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        groups[str(record.get(group))].append(record)
    ordered = sorted(groups.values(), key=lambda g: -len(g)) if name == "ecbplus" else list(groups.values())
    chosen: list[dict[str, Any]] = []
    for members in ordered:
        chosen.extend(members[: count - len(chosen)])
        if len(chosen) == count:
            break
    for number, record in enumerate(chosen):
        record["outlet"] = record.get("outlet") or f"{name} outlet {number + 1}"
        record["id"] = str(record["id"]).replace(":", "-")
    return chosen


def load_event(database_url: str, records: Sequence[dict[str, Any]], folder: Path) -> None:
    """Ingest and annotate the records, store them as one event, compare it."""
    from sqlmodel import col, select

    from parallax.annotate.store import annotate_stored
    from parallax.compare.store import compare_stored
    from parallax.ingest.run import ingest
    from parallax.shared.config import Settings
    from parallax.shared.db import session_scope, shared_engine
    from parallax.shared.models import Article, Event, EventMembership, Outlet

    batch = folder / "event.jsonl"
    fields = ("id", "outlet", "title", "text", "language", "published", "url")
    batch.write_text(
        "".join(json.dumps({k: r.get(k) for k in fields if r.get(k)}) + "\n" for r in records),
        encoding="utf-8",
    )
    settings = Settings(database_url=database_url)
    engine = shared_engine(database_url)
    report = ingest([str(batch)], engine=engine, settings=settings)
    if report.rejected_total:
        raise SystemExit(f"ingest refused {report.rejected_total} article(s): {report.refusals}")
    annotate_stored(None, engine=engine)
    with session_scope(engine) as session:
        rows = session.exec(
            select(Article, Outlet)
            .join(Outlet, col(Outlet.id) == Article.outlet_id)
            .order_by(col(Article.id))
        ).all()
        articles = [article for article, _ in rows]
        moments = [a.published_at for a in articles if a.published_at]
        session.add(
            Event(
                id=EVENT_ID,
                title=articles[0].title,
                first_published=min(moments) if moments else None,
                last_published=max(moments) if moments else None,
                article_count=len(articles),
                outlets=sorted({outlet.name for _, outlet in rows}),
                languages=sorted({a.language or "" for a in articles}),
                algorithm_version="benchmark",
                model_version="benchmark",
            )
        )
        session.flush()
        for number, article in enumerate(articles):
            session.add(
                EventMembership(
                    article_id=article.id or 0,
                    event_id=EVENT_ID,
                    score=1.0,
                    started=number == 0,
                    sequence=number + 1,
                    algorithm_version="benchmark",
                    model_version="benchmark",
                )
            )
    compare_stored([EVENT_ID], engine=engine)


def timed(client: Any, path: str, repeat: int) -> tuple[list[float], bytes]:
    """Wall times (ms) of `repeat` GETs of `path`, and the last body."""
    times, body = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        body = response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}: {body[:300]!r}")
    return times, body


def measure(name: str, count: int, repeat: int) -> dict[str, Any]:
    """Load one event of `count` articles of set `name` and time its page and its peer."""
    from parallax.cli.api_app import create_api_app
    from parallax.shared.config import Settings

    records = chosen_records(name, count)
    with tempfile.TemporaryDirectory(prefix="parallax-classroom-bench-") as folder:
        url = f"sqlite:///{folder}/bench.db"
        load_event(url, records, Path(folder))
        app = create_api_app(
            Settings(database_url=url, api_keys_required=False, api_rate_limit="100000/minute")
        )
        client = app.test_client()
        page = f"/events/{EVENT_ID}"
        first, _ = timed(client, page, 1)
        page_times, html = timed(client, page, repeat)
        peer_times, report = timed(client, f"/v1/events/{EVENT_ID}/comparison", repeat)
        assets = b""
        for asset in ("classroom.css", "classroom.js"):
            with client.get(f"/classroom/static/{asset}") as response:
                assets += response.get_data()
        marks = html.count(b"<mark ")
    weight = len(html) + len(assets)
    median = statistics.median(page_times)
    peer = statistics.median(peer_times)
    return {
        "set": name,
        "data": SETS[name],
        "articles": len(records),
        "words": sum(len(str(r["text"]).split()) for r in records),
        "highlights": marks,
        "first_request_ms": round(first[0], 1),
        "page_median_ms": round(median, 1),
        "page_p95_ms": round(sorted(page_times)[int(0.95 * (len(page_times) - 1))], 1),
        "peer_comparison_json_median_ms": round(peer, 1),
        "ratio_to_peer": round(median / peer, 2) if peer else None,
        "html_bytes": len(html),
        "assets_bytes": len(assets),
        "page_weight_bytes": weight,
        "page_weight_gzip_bytes": len(gzip.compress(html)) + len(gzip.compress(assets)),
        "peer_json_bytes": len(report),
        "within_time_budget": median < BUDGET_MS,
        "within_weight_budget": weight < BUDGET_BYTES,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure the page on each set; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sets", default="ecbplus,basil")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = [measure(name, args.articles, args.repeat) for name in args.sets.split(",")]
    for row in results:
        print(
            f"{row['set']:8} {row['articles']} articles, {row['words']:,} words, "
            f"{row['highlights']} highlights: page {row['page_median_ms']} ms median "
            f"(p95 {row['page_p95_ms']}, first {row['first_request_ms']}), "
            f"peer JSON {row['peer_comparison_json_median_ms']} ms, ratio {row['ratio_to_peer']}x; "
            f"weight {row['page_weight_bytes'] / 1000:.0f} KB "
            f"({row['page_weight_gzip_bytes'] / 1000:.0f} KB gzipped)"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"budget_ms": BUDGET_MS, "budget_bytes": BUDGET_BYTES, "results": results}, indent=2)
            + "\n"
        )
    ok = all(row["within_time_budget"] and row["within_weight_budget"] for row in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
