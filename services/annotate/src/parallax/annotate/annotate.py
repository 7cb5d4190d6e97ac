"""annotate(article) -> Annotation: the per-article analysis, as pure functions over plain data.

Steps for each article (and, separately, its headline):
1. parse the clean text with the language's pipeline (spaCy; batched with `nlp.pipe`);
2. link mentions to canonical actors, find loaded language and scare quotes (full analysis);
3. measure readability;
4. map every span from the clean text back to the text exactly as given.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from parallax.annotate.annotation import (
    ActorInArticle,
    Annotation,
    AttributionOut,
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
from parallax.shared.text import normalize

ANNOTATOR_VERSION = "annotate.v3"
_Result = TypeVar("_Result")
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
    title_map: OffsetMap | None = None
    """When the headline is part of `text`: maps the clean headline back into `text`."""

    @functools.cached_property
    def title_for_parser(self) -> str:
        """The headline as the parser should read it: re-cased when in title case (same offsets)."""
        from parallax.annotate.headlines import case_for_parser

        return case_for_parser(self.title, self.clean_text) if self.title else ""

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
        span = normalized.title_span.model_dump() if normalized.title_span else None
        headline, headline_map = headline_in_text(text, span, normalized.title)
        return cls(
            id=id,
            text=text,
            clean_text=normalized.clean_text,
            offset_map=normalized.offset_map,
            language=language,
            title=headline,
            published=published,
            title_map=headline_map,
        )


def headline_in_text(
    text: str, title_span: dict[str, Any] | None, title: str | None
) -> tuple[str | None, OffsetMap | None]:
    """The clean headline and its map into `text` when the headline is part of the text."""
    if not title_span:
        return title, None
    return normalize(text, start=int(title_span["start"]), end=int(title_span["end"]))


def annotate(article: ArticleInput) -> Annotation:
    """Annotate one article (for many, `annotate_many` batches the parsing)."""
    return next(annotate_many([article]))


def annotate_many(articles: Iterable[ArticleInput], *, batch_size: int = _BATCH) -> Iterator[Annotation]:
    """Annotate articles in order, parsing each language's texts together in batches."""
    return _in_buffers(articles, batch_size, _annotate_buffer)


