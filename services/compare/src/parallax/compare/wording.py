"""Wording: the words each outlet chose for the same thing, and how loaded its language is.

Three measurements over one event, each with the spans it was counted from:

1. **Substitutions.** In each pair of aligned sentences of two articles in one language, the
   stretches where one outlet wrote one thing and the other another ("invasion" against
   "opération militaire spéciale", "claims" against "says"). The two sentences' words are
   aligned on their lemmas (rapidfuzz Indel opcodes: the longest common subsequence); runs of
   agreeing words that hold a content word anchor the comparison, and what lies between two
   anchors (or between an anchor and the sentence's edge, on both sides at once) is a
   substitution when, with the function words at its edges trimmed, each side has one to
   `MAX_CONTENT_WORDS` content words and the change is not trivial (a figure, names only, the
   same lemmas in another order). Identical pairs are counted across the event.
2. **Actor labels.** For each canonical actor, the expressions each article and each outlet
   names it with (folded for case, apostrophes and spaces), with counts and spans; an
   expression only one outlet uses is flagged when two outlets or more name the actor.
3. **Density.** Loaded and distancing terms (by the annotation's lexicon category) and scare
   quotes per 1,000 words of each article's body, against the event's mean (difference and
   ratio).

All settings are constants, the same for every language and every event.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Any, Final

from rapidfuzz.distance import Indel

from parallax.compare.align import Alignment, SentenceLink
from parallax.compare.article import TEXT, Article, Evidence, Word

# Stored results name the algorithm that made them (bump on any change of output).
ALGORITHM: Final = "wording.v1"

# Parts of speech that say what a stretch is about. Numbers are not here: a changed figure is
# a different fact, not a different word for the same fact.
_CONTENT_POS: Final = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV"})
# Light analysis has no parts of speech: alphabetic words this long stand in for content words
# (the same rule as sentence alignment).
_LIGHT_MIN_LENGTH: Final = 4
# A substitution is a choice of words, not a rewritten clause: at most this many content
# words on each side ("opération militaire spéciale" has three).
MAX_CONTENT_WORDS: Final = 4
# ... and at most this many words in all on each side, function words between them included
# ("autorités de Kiev"): a longer stretch is a different sentence, not a different term.
MAX_WORDS: Final = 8
# Aligned sentences less alike than this tell different things, so what differs in them is
# content rather than wording. Alignment keeps links from 0.35; below 0.5 most stretches read
# on BASIL were rewritten clauses ("said" against "also made an appearance"). Chosen by
# reading those lists, not from any gold; benchmarks/compare_wording.py sweeps it on BASIL
# half "a" and reports the sweep.
MIN_LINK_SIMILARITY: Final = 0.5

# Categories counted for density, always reported (zero included) so that articles compare.
LOADED_CATEGORIES: Final = (
    "charged",
    "distancing_verb",
    "framing_phrase",
    "hedge",
    "intensifier",
    "actor_label",
)
SCARE_QUOTE: Final = "scare_quote"
# Density is given per this many words of the article's body.
PER_WORDS: Final = 1000

# Kinds of content word that can stand for one another in a substitution.
_KIND_OF_POS: Final = {
    "NOUN": "nominal",
    "PROPN": "nominal",
    "VERB": "verbal",
    "ADJ": "modifier",
    "ADV": "modifier",
}

_SPACES: Final = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Substitution:
    """Where two aligned sentences use different words for the same thing.

    `first_terms` and `second_terms` are the content lemmas of each side, folded: what
    identical substitutions are counted by. `similarity` is the sentence link's.
    """

    first: Evidence
    second: Evidence
    first_outlet: str
    second_outlet: str
    first_terms: str
    second_terms: str
    similarity: float

    def flipped(self) -> Substitution:
        """The same substitution read from the second article."""
        return Substitution(
            self.second,
            self.first,
            self.second_outlet,
            self.first_outlet,
            self.second_terms,
            self.first_terms,
            self.similarity,
        )

    def to_json(self) -> dict[str, Any]:
        """The substitution as it appears in reports."""
        return {
            "first": self.first.to_json(),
            "second": self.second.to_json(),
            "first_outlet": self.first_outlet,
            "second_outlet": self.second_outlet,
            "first_terms": self.first_terms,
            "second_terms": self.second_terms,
            "similarity": self.similarity,
        }


@dataclass(frozen=True, slots=True)
class SubstitutionCount:
    """One pair of terms substituted for each other across the event, and where."""

    first_terms: str
    second_terms: str
    count: int
    first_outlets: tuple[str, ...]
    second_outlets: tuple[str, ...]
    substitutions: tuple[Substitution, ...]

    def to_json(self) -> dict[str, Any]:
        """The pair as it appears in reports."""
        return {
            "first_terms": self.first_terms,
            "second_terms": self.second_terms,
            "count": self.count,
            "first_outlets": list(self.first_outlets),
            "second_outlets": list(self.second_outlets),
            "substitutions": [s.to_json() for s in self.substitutions],
        }


@dataclass(frozen=True, slots=True)
class Label:
    """One expression used for an actor, how often, where; `distinctive` when one outlet alone uses it."""

    expression: str
    count: int
    spans: tuple[Evidence, ...]
    distinctive: bool = False

    def to_json(self) -> dict[str, Any]:
        """The label as it appears in reports."""
        return {
            "expression": self.expression,
            "count": self.count,
            "distinctive": self.distinctive,
            "spans": [span.to_json() for span in self.spans],
        }


@dataclass(frozen=True, slots=True)
class LabelSet:
    """The labels one article (or one outlet) uses for one actor, the commonest first."""

    owner: str
    labels: tuple[Label, ...]

    def to_json(self) -> dict[str, Any]:
        """The set as it appears in reports."""
        return {"owner": self.owner, "labels": [label.to_json() for label in self.labels]}


@dataclass(frozen=True, slots=True)
class ActorLabels:
    """How each article and each outlet of the event names one canonical actor."""

    actor: str
    name: str
    by_article: tuple[LabelSet, ...]
    by_outlet: tuple[LabelSet, ...]

    def to_json(self) -> dict[str, Any]:
        """The actor's labels as they appear in reports."""
        return {
            "actor": self.actor,
            "name": self.name,
            "by_article": [s.to_json() for s in self.by_article],
            "by_outlet": [s.to_json() for s in self.by_outlet],
        }


