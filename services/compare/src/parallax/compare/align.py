"""Sentence alignment: which sentences of one article tell the same thing as which of another.

Every other measurement builds on it (substitutions are read in aligned sentences, omissions
are content that has no counterpart). Two articles in one language are compared on their
words: the content lemmas of each sentence, with the actors it names, scored by rapidfuzz
(Indel similarity over the lemma sequences, which rewards the same words in the same order)
together with the share of the sentence's informative lemmas the other carries (weighted by
how rare each lemma is in the event). Two articles in different languages share few words, so
they are compared on anchors (the canonical actors named, the figures and the dates) and on
cognates (words spelt nearly alike in both languages: "désescalade" and "de-escalation").

A link is kept when its similarity reaches the threshold of its basis; each sentence keeps, in
each other article, its best counterpart (several sentences may share one counterpart: a
long sentence is often split in two by another outlet).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final

from rapidfuzz.distance import Indel

from parallax.compare.article import TEXT, Article, Word
from parallax.shared.figures import normalise_number

# Parts of speech whose lemmas carry what a sentence says (function words do not).
CONTENT_POS: Final = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})
# Light analysis has no parts of speech: words this long stand in for content words.
_LIGHT_MIN_LENGTH: Final = 4
# Links below these similarities are not counterparts (fixed for every set and language).
WORDS_THRESHOLD: Final = 0.35
ANCHORS_THRESHOLD: Final = 0.35
# Two words of different languages are cognates when their letters agree this much (rapidfuzz
# Indel similarity of the folded forms): "securite"/"security" 0.88, "desescalade"/
# "deescalation" 0.78, "poutine"/"putin" 0.83; "president"/"presidence" 0.84 passes too, a
# near miss that costs little. Shorter words than `_COGNATE_MIN_LENGTH` are left out
# ("une"/"one").
COGNATE_SIMILARITY: Final = 0.75
_COGNATE_MIN_LENGTH: Final = 5
# Two sentences are scored only when they share this many informative items (a cheap filter).
_MIN_SHARED: Final = 2
# Weight of the word-order (rapidfuzz) part of the same-language similarity.
_ORDER_WEIGHT: Final = 0.4

_MONTHS: Final = {
    **{
        name: number
        for number, name in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ),
            start=1,
        )
    },
    **{
        name: number
        for number, name in enumerate(
            (
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ),
            start=1,
        )
    },
    "fevrier": 2,
    "aout": 8,
    "decembre": 12,
}
_DAY_MONTH: Final = re.compile(r"\b(\d{1,2})(?:er)?\s+([^\W\d_]+)|\b([^\W\d_]+)\s+(\d{1,2})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SentenceLink:
    """Sentence `first_sentence` of article `first` tells what `second_sentence` of `second` tells.

    `basis` is "words" (same language) or "anchors" (across languages); `shared` lists what the
    two sentences have in common (lemmas, or actor ids, figures and dates): the evidence.
    """

    first: str
    first_sentence: int
    second: str
    second_sentence: int
    similarity: float
    basis: str
    shared: tuple[str, ...]

    def reversed(self) -> SentenceLink:
        """The same link read from the second article."""
        return SentenceLink(
            self.second,
            self.second_sentence,
            self.first,
            self.first_sentence,
            self.similarity,
            self.basis,
            self.shared,
        )


@dataclass(frozen=True, slots=True)
class SentenceProfile:
    """What a sentence says, in the forms alignment compares."""

    article: str
    index: int
    language: str
    lemmas: tuple[str, ...]
    actors: frozenset[str]
    anchors: frozenset[str]
    # Content lemmas other than proper names (names are anchors, as actors): cognates are
    # looked for among these.
    common_lemmas: tuple[str, ...] = ()


class Alignment:
    """Every kept link of an event, readable from either article."""

    def __init__(self, links: Iterable[SentenceLink], profiles: dict[str, list[SentenceProfile]]) -> None:
        self.links: tuple[SentenceLink, ...] = tuple(links)
        self.profiles = profiles
        self._from: dict[tuple[str, int], dict[str, SentenceLink]] = defaultdict(dict)
        for link in self.links:
            for view in (link, link.reversed()):
                best = self._from[(view.first, view.first_sentence)].get(view.second)
                if best is None or view.similarity > best.similarity:
                    self._from[(view.first, view.first_sentence)][view.second] = view

    def counterparts(self, article: str, sentence: int) -> dict[str, SentenceLink]:
        """The best counterpart of one sentence in each other article that has one, by article id."""
        return dict(self._from.get((article, sentence), {}))

    def between(self, first: str, second: str) -> list[SentenceLink]:
        """The links between two articles, read from `first`, in the order of its sentences."""
        found = [
            view
            for (article, _), views in self._from.items()
            if article == first
            for other, view in views.items()
            if other == second
        ]
        return sorted(found, key=lambda link: (link.first_sentence, link.second_sentence))


def sentence_profiles(article: Article) -> list[SentenceProfile]:
    """The article's sentences as alignment reads them."""
    lemmas: dict[int, list[str]] = defaultdict(list)
    common: dict[int, list[str]] = defaultdict(list)
    anchors: dict[int, set[str]] = defaultdict(set)
    named = _named_words(article)
    for position, word in enumerate(article.words):
        if position in named:
            # a name stands once, as its actor: "Emmanuel Macron" is one thing, not two words
            actor_id = named[position]
            if position - 1 not in named or named[position - 1] != actor_id:
                lemmas[word.sentence].append(f"&{actor_id}")
            continue
        if word.pos in CONTENT_POS or (
            not word.pos and len(word.text) >= _LIGHT_MIN_LENGTH and word.text.isalpha()
        ):
            lemmas[word.sentence].append(word.lemma.lower())
    for sentence_index, number in _figures(article):
        anchors[sentence_index].add(f"#{number}")
    for sentence_index, lemma in _common_words(article.words):
        common[sentence_index].append(lemma)
    actors: dict[int, set[str]] = defaultdict(set)
    starts = [sentence.start for sentence in article.sentences]
    for actor in article.actors:
        for mention in actor.mentions:
            if mention.field != TEXT:
                continue
            index = _sentence_at(starts, article, mention.start)
            if index is not None:
                actors[index].add(actor.id)
    for sentence in article.sentences:
        anchors[sentence.index] |= _dates(sentence.text)
    return [
        SentenceProfile(
            article.id,
            sentence.index,
            article.language,
            tuple(lemmas[sentence.index]),
            frozenset(actors[sentence.index]),
            frozenset(anchors[sentence.index] | {f"&{actor}" for actor in actors[sentence.index]}),
            tuple(common[sentence.index]),
        )
        for sentence in article.sentences
    ]


