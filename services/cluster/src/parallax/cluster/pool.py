"""The pool of open events and the incremental assignment of articles to them.

For each new article: find candidate events through an inverted index (the article's actors,
its rarest words and its figures) within a time window, score each candidate with the join
model, join the best one when the model says it is more likely the same event than not, and
start a new event otherwise. The cost of one assignment depends on the number of candidates
(capped), not on the size of the pool.

Maintenance: `merge_pass` joins events that turn out to be one (event against event, average
linkage, decided by the merge model); `split_pass` cuts events that turn out to be two (their
members bisected, the cut kept when the merge model would not join them
again); `split` divides an event as an operator says. Deterministic: the same articles in the
same order give the same events.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import Counter, OrderedDict, deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from parallax.cluster.bisection import member_likeness, two_groups
from parallax.cluster.features import ArticleFeatures
from parallax.cluster.model import JoinModel, shipped_join_model
from parallax.cluster.signals import ArticleVectors, EventProfile, observe, pair_signals
from parallax.cluster.vectors import Centroid, DocumentFrequencies

ALGORITHM_VERSION: Final = "cluster.v2"

# Blocking: the keys an article is indexed and looked up by.
_TOP_TERMS: Final = 12  # its rarest-weighted body words
_TOP_NUMBERS: Final = 6
_TOP_ACTORS: Final = 8
# A key shared by more events than this says little (a country every story names); skipped.
_LONGEST_POSTING: Final = 2_000
# Candidates scored by the model per article: the ones sharing most keys.
_CANDIDATES: Final = 40
# The split pass compares every pair of an event's members: larger events are left to
# operators (the cost grows with the square of the size).
LARGEST_SPLIT: Final = 120
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
    bucket: int | None = None  # the week of its mean date it is indexed under (None: undated)

    @property
    def title(self) -> str:
        """A representative headline: the one sharing most words with the others."""
        if not self.titles:
            return ""
        words = {member: set(title.casefold().split()) for member, title in self.titles.items()}
        shared = Counter(word for group in words.values() for word in group)
        return self.titles[max(sorted(words), key=lambda member: sum(shared[w] for w in words[member]))]

    @property
    def languages(self) -> set[str]:
        """The languages of the members."""
        return self.profile.languages


@dataclass(frozen=True)
class Merge:
    """Two events found to be one: `absorbed` moved into `kept`, with the join probability."""

    kept: str
    absorbed: str
    score: float
    moved: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    """An event found to be two: `moved` left `event` for the new event `into`; `score` is the
    merge model's probability that the two parts are one event (below one half)."""

    event: str
    into: str
    score: float
    moved: tuple[str, ...]


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
        window_days: float | None = None,
        max_open_events: int = MAX_OPEN_EVENTS,
    ) -> None:
        self.model = model or shipped_join_model()
        self.frequencies = frequencies or DocumentFrequencies()
        self._count_arrivals = frequencies is None
        self.window_days = self.model.window_days if window_days is None else window_days
        self.max_open_events = max_open_events
        self.events: OrderedDict[str, Event] = OrderedDict()  # least recently joined first
        self.closed: dict[str, Event] = {}
        self.event_of: dict[str, str] = {}  # article id -> event id
        # key -> week of the event's mean date (None: undated) -> events: a dated article reads
        # only the weeks its window covers, so its cost does not grow with the years the pool spans
        self._index: dict[str, dict[int | None, set[str]]] = {}
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

    def event(self, event_id: str) -> Event:
        """An event, open or closed (KeyError when the pool never had it)."""
        found = self.events.get(event_id) or self.closed.get(event_id)
        if found is None:
            raise KeyError(f"no event {event_id!r} in the pool")
        return found

    def assign_all(self, articles: Iterable[ArticleFeatures]) -> Iterator[Assignment]:
        """Assign articles in the order given."""
        for features in articles:
            yield self.assign(features)

    def restore(self, features: ArticleFeatures, event_id: str, score: float) -> None:
        """Put an article back into the event it was stored in, without deciding anew.

        How a service rebuilds its pool from the stored memberships after a restart.
        """
        if features.id in self.event_of:
            return
        if self._count_arrivals:
            observe(self.frequencies, features)
        event = self.events.get(event_id)
        if event is None:
            event = Event(id=event_id)
            self.events[event_id] = event
            self._next_number = max(self._next_number, _number_of(event_id) + 1)
        article = ArticleVectors.of(features, self.frequencies)
        self._join(event, article, _keys(article), score)

    def reserve(self, event_id: str) -> None:
        """Never hand out `event_id` (or an earlier number) for a new event: an event stored
        elsewhere, merged away, holds no article to restore but keeps its id."""
        self._next_number = max(self._next_number, _number_of(event_id) + 1)

    # --- maintenance ------------------------------------------------------------------------

    def merge_pass(self, only: Collection[str] | None = None) -> list[Merge]:
        """Merge the open events that turn out to be one, and say which merged.

        Each event (of `only`, when given), smallest first, is scored against the larger
        events its own heaviest keys find, by average linkage: its members' mean vectors stand
        for one article. It is merged into the best candidate when the merge model says so.
        Run it periodically (a service) or after a batch (the CLI): early articles of an event
        can start two events before the later ones show they are one.
        """
        merges: list[Merge] = []
        events = self.events.values() if only is None else [self.events[i] for i in only if i in self.events]
        order = sorted(events, key=lambda event: (len(event.members), event.id))
        for event in order:
            if event.id not in self.events:
                continue  # absorbed earlier in this pass
            candidate = self.merge_candidate(event)
            if candidate is None:
                continue
            target_id, signals = candidate
            probability = self.model.merge.probability(signals)
            if probability > 0.5:
                merges.append(self._absorb(self.events[target_id], event, probability))
        return merges

    def merge_until_stable(self, passes: int = 5) -> list[Merge]:
        """Merge passes until one merges nothing (at most `passes`): what a batch does at its
        end. After the first pass over every event, a pass looks only at the events that took
        others in the pass before: the rest were looked at and nothing near them changed."""
        merges: list[Merge] = []
        only: set[str] | None = None
        for _ in range(passes):
            done = self.merge_pass(only)
            if not done:
                break
            merges.extend(done)
            only = {merge.kept for merge in done}
        return merges

    def merge_candidate(
        self, event: Event, *, instead: Event | None = None
    ) -> tuple[str, dict[str, float]] | None:
        """The open event most like `event` and at least as large, with the merge signals;
        None when there is none, or when one outlet ran both (two stories, not one told twice).

        `instead` stands in for the open event of its id (the split pass weighs the two parts
        of a cut before it changes the pool: the part keeping the id stands in for the event).
        """
        article = event_as_article(event.id, event.profile)
        # looked up by its own heaviest keys, as an article is (the union of its members' keys
        # would read thousands of postings per event in a large pool)
        ranked = [
            item
            for item in self._ranked(article, event.keys, exclude=event.id, instead=instead)
            if len(self._resolve(item[1], instead).members) >= len(event.members)
        ]
        if not ranked:
            return None
        rank, target_id, signals, crossing = ranked[0]
        target = self._resolve(target_id, instead)
        if event.outlets & target.outlets and _same_outlet_days(event.profile, target.profile):
            return None
        margin = rank - ranked[1][0] if len(ranked) > 1 else rank
        return target_id, {
            **signals,
            "rank": rank,
            "margin": margin,
            "crossing": float(crossing),
            "members": math.log(len(event.members)),
        }

    def split_pass(self, members: Mapping[str, ArticleFeatures]) -> list[Split]:
        """Split the open events that turn out to be two, and say which split.

        Each event of 2 to `LARGEST_SPLIT` members is cut in two by bisection over the
        likeness of its members (`bisection.two_groups`), and the cut is kept when the merge
        model, asked about the two parts as it is in the merge pass, says they are two events.
        A kept part is tried again. An event's first articles can pull in the first article
        of a look-alike event, which then gathers its own; the two groups show what one
        article could not. `members` holds the features of the members (the pool keeps sums,
        not articles).
        """
        splits: list[Split] = []
        queue = deque(sorted(self.events))
        while queue:
            event = self.events.get(queue.popleft())
            if event is None or not 2 <= len(event.members) <= LARGEST_SPLIT:
                continue
            vectors = [self.vectors(members[member]) for member in sorted(event.members)]
            first, second = two_groups(member_likeness(vectors, self.model, self.window_days))
            # the parts are judged before the pool changes: most cuts are not kept
            kept = self._detached(event.id, [vectors[i] for i in first], event.members)
            other = self._detached(f"{event.id}/cut", [vectors[i] for i in second], event.members)
            candidate = self.merge_candidate(other, instead=kept)
            probability = 0.0
            if candidate is not None:
                target_id, signals = candidate
                probability = self.model.merge.probability(signals)
                if target_id == kept.id and probability > 0.5:
                    continue  # one event after all
            self._forget(event)
            self._install(kept)
            other.id = self._next_id()
            self._install(other)
            splits.append(Split(kept.id, other.id, probability, tuple(sorted(other.members))))
            queue.extend((kept.id, other.id))
        return splits

    def split(self, event_id: str, groups: Sequence[Sequence[ArticleFeatures]]) -> list[str]:
        """Divide an event an operator found to be several: one group of its members per event.

        The first group keeps the event id; each other group becomes a new event. Every member
        must be in exactly one group (their features are read again: the pool keeps sums, not
        members). Returns the event ids, in the order of the groups.
        """
        event = self.events.get(event_id) or self.closed.get(event_id)
        if event is None:
            raise KeyError(f"no event {event_id!r} in the pool")
        given = [features.id for group in groups for features in group]
        if sorted(given) != sorted(event.members) or len(groups) < 2 or not all(groups):
            raise ValueError(
                f"split {event_id}: give every one of its {len(event.members)} members exactly once, "
                "in two or more non-empty groups"
            )
        self._forget(event)
        ids = []
        for number, group in enumerate(groups):
            part = self._detached(
                event_id if number == 0 else self._next_id(),
                [self.vectors(features) for features in group],
                event.members,
            )
            self._install(part)
            ids.append(part.id)
        return ids

    def _detached(
        self, event_id: str, articles: Sequence[ArticleVectors], scores: Mapping[str, float]
    ) -> Event:
        """An event of these articles (each with its score in `scores`), outside the pool and
        its index until `_install`ed."""
        event = Event(id=event_id)
        for article in articles:
            _take_in(event, article, scores[article.features.id])
            event.keys |= _keys(article)
        event.bucket = _bucket(event.profile.middle)
        return event

    def _install(self, event: Event) -> None:
        """Put a detached event in the pool, as the most recently joined, and index it."""
        for key in event.keys:
            self._index.setdefault(key, {}).setdefault(event.bucket, set()).add(event.id)
        for member in event.members:
            self.event_of[member] = event.id
        self._open(event)

    def merge(self, kept_id: str, absorbed_id: str, score: float) -> Merge:
        """Merge one open event into another (as the merge pass does when its model says so)."""
        return self._absorb(self.events[kept_id], self.events[absorbed_id], score)

    def _absorb(self, kept: Event, absorbed: Event, probability: float) -> Merge:
        kept.profile.merge(absorbed.profile)
        kept.members.update(absorbed.members)
        kept.titles.update(absorbed.titles)
        kept.outlets |= absorbed.outlets
        self._index_keys(kept, absorbed.keys)
        for member in absorbed.members:
            self.event_of[member] = kept.id
        self._forget(absorbed)
        return Merge(kept.id, absorbed.id, probability, tuple(sorted(absorbed.members)))

    def _forget(self, event: Event) -> None:
        """Take an event out of the pool and its index (its members go elsewhere)."""
        self._unindex(event)
        self.events.pop(event.id, None)
        self.closed.pop(event.id, None)

    def vectors(self, features: ArticleFeatures) -> ArticleVectors:
        """An article weighed by the pool's document frequencies."""
        return ArticleVectors.of(features, self.frequencies)

    def candidates(self, article: ArticleVectors) -> list[str]:
        """The open events the blocking finds for an article (at most `_CANDIDATES`)."""
        return self._candidates(article, _keys(article))

    def ranked(self, article: ArticleVectors) -> list[tuple[float, str, dict[str, float], bool]]:
        """The candidate events of an article, best first: (probability, event id, signals,
        whether the pair crosses languages)."""
        return self._ranked(article, _keys(article))

    def signals(self, article: ArticleVectors, event_id: str) -> tuple[dict[str, float], bool]:
        """The signals of an article against one open event, and whether they cross languages."""
        return self._signals(article, self.events[event_id].profile)

    def _signals(self, article: ArticleVectors, profile: EventProfile) -> tuple[dict[str, float], bool]:
        return pair_signals(article, profile, time_scale=self.model.time_scale, window_days=self.window_days)

    def _ranked(
        self,
        article: ArticleVectors,
        keys: set[str],
        exclude: str | None = None,
        instead: Event | None = None,
    ) -> list[tuple[float, str, dict[str, float], bool]]:
        ranked = []
        for event_id in self._candidates(article, keys, instead):
            if event_id == exclude:
                continue
            signals, crossing = self._signals(article, self._resolve(event_id, instead).profile)
            ranked.append((self.model.probability(signals, crossing=crossing), event_id, signals, crossing))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        return ranked

    def _resolve(self, event_id: str, instead: Event | None) -> Event:
        """The open event of an id, or `instead` when it stands in for it."""
        return instead if instead is not None and instead.id == event_id else self.events[event_id]

    def _candidates(self, article: ArticleVectors, keys: set[str], instead: Event | None = None) -> list[str]:
        """Open events sharing most keys with the article, within the time window (`instead`
        standing in for the open event of its id).

        The window is applied before the cap: in a large pool the events sharing most keys
        with an article can all be look-alikes from other weeks (the same story each year),
        and capping first would leave none of this week's.
        """
        day = article.features.published
        weeks = self._weeks_around(day)
        shared: Counter[str] = Counter()
        instead_shares = 0
        for key in keys:
            by_week = self._index.get(key)
            if not by_week:
                continue
            postings = (
                [posting for week, posting in by_week.items() if week in weeks]
                if weeks
                else list(by_week.values())
            )
            if sum(len(posting) for posting in postings) > _LONGEST_POSTING:
                continue
            for posting in postings:
                shared.update(posting)
            if instead is not None and key in instead.keys and (weeks is None or instead.bucket in weeks):
                instead_shares += 1
        if instead is not None:
            shared.pop(instead.id, None)
            if instead_shares:
                shared[instead.id] = instead_shares
        ranked = [(-count, event_id) for event_id, count in shared.items()]
        heapq.heapify(ranked)
        candidates: list[str] = []
        while ranked and len(candidates) < _CANDIDATES:
            _, event_id = heapq.heappop(ranked)
            event = instead if instead is not None and instead.id == event_id else self.events.get(event_id)
            if event is None:
                continue
            distance = event.profile.days_from(day)
            if distance is not None and distance > self.window_days:
                continue
            candidates.append(event_id)
        return candidates

    def _weeks_around(self, day: dt.date | None) -> set[int | None] | None:
        """The index weeks a dated article's window covers, and the undated (None: all)."""
        if day is None:
            return None
        ordinal = day.toordinal()
        first = _bucket_of(ordinal - math.ceil(self.window_days))
        last = _bucket_of(ordinal + math.ceil(self.window_days))
        return {None, *range(first, last + 1)}

    def _new_event(self) -> Event:
        event = Event(id=self._next_id())
        self._open(event)
        return event

    def _next_id(self) -> str:
        """The next event id (never one handed out before)."""
        event_id = f"e{self._next_number:06d}"
        self._next_number += 1
        return event_id

    def _open(self, event: Event) -> None:
        """Make an event the most recently joined open one, closing the least recent past the cap."""
        self.events[event.id] = event
        self.events.move_to_end(event.id)
        while len(self.events) > self.max_open_events:
            _, oldest = self.events.popitem(last=False)
            self._close(oldest)

    def _join(self, event: Event, article: ArticleVectors, keys: set[str], probability: float) -> None:
        _take_in(event, article, probability)
        self._index_keys(event, keys)
        self.event_of[article.features.id] = event.id
        self.events.move_to_end(event.id)

    def _index_keys(self, event: Event, keys: set[str]) -> None:
        """Index an event under new keys, and under the week of its mean date now (moving its
        old keys when the mean moved to another week)."""
        bucket = _bucket(event.profile.middle)
        if bucket != event.bucket:
            self._unindex(event)
            event.bucket = bucket
            new = event.keys | keys
        else:
            new = keys - event.keys
        for key in new:
            self._index.setdefault(key, {}).setdefault(bucket, set()).add(event.id)
        event.keys |= keys

    def _close(self, event: Event) -> None:
        self._unindex(event)
        self.closed[event.id] = event

    def _unindex(self, event: Event) -> None:
        for key in event.keys:
            weeks = self._index.get(key)
            posting = weeks.get(event.bucket) if weeks is not None else None
            if weeks is None or posting is None:
                continue
            posting.discard(event.id)
            if not posting:
                del weeks[event.bucket]
                if not weeks:
                    del self._index[key]

    def close_before(self, day: dt.date) -> int:
        """Close the dated events whose last article is older than `day`; how many closed."""
        old = [e for e in self.events.values() if e.profile.last is not None and e.profile.last < day]
        for event in old:
            del self.events[event.id]
            self._close(event)
        return len(old)


