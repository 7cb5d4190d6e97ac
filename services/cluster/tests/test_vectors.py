"""Weighted vectors and centroids."""

import math

import pytest

from parallax.cluster.vectors import Centroid, DocumentFrequencies, dot, normalise, weigh


def test_a_rare_key_weighs_more_than_a_common_one() -> None:
    frequencies = DocumentFrequencies()
    for keys in (["government", "quake"], ["government"], ["government"]):
        frequencies.observe({"body": keys})
    vector = weigh({"government": 1, "quake": 1}, "body", frequencies)
    assert vector["quake"] > vector["government"]
    assert math.isclose(math.sqrt(sum(w * w for w in vector.values())), 1.0)


def test_a_centroid_s_cosine_is_the_cosine_with_the_sum_of_its_members() -> None:
    members = [normalise({"a": 1.0, "b": 2.0}), normalise({"b": 1.0, "c": 3.0}), normalise({"a": 2.0})]
    centroid = Centroid()
    for member in members:
        centroid.add(member)
    total: dict[str, float] = {}
    for member in members:
        for key, weight in member.items():
            total[key] = total.get(key, 0.0) + weight
    probe = normalise({"a": 1.0, "c": 1.0})
    expected = dot(probe, total) / math.sqrt(dot(total, total))
    assert centroid.cosine(probe) == pytest.approx(expected)


def test_a_centroid_grown_past_its_limit_keeps_its_heaviest_keys() -> None:
    centroid = Centroid(limit=4)
    centroid.add(normalise({"main": 5.0, "b": 1.0, "c": 1.0}))
    centroid.add(normalise({"main": 5.0, "d": 1.0, "e": 1.0}))
    assert "main" in centroid.weights
    assert len(centroid.weights) <= 4
    assert centroid.squared_norm == pytest.approx(dot(centroid.weights, centroid.weights))
    assert centroid.top(1) == ["main"]


def test_an_empty_vector_has_no_similarity() -> None:
    centroid = Centroid()
    assert centroid.cosine({"a": 1.0}) == 0.0
    centroid.add({"a": 1.0})
    assert centroid.cosine({}) == 0.0
