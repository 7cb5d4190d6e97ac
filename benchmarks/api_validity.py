"""Do framing distances tell apart articles whose annotated stances differ? (issue 7)

    .venv/bin/python benchmarks/api_validity.py [--json PATH]

Data: BASIL (../shared/data/basil: 100 events x Fox News, New York Times, HuffPost; real
articles nobody here wrote), grouped by its gold events, each article with its annotated
`relative_stance` (left, liberal, center, conservative, right: 0..4). Every event is compared
as `parallax compare --group-by event` compares it (annotations cached, `compare_data.py`),
and every two articles of an event get their framing distance (`parallax.api.scores`, each
named profile) and each component apart.

Figures, over the 300 same-event pairs: ROC AUC of the distance for "the two stances differ"
(bar 0.70) and Spearman's rank correlation with the stance distance (bar 0.30); the peer,
measured in the same run, is the TF-IDF cosine distance between the two texts (the issue
quotes 0.55 and 0.01 for it). No setting is fitted here: profiles and components are as
shipped.

Ceilings, from what Parallax cannot see: BASIL's own annotation. `ceiling:gold_bias_spans_*`
scores a pair by the number of bias spans BASIL's annotators marked in its two articles
(sum, larger of the two), as a perfect bias-span detector would; `ceiling:outlet_prior`
by the distance between the outlets' usual leanings (HuffPost 1, NYT 2, Fox News 3). They
say how far any span-counting or outlet-based distance could go on this set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cluster_data import SHARED_DATA, read_records
from compare_data import events_of

STANCE = {"left": 0, "liberal": 1, "center": 2, "conservative": 3, "right": 4}
OUTLET_PRIOR = {"hpo": 1, "nyt": 2, "fox": 3}


def gold_span_counts() -> dict[str, int]:
    """Bias spans (lexical and informational) BASIL's annotators marked, per article id as
    `read_records` names it."""
    counts: dict[str, int] = {}
    with (SHARED_DATA / "basil" / "spans.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            span = json.loads(line)
            article = f"basil:{span['article_id']}"
            counts[article] = counts.get(article, 0) + 1
    return counts


def scored(labels: Sequence[int], distances: Sequence[float], values: Sequence[float]) -> dict[str, Any]:
    """ROC AUC for stances differing, Spearman's rho with the stance distance, over the pairs
    that have a value."""
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    kept = [
        (label, distance, value)
        for label, distance, value in zip(labels, distances, values, strict=True)
        if not math.isnan(value)
    ]
    ys = [label for label, _, _ in kept]
    return {
        "pairs": len(kept),
        "roc_auc": round(float(roc_auc_score(ys, [v for _, _, v in kept])), 4)
        if 0 < sum(ys) < len(ys)
        else None,
        "spearman": round(float(spearmanr([d for _, d, _ in kept], [v for _, _, v in kept]).correlation), 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Score every profile, every component and the peer; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="Write the figures here too.")
    args = parser.parse_args(argv)

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from parallax.api.scores import COMPONENTS, PROFILES, pair_distances
    from parallax.compare.comparison import compare_event

    records = {record["id"]: record for record in read_records("basil")}
    span_counts = gold_span_counts()
    vectors = TfidfVectorizer(sublinear_tf=True).fit([record["text"] for record in records.values()])
    labels, stance_distances = [], []
    values: dict[str, list[float]] = {}
    for event, articles in sorted(events_of("basil").items()):
        report = compare_event(event, articles).to_json()
        for name in PROFILES:
            for pair in pair_distances(report, PROFILES[name]):
                values.setdefault(f"profile:{name}", []).append(
                    pair.distance if pair.distance is not None else float("nan")
                )
        pairs = pair_distances(report)
        for pair in pairs:
            for component in COMPONENTS:
                value = pair.components[component].value
                values.setdefault(f"component:{component}", []).append(
                    value if value is not None else float("nan")
                )
            a, b = records[pair.a], records[pair.b]
            matrix = vectors.transform([a["text"], b["text"]])
            values.setdefault("peer:tfidf_cosine_distance", []).append(
                1 - float(cosine_similarity(matrix[0], matrix[1])[0, 0])
            )
            counts = (span_counts.get(a["id"], 0), span_counts.get(b["id"], 0))
            values.setdefault("ceiling:gold_bias_spans_sum", []).append(float(sum(counts)))
            values.setdefault("ceiling:gold_bias_spans_max", []).append(float(max(counts)))
            values.setdefault("ceiling:outlet_prior", []).append(
                float(abs(OUTLET_PRIOR[a["outlet"]] - OUTLET_PRIOR[b["outlet"]]))
            )
            difference = abs(STANCE[a["relative_stance"]] - STANCE[b["relative_stance"]])
            labels.append(1 if difference else 0)
            stance_distances.append(difference)
    figures = {name: scored(labels, stance_distances, found) for name, found in values.items()}
    for name, found in figures.items():
        print(f"{name:40s} AUC {found['roc_auc']}  rho {found['spearman']}  ({found['pairs']} pairs)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "benchmark": "api_validity",
                    "date": dt.date.today().isoformat(),
                    "data": "BASIL gold events, relative_stance per article",
                    "pairs": len(labels),
                    "pairs_with_differing_stances": sum(labels),
                    "bars": {"roc_auc": 0.70, "spearman": 0.30},
                    "figures": figures,
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
