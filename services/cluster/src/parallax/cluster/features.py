"""What the clustering reads of one article: its words, actors, places, numbers and date.

Built from an article record (interchange format) and its annotation (the JSON the annotate
service stores and `parallax annotate` writes), never from the text alone: the lemmas, the
canonical actors and the entity types come from the annotation, so French and English
articles meet through the same actor ids ("Poutine" and "Putin" are `person/vladimir-putin`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from parallax.shared.figures import normalise_number

# Parts of speech whose lemmas say what an article is about.
_CONTENT_POS: Final = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
# Parts of speech that never do: a headline word the body uses only as one is left out.
_FUNCTION_POS: Final = frozenset({"DET", "ADP", "PRON", "AUX", "CCONJ", "SCONJ", "PART", "PUNCT", "SPACE"})
# Actor types that stand for places rather than people or organisations.
_PLACE_TYPES: Final = frozenset({"country", "place"})
_WORD: Final = re.compile(r"\w+(?:[-'’]\w+)*")
# Digits with their separators: "30,000", "7.8", "2 900" (a thin or normal space in French).
_NUMBER: Final = re.compile(r"\d[\d,.\u202f\u00a0 ]*")
_SHORTEST_TERM: Final = 2


@dataclass(frozen=True)
class ArticleFeatures:
    """One article as the clustering sees it."""

    id: str
    outlet: str | None
    language: str | None
    published: dt.date | None
    title: str
    title_terms: Mapping[str, int]
    body_terms: Mapping[str, int]
    actors: Mapping[str, int]  # canonical actor id -> mentions (people, organisations, places)
    places: Mapping[str, int]  # the actors that are countries or places
    numbers: Mapping[str, int]  # normalised figures: "30,000" -> "30000"
    extra: Mapping[str, Any] = field(default_factory=dict)


class FeatureError(ValueError):
    """An article or annotation the clustering cannot read; the message says what is missing."""


def features_from_annotation(article: Mapping[str, Any], annotation: Mapping[str, Any]) -> ArticleFeatures:
    """The features of one article from its record and its stored annotation.

    `article` needs `id`; `outlet`, `title`, `published` (ISO date or datetime) and `language`
    are used when present. `annotation` is the annotate service's JSON (`tokens` with
    `lemma` and `pos`, `actors` with their `mentions`).
    """
    article_id = article.get("id")
    if article_id is None:
        raise FeatureError("the article has no `id`; give every article an id")
    tokens = annotation.get("tokens")
    if not isinstance(tokens, list):
        raise FeatureError(
            f"article {article_id}: the annotation has no `tokens`; annotate the article first"
        )
    body_terms: Counter[str] = Counter()
    numbers: Counter[str] = Counter()
    function_words: set[str] = set()
    lemma_of_form: dict[str, str] = {}
    for token in tokens:
        text, lemma, pos = _token_fields(token)
        form = text.casefold()
        if pos in _FUNCTION_POS:
            function_words.add(form)
            continue
        number = normalise_number(text) if any(c.isdigit() for c in text) else None
        if number is not None:
            numbers[number] += 1
            continue
        term = lemma.casefold() if lemma else form
        if _is_term(term) and (pos in _CONTENT_POS or (not pos and len(term) > 3)):
            body_terms[term] += 1
            lemma_of_form.setdefault(form, term)
    title = str(article.get("title") or "")
    title_terms = _title_terms(title, lemma_of_form, function_words)
    for match in _NUMBER.finditer(title):
        number = normalise_number(match.group())
        if number is not None:
            numbers[number] += 1
    actors: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for actor in annotation.get("actors") or []:
        actor_id, mentions = str(actor["id"]), len(actor.get("mentions") or ()) or 1
        actors[actor_id] += mentions
        if actor.get("type") in _PLACE_TYPES:
            places[actor_id] += mentions
    return ArticleFeatures(
        id=str(article_id),
        outlet=_outlet(article.get("outlet")),
        language=article.get("language") or annotation.get("language"),
        published=parse_date(article.get("published")),
        title=title.strip(),
        title_terms=dict(title_terms),
        body_terms=dict(body_terms),
        actors=dict(actors),
        places=dict(places),
        numbers=dict(numbers),
    )


def parse_date(value: Any) -> dt.date | None:
    """An ISO date or datetime (or a date object) as a date; None when absent or unreadable."""
    if value is None or value in {"", "None"}:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _outlet(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text in {"", "None", "unknown"} else text.casefold()


def _token_fields(token: Any) -> tuple[str, str, str]:
    if isinstance(token, Mapping):
        return str(token.get("text", "")), str(token.get("lemma", "")), str(token.get("pos", ""))
    return str(token.text), str(token.lemma), str(token.pos)


def _is_term(term: str) -> bool:
    return len(term) >= _SHORTEST_TERM and any(c.isalpha() for c in term)


def _title_terms(title: str, lemma_of_form: Mapping[str, str], function_words: set[str]) -> Counter[str]:
    """The headline's words as the body's lemmas: the annotation parses the body, not the title,
    so a headline word takes the lemma the body gave the same word form."""
    terms: Counter[str] = Counter()
    for match in _WORD.finditer(title):
        form = match.group().casefold()
        if form in function_words or any(c.isdigit() for c in form):
            continue
        term = lemma_of_form.get(form) or unicodedata.normalize("NFC", form)
        if _is_term(term) and len(term) > 2:
            terms[term] += 1
    return terms
