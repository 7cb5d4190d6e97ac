"""The signals: time as evidence, similarity as the mean over an event's members."""

import math

import pytest

from parallax.cluster.signals import time_evidence
from parallax.cluster.vectors import Centroid


def test_near_dates_count_for_far_ones_against_and_no_date_counts_neither_way() -> None:
    same_day = time_evidence(0.0, scale=0.5, window=14.0)
    next_day = time_evidence(1.0, scale=0.5, window=14.0)
    a_week_on = time_evidence(7.0, scale=0.5, window=14.0)
    assert same_day == pytest.approx(math.log(28.0))
    assert same_day > next_day > 0.0 > a_week_on
    assert time_evidence(None, scale=0.5, window=14.0) == 0.0
    # beyond the window the evidence stops growing: such events are not candidates anyway
    assert time_evidence(40.0, scale=0.5, window=14.0) == time_evidence(14.0, scale=0.5, window=14.0)


def test_mean_similarity_is_the_mean_cosine_with_the_members() -> None:
    centroid = Centroid()
    one, other = {"kremlin": 1.0}, {"kremlin": 0.6, "elysee": 0.8}
    centroid.add(one)
    centroid.add(other)
    centroid.add({})  # a member with nothing in this field shares nothing
    probe = {"elysee": 1.0}
    assert centroid.mean_similarity(probe) == pytest.approx((0.0 + 0.8 + 0.0) / 3)
    assert centroid.mean() == pytest.approx({"kremlin": 1.6 / 3, "elysee": 0.8 / 3})
    assert Centroid().mean_similarity(probe) == 0.0
