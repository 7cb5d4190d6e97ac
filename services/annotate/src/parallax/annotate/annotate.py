"""annotate(article) -> Annotation: the per-article analysis, as pure functions over plain data.

Steps for each article (and, separately, its headline):
1. parse the clean text with the language's pipeline (spaCy; batched with `nlp.pipe`);
2. link mentions to canonical actors, find loaded language and scare quotes (full analysis);
3. measure readability;
4. map every span from the clean text back to the text exactly as given.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from parallax.annotate.annotation import (
    ActorInArticle,
    Annotation,
    Entity,
    LoadedTerm,
    Mention,
    ScareQuote,
    Token,
    Versions,
)
from parallax.annotate.findings import ActorMention
from parallax.annotate.pipelines import Analysis, Pipeline, light_lemma, pipeline_for
from parallax.annotate.readability import READABILITY_VERSION, measure_readability
from parallax.shared.layout import normalize_article
from parallax.shared.offsets import OffsetMap
from parallax.shared.schemas import Span

ANNOTATOR_VERSION = "annotate.v1"
_BATCH = 32


@dataclass(frozen=True)
class ArticleInput:
    """An article ready to annotate: its text as given, its clean text and the map between them."""

    id: str
    text: str
    clean_text: str
    offset_map: OffsetMap
    language: str | None
    title: str | None = None
    published: dt.date | None = None

    @classmethod
    def from_text(
        cls,
        id: str,
        text: str,
        *,
        title: str | None = None,
        language: str | None = None,
        published: dt.date | None = None,
    ) -> ArticleInput:
        """Clean `text` (headline and dateline separated, as ingest does) and wrap it."""
        normalized = normalize_article(text, title=title)
        return cls(
            id=id,
            text=text,
            clean_text=normalized.clean_text,
            offset_map=normalized.offset_map,
            language=language,
            title=normalized.title,
            published=published,
        )


def annotate(article: ArticleInput) -> Annotation:
    """Annotate one article (for many, `annotate_many` batches the parsing)."""
    return next(annotate_many([article]))


def annotate_many(articles: Iterable[ArticleInput], *, batch_size: int = _BATCH) -> Iterator[Annotation]:
    """Annotate articles in order, parsing each language's texts together in batches."""
    buffer: list[ArticleInput] = []
    for article in articles:
        buffer.append(article)
        if len(buffer) >= batch_size:
            yield from _annotate_buffer(buffer, batch_size)
            buffer = []
    if buffer:
        yield from _annotate_buffer(buffer, batch_size)


def annotator_versions(language: str | None) -> Versions:
    """The versions an annotation in `language` would carry now (to decide re-annotation)."""
    pipeline = pipeline_for(language)
    return _versions(pipeline)


def _annotate_buffer(buffer: Sequence[ArticleInput], batch_size: int) -> Iterator[Annotation]:
    by_language: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(buffer):
        by_language[pipeline_for(article.language).language].append(index)
    results: dict[int, Annotation] = {}
    for indices in by_language.values():
        pipeline = pipeline_for(buffer[indices[0]].language)
        bodies = pipeline.nlp.pipe((buffer[i].clean_text for i in indices), batch_size=batch_size)
        titles = pipeline.nlp.pipe((buffer[i].title or "" for i in indices), batch_size=batch_size)
        for index, body, title in zip(indices, bodies, titles, strict=True):
            results[index] = _annotation(buffer[index], pipeline, body, title)
    for index in range(len(buffer)):
        yield results[index]


def _annotation(article: ArticleInput, pipeline: Pipeline, body: Any, title: Any) -> Annotation:
    language = article.language or pipeline.language
    parts = (
        _Part("text", body, _findings(body, pipeline, article.published), _OriginalSpans(article)),
        _Part(
            "title", title, _findings(title, pipeline, article.published), _TitleSpans(article.title or "")
        ),
    )
    body_part = parts[0]
    words = sum(1 for token in body if not (token.is_space or token.is_punct))
    sentences = [body_part.spans.span(s.start_char, s.end_char) for s in body.sents]
    return Annotation(
        id=article.id,
        language=language,
        analysis=pipeline.analysis.value,
        versions=_versions(pipeline),
        sentences=sentences,
        tokens=_tokens(body, pipeline, body_part.spans),
        entities=[entity for part in parts for entity in _entities(part)],
        actors=_actors(parts, language),
        loaded=[term for part in parts for term in _loaded_terms(part)],
        scare_quotes=[quote for part in parts for quote in _scare_quotes(part)],
        readability=measure_readability(
            article.clean_text, language=language, sentences=len(sentences), words=words
        ),
    )


@dataclass(frozen=True)
class _Findings:
    actors: list[ActorMention]
    loaded: list[Any]
    scare_quotes: list[Any]


@dataclass(frozen=True)
class _Part:
    """The body or the headline: its parse, what was found in it, and how its offsets map."""

    field: Literal["text", "title"]
    doc: Any
    findings: _Findings
    spans: _OriginalSpans | _TitleSpans


def _findings(doc: Any, pipeline: Pipeline, published: dt.date | None) -> _Findings:
    from parallax.annotate.actors.catalog import load_catalog
    from parallax.annotate.actors.linking import link_actors

    if not doc.text.strip():
        return _Findings([], [], [])
    actors = link_actors(doc, language=pipeline.language, published=published, catalog=load_catalog())
    if pipeline.analysis != Analysis.FULL:
        return _Findings(actors, [], [])
    from parallax.annotate.lexicons.lexicon import find_loaded_language, load_lexicon
    from parallax.annotate.lexicons.scare_quotes import find_scare_quotes

    lexicon = load_lexicon(pipeline.language)
    loaded = find_loaded_language(doc, lexicon) if lexicon is not None else []
    return _Findings(actors, list(loaded), list(find_scare_quotes(doc)))


