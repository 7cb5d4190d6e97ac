"""Reuse: passages one article copies from another, verbatim or nearly so.

Wire copy and state-media text republished by another outlet show up as long runs of the same
words in the same order, with light edits (a word changed, a clause cut, quote marks
restyled). The method, for two texts:

1. both are cut into words, folded (case, accents, apostrophes), and every run of
   `SHINGLE` words (a shingle) is hashed;
2. each shingle the two texts share is a seed (a position in each); shingles that are
   frequent in either text are left out (a repeated phrase is not a copy);
3. seeds that follow one another along the same diagonal, allowing small gaps and shifts
   (the light edits), are chained into one passage, and the passage is extended word by word
   at both ends (past one word changed, dropped or added); a chain is kept only when one of
   its seeds lies outside quotation marks on both sides: two outlets quoting one speaker's
   words report the same source, they do not copy each other;
4. a passage of at least `SHORTEST_PASSAGE` words whose words agree for at least
   `SIMILARITY` (rapidfuzz's normalised Indel similarity over the word sequences) is reuse.

All settings are fixed constants, the same for every language and every input.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final

from rapidfuzz.distance import Indel

from parallax.compare.article import Article, Evidence

# Words per shingle: long enough that two independent reports seldom share one.
SHINGLE: Final = 6
# A shingle found more often than this in one text is a refrain, not a copy.
_COMMONEST_SHINGLE: Final = 2
# Seeds farther apart than this (in words, on either side) start another passage.
_LARGEST_GAP: Final = 12
# How far a passage's diagonal may drift between two seeds: words inserted or cut.
_LARGEST_SHIFT: Final = 6
# Shortest passage reported, in words.
SHORTEST_PASSAGE: Final = 12
# Words outside quotation marks a passage needs on both sides: a shared quotation with one
# shared stock phrase around it ("…," not on the basis of the) is two outlets quoting a
# speaker, not one copying the other.
_FEWEST_NARRATIVE_WORDS: Final = 8
# Word agreement a passage needs (1.0: the same words in the same order).
SIMILARITY: Final = 0.8

_WORD: Final = re.compile(r"\w+(?:['’]\w+)*")
# Quotation marks: the curly and angle ones say which way they face; a straight one faces the
# way its neighbours say (after a space or an opening bracket it opens, otherwise it closes).
# Outlets mix styles inside one quotation (“… ," or "… ”), so any opening mark pairs with the
# next closing one. A quotation ends at the paragraph's end: a mark left open (a quotation
# running on over paragraphs) must not turn the narrative after it into a quotation.
_OPENING: Final = frozenset("“«‘„")
_CLOSING: Final = frozenset("”»’")
_QUOTE_MARK: Final = re.compile(r"[“”«»\"„]|\n\s*\n")


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text: its folded form and where it is."""

    folded: str
    start: int
    end: int
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """A passage two texts share: character offsets into each, and how alike its words are."""

    first_start: int
    first_end: int
    second_start: int
    second_end: int
    words: int  # in the shorter side
    similarity: float


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Where the text quotes someone: (start, end) from an opening mark to the next closing one
    in the same paragraph, marks included."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for match in _QUOTE_MARK.finditer(text):
        mark = match.group()
        if mark.strip() == "":  # a paragraph break ends any quotation left open
            opened = None
            continue
        if _is_opening(text, match.start()):
            if opened is None:
                opened = match.start()
        elif opened is not None:
            spans.append((opened, match.end()))
            opened = None
    return spans


def _is_opening(text: str, at: int) -> bool:
    mark = text[at]
    if mark in _OPENING:
        return True
    if mark in _CLOSING:
        return False
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    # a straight mark opens after a space or bracket and before a word
    return (before.isspace() or before in "([{—–-") and not after.isspace()


def words_of(text: str) -> list[Word]:
    """The words of a text, folded (case, accents, typographic apostrophes) for comparison,
    each marked when it is inside a quotation."""
    quotations = quotation_spans(text)
    words, current = [], 0
    for match in _WORD.finditer(text):
        while current < len(quotations) and quotations[current][1] <= match.start():
            current += 1
        quoted = current < len(quotations) and quotations[current][0] < match.start()
        words.append(Word(_fold(match.group()), match.start(), match.end(), quoted))
    return words


@dataclass(frozen=True, slots=True)
class PreparedText:
    """A text's words with where each of its shingles starts: made once per text, then
    compared with any number of others."""

    words: Sequence[Word]
    shingles: dict[tuple[str, ...], list[int]]


def prepared(words: Sequence[Word]) -> PreparedText:
    """The words of a text ready to be compared (`words_of` output)."""
    return PreparedText(words, _shingle_positions(words) if len(words) >= SHINGLE else {})