def _dates(text: str) -> set[str]:
    """Day-and-month dates named in a sentence, in one form ("@02-03" for 3 February)."""
    found = set()
    for match in _DAY_MONTH.finditer(text):
        day, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        month_number = _MONTHS.get(month.lower())
        if month_number is not None and 1 <= int(day) <= 31:
            found.add(f"@{month_number:02d}-{int(day):02d}")
    return found


def _figures(article: Article) -> list[tuple[int, str]]:
    """(sentence, figure in one form) of every figure; a figure the tokenizer cut at a space
    between thousands ("100 000", as French writes it) is read whole."""
    found: list[tuple[int, str]] = []
    words = article.words
    index = 0
    while index < len(words):
        word = words[index]
        if not word.text[:1].isdigit():
            index += 1
            continue
        start, end, following = word.start, word.end, index + 1
        while (
            following < len(words)
            and len(words[following].text) == 3
            and words[following].text.isdigit()
            and words[following].start - end == 1
            and article.text[end].isspace()
        ):
            end = words[following].end
            following += 1
        number = normalise_number(article.text[start:end])
        if number is not None:
            found.append((word.sentence, number))
        index = following
    return found


def _named_words(article: Article) -> dict[int, str]:
    """Positions of the words inside a mention of an actor (in the text), with the actor's id."""
    spans = sorted(
        (mention.start, mention.end, actor.id)
        for actor in article.actors
        for mention in actor.mentions
        if mention.field == TEXT
    )
    named: dict[int, str] = {}
    if not spans:
        return named
    starts = [start for start, _, _ in spans]
    from bisect import bisect_right

    for position, word in enumerate(article.words):
        at = bisect_right(starts, word.start) - 1
        if at >= 0 and spans[at][0] <= word.start and word.end <= spans[at][1]:
            named[position] = spans[at][2]
    return named


