"""Quality floors: attribution F1 and speaker accuracy on real gold sets, scored by the shared scorer.

The floors are the figures measured when they were pinned (docs/attributions.md), rounded
down to two decimals: they may move up on purpose, never down by accident. PolNeAR dev is
English news nobody here annotated; the French sets are Parallax's own gold
(tests/data/attributions_fr), scored the same way.
"""

from __future__ import annotations

import gc
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from parallax.annotate.annotate import ArticleInput, attributions_many
from parallax.shared.testing import shared_tool

FRENCH_GOLD = Path(__file__).resolve().parents[1] / "data" / "attributions_fr"

# (set, overlap) -> (F1 floor, speaker accuracy floor)
FLOORS = {
    ("polnear-dev", 0.3): (0.76, 0.86),
    ("polnear-dev", 0.8): (0.69, 0.87),
    ("fr-test", 0.3): (0.77, 0.79),
    ("fr-test", 0.8): (0.72, 0.79),
}


def gold_records(name: str, shared_data: Path) -> tuple[str, list[dict[str, Any]]]:
    """The language and gold records of a set."""
    if name == "polnear-dev":
        with (shared_data / "polnear" / "articles.jsonl").open(encoding="utf-8") as handle:
            return "en", [record for record in map(json.loads, handle) if record["split"] == "dev"]
    path = FRENCH_GOLD / f"{name.removeprefix('fr-')}.jsonl"
    return "fr", [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def scored(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, float], dict[str, Any]]:
    """Every set extracted once and scored at both overlaps."""
    module = shared_tool(shared_data, "score_attributions")
    folder = tmp_path_factory.mktemp("attribution-quality")
    results: dict[tuple[str, float], dict[str, Any]] = {}
    for name in sorted({name for name, _ in FLOORS}):
        language, records = gold_records(name, shared_data)
        articles = [
            ArticleInput.from_text(str(r["id"]), r["text"], title=r.get("title"), language=language)
            for r in records
        ]
        gold, predicted = folder / f"{name}-gold.jsonl", folder / f"{name}-predicted.jsonl"
        gold.write_text(
            "".join(
                json.dumps({"id": str(r["id"]), "attributions": r["attributions"]}) + "\n" for r in records
            ),
            encoding="utf-8",
        )
        predicted.write_text(
            "".join(
                json.dumps({"id": article_id, "attributions": found}) + "\n"
                for article_id, found in attributions_many(articles)
            ),
            encoding="utf-8",
        )
        for overlap in (0.3, 0.8):
            with warnings.catch_warnings():
                # the shared scorer leaves its files for the garbage collector to close
                warnings.simplefilter("ignore", ResourceWarning)
                results[(name, overlap)] = module.score(str(gold), str(predicted), overlap)
                gc.collect()
    return results


@pytest.mark.parametrize(("name", "overlap"), sorted(FLOORS), ids=[f"{n}@{o}" for n, o in sorted(FLOORS)])
def test_attribution_quality_stays_above_its_floor(
    scored: dict[tuple[str, float], dict[str, Any]], name: str, overlap: float
) -> None:
    f1_floor, speaker_floor = FLOORS[(name, overlap)]
    result = scored[(name, overlap)]
    assert result["f1"] >= f1_floor, (
        f"{name} content F1 at {overlap} fell to {result['f1']:.3f} (floor {f1_floor})"
    )
    assert result["speaker_accuracy"] >= speaker_floor, (
        f"{name} speaker accuracy at {overlap} fell to {result['speaker_accuracy']:.3f} (floor {speaker_floor})"
    )