def shared_passages(
    first: Sequence[Word] | PreparedText, second: Sequence[Word] | PreparedText
) -> list[Match]:
    """The passages `second` shares with `first` (either may have copied the other), in the
    order of `first`, none overlapping another on either side."""
    one = first if isinstance(first, PreparedText) else prepared(first)
    other = second if isinstance(second, PreparedText) else prepared(second)
    common = one.shingles.keys() & other.shingles.keys()
    if not common:
        return []
    seeds = [(i, j) for key in common for j in other.shingles[key] for i in one.shingles[key]]
    chains = [
        chain
        for chain in _chains(sorted(seeds))
        if any(not _quoted(one.words, i) and not _quoted(other.words, j) for i, j in chain)
    ]
    matches = [_match(one.words, other.words, chain) for chain in chains]
    kept = [match for match in matches if match is not None]
    return _without_overlaps(kept)


def _shingle(words: Sequence[Word], start: int) -> tuple[str, ...]:
    return tuple(word.folded for word in words[start : start + SHINGLE])


def _quoted(words: Sequence[Word], start: int) -> bool:
    return any(word.quoted for word in words[start : start + SHINGLE])


def _shingle_positions(words: Sequence[Word]) -> dict[tuple[str, ...], list[int]]:
    """Where each shingle of a text starts, refrains (found more than twice) left out."""
    positions: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for start in range(len(words) - SHINGLE + 1):
        positions[_shingle(words, start)].append(start)
    return {key: found for key, found in positions.items() if len(found) <= _COMMONEST_SHINGLE}


def _chains(seeds: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Seeds (sorted by position in the first text) chained along near diagonals."""
    chains: list[list[tuple[int, int]]] = []
    open_chains: list[list[tuple[int, int]]] = []
    for i, j in seeds:
        best = None
        for chain in open_chains:
            last_i, last_j = chain[-1]
            if (
                0 < i - last_i <= _LARGEST_GAP
                and 0 < j - last_j <= _LARGEST_GAP
                and abs((j - i) - (last_j - last_i)) <= _LARGEST_SHIFT
            ):
                best = chain
                break
        if best is None:
            best = []
            chains.append(best)
            open_chains.append(best)
        best.append((i, j))
        # a chain whose last seed is too far behind can no longer grow
        open_chains = [chain for chain in open_chains if i - chain[-1][0] <= _LARGEST_GAP]
    return chains


def _match(first: Sequence[Word], second: Sequence[Word], chain: Sequence[tuple[int, int]]) -> Match | None:
    first_from, second_from = _extend_back(first, second, chain[0][0], chain[0][1])
    first_to, second_to = _extend_on(first, second, chain[-1][0] + SHINGLE, chain[-1][1] + SHINGLE)
    words = min(first_to - first_from, second_to - second_from)
    if words < SHORTEST_PASSAGE:
        return None
    narrative = min(
        sum(not word.quoted for word in first[first_from:first_to]),
        sum(not word.quoted for word in second[second_from:second_to]),
    )
    if narrative < _FEWEST_NARRATIVE_WORDS:
        return None
    similarity = Indel.normalized_similarity(
        [word.folded for word in first[first_from:first_to]],
        [word.folded for word in second[second_from:second_to]],
    )
    if similarity < SIMILARITY:
        return None
    return Match(
        first[first_from].start,
        first[first_to - 1].end,
        second[second_from].start,
        second[second_to - 1].end,
        words,
        round(similarity, 4),
    )


# How an edit inside a copy looks from its end, as (steps in the first text, steps in the
# second): one word changed, one dropped from the second, one added to it. The two words past
# the edit must agree again.
_EDITS: Final = ((2, 2), (2, 1), (1, 2))


def _extend_back(first: Sequence[Word], second: Sequence[Word], i: int, j: int) -> tuple[int, int]:
    """Move a passage's start back over the words the two sides still share before it, past
    an edit when the two words before it agree again."""
    while True:
        if i >= 1 and j >= 1 and first[i - 1].folded == second[j - 1].folded:
            i, j = i - 1, j - 1
            continue
        for di, dj in _EDITS:
            if (
                i >= di + 1
                and j >= dj + 1
                and all(first[i - di - k].folded == second[j - dj - k].folded for k in (0, 1))
            ):
                i, j = i - di - 1, j - dj - 1
                break
        else:
            return i, j


def _extend_on(first: Sequence[Word], second: Sequence[Word], i: int, j: int) -> tuple[int, int]:
    """Move a passage's end (exclusive) on, as `_extend_back` moves its start back."""
    while True:
        if i < len(first) and j < len(second) and first[i].folded == second[j].folded:
            i, j = i + 1, j + 1
            continue
        for di, dj in _EDITS:
            if (
                i + di < len(first)
                and j + dj < len(second)
                and all(first[i + di - 1 + k].folded == second[j + dj - 1 + k].folded for k in (0, 1))
            ):
                i, j = i + di + 1, j + dj + 1
                break
        else:
            return i, j


def _without_overlaps(matches: Sequence[Match]) -> list[Match]:
    """The longest matches first; one that overlaps a kept one on either side is dropped."""
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: (-m.words, m.first_start, m.second_start)):
        if any(
            (match.first_start < other.first_end and other.first_start < match.first_end)
            or (match.second_start < other.second_end and other.second_start < match.second_end)
            for other in kept
        ):
            continue
        kept.append(match)
    return sorted(kept, key=lambda m: (m.first_start, m.second_start))


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class ReusedPassage:
    """A passage two articles of an event share, with its likely direction.

    `source` is the article published first (the likely origin) and `copy` the later one;
    when the times are equal or unknown, `direction` is "unknown" and the two are in the order
    of the event. Evidence: the passage's characters in each article.
    """

    source: Evidence
    copy: Evidence
    words: int
    similarity: float
    direction: str  # "by_time" or "unknown"

    def to_json(self) -> dict[str, object]:
        """The passage as reports show it."""
        return {
            "source": self.source.to_json(),
            "copy": self.copy.to_json(),
            "words": self.words,
            "similarity": round(self.similarity, 4),
            "direction": self.direction,
        }


