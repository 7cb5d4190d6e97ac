"""Shape: how long and how hard to read each article is, and what its headline puts forward,
against the other articles of the event.

Read from the annotation (the compare service parses nothing). For each article:

1. length: words and sentences, against every article of the event (a French text runs
   somewhat longer than its English counterpart: the deviation is read with that in mind);
2. readability: the annotation's formulas, words per sentence and syllables per word, against
   the articles of the same language only: the formulas differ by language (French Flesch has
   Kandel and Moles' constants) and so do the syllable counts, so a French score next to an
   English one says nothing; when no other article shares the language, nothing is compared
   and the article says so;
3. headline: where it is (the headline given apart, or found at the head of the text), the
   actors it names with each one's share of the body's actor mentions and how many other
   headlines name it, the body's leading actors, and the headline's loaded terms and scare
   quotes, each with its span.

Every measure carries the event mean and median (the article included) and the ids of the
articles it was compared with.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeGuard

from parallax.compare.article import TEXT, TITLE, Article, Evidence, LoadedTerm

# How many of the body's most-mentioned actors are shown beside the headline's.
BODY_LEADERS: Final = 3
_WORD: Final = re.compile(r"\w+(?:['’-]\w+)*")
_DIGITS: Final = 4
# Readability entries that are per-text averages, compared like the formulas.
_AVERAGES: Final = ("words_per_sentence", "syllables_per_word")


@dataclass(frozen=True, slots=True)
class Measure:
    """One figure of an article against the articles it is comparable with.

    `mean` and `median` are over the article and `compared_with` (the other articles that have
    the figure and are comparable); both are None when there is no other article to compare.
    """

    name: str
    value: float
    mean: float | None
    median: float | None
    compared_with: tuple[str, ...]

    @property
    def deviation(self) -> float | None:
        """The article's value minus the mean (None when nothing is compared)."""
        return None if self.mean is None else self.value - self.mean

    @property
    def relative(self) -> float | None:
        """The deviation as a share of the mean (0.25: a quarter above); None when the mean is 0."""
        deviation = self.deviation
        return None if deviation is None or not self.mean else deviation / self.mean

    def to_json(self) -> dict[str, Any]:
        """The measure as reports show it."""
        return {
            "name": self.name,
            "value": _rounded(self.value),
            "mean": _rounded(self.mean),
            "median": _rounded(self.median),
            "deviation": _rounded(self.deviation),
            "relative": _rounded(self.relative),
            "compared_with": list(self.compared_with),
        }


@dataclass(frozen=True, slots=True)
class HeadlineActor:
    """An actor the headline names, and how much room the body gives it.

    `body_share` is its part of the body's actor mentions (`body_rank` 1: the most mentioned,
    None: not in the body); `others_body_share` the mean of that share in the other articles
    that mention any actor; `headlined_by` the other articles whose headline names it too.
    """

    actor: str
    name: str
    mentions: tuple[Evidence, ...]
    body_mentions: int
    body_share: float
    body_rank: int | None
    others_body_share: float | None
    headlined_by: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The headline actor as reports show it."""
        return {
            "actor": self.actor,
            "name": self.name,
            "mentions": [span.to_json() for span in self.mentions],
            "body_mentions": self.body_mentions,
            "body_share": _rounded(self.body_share),
            "body_rank": self.body_rank,
            "others_body_share": _rounded(self.others_body_share),
            "headlined_by": list(self.headlined_by),
        }


@dataclass(frozen=True, slots=True)
class BodyActor:
    """One of the actors the body mentions most: its mentions, its share, whether it is headlined."""

    actor: str
    name: str
    mentions: int
    share: float
    in_headline: bool

    def to_json(self) -> dict[str, Any]:
        """The body actor as reports show it."""
        return {
            "actor": self.actor,
            "name": self.name,
            "mentions": self.mentions,
            "share": _rounded(self.share),
            "in_headline": self.in_headline,
        }


@dataclass(frozen=True, slots=True)
class HeadlineTerm:
    """A loaded word of the headline, with its lexicon category and entry."""

    span: Evidence
    category: str
    entry: str

    def to_json(self) -> dict[str, Any]:
        """The term as reports show it."""
        return {"span": self.span.to_json(), "category": self.category, "entry": self.entry}


@dataclass(frozen=True, slots=True)
class Headline:
    """What the headline foregrounds, against the body and the other headlines."""

    span: Evidence
    measures: tuple[Measure, ...]
    actors: tuple[HeadlineActor, ...]
    body_leaders: tuple[BodyActor, ...]
    loaded: tuple[HeadlineTerm, ...]
    scare_quotes: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        """The headline as reports show it."""
        return {
            "span": self.span.to_json(),
            "measures": [measure.to_json() for measure in self.measures],
            "actors": [actor.to_json() for actor in self.actors],
            "body_leaders": [actor.to_json() for actor in self.body_leaders],
            "loaded": [term.to_json() for term in self.loaded],
            "scare_quotes": [span.to_json() for span in self.scare_quotes],
        }


@dataclass(frozen=True, slots=True)
class ArticleShape:
    """One article's length, readability and headline against the event.

    `readability_note` says why readability was not compared (no other article in the
    language, or no readability in the annotation); `headline` is None when there is none.
    """

    article: str
    label: str
    language: str
    length: tuple[Measure, ...]
    readability: tuple[Measure, ...]
    readability_note: str | None
    headline: Headline | None

    def to_json(self) -> dict[str, Any]:
        """The article's shape as reports show it."""
        return {
            "article": self.article,
            "label": self.label,
            "language": self.language,
            "length": [measure.to_json() for measure in self.length],
            "readability": [measure.to_json() for measure in self.readability],
            "readability_note": self.readability_note,
            "headline": self.headline.to_json() if self.headline else None,
        }


