"""Ingest throughput: 10,000 JSON Lines articles into SQLite and PostgreSQL.

Reported as articles per second and as a ratio to the floor measured in the same run: simply
parsing each JSON line and hashing its text (what any ingest must do at least). The machines
are shared and noisy, so each figure is the median of several runs, and only ratios measured
side by side are compared with targets:

- at least 500 articles/s into SQLite;
- the whole ingest at most 5x the parse-and-hash floor.

The articles are made by perturbing the real texts in ../shared/data (paragraph order,
dropped sentences, word swaps), under 24 outlets, with a few exact duplicates and revisions
mixed in, as a feed would deliver them. Usage:

    .venv/bin/python benchmarks/ingest_throughput.py [--articles 10000] [--repeat 3] [--no-postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
RESULTS = HERE / "results"
DATA = Path(os.environ.get("PARALLAX_SHARED_DATA", HERE.parent.parent / "shared" / "data"))
SOURCES = ("basil", "polnear", "wikinews_fr", "ecbplus")
OUTLETS = 24


def load_texts() -> list[dict[str, Any]]:
    """Every non-empty article of the shared evaluation sets."""
    records = []
    for name in SOURCES:
        with (DATA / name / "articles.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if len(record["text"].strip()) > 200:
                    records.append(record)
    return records


def perturb(text: str, rng: random.Random) -> str:
    """Shuffle paragraphs, drop a sentence, swap a few words: a new text on the same subject."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    rng.shuffle(paragraphs)
    sentences = " ".join(paragraphs).split(". ")
    if len(sentences) > 3:
        sentences.pop(rng.randrange(len(sentences)))
    words = ". ".join(sentences).split(" ")
    for _ in range(max(1, len(words) // 40)):
        i, j = rng.randrange(len(words)), rng.randrange(len(words))
        words[i], words[j] = words[j], words[i]
    rebuilt = " ".join(words)
    # Re-wrap into paragraphs of about five sentences, each ending with its full stop.
    parts = rebuilt.split(". ")
    paragraphs = [". ".join(parts[k : k + 5]) for k in range(0, len(parts), 5)]
    return "\n\n".join(p if p.endswith((".", "!", "?", "»", '"')) else p + "." for p in paragraphs)


def generate(path: Path, count: int, seed: int = 20220203) -> dict[str, int]:
    """Write `count` interchange-format articles; 1 % exact duplicates, 1 % typo-fix revisions."""
    rng = random.Random(seed)
    records = load_texts()
    made: list[dict[str, Any]] = []
    kinds = {"new": 0, "duplicate": 0, "revision": 0}
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    for index in range(count):
        roll = rng.random()
        if made and roll < 0.01:
            made.append(dict(rng.choice(made)))
            kinds["duplicate"] += 1
            continue
        if made and roll < 0.02:
            revised = dict(rng.choice(made))
            revised["text"] = (
                revised["text"].replace(" the ", " teh ", 1).replace(" le ", " el ", 1) + " (corrected)"
            )
            made.append(revised)
            kinds["revision"] += 1
            continue
        base = records[index % len(records)]
        made.append(
            {
                "id": f"bench-{index}",
                "outlet": f"Outlet {rng.randrange(OUTLETS):02d}",
                "title": base.get("title"),
                "text": perturb(base["text"], rng),
                "url": None,
                "published": (start + dt.timedelta(minutes=index * 7)).isoformat(),
                "language": None,
                "bench_source": base["id"],
            }
        )
        kinds["new"] += 1
    with path.open("w", encoding="utf-8") as handle:
        for record in made:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return kinds


def parse_and_hash(path: Path) -> float:
    """The floor: read every line, parse it as JSON, hash its text. Seconds."""
    started = time.perf_counter()
    digests = 0
    with path.open("rb") as handle:
        for line in handle:
            record = json.loads(line)
            hashlib.sha256(record["text"].encode("utf-8")).digest()
            digests += 1
    return time.perf_counter() - started


def ingest_once(path: Path, database_url: str) -> tuple[float, dict[str, Any]]:
    """A full `parallax ingest` of the file into a fresh, migrated database. Seconds and counts."""
    from parallax.ingest.run import ingest
    from parallax.shared.config import Settings
    from parallax.shared.db import create_db_engine, upgrade_schema

    engine = create_db_engine(database_url)
    upgrade_schema(engine)
    settings = Settings(database_url=database_url)
    started = time.perf_counter()
    report = ingest([str(path)], engine=engine, settings=settings)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, report.counts()


def stage_breakdown(path: Path) -> dict[str, float]:
    """Seconds per stage for the whole file, one process, to show where ingest time goes."""
    from parallax.ingest.fingerprint import content_hash, near_duplicate_keys
    from parallax.ingest.language import detect_language
    from parallax.shared.layout import normalize_article
    from parallax.shared.schemas import ArticleIn

    timings: dict[str, float] = {}

    def timed(name: str, work: Any) -> Any:
        started = time.perf_counter()
        result = work()
        timings[name] = round(time.perf_counter() - started, 3)
        return result

    lines = path.read_bytes().splitlines()
    records = timed("parse JSON", lambda: [json.loads(line) for line in lines])
    timed("hash text (SHA-256)", lambda: [hashlib.sha256(r["text"].encode()).digest() for r in records])
    articles = timed("validate (pydantic)", lambda: [ArticleIn.model_validate(r) for r in records])
    cleaned = timed(
        "headline, dateline, clean text + offset map",
        lambda: [normalize_article(a.text, title=a.title).clean_text for a in articles],
    )
    detect_language("warm the model up before timing it")
    timed("language (fastText)", lambda: [detect_language(text) for text in cleaned])
    timed("content hash + MinHash keys", lambda: [(content_hash(t), near_duplicate_keys(t)) for t in cleaned])
    timings["store into SQLite (dedup, inserts, indexes, commit)"] = time_storing(records)
    return timings


def time_storing(records: list[dict[str, Any]]) -> float:
    """Seconds to store already-prepared articles into a fresh SQLite file, batch by batch."""
    from parallax.ingest.prepare import PreparedArticle, PrepareOptions, prepare_drafts
    from parallax.ingest.records import Draft, Provenance
    from parallax.ingest.store import ArticleStore
    from parallax.shared.config import Settings
    from parallax.shared.db import create_db_engine, upgrade_schema
    from parallax.shared.models import SourceKind

    drafts = [Draft(Provenance("bench", SourceKind.JSONL, f"line {n}"), r) for n, r in enumerate(records, 1)]
    prepared = [p for p in prepare_drafts(drafts, PrepareOptions()) if isinstance(p, PreparedArticle)]
    url = fresh_sqlite(99)
    engine = create_db_engine(url)
    upgrade_schema(engine)
    store = ArticleStore(engine, near_duplicate_threshold=Settings().near_duplicate_threshold, run_id=None)
    batch = Settings().ingest_batch_size
    started = time.perf_counter()
    for start in range(0, len(prepared), batch):
        store.store_batch(prepared[start : start + batch])
    elapsed = time.perf_counter() - started
    engine.dispose()
    return round(elapsed, 3)


def fresh_sqlite(run: int) -> str:
    target = WORK / f"bench-{run}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{target}"


def fresh_postgres(admin_url: str) -> tuple[str, Any]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"parallax_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PARALLAX_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"The shared data is not at {DATA}; set PARALLAX_SHARED_DATA.", file=sys.stderr)
        return 2
    WORK.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    path = WORK / f"ingest-{args.articles}.jsonl"
    kinds = generate(path, args.articles)
    size = path.stat().st_size / 1e6
    print(f"{args.articles:,} articles generated from ../shared/data ({kinds}), {size:.1f} MB")

    floors, sqlite_times, postgres_times = [], [], []
    counts: dict[str, Any] = {}
    for run in range(args.repeat):
        floors.append(parse_and_hash(path))
        elapsed, counts = ingest_once(path, fresh_sqlite(run))
        sqlite_times.append(elapsed)
        if not args.no_postgres:
            url, drop = fresh_postgres(args.postgres_url)
            try:
                elapsed, _ = ingest_once(path, url)
                postgres_times.append(elapsed)
            finally:
                drop()
        print(
            f"  run {run + 1}: floor {floors[-1]:.3f} s, SQLite {sqlite_times[-1]:.2f} s"
            + (f", PostgreSQL {postgres_times[-1]:.2f} s" if postgres_times else "")
        )

    floor = statistics.median(floors)
    breakdown = stage_breakdown(path)
    result: dict[str, Any] = {
        "benchmark": "ingest_throughput",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "articles": args.articles,
        "data": "perturbed texts of ../shared/data (basil, polnear, wikinews_fr, ecbplus)",
        "counts": counts,
        "floor_parse_and_hash_seconds": round(floor, 4),
        "targets": {"sqlite_articles_per_second": 500, "ratio_to_floor": 5.0},
        "stages_one_process_seconds": breakdown,
    }
    for name, times in (("sqlite", sqlite_times), ("postgresql", postgres_times)):
        if not times:
            continue
        median = statistics.median(times)
        result[name] = {
            "seconds": round(median, 3),
            "articles_per_second": round(args.articles / median),
            "ratio_to_floor": round(median / floor, 2),
            "runs": [round(t, 3) for t in times],
        }
    (RESULTS / "ingest_throughput.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nfloor (parse JSON + SHA-256): {floor:.3f} s")
    for name in ("sqlite", "postgresql"):
        if name in result:
            r = result[name]
            rate, ratio = r["articles_per_second"], r["ratio_to_floor"]
            print(f"{name:<11} {rate:>6,} articles/s   {ratio:>6.1f}x the floor")
    print("\nwhere the time goes (one process, whole file):")
    for stage, seconds in breakdown.items():
        print(f"  {stage:<45} {seconds:>7.3f} s  {seconds / floor:>5.1f}x the floor")
    print(f"written to {RESULTS / 'ingest_throughput.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