def cluster_batch(articles: Sequence[ArticleFeatures], *, model: JoinModel | None = None) -> EventPool:
    """Cluster a whole input at once, as `parallax cluster` does.

    Steps:
    1. weigh words by the document frequencies of the whole input (a batch knows it);
    2. assign the articles in stream order (by date, undated last, then as given);
    3. merge the events that turn out to be one until none does, then split those that turn
       out to be two.
    """
    # 1.
    frequencies = DocumentFrequencies()
    for features in articles:
        observe(frequencies, features)
    pool = EventPool(model=model, frequencies=frequencies)
    # 2.
    for features in stream_order(articles):
        pool.assign(features)
    # 3.
    pool.merge_until_stable()
    pool.split_pass({features.id: features for features in articles})
    return pool


def stream_order(articles: Iterable[ArticleFeatures]) -> list[ArticleFeatures]:
    """By publication date, undated last, then in the order given: how a service sees them."""
    indexed = list(enumerate(articles))
    indexed.sort(key=lambda pair: (pair[1].published is None, pair[1].published or dt.date.min, pair[0]))
    return [features for _, features in indexed]


def event_as_article(event_id: str, profile: EventProfile) -> ArticleVectors:
    """An event as one article, to score it against other events: its members' mean vectors
    (so that the mean similarity with another event is the mean over every pair of members:
    average linkage), in its main language, dated at its members' mean date, from no outlet."""
    language = max(sorted(profile.body), key=lambda name: profile.body[name].squared_norm, default=None)
    features = ArticleFeatures(
        id=event_id,
        outlet=None,
        language=language,
        published=profile.middle,
        title="",
        title_terms={},
        body_terms={},
        actors={},
        places={},
        numbers={},
    )
    empty = Centroid()
    return ArticleVectors(
        features,
        body=profile.body.get(language or "", empty).mean(),
        title=profile.title.get(language or "", empty).mean(),
        actors=profile.actors.mean(),
        places=profile.places.mean(),
        numbers=profile.numbers.mean(),
    )


