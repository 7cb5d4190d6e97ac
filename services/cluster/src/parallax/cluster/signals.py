"""How much an article looks like an event: the signals the join-or-new decision weighs.

Each signal is a number in [0, 1] (Miranda et al. 2018: TF-IDF sub-vectors compared
separately, plus time). Words are compared only within a language: a French article meets an
English event through its actors, places, figures and date, the signals that need no
translation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from parallax.cluster.features import ArticleFeatures
from parallax.cluster.vectors import Centroid, DocumentFrequencies, Vector, weigh

# The signals of a pair in one language, and the ones that cross languages.
SIGNALS: Final = (
    "body",
    "title",
    "title_body",
    "actors",
    "places",
    "numbers",
    "time",
    "outlet_same_day",
)
CROSS_SIGNALS: Final = ("actors", "places", "numbers", "time", "outlet_same_day")
# The signals of the decision on the best candidate: join it or start a new event. "rank" is the
# best candidate's probability, "margin" how far ahead of the second it is, "crossing" 1 when
# the pair crosses languages.
DECISION_SIGNALS: Final = (
    "rank",
    "margin",
    "crossing",
    "body",
    "title",
    "actors",
    "places",
    "numbers",
    "time",
)
# The signals of the merge pass on an event and its best candidate: the decision's, and how
# many members the smaller of the two has (log): two large events alike are more often two
# events of one kind than one event cut in two.
MERGE_SIGNALS: Final = (*DECISION_SIGNALS, "members")
# Text fields weighed by TF-IDF, and the signals that compare them.
FIELDS: Final = ("body", "title", "actors", "places", "numbers")


@dataclass(frozen=True)
class ArticleVectors:
    """An article's weighted fields (unit vectors), ready to compare."""

    features: ArticleFeatures
    body: Vector
    title: Vector
    actors: Vector
    places: Vector
    numbers: Vector

    @classmethod
    def of(cls, features: ArticleFeatures, frequencies: DocumentFrequencies) -> ArticleVectors:
        """Weigh an article's fields with the document frequencies of the pool."""
        return cls(
            features,
            body=weigh(features.body_terms, "body", frequencies),
            title=weigh(features.title_terms, "title", frequencies),
            actors=weigh(features.actors, "actors", frequencies),
            places=weigh(features.places, "places", frequencies),
            numbers=weigh(features.numbers, "numbers", frequencies),
        )


def observe(frequencies: DocumentFrequencies, features: ArticleFeatures) -> None:
    """Count an article's keys in the document frequencies."""
    frequencies.observe(
        {
            "body": features.body_terms,
            "title": features.title_terms,
            "actors": features.actors,
            "places": features.places,
            "numbers": features.numbers,
        }
    )


@dataclass
class EventProfile:
    """What an event's members say, summed: per-language word centroids, language-free ones,
    its dates and outlets."""

    body: dict[str, Centroid] = field(default_factory=dict)  # language -> centroid
    title: dict[str, Centroid] = field(default_factory=dict)
    actors: Centroid = field(default_factory=Centroid)
    places: Centroid = field(default_factory=Centroid)
    numbers: Centroid = field(default_factory=Centroid)
    first: dt.date | None = None
    last: dt.date | None = None
    dated: int = 0  # members with a publication date
    day_total: int = 0  # the sum of their dates (proleptic ordinals), for the mean date
    outlet_days: dict[str, set[dt.date | None]] = field(default_factory=dict)

    def add(self, article: ArticleVectors) -> None:
        """Take an article in."""
        features = article.features
        language = features.language or "?"
        self.body.setdefault(language, Centroid()).add(article.body)
        self.title.setdefault(language, Centroid()).add(article.title)
        self.actors.add(article.actors)
        self.places.add(article.places)
        self.numbers.add(article.numbers)
        day = features.published
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)
            self.dated += 1
            self.day_total += day.toordinal()
        if features.outlet:
            self.outlet_days.setdefault(features.outlet, set()).add(day)

    def merge(self, other: EventProfile) -> None:
        """Take in another event's profile."""
        for mine, theirs in ((self.body, other.body), (self.title, other.title)):
            for language, centroid in theirs.items():
                mine.setdefault(language, Centroid()).merge(centroid)
        self.actors.merge(other.actors)
        self.places.merge(other.places)
        self.numbers.merge(other.numbers)
        for day in (other.first, other.last):
            if day is not None:
                self.first = day if self.first is None else min(self.first, day)
                self.last = day if self.last is None else max(self.last, day)
        self.dated += other.dated
        self.day_total += other.day_total
        for outlet, days in other.outlet_days.items():
            self.outlet_days.setdefault(outlet, set()).update(days)

    @property
    def languages(self) -> set[str]:
        """The languages of the members."""
        return set(self.body)

    @property
    def middle(self) -> dt.date | None:
        """The mean publication date of the dated members (None when none is dated)."""
        if self.dated == 0:
            return None
        return dt.date.fromordinal(round(self.day_total / self.dated))

    def days_from(self, day: dt.date | None) -> float | None:
        """Days between a date and the members' mean date; None when either is undated.

        From the mean, not from the span: a span grows with each member, and an event whose
        span grew day by day would take in the next week's look-alike (two calls between the
        same presidents a week apart are two events).
        """
        if day is None or self.dated == 0:
            return None
        return abs(day.toordinal() - self.day_total / self.dated)


def time_evidence(days: float | None, scale: float, window: float) -> float:
    """What a distance in publication dates says, as a log-likelihood ratio (0: nothing).

    Under "same event" the distance to the members' mean date follows a Laplace law whose
    mean is `scale` days (fitted on dated training events); under "another event" any
    distance in the candidate window is as likely as another. Near dates count for, far
    ones against, and undated articles count neither way (Miranda et al. 2018 use a
    Gaussian decay in the same place).
    """
    if days is None:
        return 0.0
    return math.log(window / scale) - min(days, window) / scale


def pair_signals(
    article: ArticleVectors, event: EventProfile, *, time_scale: float, window_days: float
) -> tuple[dict[str, float], bool]:
    """The signals of an article against an event, and whether they cross languages.

    Crossing languages, the word signals are absent (zero) and the decision uses the
    language-free model. `time_scale` and `window_days` come with the join model.
    """
    features = article.features
    language = features.language or "?"
    body = event.body.get(language)
    crossing = body is None
    days = event.days_from(features.published)
    signals = {
        "actors": event.actors.mean_similarity(article.actors),
        "places": event.places.mean_similarity(article.places),
        "numbers": event.numbers.mean_similarity(article.numbers),
        "time": time_evidence(days, time_scale, window_days),
        "outlet_same_day": 1.0 if _same_outlet_same_day(features, event) else 0.0,
    }
    if not crossing and body is not None:
        signals["body"] = body.mean_similarity(article.body)
        title = event.title.get(language)
        signals["title"] = title.mean_similarity(article.title) if title is not None else 0.0
        signals["title_body"] = body.mean_similarity(article.title)
    return signals, crossing


def _same_outlet_same_day(features: ArticleFeatures, event: EventProfile) -> bool:
    """Whether the event already has an article of this outlet from the same day (or, undated,
    any article of it): an outlet seldom runs two stories on one event in one day."""
    if not features.outlet:
        return False
    days = event.outlet_days.get(features.outlet)
    if not days:
        return False
    if features.published is None:
        return True
    return any(day is None or abs((day - features.published).days) <= 1 for day in days)


def as_mapping(signals: Mapping[str, float], names: tuple[str, ...]) -> list[float]:
    """The signals in a model's order (absent ones are 0)."""
    return [signals.get(name, 0.0) for name in names]
