"""Cutting one event's members in two: what the split pass tries on every event.

The members are compared pairwise, each as an article against the other as an event of one,
with the ranking model's signals and weights; the two least alike seed two groups and the
others go where they are more alike on average. The pairwise comparison is the split pass's
main cost (it grows with the square of an event's size), so it is done with matrix products
over the members' vectors rather than pair by pair.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from parallax.cluster.model import JoinModel, Logistic
from parallax.cluster.signals import ArticleVectors, time_evidence
from parallax.cluster.vectors import Vector

Matrix = npt.NDArray[np.float64]

# Rounds of the bisection's moves at most (it settles in two or three).
_BISECTION_ROUNDS: Final = 20
# Likeness is rounded before it is compared: matrix products may sum in another order on
# another machine, and a difference in the last bits must not change which members seed the
# cut or where a member goes.
_DECIMALS: Final = 12


def member_likeness(vectors: Sequence[ArticleVectors], model: JoinModel, window_days: float) -> Matrix:
    """How alike every two members are: the mean of the ranking model's probability that one
    reports the event the other alone would make, both ways round (1 on the diagonal).

    The same signals as an article meets an event of one member (`pair_signals`): word
    cosines within a language, actors, places and figures across languages, the time
    evidence, and one outlet on one day.
    """
    languages = [item.features.language or "?" for item in vectors]
    same_language = np.array([[mine == theirs for theirs in languages] for mine in languages])
    bodies, titles = [item.body for item in vectors], [item.title for item in vectors]
    words = _vocabulary(bodies, titles)  # one for both: titles are compared with bodies too
    body, title = _rows(bodies, words), _rows(titles, words)
    signals = {
        "body": body @ body.T,
        "title": title @ title.T,
        "title_body": title @ body.T,  # [i, j]: i's title against j's body
        "actors": _self_products([item.actors for item in vectors]),
        "places": _self_products([item.places for item in vectors]),
        "numbers": _self_products([item.numbers for item in vectors]),
    }
    ordinals = np.array([_ordinal(item.features.published) for item in vectors], dtype=float)
    apart = np.abs(ordinals[:, None] - ordinals[None, :])  # NaN when either is undated
    dated = ~np.isnan(apart)
    nearest = time_evidence(0.0, model.time_scale, window_days)  # `time_evidence`, over a matrix
    time = np.where(dated, nearest - np.minimum(np.nan_to_num(apart), window_days) / model.time_scale, 0.0)
    outlets = [item.features.outlet or None for item in vectors]
    same_outlet = np.array([[mine is not None and mine == theirs for theirs in outlets] for mine in outlets])
    outlet_same_day = (same_outlet & (~dated | (np.nan_to_num(apart) <= 1))).astype(float)
    signals["time"] = time
    signals["outlet_same_day"] = outlet_same_day
    probability = np.where(
        same_language,
        _probabilities(model.same_language, signals),
        _probabilities(model.cross_language, signals),
    )
    likeness = np.round((probability + probability.T) / 2.0, _DECIMALS)
    np.fill_diagonal(likeness, 1.0)
    return likeness


def two_groups(likeness: Matrix) -> tuple[list[int], list[int]]:
    """The members (by index) cut in two, the larger group first (ties: the one holding the
    lowest index).

    Bisection: the two members least alike seed two groups and hold them; every other member
    goes to the seed it is more like, then moves to the group it is more like on average,
    until none moves. (Average linkage's last cut was tried first: it peels off one stray
    article and seldom finds the two stories in an event that holds two.)
    """
    count = likeness.shape[0]
    if count < 2:
        raise ValueError(f"cutting needs two members or more, not {count}")
    upper = np.where(np.triu(np.ones((count, count), dtype=bool), k=1), likeness, np.inf)
    seed, other_seed = np.unravel_index(int(np.argmin(upper)), upper.shape)  # first minimum: lowest (i, j)
    first = likeness[:, seed] >= likeness[:, other_seed]
    others = likeness.copy()
    np.fill_diagonal(others, 0.0)  # a member's likeness to its own group leaves itself out
    for _ in range(_BISECTION_ROUNDS):
        first[seed], first[other_seed] = True, False
        moved = _mean_likeness(others, first) >= _mean_likeness(others, ~first)
        moved[seed], moved[other_seed] = True, False
        if np.array_equal(moved, first):
            break
        first = moved
    parts = [[int(i) for i in np.flatnonzero(first)], [int(i) for i in np.flatnonzero(~first)]]
    parts.sort(key=lambda part: (-len(part), part[0]))
    return parts[0], parts[1]


def _mean_likeness(others: Matrix, group: npt.NDArray[np.bool_]) -> Matrix:
    """Each member's mean likeness to the members of a group other than itself (0: none)."""
    totals = np.round((others * group).sum(axis=1), _DECIMALS)
    sizes = group.sum() - group  # the group's size, itself left out
    means: Matrix = np.divide(totals, sizes, out=np.zeros_like(totals), where=sizes > 0)
    return means


def _probabilities(model: Logistic, signals: dict[str, Matrix]) -> Matrix:
    """`Logistic.probability` over matrices of signals."""
    score = np.full_like(signals["time"], model.bias)
    for name, weight in zip(model.signals, model.weights, strict=True):
        score += weight * signals[name]
    with np.errstate(over="ignore"):
        probability = 1.0 / (1.0 + np.exp(-score))
    return np.where(score < -30.0, 0.0, probability)


def _ordinal(day: dt.date | None) -> float:
    return math.nan if day is None else float(day.toordinal())


def _vocabulary(*fields: Sequence[Vector]) -> dict[str, int]:
    """A column for every key of the vectors, in the order first met."""
    keys = dict.fromkeys(itertools.chain.from_iterable(itertools.chain.from_iterable(fields)))
    return {key: column for column, key in enumerate(keys)}


def _rows(vectors: Sequence[Vector], vocabulary: dict[str, int]) -> Matrix:
    """The vectors as the rows of a dense matrix, one column per key of `vocabulary`."""
    matrix = np.zeros((len(vectors), len(vocabulary)))
    for row, vector in enumerate(vectors):
        if vector:
            matrix[row, [vocabulary[key] for key in vector]] = list(vector.values())
    return matrix


def _self_products(vectors: Sequence[Vector]) -> Matrix:
    """[i, j]: the dot product of vectors i and j."""
    rows = _rows(vectors, _vocabulary(vectors))
    return rows @ rows.T
