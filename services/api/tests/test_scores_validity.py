"""Validity of the framing distance on BASIL, pinned (issue 7; docs/scores.md).

The bar: over the 300 same-event pairs of BASIL (real articles, gold events, each article's
annotated `relative_stance`), the `balanced` distance tells pairs whose stances differ from
pairs whose stances agree at ROC AUC >= 0.70, and follows the stance distance (left .. right
as 0..4) at Spearman rho >= 0.30. It is not met (AUC 0.488, rho -0.022; the bar is out of
reach even of BASIL's own bias spans: benchmarks/api_validity.py), so the test is a strict
xfail: the day a change meets the bar it fails, and the docs and this pin must be updated.

Annotating the 300 articles takes about a minute on two cores.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest

from parallax.annotate.annotate import ArticleInput
from parallax.annotate.parallel import annotate_in_parallel
from parallax.api.scores import PROFILES, pair_distances
from parallax.compare.article import Article, published_of
from parallax.compare.comparison import compare_event

STANCE = {"left": 0, "liberal": 1, "center": 2, "conservative": 3, "right": 4}


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def roc_auc(labels: list[int], scores: list[float]) -> float:
    """Probability that a positive pair scores above a negative one (Mann-Whitney)."""
    ranked = ranks(scores)
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum = sum(rank for rank, label in zip(ranked, labels, strict=True) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def spearman(xs: list[float], ys: list[float]) -> float:
    """Pearson correlation of the ranks."""
    rx, ry = ranks(xs), ranks(ys)
    mean_x, mean_y = sum(rx) / len(rx), sum(ry) / len(ry)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(rx, ry, strict=True))
    spread_x = math.sqrt(sum((x - mean_x) ** 2 for x in rx))
    spread_y = math.sqrt(sum((y - mean_y) ** 2 for y in ry))
    return covariance / (spread_x * spread_y)


def test_the_rank_helpers_agree_with_hand_figures() -> None:
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert roc_auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


@pytest.fixture(scope="module")
def basil_pairs(shared_data: Path) -> list[tuple[int, float]]:
    """(stance distance, balanced framing distance) for every same-event BASIL pair."""
    records = [
        json.loads(line)
        for line in (shared_data / "basil" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    inputs = (
        ArticleInput.from_text(
            record["id"],
            record["text"],
            title=record.get("title"),
            language="en",
            published=(moment.date() if (moment := published_of(record.get("published"))) else None),
        )
        for record in records
    )
    annotations = {
        annotation.id: json.loads(annotation.model_dump_json())
        for annotation in annotate_in_parallel(inputs, workers=2)
    }
    stance = {record["id"]: STANCE[record["relative_stance"]] for record in records}
    events: dict[str, list[Article]] = defaultdict(list)
    for record in records:
        events[str(record["event"])].append(Article.from_record(record, annotations[record["id"]]))
    found = []
    for event, articles in sorted(events.items()):
        assert len(articles) == 3, f"BASIL event {event} should have three articles"
        for pair in pair_distances(compare_event(event, articles).to_json(), PROFILES["balanced"]):
            assert pair.distance is not None
            found.append((abs(stance[pair.a] - stance[pair.b]), pair.distance))
    assert len(found) == len(list(combinations(range(3), 2))) * len(events)
    return found


@pytest.mark.data
@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="validity bar not met: balanced AUC 0.488, rho -0.022 on BASIL (docs/scores.md)",
)
def test_balanced_distance_tells_differing_stances_apart(basil_pairs: list[tuple[int, float]]) -> None:
    stance_distances = [float(stance) for stance, _ in basil_pairs]
    distances = [distance for _, distance in basil_pairs]
    auc = roc_auc([1 if stance else 0 for stance, _ in basil_pairs], distances)
    rho = spearman(stance_distances, distances)
    figures = f"ROC AUC {auc:.3f} (bar 0.70), Spearman {rho:.3f} (bar 0.30)"
    assert auc >= 0.70, figures
    assert rho >= 0.30, figures