def attributions_many(
    articles: Iterable[ArticleInput], *, batch_size: int = _BATCH
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(id, attribution records) for each article, in order; parses each language's texts together."""
    return _in_buffers(articles, batch_size, _attributions_buffer)


def _in_buffers(
    articles: Iterable[ArticleInput],
    batch_size: int,
    work: Callable[[Sequence[ArticleInput], int], Iterator[_Result]],
) -> Iterator[_Result]:
    """Run `work` over the articles `batch_size` at a time, yielding its results in order."""
    buffer: list[ArticleInput] = []
    for article in articles:
        buffer.append(article)
        if len(buffer) >= batch_size:
            yield from work(buffer, batch_size)
            buffer = []
    if buffer:
        yield from work(buffer, batch_size)


def _attributions_buffer(
    buffer: Sequence[ArticleInput], batch_size: int
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    results: dict[int, list[dict[str, Any]]] = {}
    for language, indices in _by_pipeline(buffer).items():
        pipeline = pipeline_for(language)
        bodies = pipeline.nlp.pipe((buffer[i].clean_text for i in indices), batch_size=batch_size)
        titles = pipeline.nlp.pipe((buffer[i].title_for_parser for i in indices), batch_size=batch_size)
        for index, body, title in zip(indices, bodies, titles, strict=True):
            full = pipeline.analysis == Analysis.FULL
            results[index] = (
                attribution_records(buffer[index], body, title, language=language) if full else []
            )
    for index, article in enumerate(buffer):
        yield article.id, results[index]


def _by_pipeline(buffer: Sequence[ArticleInput]) -> dict[str, list[int]]:
    """Indices of the buffer's articles, grouped by the language of the pipeline that parses them."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(buffer):
        groups[pipeline_for(article.language).language].append(index)
    return groups


def annotator_versions(language: str | None) -> Versions:
    """The versions an annotation in `language` would carry now (to decide re-annotation)."""
    pipeline = pipeline_for(language)
    return _versions(pipeline)


def _annotate_buffer(buffer: Sequence[ArticleInput], batch_size: int) -> Iterator[Annotation]:
    results: dict[int, Annotation] = {}
    for language, indices in _by_pipeline(buffer).items():
        pipeline = pipeline_for(language)
        bodies = pipeline.nlp.pipe((buffer[i].clean_text for i in indices), batch_size=batch_size)
        titles = pipeline.nlp.pipe((buffer[i].title_for_parser for i in indices), batch_size=batch_size)
        for index, body, title in zip(indices, bodies, titles, strict=True):
            results[index] = _annotation(buffer[index], pipeline, body, title)
    for index in range(len(buffer)):
        yield results[index]


def _annotation(article: ArticleInput, pipeline: Pipeline, body: Any, title: Any) -> Annotation:
    language = article.language or pipeline.language
    body_text = parsed_text(body, article.clean_text)
    title_text = parsed_text(title, article.title_for_parser)
    parts = (
        _Part(
            "text",
            body,
            _findings(body, body_text, pipeline, article.published),
            _OriginalSpans(article),
            body_text,
        ),
        _Part(
            "text" if article.title_map else "title",
            title,
            _findings(title, title_text, pipeline, article.published),
            _TitleSpans(article.title or "", article.title_map, article.text),
            title_text,
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
        attributions=[
            AttributionOut(**record)
            for part, headline in ((parts[1], True), (parts[0], False))
            for record in _part_attributions(part, pipeline, article.published, headline=headline)
        ],
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
    text: str  # what was parsed: `doc.text`, read once


def parsed_text(doc: Any, given: str) -> str:
    """`doc.text` without rebuilding it: the string that was parsed, when it is that one.

    spaCy joins every token again on each `doc.text`; the caller knows what it parsed.
    """
    if len(doc) == 0:
        return ""
    last = doc[-1]
    return given if len(given) == last.idx + len(last.text_with_ws) else str(doc.text)


def _findings(doc: Any, text: str, pipeline: Pipeline, published: dt.date | None) -> _Findings:
    from parallax.annotate.actors.catalog import load_catalog
    from parallax.annotate.actors.linking import link_actors

    if not text.strip():
        return _Findings([], [], [])
    actors = link_actors(
        doc, language=pipeline.language, published=published, catalog=load_catalog(), text=text
    )
    if pipeline.analysis != Analysis.FULL:
        return _Findings(actors, [], [])
    from parallax.annotate.lexicons.lexicon import find_loaded_language, load_lexicon
    from parallax.annotate.lexicons.scare_quotes import find_scare_quotes

    lexicon = load_lexicon(pipeline.language)
    loaded = find_loaded_language(doc, lexicon) if lexicon is not None else []
    return _Findings(actors, list(loaded), list(find_scare_quotes(doc, text=text)))


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


def _part_attributions(
    part: _Part, pipeline: Pipeline, published: dt.date | None, *, headline: bool
) -> list[dict[str, Any]]:
    """Attributions of the body or the headline (full analysis only: they need the parse)."""
    if pipeline.analysis != Analysis.FULL or not part.text.strip():
        return []
    from parallax.annotate.actors.catalog import load_catalog
    from parallax.annotate.attributions.extract import extract_attributions
    from parallax.annotate.attributions.speakers import resolve_speakers

    text = part.text
    found = extract_attributions(part.doc, language=pipeline.language, headline=headline, text=text)
    if not found:
        return []
    speakers = resolve_speakers(
        part.doc,
        found,
        part.findings.actors,
        language=pipeline.language,
        published=published,
        catalog=load_catalog(),
        text=text,
    )
    return [_attribution_record(a, s, part.spans, part.field) for a, s in zip(found, speakers, strict=True)]


def _versions(pipeline: Pipeline) -> Versions:
    from parallax.annotate.actors.catalog import load_catalog

    lexicon_version = None
    if pipeline.analysis == Analysis.FULL:
        from parallax.annotate.lexicons.lexicon import load_lexicon

        lexicon = load_lexicon(pipeline.language)
        lexicon_version = lexicon.version if lexicon is not None else None
    attributions_version = None
    if pipeline.analysis == Analysis.FULL:
        from parallax.annotate.attributions.extract import EXTRACTOR_VERSION
        from parallax.annotate.attributions.lexicon import load_cue_lexicon
        from parallax.annotate.attributions.speakers import source_types_version

        cues = load_cue_lexicon(pipeline.language)
        cues_version = f"+{cues.version}" if cues is not None else ""
        attributions_version = f"{EXTRACTOR_VERSION}{cues_version}+{source_types_version()}"
    return Versions(
        annotator=ANNOTATOR_VERSION,
        model=pipeline.model,
        actors=load_catalog().version,
        lexicon=lexicon_version,
        readability=READABILITY_VERSION,
        attributions=attributions_version,
    )


class _OriginalSpans:
    """Turns clean-text offsets into spans of the text as given."""

    def __init__(self, article: ArticleInput) -> None:
        self._clean = article.clean_text
        self._text = article.text
        self._map = article.offset_map

    def offsets(self, start: int, end: int) -> tuple[int, int]:
        return self._map.to_original(start, end)

    def span(self, start: int, end: int) -> Span:
        original_start, original_end = self._map.to_original(start, end)
        return Span(start=original_start, end=original_end, text=self._clean[start:end])

    def record(self, start: int, end: int) -> dict[str, Any]:
        """A span of the text as given, `{"start", "end", "text"}`, its text exactly `text[start:end]`."""
        original_start, original_end = self._map.to_original(start, end)
        return {"start": original_start, "end": original_end, "text": self._text[original_start:original_end]}


class _TitleSpans:
    """Headline offsets: into the text as given when the headline is part of it, else into the headline."""

    def __init__(self, title: str, title_map: OffsetMap | None, text: str | None = None) -> None:
        self._title = title
        self._map = title_map
        self._text = text  # the article's text as given, when the headline is part of it

    def offsets(self, start: int, end: int) -> tuple[int, int]:
        return self._map.to_original(start, end) if self._map else (start, end)

    def span(self, start: int, end: int) -> Span:
        original_start, original_end = self.offsets(start, end)
        return Span(start=original_start, end=original_end, text=self._title[start:end])

    def record(self, start: int, end: int) -> dict[str, Any]:
        """A span `{"start", "end", "text"}`, its text exactly that of the text (or headline) given."""
        original_start, original_end = self.offsets(start, end)
        if self._map is not None and self._text is not None:
            return {
                "start": original_start,
                "end": original_end,
                "text": self._text[original_start:original_end],
            }
        return {"start": original_start, "end": original_end, "text": self._title[start:end]}


def attribution_records(
    article: ArticleInput,
    body: Any,
    title: Any,
    *,
    language: str,
    mentions: tuple[list[ActorMention], list[ActorMention]] | None = None,
) -> list[dict[str, Any]]:
    """Attributions of a parsed article as interchange records, spans into the text as given.

    `{"kind", "content", "content_parts", "source", "cue", "speaker", "source_type",
    "source_country"}`, the headline's first. A headline given apart from the text has its
    spans marked `"field": "title"`. `mentions` (body's, headline's) are linked here when not
    given.
    """
    from parallax.annotate.actors.catalog import load_catalog
    from parallax.annotate.actors.linking import link_actors
    from parallax.annotate.attributions.extract import extract_attributions
    from parallax.annotate.attributions.speakers import resolve_speakers

    catalog = load_catalog()
    records = []
    parts = (
        (
            title,
            _TitleSpans(article.title or "", article.title_map, article.text),
            "text" if article.title_map else "title",
            1,
        ),
        (body, _OriginalSpans(article), "text", 0),
    )
    for doc, spans, field, which in parts:
        if len(doc) == 0:
            continue
        text = parsed_text(doc, article.title_for_parser if which == 1 else article.clean_text)
        found = extract_attributions(doc, language=language, headline=which == 1, text=text)
        if not found:
            continue
        doc_mentions = (
            mentions[which]
            if mentions is not None
            else link_actors(doc, language=language, published=article.published, catalog=catalog)
        )
        speakers = resolve_speakers(
            doc,
            found,
            doc_mentions,
            language=language,
            published=article.published,
            catalog=catalog,
            text=text,
        )
        for attribution, speaker in zip(found, speakers, strict=True):
            records.append(_attribution_record(attribution, speaker, spans, field))
    return records


def _attribution_record(
    attribution: Any, speaker: Any, spans: _OriginalSpans | _TitleSpans, field: str
) -> dict[str, Any]:
    content = attribution.content
    record: dict[str, Any] = {
        "kind": attribution.kind.value,
        "content": spans.record(content[0][0], content[-1][1]),
        "content_parts": [spans.record(start, end) for start, end in content] if len(content) > 1 else None,
        "source": spans.record(*attribution.source) if attribution.source else None,
        "cue": spans.record(attribution.cue[0][0], attribution.cue[-1][1]) if attribution.cue else None,
        "speaker": speaker.actor_id,
        "source_type": speaker.source_type.value,
        "source_country": speaker.country,
    }
    if field == "title":
        record["field"] = "title"
    return record
