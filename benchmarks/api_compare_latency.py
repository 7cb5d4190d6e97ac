"""How long `POST /v1/compare` takes for three articles, NLP included (issue 7).

    .venv/bin/python benchmarks/api_compare_latency.py [--events 20] [--json PATH]

Data: BASIL events (../shared/data/basil: three real articles of one event, 500 to 900 words
each; nobody here wrote them), the first `--events` in file order. Each event's three texts
(with title and outlet) are posted to the composed API application (`parallax.cli.api_app`,
in-process through Flask's test client: the request, the validation, the annotation with
spaCy, every measurement, the scores and the JSON answer), one request at a time.

Figures: the first request apart (it loads the spaCy models), then the median, p95 and
maximum of the others; the issue's bar is 1.5 s for three articles of 600 words. The peer,
measured in the same run on the same texts: annotating the three articles alone
(`annotate_records`, in one process), the NLP a comparison cannot avoid; the ratio says what
the rest of the request adds to it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cluster_data import read_records


def main(argv: Sequence[str] | None = None) -> int:
    """Time the requests and the peer, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    from parallax.cli.annotate import annotate_records
    from parallax.cli.api_app import create_api_app
    from parallax.shared.config import Settings

    events: dict[str, list[dict[str, Any]]] = {}
    for record in read_records("basil"):
        events.setdefault(str(record["event"]), []).append(record)
    chosen = list(events.values())[: args.events]
    app = create_api_app(Settings(database_url="sqlite://", api_keys_required=False))
    client = app.test_client()
    request_times, peer_times, words = [], [], []
    for records in chosen:
        body = {
            "articles": [
                {
                    "id": r["id"],
                    "outlet": r["outlet"],
                    "title": r["title"],
                    "text": r["text"],
                    "language": "en",
                }
                for r in records
            ]
        }
        words.append(sum(len(r["text"].split()) for r in records) / len(records))
        started = time.perf_counter()
        response = client.post("/v1/compare", json=body)
        request_times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(
                f"POST /v1/compare answered {response.status_code}: {response.get_data(as_text=True)}"
            )
        started = time.perf_counter()
        annotate_records([{**r, "language": "en"} for r in records], workers=1)
        peer_times.append(time.perf_counter() - started)
    warm, peer = request_times[1:], peer_times[1:]
    figures = {
        "benchmark": "api_compare_latency",
        "data": f"BASIL, first {len(chosen)} events, three articles each",
        "mean_words_per_article": round(statistics.mean(words)),
        "first_request_s": round(request_times[0], 3),
        "request_s": {
            "median": round(statistics.median(warm), 3),
            "p95": round(sorted(warm)[int(0.95 * (len(warm) - 1))], 3),
            "max": round(max(warm), 3),
        },
        "peer_annotation_only_s": {"median": round(statistics.median(peer), 3)},
        "ratio_request_to_annotation": round(statistics.median(warm) / statistics.median(peer), 3),
        "bar_s": 1.5,
    }
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