def _common_words(words: Sequence[Word]) -> list[tuple[int, str]]:
    """(sentence, lemma) of the content words that are not names, a hyphenated compound read as
    one word ("de-escalation", which the tokenizer cuts in three): what cognates are read from."""
    found: list[tuple[int, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        if (
            index + 2 < len(words)
            and words[index + 1].text == "-"
            and word.end == words[index + 1].start
            and words[index + 1].end == words[index + 2].start
        ):
            found.append((word.sentence, f"{word.text}-{words[index + 2].lemma}".lower()))
            index += 3
            continue
        if word.pos in CONTENT_POS and word.pos != "PROPN":
            found.append((word.sentence, word.lemma.lower()))
        index += 1
    return found


def align(articles: Sequence[Article]) -> Alignment:
    """Align every two articles of an event, sentence by sentence."""
    profiles = {article.id: sentence_profiles(article) for article in articles}
    weights = _rarity(profile for sentences in profiles.values() for profile in sentences)
    links: list[SentenceLink] = []
    for first, second in combinations(articles, 2):
        same_language = first.language == second.language
        links.extend(_pair_links(profiles[first.id], profiles[second.id], weights, same_language))
    return Alignment(links, profiles)


def _pair_links(
    first: list[SentenceProfile],
    second: list[SentenceProfile],
    weights: dict[str, float],
    same_language: bool,
) -> list[SentenceLink]:
    """The best link of each sentence of either article in the other, above the threshold."""
    items = _items_same_language if same_language else _items_across
    index: dict[str, list[int]] = defaultdict(list)
    for position, profile in enumerate(second):
        for item in items(profile):
            index[item].append(position)
    scored: dict[tuple[int, int], SentenceLink] = {}
    for i, profile in enumerate(first):
        own = items(profile)
        counts: dict[int, int] = defaultdict(int)
        for item in own:
            for position in index.get(item, ()):
                counts[position] += 1
        for position, count in counts.items():
            if count < _MIN_SHARED:
                continue
            other = second[position]
            link = _score(profile, other, weights, same_language)
            if link is not None:
                scored[(i, position)] = link
    best_first: dict[int, SentenceLink] = {}
    best_second: dict[int, SentenceLink] = {}
    for (i, j), link in scored.items():
        if i not in best_first or link.similarity > best_first[i].similarity:
            best_first[i] = link
        if j not in best_second or link.similarity > best_second[j].similarity:
            best_second[j] = link
    kept = {id(link): link for link in (*best_first.values(), *best_second.values())}
    return sorted(kept.values(), key=lambda link: (link.first_sentence, link.second_sentence))


def _score(
    first: SentenceProfile, second: SentenceProfile, weights: dict[str, float], same_language: bool
) -> SentenceLink | None:
    if same_language:
        first_items = set(first.lemmas) | {f"&{actor}" for actor in first.actors}
        second_items = set(second.lemmas) | {f"&{actor}" for actor in second.actors}
        shared: frozenset[str] = frozenset(first_items & second_items)
        overlap = _weighted_dice(first_items, second_items, shared, weights)
        order = Indel.normalized_similarity(first.lemmas, second.lemmas)
        similarity = (1 - _ORDER_WEIGHT) * overlap + _ORDER_WEIGHT * order
        threshold, basis = WORDS_THRESHOLD, "words"
    else:
        shared, similarity = _across_languages(first, second, weights)
        threshold, basis = ANCHORS_THRESHOLD, "anchors"
    if similarity < threshold:
        return None
    return SentenceLink(
        first.article,
        first.index,
        second.article,
        second.index,
        round(similarity, 4),
        basis,
        tuple(sorted(shared)),
    )


def _across_languages(
    first: SentenceProfile, second: SentenceProfile, weights: dict[str, float]
) -> tuple[frozenset[str], float]:
    """What two sentences in different languages share, and how much of what they say it is.

    Both sides are their anchors (actors, figures, dates) and their longer content words; an
    anchor is shared when both have it, a word when the other side has a cognate of it
    ("désescalade" and "de-escalation", "sécurité" and "security", "Poutine" and "Putin"). The
    similarity is the weighted Dice coefficient over both: two sentences naming the same
    people but saying different things share the anchors and little else.
    """
    shared = set(first.anchors & second.anchors)
    matched = 0.0
    total = sum(weights.get(item, 1.0) for item in (*first.anchors, *second.anchors))
    first_words = _cognate_forms(first)
    second_words = _cognate_forms(second)
    total += sum(weights.get(lemma, 1.0) for lemma in (*first_words.values(), *second_words.values()))
    used: set[str] = set()
    for form, lemma in first_words.items():
        partner = _cognate(form, second_words, used)
        if partner is None:
            continue
        used.add(partner)
        matched += weights.get(lemma, 1.0) + weights.get(second_words[partner], 1.0)
        shared.add(f"~{lemma}~{second_words[partner]}")
    if total == 0:
        return frozenset(), 0.0
    anchors = 2 * sum(weights.get(item, 1.0) for item in first.anchors & second.anchors)
    return frozenset(shared), (anchors + matched) / total


def _cognate_forms(profile: SentenceProfile) -> dict[str, str]:
    """The sentence's content words long enough to have cognates: folded form -> lemma."""
    forms = {}
    for lemma in profile.common_lemmas:
        form = _folded(lemma)
        if len(form) >= _COGNATE_MIN_LENGTH and not form.isdigit():
            forms[form] = lemma
    return forms


def _cognate(form: str, candidates: dict[str, str], used: set[str]) -> str | None:
    """The candidate most like `form` at `COGNATE_SIMILARITY` or more (each used once), or None."""
    best, best_score = None, COGNATE_SIMILARITY
    for candidate in candidates:
        if candidate in used:
            continue
        score = Indel.normalized_similarity(form, candidate)
        if score >= best_score:
            best, best_score = candidate, score
    return best


def _folded(word: str) -> str:
    """Lower case without accents or hyphens: how cognates are compared."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _items_same_language(profile: SentenceProfile) -> set[str]:
    return set(profile.lemmas) | {f"&{actor}" for actor in profile.actors}


def _items_across(profile: SentenceProfile) -> set[str]:
    return set(profile.anchors)


def _weighted_dice(
    first: set[str] | frozenset[str],
    second: set[str] | frozenset[str],
    shared: set[str] | frozenset[str],
    weights: dict[str, float],
) -> float:
    total = sum(weights.get(item, 1.0) for item in first) + sum(weights.get(item, 1.0) for item in second)
    if total == 0:
        return 0.0
    return 2 * sum(weights.get(item, 1.0) for item in shared) / total


def _rarity(profiles: Iterable[SentenceProfile]) -> dict[str, float]:
    """Inverse sentence frequency of each item over the event: rare items weigh more."""
    counts: dict[str, int] = defaultdict(int)
    total = 0
    for profile in profiles:
        total += 1
        for item in set(profile.lemmas) | {f"&{a}" for a in profile.actors} | set(profile.anchors):
            counts[item] += 1
    return {item: math.log(1 + total / count) for item, count in counts.items()}


def _sentence_at(starts: list[int], article: Article, offset: int) -> int | None:
    """The index of the sentence containing `offset`, or None (e.g. in a headline in the text)."""
    from bisect import bisect_right

    position = bisect_right(starts, offset) - 1
    if position < 0:
        return None
    sentence = article.sentences[position]
    return sentence.index if offset < sentence.end else None