@dataclass(frozen=True, slots=True)
class Shape:
    """The shape of every article of an event, in the order given."""

    articles: tuple[ArticleShape, ...]

    def to_json(self) -> dict[str, Any]:
        """The event's shapes as reports show them, each article's under its id (as reuse does)."""
        return {"by_article": {article.article: article.to_json() for article in self.articles}}


@dataclass(frozen=True, slots=True)
class _Profile:
    """What the comparison needs of one article, read once."""

    article: Article
    length: dict[str, float]
    readability: dict[str, float]
    headline: Evidence | None
    headline_figures: dict[str, float]
    headline_actors: dict[str, list[Evidence]]
    body_mentions: Counter[str]


def shape(articles: Sequence[Article]) -> Shape:
    """Length, readability and headline emphasis of each article of an event, against the others.

    Steps are those of the module docstring.
    """
    profiles = [_profile(article) for article in articles]
    found = []
    for position, profile in enumerate(profiles):
        others = [other for index, other in enumerate(profiles) if index != position]
        same_language = [other for other in others if other.article.language == profile.article.language]
        readability = _measures(profile.readability, [(o.article.id, o.readability) for o in same_language])
        found.append(
            ArticleShape(
                article=profile.article.id,
                label=profile.article.label,
                language=profile.article.language,
                # 1. length, against every article
                length=_measures(profile.length, [(o.article.id, o.length) for o in others]),
                # 2. readability, against the same language only
                readability=readability,
                readability_note=_readability_note(profile, same_language),
                # 3. the headline
                headline=_headline(profile, others, same_language),
            )
        )
    return Shape(tuple(found))


def headline_of(article: Article) -> Evidence | None:
    """The headline: the headline given apart when the annotation read it apart (spans in
    "title"), else found at the head of the text when the text starts with it (offsets into the
    text), else the headline given apart; without a title, the first line before the first
    sentence, if any (where ingest leaves a headline it found in the text)."""
    body_start = article.sentences[0].start if article.sentences else len(article.text)
    head = article.text[:body_start]
    if article.title and _annotated_apart(article):
        return Evidence(article.id, 0, len(article.title), article.title, TITLE)
    if article.title:
        words = article.title.split()
        found = re.search(r"\s+".join(re.escape(word) for word in words), head, re.IGNORECASE)
        if found:
            return Evidence(article.id, found.start(), found.end(), found.group(), TEXT)
        return Evidence(article.id, 0, len(article.title), article.title, TITLE)
    for line in re.finditer(r"[^\n]+", head):
        if line.group().strip():
            start = line.start() + len(line.group()) - len(line.group().lstrip())
            end = line.start() + len(line.group().rstrip())
            return Evidence(article.id, start, end, article.text[start:end], TEXT)
    return None


def _annotated_apart(article: Article) -> bool:
    """Whether the annotation read the headline apart from the text (its spans are "title")."""
    spans = (
        *(mention.field for actor in article.actors for mention in actor.mentions),
        *(term.field for term in article.loaded),
        *(quote.field for quote in article.scare_quotes),
        *(attribution.content.field for attribution in article.attributions),
    )
    return TITLE in spans


def _profile(article: Article) -> _Profile:
    headline = headline_of(article)
    body_start = article.sentences[0].start if article.sentences else 0
    headline_actors: dict[str, list[Evidence]] = {}
    body: Counter[str] = Counter()
    for actor in article.actors:
        for mention in actor.mentions:
            span = Evidence(article.id, mention.start, mention.end, mention.text, mention.field)
            if headline is not None and _inside(span, headline):
                headline_actors.setdefault(actor.id, []).append(span)
            elif mention.field == TEXT and mention.start >= body_start:
                body[actor.id] += 1
    figures: dict[str, float] = {}
    if headline is not None:
        figures["headline_words"] = len(_WORD.findall(headline.text))
        figures["headline_loaded_terms"] = sum(
            1 for term in article.loaded if _inside(_term(article, term), headline)
        )
    return _Profile(
        article, _length(article), _readability(article), headline, figures, headline_actors, body
    )


