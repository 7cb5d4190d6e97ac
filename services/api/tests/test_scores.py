"""Framing distances from a comparison report: each component a distance in [0, 1] with its
evidence, None when there is nothing to compare; the composite a weighted mean of what has a
value; weights from a profile or the caller, bad weights refused with the fix."""

from typing import Any

import pytest

from parallax.api.scores import (
    PROFILES,
    WeightsError,
    composite,
    mean_distance_by_article,
    pair_distances,
    weights_for,
)


def span(article: str, start: int, end: int, text: str = "x") -> dict[str, Any]:
    return {"article": article, "field": "text", "start": start, "end": end, "text": text}


def report() -> dict[str, Any]:
    """An event of three articles: a and b tell the same story alike; c quotes the other side,
    uses loaded words, names the Kyiv government otherwise and leaves out a unit."""
    return {
        "articles": [{"id": name, "sentences": 4} for name in ("a", "b", "c")],
        "alignment": {
            "links": [
                {"first": span("a", 0, 10), "second": span("b", 0, 10)},
                {"first": span("a", 20, 30), "second": span("b", 20, 30)},
                {"first": span("a", 0, 10), "second": span("c", 0, 10)},
            ]
        },
        "omissions": {
            "units": [
                {"id": "u1", "articles": ["a", "b", "c"], "evidence": {}},
                {
                    "id": "u2",
                    "articles": ["a", "b"],
                    "evidence": {"a": [span("a", 20, 30)], "b": [span("b", 20, 30)]},
                },
            ]
        },
        "sources": {
            "by_article": {
                "a": {
                    "sides": [{"side": "FR", "share": 0.5}, {"side": "RU", "share": 0.5}],
                    "speakers": [
                        {"speaker": "government/fr", "resolved": True},
                        {"speaker": "government/ru", "resolved": True},
                    ],
                },
                "b": {
                    "sides": [{"side": "FR", "share": 0.5}, {"side": "RU", "share": 0.5}],
                    "speakers": [
                        {"speaker": "government/fr", "resolved": True},
                        {"speaker": "government/ru", "resolved": True},
                    ],
                },
                "c": {
                    "sides": [{"side": "RU", "share": 1.0}],
                    "speakers": [{"speaker": "government/ru", "resolved": True}],
                },
            }
        },
        "wording": {
            "densities": [
                {
                    "article": "c",
                    "category": "distancing_verb",
                    "per_1000": 6.0,
                    "spans": [span("c", 40, 47, "martèle")],
                },
                {"article": "c", "category": "scare_quotes", "per_1000": 9.0, "spans": []},
            ],
            "actor_labels": [
                {
                    "actor": "government/ua",
                    "by_article": [
                        {"owner": "a", "labels": [{"expression": "gouvernement ukrainien"}]},
                        {"owner": "b", "labels": [{"expression": "gouvernement ukrainien"}]},
                        {"owner": "c", "labels": [{"expression": "autorités de kiev"}]},
                    ],
                }
            ],
            "substitutions": [{"first": span("a", 0, 5), "second": span("c", 0, 5)}],
        },
        "reuse": {"passages": [], "by_article": {name: {"characters": 100} for name in ("a", "b", "c")}},
    }


def by_pair(pairs: list[Any]) -> dict[tuple[str, str], Any]:
    return {(pair.a, pair.b): pair for pair in pairs}


def test_alike_articles_are_close_and_the_outlier_far_on_every_component() -> None:
    pairs = by_pair(pair_distances(report()))
    assert set(pairs) == {("a", "b"), ("a", "c"), ("b", "c")}
    close, far = pairs[("a", "b")], pairs[("a", "c")]
    assert close.distance is not None
    assert far.distance is not None
    assert close.distance < far.distance
    assert far.components["sources"].value == pytest.approx(0.5)
    assert far.components["omissions"].value == pytest.approx(0.5)
    assert far.components["omissions"].evidence["only_in_a"] == ["u2"]
    assert far.components["speakers"].value == pytest.approx(0.5)
    assert far.components["loaded"].value == pytest.approx(1.0)  # scare quotes are not loaded words
    assert far.components["loaded"].evidence["b_spans"][0]["text"] == "martèle"
    assert far.components["labels"].evidence["named_differently"]["government/ua"]["b"] == [
        "autorités de kiev"
    ]
    assert far.components["substitutions"].value == pytest.approx(0.5)
    assert close.components["loaded"].value == 0.0
    assert close.components["labels"].value == 0.0


def test_a_component_without_anything_to_compare_is_none_and_left_out_of_the_composite() -> None:
    data = report()
    data["sources"]["by_article"]["c"] = {"sides": [], "speakers": []}
    far = by_pair(pair_distances(data))[("a", "c")]
    assert far.components["sources"].value is None
    assert "no attribution" in far.components["sources"].evidence["reason"]
    values = [part.value for part in far.components.values() if part.value is not None]
    assert far.distance == pytest.approx(sum(values) / len(values))


def test_weights_come_from_a_profile_or_the_caller_and_bad_ones_are_refused() -> None:
    assert weights_for() == PROFILES["balanced"]
    assert weights_for("sources") == PROFILES["sources"]
    parts = by_pair(pair_distances(report(), {"loaded": 1.0}))[("a", "c")]
    assert parts.distance == pytest.approx(1.0)
    with pytest.raises(WeightsError, match="unknown profile 'loud'"):
        weights_for("loud")
    with pytest.raises(WeightsError, match="unknown components"):
        weights_for(weights={"tone": 1.0})
    with pytest.raises(WeightsError, match="negative"):
        weights_for(weights={"loaded": -1.0})
    with pytest.raises(WeightsError, match="above 0"):
        weights_for(weights={"loaded": 0.0})
    assert composite({}, PROFILES["balanced"]) is None


def test_each_articles_divergence_is_its_mean_distance_to_the_others() -> None:
    pairs = pair_distances(report())
    divergence = mean_distance_by_article(pairs)
    assert divergence["c"] is not None
    assert divergence["a"] is not None
    assert divergence["c"] > divergence["a"]
    distances = {(p.a, p.b): p.distance for p in pairs}
    assert divergence["c"] == pytest.approx((distances[("a", "c")] + distances[("b", "c")]) / 2)