def _take_in(event: Event, article: ArticleVectors, probability: float) -> None:
    """Add an article to an event's members and profile (not to the pool's index)."""
    features = article.features
    event.profile.add(article)
    event.members[features.id] = probability
    if features.title:
        event.titles[features.id] = features.title
    if features.outlet:
        event.outlets.add(features.outlet)


def _same_outlet_days(one: EventProfile, other: EventProfile) -> bool:
    """Whether one outlet has articles in both events on the same day (or undated)."""
    for outlet, days in one.outlet_days.items():
        theirs = other.outlet_days.get(outlet)
        if not theirs:
            continue
        for day in days:
            if any(d is None or day is None or abs((d - day).days) <= 1 for d in theirs):
                return True
    return False


def _bucket(day: dt.date | None) -> int | None:
    return None if day is None else _bucket_of(day.toordinal())


def _bucket_of(ordinal: int) -> int:
    return ordinal // 7


def _number_of(event_id: str) -> int:
    digits = event_id.lstrip("e")
    return int(digits) if digits.isdigit() else 0


def _keys(article: ArticleVectors) -> set[str]:
    """The index keys of an article: its heaviest actors, body words and figures."""
    keys = {f"a:{key}" for key in _heaviest(article.actors, _TOP_ACTORS)}
    keys.update(f"w:{key}" for key in _heaviest(article.body, _TOP_TERMS))
    keys.update(f"w:{key}" for key in _heaviest(article.title, _TOP_TERMS // 2))
    keys.update(f"n:{key}" for key in _heaviest(article.numbers, _TOP_NUMBERS))
    return keys


def _heaviest(vector: dict[str, float], count: int) -> list[str]:
    return [key for key, _ in heapq.nsmallest(count, vector.items(), key=lambda item: (-item[1], item[0]))]
