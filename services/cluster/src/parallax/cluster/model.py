"""The join-or-new decision: a logistic model over the pair signals, read from a JSON file.

`data/join_model.json` holds four logistic models fitted by `benchmarks/cluster_model.py` on
half of the events of BASIL and ECB+ (the other half is held out). Two rank the candidate
events of an article: one for an article and an event in the same language (every signal), one
across languages (the signals that need no translation). The third decides on the best
candidate (Miranda et al. 2018's two steps): join it, or start a new event. The fourth decides,
in the merge pass, whether an event and the most similar larger one are one event. It is fitted on the
best candidates only, so its probability answers the question asked there; the article joins
when it is above one half — where joining is more likely right than wrong — and there is no
threshold to tune.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from parallax.cluster.signals import CROSS_SIGNALS, DECISION_SIGNALS, MERGE_SIGNALS, SIGNALS


class ModelError(ValueError):
    """A join model file that cannot be used; the message says what is wrong in it."""


@dataclass(frozen=True)
class Logistic:
    """P(same event) = sigmoid(bias + sum of weight * signal)."""

    signals: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, signals: Mapping[str, float]) -> float:
        """The probability that the article reports the event."""
        pairs = zip(self.signals, self.weights, strict=True)
        score = self.bias + sum(weight * signals.get(name, 0.0) for name, weight in pairs)
        if score < -30.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-score))


@dataclass(frozen=True)
class JoinModel:
    """The ranking models (same language, across languages), the decision on the best
    candidate, and the version stored with every membership."""

    version: str
    same_language: Logistic
    cross_language: Logistic
    decision: Logistic
    merge: Logistic
    time_scale: float = 1.0  # mean distance in days of a dated article to its event's mean date
    window_days: float = 14.0  # dated events farther than this are not candidates
    trained_on: str = ""

    def probability(self, signals: Mapping[str, float], *, crossing: bool) -> float:
        """P(same event) of one candidate, by the model for the pair's languages: ranks them."""
        return (self.cross_language if crossing else self.same_language).probability(signals)

    def joins(self, best: Mapping[str, float], rank: float, margin: float, *, crossing: bool) -> float:
        """P(the best candidate is the article's event rather than none of them)."""
        return self.decision.probability(
            {**best, "rank": rank, "margin": margin, "crossing": float(crossing)}
        )


def read_join_model(path: Path) -> JoinModel:
    """Read and check a join model file."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: cannot read the join model: {error}") from error
    try:
        return JoinModel(
            version=str(data["version"]),
            same_language=_logistic(data["same_language"], SIGNALS),
            cross_language=_logistic(data["cross_language"], CROSS_SIGNALS),
            decision=_logistic(data["decision"], DECISION_SIGNALS),
            merge=_logistic(data["merge"], MERGE_SIGNALS),
            time_scale=_positive(data["time_scale"], "time_scale"),
            window_days=_positive(data["window_days"], "window_days"),
            trained_on=str(data.get("trained_on", "")),
        )
    except KeyError as error:
        raise ModelError(
            f"{path}: the join model lacks {error}; rebuild it with benchmarks/cluster_model.py"
        ) from error


@functools.cache
def shipped_join_model() -> JoinModel:
    """The join model shipped with Parallax."""
    with resources.as_file(resources.files("parallax.cluster").joinpath("data", "join_model.json")) as path:
        return read_join_model(path)


def _logistic(data: Mapping[str, Any], expected: tuple[str, ...]) -> Logistic:
    weights = data["weights"]
    if tuple(weights) != expected:
        raise ModelError(
            f"the model's signals {list(weights)} are not the code's {list(expected)}; "
            "rebuild it with benchmarks/cluster_model.py"
        )
    return Logistic(expected, tuple(float(weights[name]) for name in expected), float(data["bias"]))


def _positive(value: Any, name: str) -> float:
    number = float(value)
    if not number > 0.0:
        raise ModelError(f"the model's {name} must be a positive number of days, not {value!r}")
    return number