@dataclass(frozen=True, slots=True)
class ArticleReuse:
    """How much of one article is shared with others: the union of its passages' characters."""

    article: str
    reused_characters: int
    characters: int
    taken_from: tuple[str, ...]  # articles it likely copied from (published earlier)
    taken_by: tuple[str, ...]  # articles that likely copied from it

    @property
    def share(self) -> float:
        """The share of the article's characters in a reused passage."""
        return self.reused_characters / self.characters if self.characters else 0.0

    def to_json(self) -> dict[str, object]:
        """The article's reuse as reports show it."""
        return {
            "article": self.article,
            "share": round(self.share, 4),
            "reused_characters": self.reused_characters,
            "characters": self.characters,
            "taken_from": list(self.taken_from),
            "taken_by": list(self.taken_by),
        }


@dataclass(frozen=True, slots=True)
class Reuse:
    """Every passage shared between two articles of an event, and each article's share."""

    passages: tuple[ReusedPassage, ...]
    by_article: dict[str, ArticleReuse]

    def to_json(self) -> dict[str, object]:
        """The event's reuse as reports show it."""
        return {
            "passages": [passage.to_json() for passage in self.passages],
            "by_article": {key: value.to_json() for key, value in self.by_article.items()},
        }


def event_reuse(articles: Sequence[Article]) -> Reuse:
    """Passages shared by any two articles of an event written in one language.

    Reuse across languages (a translation) is not copying word for word and is not looked
    for here. Direction: the earlier publication is the likely source.
    """
    texts = {article.id: prepared(words_of(article.text)) for article in articles}
    passages: list[ReusedPassage] = []
    for first, second in combinations(articles, 2):
        if first.language != second.language:
            continue
        for match in shared_passages(texts[first.id], texts[second.id]):
            one = first.span(match.first_start, match.first_end)
            other = second.span(match.second_start, match.second_end)
            if first.published and second.published and first.published != second.published:
                source, copy = (one, other) if first.published < second.published else (other, one)
                direction = "by_time"
            else:
                source, copy, direction = one, other, "unknown"
            passages.append(ReusedPassage(source, copy, match.words, match.similarity, direction))
    by_article = {article.id: _article_reuse(article, passages) for article in articles}
    return Reuse(tuple(passages), by_article)


def _article_reuse(article: Article, passages: Sequence[ReusedPassage]) -> ArticleReuse:
    spans: list[tuple[int, int]] = []
    taken_from: set[str] = set()
    taken_by: set[str] = set()
    for passage in passages:
        for own, other in ((passage.source, passage.copy), (passage.copy, passage.source)):
            if own.article != article.id:
                continue
            spans.append((own.start, own.end))
            if passage.direction == "by_time":
                (taken_by if own is passage.source else taken_from).add(other.article)
    return ArticleReuse(
        article.id, _covered(spans), len(article.text), tuple(sorted(taken_from)), tuple(sorted(taken_by))
    )


def _covered(spans: list[tuple[int, int]]) -> int:
    """Characters covered by the union of spans."""
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total
