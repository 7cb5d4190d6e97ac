"""Annotation throughput on 1,000 real articles, as a ratio to spaCy's own parse of the same texts.

The floor is spaCy's `nlp.pipe` over exactly the texts Parallax parses (each article's clean
body and its headline, with the same pipelines and batch size), in the same process and run.
Parallax's annotation adds actor linking, loaded-language lexicons, scare quotes,
readability and the mapping of every span back to the original text. Targets:

- the whole annotation at most 1.15x the bare parse;
- memory per worker process under 1.5 GB (peak resident size of a process that loads the
  French and English pipelines and annotates the 1,000 articles).

Data: 500 English articles (BASIL, PolNeAR) and 500 French (Wikinews) from ../shared/data.
Usage: .venv/bin/python benchmarks/annotate_throughput.py [--articles 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DATA = Path(os.environ.get("PARALLAX_SHARED_DATA", HERE.parent.parent / "shared" / "data"))


def load_articles(count: int) -> list[Any]:
    """Half English (BASIL then PolNeAR), half French (Wikinews), cleaned as ingest cleans them."""
    from parallax.annotate.annotate import ArticleInput

    half = count // 2
    english = _records("basil", half // 2) + _records("polnear", half - half // 2)
    french = _records("wikinews_fr", count - half)
    return [
        ArticleInput.from_text(
            r["id"],
            r["text"],
            title=r.get("title"),
            language=r["language"],
            published=dt.date.fromisoformat(r["published"][:10]) if r.get("published") else None,
        )
        for r in english + french
    ]


def _records(name: str, count: int) -> list[dict[str, Any]]:
    with (DATA / name / "articles.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    return [r for r in records if len(r["text"].strip()) > 200][:count]


def bare_parse(articles: list[Any]) -> float:
    """Seconds for spaCy alone to parse every body and headline, language by language."""
    from parallax.annotate.pipelines import pipeline_for

    started = time.perf_counter()
    for language in ("en", "fr"):
        group = [a for a in articles if a.language == language]
        nlp = pipeline_for(language).nlp
        # the same headlines annotation parses (re-cased when in title case)
        collections.deque(nlp.pipe((a.clean_text for a in group), batch_size=32), maxlen=0)
        collections.deque(nlp.pipe((a.title_for_parser for a in group), batch_size=32), maxlen=0)
    return time.perf_counter() - started


def full_annotation(articles: list[Any]) -> float:
    """Seconds for Parallax's whole annotation of the same articles (one process)."""
    from parallax.annotate.annotate import annotate_many

    started = time.perf_counter()
    collections.deque(annotate_many(articles, batch_size=32), maxlen=0)
    return time.perf_counter() - started


def parallel_annotation(articles: list[Any]) -> float:
    """Seconds for the annotation on every core (worker processes)."""
    from parallax.annotate.parallel import annotate_in_parallel

    started = time.perf_counter()
    collections.deque(annotate_in_parallel(articles), maxlen=0)
    return time.perf_counter() - started


def worker_peak_memory(count: int) -> float:
    """Peak resident memory, in MB, of a fresh process that annotates the articles."""
    code = (
        "import sys, resource\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "import annotate_throughput as b\n"
        f"articles = b.load_articles({count})\n"
        "b.full_annotation(articles)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return int(output.strip().splitlines()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"The shared data is not at {DATA}; set PARALLAX_SHARED_DATA.", file=sys.stderr)
        return 2
    RESULTS.mkdir(exist_ok=True)
    articles = load_articles(args.articles)
    # Warm up: load both pipelines, the actor file and the lexicons before timing.
    full_annotation(articles[:5] + articles[-5:])
    bare, full = [], []
    for run in range(args.repeat):
        # Alternate the order, so that neither side always runs on a warmer machine.
        if run % 2:
            full.append(full_annotation(articles))
            bare.append(bare_parse(articles))
        else:
            bare.append(bare_parse(articles))
            full.append(full_annotation(articles))
        print(f"  run {run + 1}: bare parse {bare[-1]:.2f} s, annotation {full[-1]:.2f} s")
    parallel = parallel_annotation(articles)
    memory = worker_peak_memory(args.articles)
    ratios = [f / b for f, b in zip(full, bare, strict=True)]
    result = {
        "benchmark": "annotate_throughput",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "articles": len(articles),
        "data": "500 English (BASIL, PolNeAR) + 500 French (Wikinews) from ../shared/data",
        "bare_parse_seconds": round(statistics.median(bare), 3),
        "annotation_seconds": round(statistics.median(full), 3),
        "ratio_to_bare_parse": round(statistics.median(ratios), 3),
        "ratios": [round(r, 3) for r in ratios],
        "annotation_articles_per_second": round(len(articles) / statistics.median(full), 1),
        "parallel_annotation_seconds": round(parallel, 3),
        "parallel_articles_per_second": round(len(articles) / parallel, 1),
        "worker_peak_memory_mb": round(memory),
        "targets": {"ratio_to_bare_parse": 1.15, "worker_memory_mb": 1536},
        "peak_memory_this_process_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    (RESULTS / "annotate_throughput.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for label, value in (
        ("bare spaCy parse, seconds", result["bare_parse_seconds"]),
        ("Parallax annotation, seconds", result["annotation_seconds"]),
        ("ratio to the bare parse (target <= 1.15)", result["ratio_to_bare_parse"]),
        ("articles/s, one process", result["annotation_articles_per_second"]),
        ("articles/s, every core", result["parallel_articles_per_second"]),
        ("worker peak memory, MB (target < 1536)", result["worker_peak_memory_mb"]),
    ):
        print(f"{label:<45} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
