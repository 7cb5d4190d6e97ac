"""How long comparing one event takes, as the event grows (annotations cached, as stored).

    .venv/bin/python benchmarks/compare_speed.py [--set ecbplus|basil] [--json PATH] [--sizes 3,10,50]

Data: real articles nobody here wrote, annotated once by Parallax and cached (compare_data).
With `--set ecbplus` (the default), events of n articles are the n first articles of the
largest ECB+ topics (articles of two real events of one kind: the alignment has real work to
do), completed, for sizes beyond a topic, with the articles of the next topics; they are
short (about 150 words). With `--set basil`, whole BASIL events (three articles of 500 to 900
words) are put together, event after event: long texts, less in common. Articles are read
from their stored-form annotation JSON each time, as the compare task reads them from the
database.

Figures: the median wall time over `--repeat` runs of `compare_event` (every measurement:
alignment, wording, sources, omissions, reuse, shape) per event size, and of its parts; the
issue's bars are 10 articles under 300 ms and 50 under 3 s. The peer, measured in the same
run on the same articles: all sentence pairs of every two articles scored with rapidfuzz's
`process.cdist` (token_set_ratio), the brute-force alignment a comparison without blocking
would start from; reported as the ratio of Parallax's whole comparison to the peer's
alignment alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from cluster_data import read_records
from compare_data import annotations_of


def event_of_size(size: int, records: Sequence[dict[str, Any]], group: str) -> list[dict[str, Any]]:
    """The first `size` records of the largest groups (ECB+ topics, BASIL events), group after group."""
    topics: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        topics[str(record.get(group))].append(record)
    ordered = sorted(topics.values(), key=lambda members: (-len(members), str(members[0]["id"])))
    chosen: list[dict[str, Any]] = []
    for members in ordered:
        chosen.extend(members[: size - len(chosen)])
        if len(chosen) == size:
            break
    return chosen


DATA = {
    "ecbplus": "ECB+ (../shared/data/ecbplus): the largest topics' articles, topic after topic",
    "basil": "BASIL (../shared/data/basil): whole events of three long articles, event after event",
}


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peer_alignment(articles: Sequence[Any]) -> int:
    """Brute force: every sentence pair of every two articles scored by rapidfuzz."""
    from rapidfuzz import fuzz, process

    texts = {article.id: [s.text for s in article.sentences] for article in articles}
    kept = 0
    for first, second in combinations(articles, 2):
        scores = process.cdist(texts[first.id], texts[second.id], scorer=fuzz.token_set_ratio, workers=1)
        kept += int((scores >= 60).sum())
    return kept


def measure_size(
    chosen: Sequence[dict[str, Any]], annotations: dict[str, Any], repeat: int
) -> dict[str, Any]:
    """The times of comparing one event made of `chosen`, whole and by part, and of the peer."""
    from parallax.compare.align import align
    from parallax.compare.article import Article
    from parallax.compare.comparison import compare_event
    from parallax.compare.omissions import omissions
    from parallax.compare.reuse import event_reuse
    from parallax.compare.shape import shape
    from parallax.compare.sources import sources
    from parallax.compare.wording import wording

    # a deep copy of the JSON: each run reads the annotations as the task reads them
    stored = [(record, json.loads(json.dumps(annotations[record["id"]]))) for record in chosen]

    def read() -> list[Article]:
        return [Article.from_record(record, annotation) for record, annotation in stored]

    articles = read()
    alignment = align(articles)
    parts = {
        "read": median_seconds(read, repeat),
        "align": median_seconds(lambda: align(articles), repeat),
        "wording": median_seconds(lambda: wording(articles, alignment), repeat),
        "sources": median_seconds(lambda: sources(articles), repeat),
        "omissions": median_seconds(lambda: omissions(articles, alignment), repeat),
        "reuse": median_seconds(lambda: event_reuse(articles), repeat),
        "shape": median_seconds(lambda: shape(articles), repeat),
    }
    whole = median_seconds(lambda: compare_event("speed", read()).to_json(), repeat)
    peer = median_seconds(lambda: peer_alignment(articles), max(1, repeat // 2))
    return {
        "articles": len(chosen),
        "tokens": sum(len(article.words) for article in articles),
        "sentences": sum(len(article.sentences) for article in articles),
        "compare_ms": round(whole * 1000, 1),
        "parts_ms": {name: round(value * 1000, 1) for name, value in parts.items()},
        "peer_bruteforce_alignment_ms": round(peer * 1000, 1),
        "ratio_to_peer": round(whole / peer, 3) if peer else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Time the comparison of events of growing size and print (and save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="Write the figures here too.")
    parser.add_argument("--sizes", default="3,5,10,20,50")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--set",
        dest="name",
        choices=("ecbplus", "basil"),
        default="ecbplus",
        help="ecbplus: short articles of one topic (much to align); basil: long articles, three per event",
    )
    args = parser.parse_args(argv)

    records = read_records(args.name)
    annotations = annotations_of(args.name)
    group = "topic" if args.name == "ecbplus" else "event"
    rows = []
    for size in (int(part) for part in args.sizes.split(",")):
        row = measure_size(event_of_size(size, records, group), annotations, args.repeat)
        rows.append(row)
        print(
            f"{size:>3} articles ({row['tokens']:,} tokens): compare {row['compare_ms']:>8.1f} ms"
            f"  peer alignment {row['peer_bruteforce_alignment_ms']:>8.1f} ms  ratio {row['ratio_to_peer']}"
            f"  parts {row['parts_ms']}"
        )
    bars = {10: 300.0, 50: 3000.0}
    verdicts = {
        f"{size}_articles_under_{int(bar)}_ms": next(
            (r["compare_ms"] < bar for r in rows if r["articles"] == size), None
        )
        for size, bar in bars.items()
    }
    print("bars:", verdicts)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "data": "ECB+ largest topics (../shared/data/ecbplus)",
                    "repeat": args.repeat,
                    "rows": rows,
                    "bars": verdicts,
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