def _tokens(doc: Any, pipeline: Pipeline, spans: _OriginalSpans | _TitleSpans) -> list[Token]:
    sentence_of: dict[int, int] = {}
    for number, sentence in enumerate(doc.sents):
        for index in range(sentence.start, sentence.end):
            sentence_of[index] = number
    tokens = []
    for token in doc:
        if token.is_space:
            continue
        start, end = spans.offsets(token.idx, token.idx + len(token.text))
        if pipeline.has_parse:
            lemma, pos = token.lemma_, token.pos_
        else:
            lemma, pos = light_lemma(token.text, pipeline.language), ""
        tokens.append(Token(start, end, token.text, lemma, pos, sentence_of[token.i]))
    return tokens


def _entities(part: _Part) -> list[Entity]:
    mentions = sorted(part.findings.actors, key=lambda m: m.start)
    entities = []
    first_candidate = 0
    for entity in part.doc.ents:  # in text order, like the mentions: one merge pass
        while first_candidate < len(mentions) and mentions[first_candidate].end <= entity.start_char:
            first_candidate += 1
        mention = _most_overlapping(entity.start_char, entity.end_char, mentions, first_candidate)
        entities.append(
            Entity(
                **part.spans.span(entity.start_char, entity.end_char).model_dump(),
                field=part.field,
                label=entity.label_,
                corrected_label=mention.corrected_label if mention else None,
                actor_id=mention.actor_id if mention else None,
            )
        )
    return entities


def _most_overlapping(start: int, end: int, mentions: list[ActorMention], first: int) -> ActorMention | None:
    """The mention sharing most characters with an entity ("l'OTAN" vs "OTAN"), or None."""
    best, best_overlap = None, 0
    for mention in mentions[first:]:
        if mention.start >= end:
            break
        overlap = min(end, mention.end) - max(start, mention.start)
        if overlap > best_overlap:
            best, best_overlap = mention, overlap
    return best


def _loaded_terms(part: _Part) -> list[LoadedTerm]:
    return [
        LoadedTerm(
            **part.spans.span(hit.start, hit.end).model_dump(),
            field=part.field,
            category=hit.category,
            entry=hit.entry,
        )
        for hit in part.findings.loaded
    ]


def _scare_quotes(part: _Part) -> list[ScareQuote]:
    return [
        ScareQuote(
            **part.spans.span(quote.start, quote.end).model_dump(),
            field=part.field,
            inner=part.spans.span(quote.inner_start, quote.inner_end),
        )
        for quote in part.findings.scare_quotes
    ]


def _actors(parts: Sequence[_Part], language: str) -> list[ActorInArticle]:
    """Mentions grouped by actor, headline first, with the actor's name in the article's language."""
    from parallax.annotate.actors.catalog import load_catalog

    catalog = load_catalog()
    grouped: dict[str, list[Mention]] = defaultdict(list)
    first: dict[str, ActorMention] = {}
    for part in sorted(parts, key=lambda p: p.field != "title"):
        for mention in part.findings.actors:
            first.setdefault(mention.actor_id, mention)
            grouped[mention.actor_id].append(
                Mention(
                    **part.spans.span(mention.start, mention.end).model_dump(),
                    field=part.field,
                    method=mention.method.value,
                    confidence=round(mention.confidence, 3),
                    entity_label=mention.entity_label,
                    corrected_label=mention.corrected_label,
                )
            )
    actors = []
    for actor_id, mentions in grouped.items():
        known = catalog.get(actor_id) if actor_id in catalog else None
        name = known.name(language) if known else mentions[0].text
        actors.append(
            ActorInArticle(
                id=actor_id,
                type=first[actor_id].actor_type.value,
                name=name,
                country=known.country if known else None,
                mentions=mentions,
            )
        )
    return sorted(actors, key=lambda actor: (-len(actor.mentions), actor.id))


def _versions(pipeline: Pipeline) -> Versions:
    from parallax.annotate.actors.catalog import load_catalog

    lexicon_version = None
    if pipeline.analysis == Analysis.FULL:
        from parallax.annotate.lexicons.lexicon import load_lexicon

        lexicon = load_lexicon(pipeline.language)
        lexicon_version = lexicon.version if lexicon is not None else None
    return Versions(
        annotator=ANNOTATOR_VERSION,
        model=pipeline.model,
        actors=load_catalog().version,
        lexicon=lexicon_version,
        readability=READABILITY_VERSION,
    )


class _OriginalSpans:
    """Turns clean-text offsets into spans of the text as given."""

    def __init__(self, article: ArticleInput) -> None:
        self._clean = article.clean_text
        self._map = article.offset_map

    def offsets(self, start: int, end: int) -> tuple[int, int]:
        return self._map.to_original(start, end)

    def span(self, start: int, end: int) -> Span:
        original_start, original_end = self._map.to_original(start, end)
        return Span(start=original_start, end=original_end, text=self._clean[start:end])


class _TitleSpans:
    """Headline offsets are already offsets into the headline as stored."""

    def __init__(self, title: str) -> None:
        self._title = title

    def offsets(self, start: int, end: int) -> tuple[int, int]:
        return start, end

    def span(self, start: int, end: int) -> Span:
        return Span(start=start, end=end, text=self._title[start:end])
