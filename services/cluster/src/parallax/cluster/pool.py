"""The pool of open events and the incremental assignment of articles to them.

For each new article: find candidate events through an inverted index (the article's actors,
its rarest words and its figures) within a time window, score each candidate with the join
model, join the best one when the model says it is more likely the same event than not, and
start a new event otherwise. The cost of one assignment depends on the number of candidates
(capped), not on the size of the pool.

Maintenance: `merge_pass` joins events that turn out to be one (the same model, event against
event); `split` divides an event an operator found to be two. Deterministic: the same articles
in the same order give the same events.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from parallax.cluster.features import ArticleFeatures
from parallax.cluster.model import JoinModel, shipped_join_model
from parallax.cluster.signals import ArticleVectors, EventProfile, observe, pair_signals
from parallax.cluster.vectors import DocumentFrequencies

ALGORITHM_VERSION: Final = "cluster.v1"

# Blocking: the keys an article is indexed and looked up by.
_TOP_TERMS: Final = 12  # its rarest-weighted body words
_TOP_NUMBERS: Final = 6
_TOP_ACTORS: Final = 8
# A key shared by more events than this says little (a country every story names); skipped.
_LONGEST_POSTING: Final = 2_000
# Candidates scored by the model per article: the ones sharing most keys.
_CANDIDATES: Final = 40
# Dated events farther than this from a dated article are not candidates.
WINDOW_DAYS: Final = 14
# Open events kept in the pool; the least recently joined ones close first.
MAX_OPEN_EVENTS: Final = 50_000


@dataclass
class Event:
    """One event: its members (article id -> join probability) and its profile."""

    id: str
    profile: EventProfile = field(default_factory=EventProfile)
    members: dict[str, float] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # article id -> headline
    keys: set[str] = field(default_factory=set)
    outlets: set[str] = field(default_factory=set)

    @property
    def title(self) -> str:
        """A representative headline: the one sharing most words with the others."""
        if not self.titles:
            return ""
        words = {member: set(title.casefold().split()) for member, title in self.titles.items()}
        shared = Counter(word for group in words.values() for word in group)
        return self.titles[max(sorted(words), key=lambda member: sum(shared[w] for w in words[member]))]


@dataclass(frozen=True)
class Assignment:
    """Where an article went: its event, the join probability (1.0 for a new event's first
    article), whether it started the event, and the algorithm version."""

    article_id: str
    event_id: str
    score: float
    started: bool
    version: str = ALGORITHM_VERSION


class EventPool:
    """Open events, their index, and the document frequencies the weights come from.

    `frequencies` may be given (a batch knows its whole input, a service keeps a snapshot);
    otherwise each article is counted as it arrives.
    """

    def __init__(
        self,
        *,
        model: JoinModel | None = None,
        frequencies: DocumentFrequencies | None = None,
        window_days: int = WINDOW_DAYS,
        max_open_events: int = MAX_OPEN_EVENTS,
    ) -> None:
        self.model = model or shipped_join_model()
        self.frequencies = frequencies or DocumentFrequencies()
        self._count_arrivals = frequencies is None
        self.window_days = window_days
        self.max_open_events = max_open_events
        self.events: OrderedDict[str, Event] = OrderedDict()  # least recently joined first
        self.closed: dict[str, Event] = {}
        self.event_of: dict[str, str] = {}  # article id -> event id
        self._index: dict[str, set[str]] = {}
        self._next_number = 1

    # --- assignment -------------------------------------------------------------------------

    def assign(self, features: ArticleFeatures) -> Assignment:
        """Put one article in the best open event, or in a new one."""
        if features.id in self.event_of:
            event_id = self.event_of[features.id]
            event = self.events.get(event_id) or self.closed[event_id]
            return Assignment(features.id, event_id, event.members[features.id], started=False)
        if self._count_arrivals:
            observe(self.frequencies, features)
        article = ArticleVectors.of(features, self.frequencies)
        keys = _keys(article)
        ranked = self._ranked(article, keys)
        if ranked:
            rank, event_id, signals, crossing = ranked[0]
            margin = rank - ranked[1][0] if len(ranked) > 1 else rank
            probability = self.model.joins(signals, rank, margin, crossing=crossing)
            if probability > 0.5:
                self._join(self.events[event_id], article, keys, probability)
                return Assignment(features.id, event_id, probability, started=False)
        event = self._new_event()
        self._join(event, article, keys, 1.0)
        return Assignment(features.id, event.id, 1.0, started=True)

    def assign_all(self, articles: Iterable[ArticleFeatures]) -> Iterator[Assignment]:
        """Assign articles in the order given."""
        for features in articles:
            yield self.assign(features)

    def _ranked(
        self, article: ArticleVectors, keys: set[str]
    ) -> list[tuple[float, str, dict[str, float], bool]]:
        """The candidate events, best first: (probability, event id, signals, crossing)."""
        ranked = []
        for event_id in self._candidates(article, keys):
            signals, crossing = pair_signals(article, self.events[event_id].profile)
            ranked.append((self.model.probability(signals, crossing=crossing), event_id, signals, crossing))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        return ranked

    def _candidates(self, article: ArticleVectors, keys: set[str]) -> list[str]:
        """Open events sharing most keys with the article, within the time window."""
        shared: Counter[str] = Counter()
        for key in keys:
            posting = self._index.get(key)
            if posting and len(posting) <= _LONGEST_POSTING:
                shared.update(posting)
        day = article.features.published
        ranked = heapq.nsmallest(_CANDIDATES, shared.items(), key=lambda item: (-item[1], item[0]))
        candidates = []
        for event_id, _ in ranked:
            event = self.events.get(event_id)
            if event is None:
                continue
            distance = event.profile.days_from(day)
            if distance is not None and distance > self.window_days:
                continue
            candidates.append(event_id)
        return candidates

    def _new_event(self) -> Event:
        event = Event(id=f"e{self._next_number:06d}")
        self._next_number += 1
        self.events[event.id] = event
        while len(self.events) > self.max_open_events:
            _, oldest = self.events.popitem(last=False)
            self._close(oldest)
        return event

    def _join(self, event: Event, article: ArticleVectors, keys: set[str], probability: float) -> None:
        features = article.features
        event.profile.add(article)
        event.members[features.id] = probability
        if features.title:
            event.titles[features.id] = features.title
        if features.outlet:
            event.outlets.add(features.outlet)
        for key in keys - event.keys:
            self._index.setdefault(key, set()).add(event.id)
        event.keys |= keys
        self.event_of[features.id] = event.id
        self.events.move_to_end(event.id)

    def _close(self, event: Event) -> None:
        for key in event.keys:
            posting = self._index.get(key)
            if posting is not None:
                posting.discard(event.id)
                if not posting:
                    del self._index[key]
        self.closed[event.id] = event

    def close_before(self, day: dt.date) -> int:
        """Close the dated events whose last article is older than `day`; how many closed."""
        old = [e for e in self.events.values() if e.profile.last is not None and e.profile.last < day]
        for event in old:
            del self.events[event.id]
            self._close(event)
        return len(old)


def stream_order(articles: Iterable[ArticleFeatures]) -> list[ArticleFeatures]:
    """By publication date, undated last, then in the order given: how a service sees them."""
    indexed = list(enumerate(articles))
    indexed.sort(key=lambda pair: (pair[1].published is None, pair[1].published or dt.date.min, pair[0]))
    return [features for _, features in indexed]


def _keys(article: ArticleVectors) -> set[str]:
    """The index keys of an article: its heaviest actors, body words and figures."""
    keys = {f"a:{key}" for key in _heaviest(article.actors, _TOP_ACTORS)}
    keys.update(f"w:{key}" for key in _heaviest(article.body, _TOP_TERMS))
    keys.update(f"w:{key}" for key in _heaviest(article.title, _TOP_TERMS // 2))
    keys.update(f"n:{key}" for key in _heaviest(article.numbers, _TOP_NUMBERS))
    return keys


def _heaviest(vector: dict[str, float], count: int) -> list[str]:
    return [key for key, _ in heapq.nsmallest(count, vector.items(), key=lambda item: (-item[1], item[0]))]