def _length(article: Article) -> dict[str, float]:
    """Words and sentences as the annotation's readability counted them (the parse's counts)."""
    readability = article.readability
    words = readability.get("words")
    sentences = readability.get("sentences")
    return {
        "words": float(words) if isinstance(words, int | float) else float(_token_words(article)),
        "sentences": float(sentences)
        if isinstance(sentences, int | float)
        else float(len(article.sentences)),
    }


def _token_words(article: Article) -> int:
    return sum(1 for word in article.words if any(char.isalnum() for char in word.text))


def _readability(article: Article) -> dict[str, float]:
    """The annotation's readability formulas and averages, by name."""
    values: dict[str, float] = {}
    formulas = article.readability.get("formulas")
    if isinstance(formulas, Mapping):
        values.update({str(name): float(value) for name, value in formulas.items() if _is_number(value)})
    for name in _AVERAGES:
        value = article.readability.get(name)
        if _is_number(value):
            values[name] = float(value)
    return values


def _measures(
    own: Mapping[str, float], others: Sequence[tuple[str, Mapping[str, float]]]
) -> tuple[Measure, ...]:
    """Each of the article's figures against the other articles that have it."""
    measures = []
    for name, value in own.items():
        compared = [(article, figures[name]) for article, figures in others if name in figures]
        values = [value, *(other for _, other in compared)]
        measures.append(
            Measure(
                name=name,
                value=value,
                mean=statistics.fmean(values) if compared else None,
                median=statistics.median(values) if compared else None,
                compared_with=tuple(article for article, _ in compared),
            )
        )
    return tuple(measures)


def _readability_note(profile: _Profile, same_language: Sequence[_Profile]) -> str | None:
    if not profile.readability:
        return "the annotation has no readability: annotate the article again to compare it"
    if not any(other.readability for other in same_language):
        return (
            f"no other article of the event is in {profile.article.language!r}: readability "
            "formulas differ by language, so this article's are not compared"
        )
    return None


def _headline(
    profile: _Profile, others: Sequence[_Profile], same_language: Sequence[_Profile]
) -> Headline | None:
    """The headline's measures (words against every headline, loaded terms against those of the
    same language: the lexicons differ), its actors against the body, its loaded words."""
    article, headline = profile.article, profile.headline
    if headline is None:
        return None
    words = {"headline_words": profile.headline_figures["headline_words"]}
    loaded = {"headline_loaded_terms": profile.headline_figures["headline_loaded_terms"]}
    return Headline(
        span=headline,
        measures=(
            *_measures(words, [(o.article.id, o.headline_figures) for o in others]),
            *_measures(loaded, [(o.article.id, o.headline_figures) for o in same_language]),
        ),
        actors=_headline_actors(profile, others),
        body_leaders=_body_leaders(profile),
        loaded=tuple(
            HeadlineTerm(_term(article, term), term.category, term.entry)
            for term in article.loaded
            if _inside(_term(article, term), headline)
        ),
        scare_quotes=tuple(
            span
            for quote in article.scare_quotes
            if _inside(
                span := Evidence(article.id, quote.start, quote.end, quote.text, quote.field), headline
            )
        ),
    )


def _headline_actors(profile: _Profile, others: Sequence[_Profile]) -> tuple[HeadlineActor, ...]:
    total = sum(profile.body_mentions.values())
    ranks = {actor: rank for rank, (actor, _) in enumerate(profile.body_mentions.most_common(), start=1)}
    names = {actor.id: actor.name for actor in profile.article.actors}
    found = []
    for actor, mentions in profile.headline_actors.items():
        others_shares = [
            other.body_mentions[actor] / sum(other.body_mentions.values())
            for other in others
            if other.body_mentions
        ]
        found.append(
            HeadlineActor(
                actor=actor,
                name=names.get(actor, actor),
                mentions=tuple(mentions),
                body_mentions=profile.body_mentions[actor],
                body_share=profile.body_mentions[actor] / total if total else 0.0,
                body_rank=ranks.get(actor),
                others_body_share=statistics.fmean(others_shares) if others_shares else None,
                headlined_by=tuple(other.article.id for other in others if actor in other.headline_actors),
            )
        )
    return tuple(sorted(found, key=lambda actor: min(span.start for span in actor.mentions)))


def _body_leaders(profile: _Profile) -> tuple[BodyActor, ...]:
    total = sum(profile.body_mentions.values())
    names = {actor.id: actor.name for actor in profile.article.actors}
    return tuple(
        BodyActor(actor, names.get(actor, actor), count, count / total, actor in profile.headline_actors)
        for actor, count in profile.body_mentions.most_common(BODY_LEADERS)
    )


def _term(article: Article, term: LoadedTerm) -> Evidence:
    return Evidence(article.id, term.start, term.end, term.text, term.field)


def _inside(span: Evidence, headline: Evidence) -> bool:
    return span.field == headline.field and headline.start <= span.start and span.end <= headline.end


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, _DIGITS)
