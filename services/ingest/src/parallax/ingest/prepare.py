"""From draft to storable article: validate, clean, detect the language, fingerprint.

Pure functions over plain data (no database, no network), so they run in worker processes
and in tests alike. A draft either becomes a `PreparedArticle` or a `Refusal` that says
what was wrong and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from parallax.ingest.decoding import binary_kind
from parallax.ingest.fingerprint import content_hash, near_duplicate_keys, version_hash
from parallax.ingest.language import detect_language
from parallax.ingest.records import Draft, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.layout import LAYOUT_VERSION, normalize_article
from parallax.shared.schemas import ArticleIn, describe_validation_error
from parallax.shared.text import NORMALIZER_VERSION

CLEANING_VERSION = f"{NORMALIZER_VERSION}+{LAYOUT_VERSION}"


@dataclass(frozen=True)
class PrepareOptions:
    """What a run imposes on every draft (command-line choices) and the limits that apply."""

    outlet: str | None = None
    language: str | None = None
    min_article_chars: int = 40
    max_article_chars: int = 500_000

    @classmethod
    def from_settings(
        cls, settings: Settings, *, outlet: str | None = None, language: str | None = None
    ) -> PrepareOptions:
        """Options from settings plus a run's own choices."""
        return cls(
            outlet=outlet,
            language=language,
            min_article_chars=settings.min_article_chars,
            max_article_chars=settings.max_article_chars,
        )


@dataclass(frozen=True)
class PreparedArticle:
    """Everything ingest stores for one article, computed without touching the database."""

    source: str
    location: str | None
    source_kind: str
    outlet: str
    external_id: str | None
    title: str | None
    url: str | None
    published_at: dt.datetime | None
    language: str | None
    language_confidence: float | None
    language_source: str | None
    original_text: str
    clean_text: str
    offset_map: list[int]
    title_span: dict[str, Any] | None
    dateline: dict[str, Any] | None
    extra: dict[str, Any]
    content_hash: str
    version_hash: str
    band_keys: list[int] = field(default_factory=list)


def prepare_draft(draft: Draft, options: PrepareOptions) -> PreparedArticle | Refusal:
    """Validate and clean one draft.

    Steps:
    1. apply the run's choices (outlet, language) and validate the interchange fields;
    2. check the text: present, not binary, not too long;
    3. separate headline and dateline, clean the body with an offset map;
    4. check the cleaned body is long enough to be an article;
    5. take the given language or detect it;
    6. hash and fingerprint the clean text.
    """
    # 1.
    fields = dict(draft.fields)
    if options.outlet:
        fields["outlet"] = options.outlet
    if options.language:
        fields["language"] = options.language
    if not fields.get("outlet"):
        return _refuse(
            draft,
            RefusalReason.NO_OUTLET,
            'no outlet: add an "outlet" field (or outlet: in the front matter), or pass --outlet NAME',
        )
    try:
        article = ArticleIn.model_validate(fields)
    except ValidationError as error:
        return _refuse(draft, RefusalReason.INVALID_RECORD, describe_validation_error(error))
    # 2.
    text_problem = _text_problem(article.text, options)
    if text_problem is not None:
        return _refuse(draft, *text_problem)
    # 3.
    normalized = normalize_article(article.text, title=article.title)
    # 4.
    if len(normalized.clean_text) < options.min_article_chars:
        return _refuse(
            draft,
            RefusalReason.TEXT_TOO_SHORT,
            f"the article body is {len(normalized.clean_text)} characters once cleaned; "
            f"at least {options.min_article_chars} are needed (PARALLAX_MIN_ARTICLE_CHARS)",
        )
    # 5.
    language: str | None = article.language
    confidence: float | None = None
    language_source = "given"
    if language is None:
        guess = detect_language(normalized.clean_text)
        language, confidence, language_source = guess.code, guess.confidence, "detected"
    # 6.
    return PreparedArticle(
        source=draft.provenance.source,
        location=draft.provenance.location,
        source_kind=draft.provenance.kind.value,
        outlet=article.outlet,
        external_id=article.id,
        title=normalized.title,
        url=article.url,
        published_at=article.published,
        language=language,
        language_confidence=confidence,
        language_source=language_source,
        original_text=article.text,
        clean_text=normalized.clean_text,
        offset_map=normalized.offset_map.to_json(),
        title_span=normalized.title_span.model_dump() if normalized.title_span else None,
        dateline=_dateline_record(normalized.dateline),
        extra=article.extra_fields,
        content_hash=content_hash(normalized.clean_text),
        version_hash=version_hash(normalized.title, normalized.clean_text),
        band_keys=near_duplicate_keys(normalized.clean_text),
    )


def prepare_drafts(drafts: list[Draft], options: PrepareOptions) -> list[PreparedArticle | Refusal]:
    """`prepare_draft` over a list."""
    return [prepare_draft(draft, options) for draft in drafts]


def prepare_drafts_without_originals(
    drafts: list[Draft], options: PrepareOptions
) -> list[PreparedArticle | Refusal]:
    """`prepare_drafts` for a worker process: the original texts are left out of the results.

    The caller still holds the drafts and puts them back with `restore_originals`; sending
    them back through the pipe would only copy them twice.
    """
    return [
        replace(item, original_text="") if isinstance(item, PreparedArticle) else item
        for item in prepare_drafts(drafts, options)
    ]


def restore_originals(
    drafts: list[Draft], prepared: list[PreparedArticle | Refusal]
) -> list[PreparedArticle | Refusal]:
    """Put back the original texts that `prepare_drafts_without_originals` left out."""
    return [
        replace(item, original_text=draft.fields["text"]) if isinstance(item, PreparedArticle) else item
        for draft, item in zip(drafts, prepared, strict=True)
    ]


def _text_problem(text: str, options: PrepareOptions) -> tuple[RefusalReason, str] | None:
    if not text.strip():
        return RefusalReason.EMPTY_TEXT, "the text is empty"
    if len(text) > options.max_article_chars:
        return (
            RefusalReason.TEXT_TOO_LONG,
            f"the text is {len(text):,} characters; the limit is {options.max_article_chars:,} "
            "(PARALLAX_MAX_ARTICLE_CHARS); split it or raise the limit",
        )
    kind = binary_kind(text[:8192].encode("utf-8", errors="replace"))
    if kind is not None:
        return RefusalReason.BINARY_CONTENT, f"the text holds {kind}, not prose (control characters)"
    return None


def _dateline_record(dateline: Any) -> dict[str, Any] | None:
    if dateline is None:
        return None
    return {
        "span": dateline.span.model_dump(),
        "places": list(dateline.places),
        "date_text": dateline.date_text,
        "agency": dateline.agency,
    }


def _refuse(draft: Draft, reason: RefusalReason, message: str) -> Refusal:
    # The whole record is kept, metadata included, so the user can fix and resend it.
    payload = json.dumps(draft.fields, ensure_ascii=False, default=str)
    return Refusal(draft.provenance, reason, message, payload=payload)
