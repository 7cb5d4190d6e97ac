"""Sparse weighted vectors: TF-IDF over terms, actors and numbers, and their cosines.

Vectors are plain dicts (term -> weight), L2-normalised: an article holds a few hundred terms
and is compared with a few dozen events, where dict lookups beat building arrays.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Vector = dict[str, float]


@dataclass
class DocumentFrequencies:
    """How many articles use each key, per field ("body", "title", "actors", …).

    In a batch the frequencies come from the whole input; in a stream, from the pool so far
    (`observe` as articles arrive). Rare keys weigh more: a place or a name that few articles
    mention says more about the event than "government".
    """

    documents: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def observe(self, fields: Mapping[str, Iterable[str]]) -> None:
        """Count one article's keys, each once per field."""
        self.documents += 1
        for name, keys in fields.items():
            self.counts.setdefault(name, Counter()).update(set(keys))

    def idf(self, name: str, key: str) -> float:
        """Smoothed inverse document frequency, as scikit-learn computes it (never zero)."""
        counts = self.counts.get(name)
        seen = counts[key] if counts is not None else 0
        return math.log((1 + self.documents) / (1 + seen)) + 1.0


def weigh(counts: Mapping[str, int], name: str, frequencies: DocumentFrequencies) -> Vector:
    """Sublinear TF-IDF of one field, L2-normalised (empty when the field is)."""
    vector = {
        key: (1.0 + math.log(count)) * frequencies.idf(name, key) for key, count in counts.items() if count
    }
    return normalise(vector)


def normalise(vector: Mapping[str, float]) -> Vector:
    """The vector scaled to length 1 (empty stays empty)."""
    norm = math.sqrt(sum(weight * weight for weight in vector.values()))
    if norm == 0.0:
        return {}
    return {key: weight / norm for key, weight in vector.items()}


def dot(one: Mapping[str, float], other: Mapping[str, float]) -> float:
    """The dot product, over the keys the two share.

    The shared keys are found by a set intersection (in C) and summed exactly rounded
    (`math.fsum`): the sum does not depend on the order of the keys, which for a set of
    strings changes from one process to the next.
    """
    shared = one.keys() & other.keys()
    return math.fsum(map(operator.mul, map(one.__getitem__, shared), map(other.__getitem__, shared)))


@dataclass
class Centroid:
    """The sum of the member vectors of one field, with its norm kept up to date.

    The cosine of an article with the centroid is `dot(article, sum) / |sum|`; adding a member
    updates the squared norm from the dot product already computed, and a centroid grown past
    `limit` keys keeps its heaviest `limit // 2` (the event's vocabulary, not every stray word).
    """

    weights: Vector = field(default_factory=dict)
    squared_norm: float = 0.0
    members: int = 0
    limit: int = 600

    def cosine(self, vector: Mapping[str, float]) -> float:
        """Cosine between a unit vector and the centroid (0 when either is empty)."""
        if not vector or self.squared_norm <= 0.0:
            return 0.0
        return dot(vector, self.weights) / math.sqrt(self.squared_norm)

    def mean_similarity(self, vector: Mapping[str, float]) -> float:
        """The mean cosine between a unit vector and the members (average linkage): the dot
        product with their sum over their number."""
        if not vector or self.members == 0:
            return 0.0
        return dot(vector, self.weights) / self.members

    def mean(self) -> Vector:
        """The members' mean vector (empty when there are none)."""
        if self.members == 0:
            return {}
        return {key: weight / self.members for key, weight in self.weights.items()}

    def add(self, vector: Mapping[str, float]) -> None:
        """Add a member's unit vector (an empty one counts as a member with nothing to share)."""
        self.members += 1
        if not vector:
            return
        cross = dot(vector, self.weights)
        for key, weight in vector.items():
            self.weights[key] = self.weights.get(key, 0.0) + weight
        self.squared_norm += 2.0 * cross + sum(weight * weight for weight in vector.values())
        if len(self.weights) > self.limit:
            self._prune()

    def merge(self, other: Centroid) -> None:
        """Take in another centroid (two events found to be one)."""
        self.members += other.members
        for key, weight in other.weights.items():
            self.weights[key] = self.weights.get(key, 0.0) + weight
        self.squared_norm = sum(weight * weight for weight in self.weights.values())
        if len(self.weights) > self.limit:
            self._prune()

    def _prune(self) -> None:
        kept = sorted(self.weights.items(), key=lambda item: (-item[1], item[0]))[: self.limit // 2]
        self.weights = dict(kept)
        self.squared_norm = sum(weight * weight for weight in self.weights.values())

    def top(self, count: int) -> list[str]:
        """The `count` heaviest keys, heaviest first (ties by key, for determinism)."""
        return [key for key, _ in sorted(self.weights.items(), key=lambda item: (-item[1], item[0]))[:count]]
