"""Sources: who speaks in each article of an event, how much, and how the sides are balanced.

Everything is read from the annotation's attributions (the compare service parses nothing).
For each article:

1. every attribution gets a speaker key (the canonical actor id, or, when the annotation
   could not resolve the speaker, ``unresolved:`` and the source's words, normalised) and a
   side (`side_of`: the country of an official source, or independent, anonymous, ...);
2. attributions are counted per speaker and per side, direct apart from indirect, with the
   words quoted (the words inside the quotation marks of direct attributions);
3. the article's side shares are set against those of the other articles of the event (the
   article left out; each other article weighs the same, whatever its length), and their
   distance is one number: the total variation distance between the two distributions;
4. sources left out: canonical speakers that more than half of the other articles quote and
   this one does not, with the attributions that quote them in the others.

Every count carries the attributions it was counted from (content, source and cue spans).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from parallax.compare.article import Article, Attribution, Evidence

# Sides of an event that are not a country's officials.
SIDE_INTERNATIONAL: Final = "international"  # an official body with no country (NATO, the UN)
SIDE_OFFICIAL_UNPLACED: Final = "official:unknown"  # officials of no known country ("officials")
SIDE_INDEPENDENT: Final = "independent"  # experts, media, citizens, documents
SIDE_ANONYMOUS: Final = "anonymous"
SIDE_OTHER: Final = "other"  # a named speaker holding no office the actor file knows of
SIDE_UNKNOWN: Final = "unknown"  # neither the speaker nor the kind of source is known

OFFICIAL: Final = "official"
_CATALOG_ORGANISATION: Final = "organisation/"
ANONYMOUS: Final = "anonymous"
# Source types that speak for no government: what they say is counted as independent.
INDEPENDENT_TYPES: Final = frozenset({"expert", "media", "citizen", "document"})

UNRESOLVED_PREFIX: Final = "unresolved:"
# An attribution with no source at all (a quotation the annotation could attach to no one).
NO_SOURCE: Final = UNRESOLVED_PREFIX + "(no source)"

# Words that open a source phrase without telling who it is ("the report", "les autorités").
_LEADING_DETERMINERS: Final = frozenset(
    {"the", "a", "an", "le", "la", "les", "l'", "l’", "un", "une", "des", "du", "de"}
)
_WORD: Final = re.compile(r"\w+(?:['’-]\w+)*")
# A quotation in curly, angle, low or straight double quotes; a mark left open runs to the
# end of the content (the annotation cuts a quotation that goes on after its cue).
_QUOTED: Final = re.compile(r"“[^”]*(?:”|$)|«[^»]*(?:»|$)|„[^“”]*(?:[“”]|$)|\"[^\"]*(?:\"|$)")
_QUOTE_MARKS: Final = frozenset('“”«»„"')
_DIGITS: Final = 4


@dataclass(frozen=True, slots=True)
class SpeakerUse:
    """One speaker of an article with every attribution the article gives it."""

    speaker: str  # a canonical actor id, or "unresolved:<the source's words>"
    resolved: bool
    side: str
    source_type: str
    attributions: tuple[Attribution, ...]

    @property
    def direct(self) -> int:
        """How many of its attributions quote it (see `Attribution.direct`)."""
        return sum(1 for attribution in self.attributions if attribution.direct)

    @property
    def quoted_words(self) -> int:
        """Words quoted from it, over its direct attributions."""
        return sum(quoted_words(attribution) for attribution in self.attributions)

    def to_json(self) -> dict[str, Any]:
        """The speaker as reports show it, with its attributions."""
        return {
            "speaker": self.speaker,
            "resolved": self.resolved,
            "side": self.side,
            "source_type": self.source_type,
            "attributions": len(self.attributions),
            "direct": self.direct,
            "indirect": len(self.attributions) - self.direct,
            "quoted_words": self.quoted_words,
            "evidence": [attribution_json(attribution) for attribution in self.attributions],
        }


@dataclass(frozen=True, slots=True)
class SideShare:
    """One side's part of an article's attributions (and quoted words), against the others'.

    `others_share` is the mean of the other articles' shares (each article weighs the same),
    None when no other article has attributions; quoted shares are None when the article (or
    every other) quotes no words.
    """

    side: str
    attributions: int
    share: float
    others_share: float | None
    quoted_words: int
    quoted_share: float | None
    others_quoted_share: float | None
    evidence: tuple[Attribution, ...]

    @property
    def difference(self) -> float | None:
        """The article's share minus the others' (positive: the article gives the side more room)."""
        return None if self.others_share is None else self.share - self.others_share

    def to_json(self) -> dict[str, Any]:
        """The side's share as reports show it."""
        quoted_difference = (
            None
            if self.quoted_share is None or self.others_quoted_share is None
            else _rounded(self.quoted_share - self.others_quoted_share)
        )
        return {
            "side": self.side,
            "attributions": self.attributions,
            "share": _rounded(self.share),
            "others_share": _optional_rounded(self.others_share),
            "difference": _optional_rounded(self.difference),
            "quoted_words": self.quoted_words,
            "quoted_share": _optional_rounded(self.quoted_share),
            "others_quoted_share": _optional_rounded(self.others_quoted_share),
            "quoted_difference": quoted_difference,
            "evidence": [attribution_json(attribution) for attribution in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class LeftOutSource:
    """A canonical speaker most other articles quote and this one does not.

    `used_by` are the other articles quoting it (out of `others`); `evidence` their
    attributions; `named_here` where this article names the actor without quoting it.
    """

    speaker: str
    side: str
    used_by: tuple[str, ...]
    others: int
    evidence: tuple[Attribution, ...]
    named_here: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        """The left-out source as reports show it."""
        return {
            "speaker": self.speaker,
            "side": self.side,
            "used_by": list(self.used_by),
            "others": self.others,
            "named_here": [span.to_json() for span in self.named_here],
            "evidence": [attribution_json(attribution) for attribution in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class ArticleSources:
    """Who speaks in one article, how the sides are balanced against the event, who is missing.

    `divergence` is the total variation distance (0: the same balance, 1: no side in common)
    between the article's side shares of attributions and the other articles' mean shares;
    `quoted_divergence` the same over quoted words. None when there is nothing to compare.
    """

    article: str
    label: str
    speakers: tuple[SpeakerUse, ...]
    sides: tuple[SideShare, ...]
    divergence: float | None
    quoted_divergence: float | None
    left_out: tuple[LeftOutSource, ...]

    @property
    def attributions(self) -> int:
        """How many attributions the article has."""
        return sum(len(use.attributions) for use in self.speakers)

    @property
    def direct(self) -> int:
        """How many of them quote their source."""
        return sum(use.direct for use in self.speakers)

    @property
    def quoted_words(self) -> int:
        """Words quoted, over all direct attributions."""
        return sum(use.quoted_words for use in self.speakers)

    def to_json(self) -> dict[str, Any]:
        """The article's sources as reports show them."""
        return {
            "article": self.article,
            "label": self.label,
            "attributions": self.attributions,
            "direct": self.direct,
            "indirect": self.attributions - self.direct,
            "quoted_words": self.quoted_words,
            "divergence": _optional_rounded(self.divergence),
            "quoted_divergence": _optional_rounded(self.quoted_divergence),
            "speakers": [use.to_json() for use in self.speakers],
            "sides": [side.to_json() for side in self.sides],
            "left_out": [source.to_json() for source in self.left_out],
        }


@dataclass(frozen=True, slots=True)
class EventSide:
    """One side over the whole event: its attributions, its mean share, the articles giving it voice."""

    side: str
    attributions: int
    share: float  # mean of the articles' shares, over the articles that have attributions
    articles: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The side as reports show it."""
        return {
            "side": self.side,
            "attributions": self.attributions,
            "share": _rounded(self.share),
            "articles": list(self.articles),
        }


@dataclass(frozen=True, slots=True)
class Sources:
    """The sources of every article of an event, in the order given, and the event's sides."""

    articles: tuple[ArticleSources, ...]
    sides: tuple[EventSide, ...]

    def to_json(self) -> dict[str, Any]:
        """The event's sources as reports show them, each article's under its id (as reuse does)."""
        return {
            "sides": [side.to_json() for side in self.sides],
            "by_article": {article.article: article.to_json() for article in self.articles},
        }


def sources(articles: Sequence[Article]) -> Sources:
    """Who speaks in each article of an event, the balance of sides, the sources left out.

    Steps are those of the module docstring; an article with no attributions has no shares
    and no divergence, and is left out of the others' means.
    """
    # 1. speakers of each article (position-keyed: two records may share an id by mistake)
    uses = [speaker_uses(article) for article in articles]
    attribution_shares = [_shares(_side_counts(article.attributions, _one)) for article in articles]
    quoted_shares = [_shares(_side_counts(article.attributions, quoted_words)) for article in articles]
    found = []
    for position, article in enumerate(articles):
        others = [index for index in range(len(articles)) if index != position]
        # 2.-3. the article's sides against the mean of the others'
        others_shares = _mean_shares(attribution_shares[index] for index in others)
        others_quoted = _mean_shares(quoted_shares[index] for index in others)
        found.append(
            ArticleSources(
                article=article.id,
                label=article.label,
                speakers=uses[position],
                sides=_side_shares(
                    article.attributions,
                    (attribution_shares[position], others_shares),
                    (quoted_shares[position], others_quoted),
                ),
                divergence=total_variation(attribution_shares[position], others_shares),
                quoted_divergence=total_variation(quoted_shares[position], others_quoted),
                # 4. speakers most others quote
                left_out=_left_out(article, uses[position], [uses[index] for index in others]),
            )
        )
    return Sources(tuple(found), _event_sides(articles, attribution_shares))


def side_of(attribution: Attribution) -> str:
    """The side an attribution speaks for.

    Officials speak for their country ("RU", "FR"; organisations of the actor file with no
    country, such as NATO, are "international", other officials with no country
    "official:unknown"); experts, media, citizens and documents are "independent"; anonymous
    sources "anonymous"; a resolved speaker with no office on the article's date (a former
    minister, a candidate) "other"; the rest "unknown".
    """
    if attribution.source_type == OFFICIAL:
        if attribution.source_country:
            return attribution.source_country.upper()
        # Only the actor file's organisations lack a country on purpose (NATO, the UN); a new
        # actor ("Sen. Mark Warner", not in the file) lacks one because nobody has said it yet.
        speaker = attribution.speaker or ""
        return SIDE_INTERNATIONAL if speaker.startswith(_CATALOG_ORGANISATION) else SIDE_OFFICIAL_UNPLACED
    if attribution.source_type in INDEPENDENT_TYPES:
        return SIDE_INDEPENDENT
    if attribution.source_type == ANONYMOUS:
        return SIDE_ANONYMOUS
    return SIDE_OTHER if attribution.speaker is not None else SIDE_UNKNOWN


def speaker_key(attribution: Attribution) -> str:
    """The canonical speaker id, or "unresolved:" and the source's words, normalised
    (case folded, leading article dropped), so that "The report" and "the report" are one."""
    if attribution.speaker:
        return attribution.speaker
    if attribution.source is None:
        return NO_SOURCE
    words = [word.casefold() for word in _WORD.findall(attribution.source.text)]
    while len(words) > 1 and words[0] in _LEADING_DETERMINERS:
        words = words[1:]
    return UNRESOLVED_PREFIX + " ".join(words) if words else NO_SOURCE


def quoted_words(attribution: Attribution) -> int:
    """Words quoted in a direct attribution: those inside its quotation marks, or every word of
    its content when the content carries no marks (the annotation cut them off). 0 when indirect."""
    if not attribution.direct:
        return 0
    text = attribution.content.text
    if not any(mark in text for mark in _QUOTE_MARKS):
        return len(_WORD.findall(text))
    return sum(len(_WORD.findall(match.group())) for match in _QUOTED.finditer(text))


def speaker_uses(article: Article) -> tuple[SpeakerUse, ...]:
    """The article's speakers, most attributions first, each with its attributions in text order."""
    grouped: dict[str, list[Attribution]] = defaultdict(list)
    for attribution in article.attributions:
        grouped[speaker_key(attribution)].append(attribution)
    uses = [
        SpeakerUse(
            speaker=key,
            resolved=not key.startswith(UNRESOLVED_PREFIX),
            side=_commonest(side_of(attribution) for attribution in found),
            source_type=_commonest(attribution.source_type for attribution in found),
            attributions=tuple(found),
        )
        for key, found in grouped.items()
    ]
    return tuple(sorted(uses, key=lambda use: (-len(use.attributions), use.speaker)))


def total_variation(first: Mapping[str, float], second: Mapping[str, float]) -> float | None:
    """Half the summed absolute differences of two distributions; None when either is empty."""
    if not first or not second:
        return None
    return 0.5 * sum(abs(first.get(key, 0.0) - second.get(key, 0.0)) for key in first.keys() | second.keys())


def attribution_json(attribution: Attribution) -> dict[str, Any]:
    """An attribution as the evidence behind a count: its spans and what was read from them."""
    return {
        "kind": attribution.kind,
        "direct": attribution.direct,
        "speaker": speaker_key(attribution),
        "source_type": attribution.source_type,
        "source_country": attribution.source_country,
        "side": side_of(attribution),
        "quoted_words": quoted_words(attribution),
        "content": attribution.content.to_json(),
        "source": attribution.source.to_json() if attribution.source else None,
        "cue": attribution.cue.to_json() if attribution.cue else None,
    }


def _one(_: Attribution) -> int:
    return 1


def _side_counts(attributions: Iterable[Attribution], weight: Callable[[Attribution], int]) -> dict[str, int]:
    """Per side, the sum of `weight(attribution)` (1 to count attributions, or quoted words)."""
    counts: dict[str, int] = defaultdict(int)
    for attribution in attributions:
        counts[side_of(attribution)] += weight(attribution)
    return {side: count for side, count in counts.items() if count}


def _shares(counts: Mapping[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {key: count / total for key, count in counts.items()} if total else {}


def _mean_shares(distributions: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """The mean of distributions, each weighing the same; empty ones (no attributions) are skipped."""
    present = [distribution for distribution in distributions if distribution]
    if not present:
        return {}
    keys = {key for distribution in present for key in distribution}
    return {key: sum(d.get(key, 0.0) for d in present) / len(present) for key in keys}


def _side_shares(
    attributions: Sequence[Attribution],
    attribution_shares: tuple[Mapping[str, float], Mapping[str, float]],
    quoted_shares: tuple[Mapping[str, float], Mapping[str, float]],
) -> tuple[SideShare, ...]:
    """Every side the article or the others give voice to: the article's and the others' shares."""
    own, others = attribution_shares
    own_quoted, others_quoted = quoted_shares
    by_side: dict[str, list[Attribution]] = defaultdict(list)
    for attribution in attributions:
        by_side[side_of(attribution)].append(attribution)
    shares = [
        SideShare(
            side=side,
            attributions=len(by_side.get(side, ())),
            share=own.get(side, 0.0),
            others_share=others.get(side, 0.0) if others else None,
            quoted_words=sum(quoted_words(attribution) for attribution in by_side.get(side, ())),
            quoted_share=own_quoted.get(side, 0.0) if own_quoted else None,
            others_quoted_share=others_quoted.get(side, 0.0) if others_quoted else None,
            evidence=tuple(by_side.get(side, ())),
        )
        for side in own.keys() | others.keys()
    ]
    return tuple(sorted(shares, key=lambda s: (-max(s.share, s.others_share or 0.0), s.side)))


def _left_out(
    article: Article, own: Sequence[SpeakerUse], others: Sequence[Sequence[SpeakerUse]]
) -> tuple[LeftOutSource, ...]:
    """Canonical speakers quoted by more than half of the other articles and not by this one.

    Unresolved speakers are never "left out": their keys are words, and two outlets seldom
    describe an unnamed source with the same words.
    """
    quoted_here = {use.speaker for use in own}
    users: dict[str, list[SpeakerUse]] = defaultdict(list)
    for other in others:
        for use in other:
            if use.resolved and use.speaker not in quoted_here:
                users[use.speaker].append(use)
    mentions = {actor.id: actor.mentions for actor in article.actors}
    left_out = [
        LeftOutSource(
            speaker=speaker,
            side=_commonest(side_of(a) for use in found for a in use.attributions),
            used_by=tuple(use.attributions[0].content.article for use in found),
            others=len(others),
            evidence=tuple(attribution for use in found for attribution in use.attributions),
            named_here=tuple(
                Evidence(article.id, m.start, m.end, m.text, m.field) for m in mentions.get(speaker, ())
            ),
        )
        for speaker, found in users.items()
        if 2 * len(found) > len(others)
    ]
    return tuple(sorted(left_out, key=lambda source: (-len(source.used_by), source.speaker)))


def _event_sides(articles: Sequence[Article], shares: Sequence[Mapping[str, float]]) -> tuple[EventSide, ...]:
    """Each side over the event: attributions, the mean of the articles' shares, who quotes it."""
    means = _mean_shares(shares)
    counts: Counter[str] = Counter()
    users: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for side, count in _side_counts(article.attributions, _one).items():
            counts[side] += count
            users[side].append(article.id)
    sides = [EventSide(side, counts[side], means.get(side, 0.0), tuple(users[side])) for side in counts]
    return tuple(sorted(sides, key=lambda side: (-side.share, side.side)))


def _commonest(values: Iterable[str]) -> str:
    """The most frequent value; the first seen among equals."""
    return Counter(values).most_common(1)[0][0]


def _rounded(value: float) -> float:
    return round(value, _DIGITS)


def _optional_rounded(value: float | None) -> float | None:
    return None if value is None else round(value, _DIGITS)