@dataclass(frozen=True, slots=True)
class Density:
    """How often one article uses one category of loaded language, against the event's mean.

    `per_1000` is per `PER_WORDS` words of the body; `ratio` is None when the event's mean is 0.
    """

    article: str
    outlet: str
    category: str
    count: int
    words: int
    per_1000: float
    event_mean: float
    difference: float
    ratio: float | None
    spans: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        """The density as it appears in reports."""
        return {
            "article": self.article,
            "outlet": self.outlet,
            "category": self.category,
            "count": self.count,
            "words": self.words,
            "per_1000": self.per_1000,
            "event_mean": self.event_mean,
            "difference": self.difference,
            "ratio": self.ratio,
            "spans": [span.to_json() for span in self.spans],
        }


@dataclass(frozen=True)
class Wording:
    """The wording of one event: substitutions (each, and counted), actor labels, densities."""

    substitutions: tuple[Substitution, ...]
    substitution_counts: tuple[SubstitutionCount, ...]
    actor_labels: tuple[ActorLabels, ...]
    densities: tuple[Density, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able data, spans included."""
        return {
            "algorithm": ALGORITHM,
            "substitutions": [s.to_json() for s in self.substitutions],
            "substitution_counts": [c.to_json() for c in self.substitution_counts],
            "actor_labels": [a.to_json() for a in self.actor_labels],
            "densities": [d.to_json() for d in self.densities],
        }


def wording(articles: Sequence[Article], alignment: Alignment) -> Wording:
    """Substitutions, actor labels and loaded-language densities of an event's articles."""
    found = [
        substitution
        for first, second in combinations(articles, 2)
        if first.language == second.language
        for substitution in article_substitutions(
            first, second, links_between(alignment, first.id, second.id)
        )
    ]
    return Wording(
        substitutions=tuple(found),
        substitution_counts=tuple(counted_substitutions(found)),
        actor_labels=tuple(actor_labels(articles)),
        densities=tuple(densities(articles)),
    )


# --- substitutions -----------------------------------------------------------------------


def links_between(alignment: Alignment, first: str, second: str) -> list[SentenceLink]:
    """Every link between two articles, read from `first`, each sentence pair once.

    `Alignment.between` gives each sentence of `first` its best counterpart; a sentence of
    `second` whose best counterpart is not reciprocal is added from the other side.
    """
    links = {(link.first_sentence, link.second_sentence): link for link in alignment.between(first, second)}
    for link in alignment.between(second, first):
        links.setdefault((link.second_sentence, link.first_sentence), link.reversed())
    return [links[key] for key in sorted(links)]


def article_substitutions(
    first: Article,
    second: Article,
    links: Iterable[SentenceLink],
    *,
    min_similarity: float = MIN_LINK_SIMILARITY,
) -> list[Substitution]:
    """The substitutions between two articles in the sentence pairs linked at `min_similarity`
    or more, each stretch once."""
    first_words = _words_by_sentence(first)
    second_words = _words_by_sentence(second)
    found: dict[tuple[int, int, int, int], Substitution] = {}
    for link in links:
        if link.similarity < min_similarity:
            continue
        for one, other in sentence_substitutions(
            first_words.get(link.first_sentence, []), second_words.get(link.second_sentence, [])
        ):
            key = (one[0].start, one[-1].end, other[0].start, other[-1].end)
            found.setdefault(
                key,
                Substitution(
                    first.span(one[0].start, one[-1].end),
                    second.span(other[0].start, other[-1].end),
                    first.label,
                    second.label,
                    _terms(one),
                    _terms(other),
                    link.similarity,
                ),
            )
    return [found[key] for key in sorted(found)]


def sentence_substitutions(
    first: Sequence[Word], second: Sequence[Word]
) -> list[tuple[list[Word], list[Word]]]:
    """The substituted stretches of two aligned sentences' words, as (first side, second side).

    1. the words (punctuation left out) are aligned on their folded lemmas;
    2. runs of agreeing words holding a content word are anchors; the sentence's edges are
       anchors too, when both sentences reach them;
    3. what lies between two consecutive anchors (one of them at least made of words),
       trimmed of function words at its edges, is kept when it passes `_is_substitution`.
    """
    # 1.
    one = [word for word in first if _is_word(word)]
    other = [word for word in second if _is_word(word)]
    if not one or not other:
        return []
    opcodes = Indel.opcodes([_key(w) for w in one], [_key(w) for w in other])
    # 2.
    anchors = [
        (op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in opcodes
        if op.tag == "equal" and any(_is_content(word) for word in one[op.src_start : op.src_end])
    ]
    if not anchors:
        return []  # nothing agrees: a different sentence, not different words
    bounds = [(0, 0, 0, 0), *anchors, (len(one), len(one), len(other), len(other))]
    # 3.
    found = []
    for before, after in pairwise(bounds):
        left = _trimmed(one[before[1] : after[0]])
        right = _trimmed(other[before[3] : after[2]])
        if _is_substitution(left, right):
            found.append((left, right))
    return found


def counted_substitutions(substitutions: Iterable[Substitution]) -> list[SubstitutionCount]:
    """Identical pairs of terms (whichever article came first) counted, the commonest first."""
    groups: dict[tuple[str, str], list[Substitution]] = defaultdict(list)
    for found in substitutions:
        oriented = found.flipped() if found.first_terms > found.second_terms else found
        groups[(oriented.first_terms, oriented.second_terms)].append(oriented)
    counts = [
        SubstitutionCount(
            first_terms,
            second_terms,
            len(members),
            tuple(sorted({s.first_outlet for s in members})),
            tuple(sorted({s.second_outlet for s in members})),
            tuple(members),
        )
        for (first_terms, second_terms), members in groups.items()
    ]
    return sorted(counts, key=lambda c: (-c.count, c.first_terms, c.second_terms))


def _words_by_sentence(article: Article) -> dict[int, list[Word]]:
    by_sentence: dict[int, list[Word]] = defaultdict(list)
    for word in article.words:
        by_sentence[word.sentence].append(word)
    return by_sentence


def _is_word(word: Word) -> bool:
    return word.pos not in {"PUNCT", "SPACE", "SYM"} and any(char.isalnum() for char in word.text)


def _is_content(word: Word) -> bool:
    if word.pos:
        return word.pos in _CONTENT_POS
    return len(word.text) >= _LIGHT_MIN_LENGTH and word.text.isalpha()


def _is_figure(word: Word) -> bool:
    return word.pos == "NUM" or any(char.isdigit() for char in word.text)


def _key(word: Word) -> str:
    """What two words must share to agree: the lemma, folded (case, accents, apostrophes)."""
    return fold(word.lemma)


def _trimmed(words: Sequence[Word]) -> list[Word]:
    """The stretch without the function words at its edges (they are not the wording)."""
    start, end = 0, len(words)
    while start < end and not _is_content(words[start]):
        start += 1
    while end > start and not _is_content(words[end - 1]):
        end -= 1
    return list(words[start:end])


def _is_substitution(left: Sequence[Word], right: Sequence[Word]) -> bool:
    """Whether two trimmed stretches are one choice of words against another.

    Both sides must be short terms without figures (a changed figure is another fact), neither
    side names only (a name against a description is how an actor is labelled: that is
    `actor_labels`; a name against another name is another actor), the two must share a kind
    of word (a noun for a noun, a verb for a verb: "Santorum" against "repeatedly" is two
    sentences built differently), and differ in more than case or accents.
    """
    if not left or not right:
        return False  # a word added or left out: omission, not substitution
    for side in (left, right):
        content = [word for word in side if _is_content(word)]
        if len(content) > MAX_CONTENT_WORDS or len(side) > MAX_WORDS or any(_is_figure(w) for w in side):
            return False
        if all(word.pos == "PROPN" for word in content):
            return False
    if not _kinds(left) & _kinds(right):
        return False
    # the lemmatiser may read one word two ways ("best" as "good" and as "best")
    return fold(" ".join(w.text for w in left)) != fold(" ".join(w.text for w in right))


def _kinds(words: Sequence[Word]) -> set[str]:
    """The kinds of content word in a stretch: nominal, verbal, modifier (light analysis: one kind)."""
    return {_KIND_OF_POS.get(word.pos, word.pos) for word in words if _is_content(word)}


def _terms(words: Sequence[Word]) -> str:
    return " ".join(_key(word) for word in words)


def fold(text: str) -> str:
    """Text folded for comparison: case, accents, typographic apostrophes, runs of spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", bare).strip()


# --- actor labels ------------------------------------------------------------------------


def actor_labels(articles: Sequence[Article]) -> list[ActorLabels]:
    """How each article and outlet names each canonical actor, actors by id.

    An expression is the mention's words with case, apostrophes and spaces folded (accents
    kept: "Etats-Unis" and "États-Unis" are the outlet's spelling). Headline mentions count.
    """
    uses: dict[str, dict[str, dict[str, list[Evidence]]]] = defaultdict(lambda: defaultdict(dict))
    names: dict[str, str] = {}
    outlet_of = {article.id: article.label for article in articles}
    for article in articles:
        for actor in article.actors:
            names.setdefault(actor.id, actor.name)
            for mention in actor.mentions:
                expression = label_expression(mention.text)
                spans = uses[actor.id][article.id].setdefault(expression, [])
                spans.append(article.span(mention.start, mention.end, mention.field))
    result = []
    for actor_id in sorted(uses):
        by_article = uses[actor_id]
        by_outlet: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
        for article_id, expressions in by_article.items():
            for expression, spans in expressions.items():
                by_outlet[outlet_of[article_id]][expression].extend(spans)
        distinctive = _distinctive(by_outlet)
        result.append(
            ActorLabels(
                actor_id,
                names[actor_id],
                tuple(
                    _label_set(article.id, by_article[article.id], distinctive.get(article.label, set()))
                    for article in articles
                    if article.id in by_article
                ),
                tuple(
                    _label_set(outlet, by_outlet[outlet], distinctive.get(outlet, set()))
                    for outlet in sorted(by_outlet)
                ),
            )
        )
    return result


def label_expression(text: str) -> str:
    """A mention's words as a label: case, typographic apostrophes and spaces folded."""
    return _SPACES.sub(" ", text.casefold().replace("’", "'")).strip()


def _distinctive(by_outlet: dict[str, dict[str, list[Evidence]]]) -> dict[str, set[str]]:
    """Per outlet, the expressions no other outlet uses; none when one outlet alone names the actor."""
    if len(by_outlet) < 2:
        return {}
    users = Counter(expression for expressions in by_outlet.values() for expression in expressions)
    return {
        outlet: {expression for expression in expressions if users[expression] == 1}
        for outlet, expressions in by_outlet.items()
    }


def _label_set(owner: str, expressions: dict[str, list[Evidence]], distinctive: set[str]) -> LabelSet:
    labels = [
        Label(
            expression,
            len(spans),
            tuple(sorted(spans, key=lambda s: (s.field != "title", s.start))),
            expression in distinctive,
        )
        for expression, spans in expressions.items()
    ]
    return LabelSet(owner, tuple(sorted(labels, key=lambda label: (-label.count, label.expression))))


# --- density -----------------------------------------------------------------------------


def densities(articles: Sequence[Article]) -> list[Density]:
    """Loaded terms by category and scare quotes per 1,000 words of each body, against the
    event's mean over its articles (each article weighs the same, whatever its length).

    Headline terms are left out: the rate is of the body, whose words the annotation counts.
    """
    counted = {article.id: _loaded_spans(article) for article in articles}
    known = (*LOADED_CATEGORIES, SCARE_QUOTE)
    # a category a newer lexicon adds is reported too, after the known ones
    extra = sorted({category for spans in counted.values() for category in spans} - set(known))
    categories = [*known, *extra]
    words = {article.id: sum(1 for word in article.words if _is_word(word)) for article in articles}
    result = []
    for category in categories:
        rates = {
            article.id: _rate(len(counted[article.id].get(category, [])), words[article.id])
            for article in articles
        }
        mean = sum(rates.values()) / len(rates) if rates else 0.0
        for article in articles:
            rate = rates[article.id]
            spans = counted[article.id].get(category, [])
            result.append(
                Density(
                    article.id,
                    article.label,
                    category,
                    len(spans),
                    words[article.id],
                    round(rate, 4),
                    round(mean, 4),
                    round(rate - mean, 4),
                    round(rate / mean, 4) if mean else None,
                    tuple(spans),
                )
            )
    return result


def _loaded_spans(article: Article) -> dict[str, list[Evidence]]:
    spans: dict[str, list[Evidence]] = defaultdict(list)
    for term in article.loaded:
        if term.field == TEXT:
            spans[term.category].append(article.span(term.start, term.end))
    for quote in article.scare_quotes:
        if quote.field == TEXT:
            spans[SCARE_QUOTE].append(article.span(quote.start, quote.end))
    return {category: sorted(found, key=lambda s: s.start) for category, found in spans.items()}


def _rate(count: int, words: int) -> float:
    return PER_WORDS * count / words if words else 0.0
