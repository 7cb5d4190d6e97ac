"""The reference case: the seed article (Radio Habana Cuba, the Kremlin's account of the
3 February 2022 call) against articles that give the French account. Annotated for real
(spaCy), compared as `parallax compare` compares: the seed must come out quoting the Russian
government and never the French one, with the Élysée's account as its main omission, and
with more distancing language than the event's mean."""

import json
from pathlib import Path
from typing import Any

import pytest

from parallax.cli.annotate import annotate_records
from parallax.compare.article import articles_from, evidence_in
from parallax.compare.comparison import compare_event

FRENCH_ACCOUNT = (
    Path(__file__).parents[1] / "services" / "compare" / "tests" / "data" / "seed_event" / "articles.jsonl"
)
SEED = "rhc-2022-02-03-poutine-macron"
# What marks a sentence as the French account: its source, or the outcome it reports.
ELYSEE_ACCOUNT = (
    "élysée",
    "elysee",
    "présidence française",
    "french presidency",
    "désescalade",
    "de-escalation",
)

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def report(seed_record: dict[str, Any]) -> dict[str, Any]:
    records = [json.loads(line) for line in FRENCH_ACCOUNT.read_text(encoding="utf-8").splitlines()]
    records.append({**seed_record, "language": "fr"})
    annotations = annotate_records(records, workers=1)
    return compare_event("call", articles_from(records, annotations)).to_json(include_texts=True)


def by_article(section: list[dict[str, Any]] | dict[str, Any]) -> dict[str, Any]:
    if isinstance(section, dict):
        return section
    return {item["article"]: item for item in section}


def test_the_seed_quotes_the_kremlin_and_never_the_elysee(report: dict[str, Any]) -> None:
    seed = by_article(report["sources"]["by_article"])[SEED]
    speakers = {use["speaker"]: use["attributions"] for use in seed["speakers"]}
    assert speakers.get("government/ru", 0) >= 3
    assert "government/fr" not in speakers
    # the French government is a source the others use and the seed leaves out, with their spans
    [left_out] = [source for source in seed["left_out"] if source["speaker"] == "government/fr"]
    assert len(left_out["used_by"]) >= 2
    assert left_out["evidence"]
    assert all(item["content"]["article"] != SEED for item in left_out["evidence"])
    # the seed leans to the Russian side against the others
    sides = {side["side"]: side for side in seed["sides"]}
    assert sides["RU"]["share"] > (sides["RU"]["others_share"] or 0)


def test_the_elysee_account_is_the_seeds_main_omission(report: dict[str, Any]) -> None:
    omitted = report["omissions"]["by_article"][SEED]
    assert omitted, "the seed should omit what the three French-account articles all carry"
    first = omitted[0]
    evidence = " ".join(span["text"] for _, span in evidence_in(first)).lower()
    assert any(word in evidence for word in ELYSEE_ACCOUNT), evidence
    assert SEED not in {span["article"] for _, span in evidence_in(first)}


def test_the_seed_uses_more_distancing_language_than_the_event(report: dict[str, Any]) -> None:
    densities = [
        row
        for row in report["wording"]["densities"]
        if row["article"] == SEED and row["category"] == "distancing_verb"
    ]
    [row] = densities
    assert row["count"] >= 1
    assert row["per_1000"] > row["event_mean"]
    assert any(span["text"].lower().startswith("martèle") for span in row["spans"])


def test_the_explanation_says_whom_the_seed_quotes_and_what_it_leaves_out(report: dict[str, Any]) -> None:
    from parallax.api.explain import explain_article

    english = " ".join(explain_article(report, SEED, "en"))
    assert "gouvernement russe" in english
    assert "gouvernement français never" in english
    assert "3 of 3 other articles quote gouvernement français" in english
    assert "leaves out" in english
    french = " ".join(explain_article(report, SEED, "fr"))
    assert "gouvernement français jamais" in french
    assert "martèle" in french
