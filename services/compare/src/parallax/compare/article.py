"""One article as the comparison reads it: its record and its stored annotation, as plain data.

The compare service does no NLP: what it needs (sentences, words with lemmas, actor mentions,
loaded terms, scare quotes, attributions, readability) it reads from the annotation JSON the
annotate service stored (`Annotation.model_dump(mode="json")`). Offsets are character offsets
into the text exactly as given, or into the headline for spans whose field is "title".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parallax.shared.errors import ParallaxError

TEXT = "text"
TITLE = "title"


class ComparisonInputError(ParallaxError):
    """A record or its annotation cannot be compared; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """A stretch of one article that a measurement was counted from.

    `field` is "text" or "title": offsets are into the article's text as given or into its
    headline given apart. `text` is the span's words as the annotation cleaned them.
    """

    article: str
    start: int
    end: int
    text: str
    field: str = TEXT

    def to_json(self) -> dict[str, Any]:
        """The span as it appears in reports."""
        return {
            "article": self.article,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the text, numbered from 0 in reading order."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Word:
    """A token: its surface form, lemma, part of speech ("" in light analysis) and sentence."""

    start: int
    end: int
    text: str
    lemma: str
    pos: str
    sentence: int


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a canonical actor is named, and with which words."""

    actor: str
    start: int
    end: int
    text: str
    field: str


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor of the article (id like "government/ru") with its mentions."""

    id: str
    type: str
    name: str
    country: str | None
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class LoadedTerm:
    """A loaded or distancing word, by category ("charged", "distancing_verb", ...)."""

    start: int
    end: int
    text: str
    field: str
    category: str
    entry: str


@dataclass(frozen=True, slots=True)
class ScareQuote:
    """A short quoted phrase that is not reported speech."""

    start: int
    end: int
    text: str
    field: str


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who says what: the content, its source and cue (spans or None), the canonical speaker."""

    kind: str
    content: Evidence
    source: Evidence | None
    cue: Evidence | None
    speaker: str | None
    source_type: str
    source_country: str | None

    @property
    def direct(self) -> bool:
        """Whether the source's words are quoted (a quotation, whole or in part), not paraphrased.

        Direct, colon and floating attributions are quotations; a statement or "according to"
        counts as direct when its content is in quotation marks; "mixed" (a quoted fragment in
        reported speech) counts as indirect, its quoted words being a few.
        """
        if self.kind in _QUOTING_KINDS:
            return True
        return self.kind in _EITHER_KINDS and self.content.text.lstrip()[:1] in _OPENING_QUOTES


_QUOTING_KINDS = frozenset({"direct", "colon", "floating"})
_EITHER_KINDS = frozenset({"statement", "according_to"})
_OPENING_QUOTES = frozenset('"«“„‘‹')


@dataclass(frozen=True)
class Article:
    """An article of an event with everything the comparison reads from its annotation."""

    id: str
    text: str
    language: str
    outlet: str | None = None
    title: str | None = None
    published: dt.datetime | None = None
    sentences: tuple[Sentence, ...] = ()
    words: tuple[Word, ...] = ()
    actors: tuple[Actor, ...] = ()
    loaded: tuple[LoadedTerm, ...] = ()
    scare_quotes: tuple[ScareQuote, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    readability: Mapping[str, Any] = field(default_factory=dict)
    annotation_version: str = ""

    @property
    def label(self) -> str:
        """The outlet, or the id when the outlet is unknown: how reports name the article."""
        return self.outlet or self.id

    def span(self, start: int, end: int, field: str = TEXT) -> Evidence:
        """Evidence for a stretch of this article's text (or headline)."""
        source = self.text if field == TEXT else (self.title or "")
        return Evidence(self.id, start, end, source[start:end], field)

    def sentence_span(self, index: int) -> Evidence:
        """Evidence for one sentence."""
        sentence = self.sentences[index]
        return Evidence(self.id, sentence.start, sentence.end, sentence.text.strip(), TEXT)

    def words_of_sentence(self, index: int) -> list[Word]:
        """The tokens of one sentence, in order."""
        return [word for word in self.words if word.sentence == index]

    @classmethod
    def from_record(cls, record: Mapping[str, Any], annotation: Mapping[str, Any]) -> Article:
        """Read an interchange record and its stored annotation JSON.

        Raises ComparisonInputError naming what is missing when the record has no id or text,
        or the annotation is not the record's (different id) or lacks its sentences or tokens.
        """
        article_id = record.get("id")
        text = record.get("text")
        if article_id in (None, "") or not isinstance(text, str):
            raise ComparisonInputError(
                'an article to compare needs an "id" and a "text" string; '
                f"got id={article_id!r}, text of type {type(text).__name__}"
            )
        article_id = str(article_id)
        if str(annotation.get("id")) != article_id:
            raise ComparisonInputError(
                f"article {article_id}: its annotation is for article {annotation.get('id')!r}; "
                "annotate the article again (parallax annotate) and pass its own annotation"
            )
        for key in ("sentences", "tokens"):
            if not isinstance(annotation.get(key), list):
                raise ComparisonInputError(
                    f"article {article_id}: the annotation has no {key!r} list; it was not written "
                    "by parallax annotate, or is truncated: annotate the article again"
                )
        title = record.get("title")
        return cls(
            id=article_id,
            text=text,
            language=str(annotation.get("language") or record.get("language") or "und"),
            outlet=_optional_string(record.get("outlet")),
            title=title if isinstance(title, str) and title.strip() else None,
            published=published_of(record.get("published")),
            sentences=tuple(
                Sentence(index, int(s["start"]), int(s["end"]), str(s["text"]))
                for index, s in enumerate(annotation["sentences"])
            ),
            words=tuple(
                Word(
                    int(t["start"]),
                    int(t["end"]),
                    str(t["text"]),
                    str(t.get("lemma") or t["text"]),
                    str(t.get("pos") or ""),
                    int(t["sentence"]),
                )
                for t in annotation["tokens"]
            ),
            actors=tuple(_actor(a) for a in annotation.get("actors") or ()),
            loaded=tuple(
                LoadedTerm(
                    int(t["start"]),
                    int(t["end"]),
                    str(t["text"]),
                    str(t.get("field") or TEXT),
                    str(t["category"]),
                    str(t["entry"]),
                )
                for t in annotation.get("loaded") or ()
            ),
            scare_quotes=tuple(
                ScareQuote(int(q["start"]), int(q["end"]), str(q["text"]), str(q.get("field") or TEXT))
                for q in annotation.get("scare_quotes") or ()
            ),
            attributions=tuple(_attribution(article_id, a) for a in annotation.get("attributions") or ()),
            readability=dict(annotation.get("readability") or {}),
            annotation_version=_version_key(annotation.get("versions")),
        )


def evidence_in(
    value: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """Every evidence span (a dict with article, start, end, text) nested anywhere in a report
    or a part of one, with the keys that lead to it."""
    if isinstance(value, Mapping):
        if {"article", "start", "end", "text"} <= value.keys() and isinstance(value.get("start"), int):
            yield path, value
            return
        for key, item in value.items():
            yield from evidence_in(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from evidence_in(item, path)


def published_of(value: Any) -> dt.datetime | None:
    """A publication time from an ISO date or date-time (naive taken as UTC); None otherwise."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip() and value.strip() != "None":
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def articles_from(
    records: Sequence[Mapping[str, Any]], annotations: Mapping[str, Mapping[str, Any]]
) -> list[Article]:
    """Articles for records whose annotation is in `annotations` (by id), in the order given.

    Raises ComparisonInputError for a record whose annotation is missing.
    """
    articles = []
    for record in records:
        annotation = annotations.get(str(record.get("id")))
        if annotation is None:
            raise ComparisonInputError(
                f"article {record.get('id')!r} has no annotation: annotate it before comparing"
            )
        articles.append(Article.from_record(record, annotation))
    return articles


def _optional_string(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text if text and text != "None" else None


def _actor(data: Mapping[str, Any]) -> Actor:
    actor_id = str(data["id"])
    mentions = tuple(
        Mention(actor_id, int(m["start"]), int(m["end"]), str(m["text"]), str(m.get("field") or TEXT))
        for m in data.get("mentions") or ()
    )
    return Actor(
        actor_id,
        str(data.get("type") or ""),
        str(data.get("name") or actor_id),
        data.get("country"),
        mentions,
    )


def _attribution(article_id: str, data: Mapping[str, Any]) -> Attribution:
    field_ = str(data.get("field") or TEXT)

    def evidence(span: Mapping[str, Any] | None) -> Evidence | None:
        if not span:
            return None
        return Evidence(article_id, int(span["start"]), int(span["end"]), str(span["text"]), field_)

    content = evidence(data["content"])
    assert content is not None  # an attribution always has its content
    return Attribution(
        kind=str(data.get("kind") or ""),
        content=content,
        source=evidence(data.get("source")),
        cue=evidence(data.get("cue")),
        speaker=data.get("speaker"),
        source_type=str(data.get("source_type") or "unknown"),
        source_country=data.get("source_country"),
    )


def _version_key(versions: Any) -> str:
    if not isinstance(versions, Mapping):
        return ""
    keys = ("annotator", "model", "actors", "lexicon", "readability", "attributions")
    return "|".join(str(versions.get(key)) for key in keys)
