"""Who speaks: the canonical actor behind each attribution's source, and the kind of source.

Steps for each attribution, in text order:
1. **Speaker.** The actor mention that covers the source's head token (or overlaps the source
   most) — titles and metonyms are already actors there ("le président russe", "le Kremlin").
   A pronoun source ("il", "elle", "he", "she", "they") is the last speaker if that speaker
   fits (a person for a singular personal pronoun), else the last person named before it.
   A source-less quotation (floating, or a passive) inherits the last speaker.
2. **Source type.** From the speaker's type when the actor file knows it (a government, a
   country, a person holding an office on the article's date or an organisation are
   `official`, with their country; a media actor `media`), otherwise from the words of the
   source phrase and an apposition after it ("un économiste", "sources close to",
   "le rapport", "a resident"): anonymous, document, media, expert, citizen, official — in
   that order, so that "un responsable sous couvert de l'anonymat" is anonymous.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from parallax.annotate.findings import ActorMention, ActorType, Attribution

SOURCE_TYPES_VERSION_PREFIX = "source-types"

_PERSONAL_SINGULAR = frozenset({"il", "elle", "he", "she", "lui", "him", "her"})
_PLURAL = frozenset({"ils", "elles", "they", "them", "eux"})
# How far after the source an apposition may describe it ("X, professeur à …, a déclaré").
_APPOSITION_TOKENS = 12


class SourceType(enum.StrEnum):
    """The kind of source an attribution cites."""

    OFFICIAL = "official"  # governments, office holders, institutions and their spokespeople
    ANONYMOUS = "anonymous"
    EXPERT = "expert"
    MEDIA = "media"
    DOCUMENT = "document"
    CITIZEN = "citizen"
    UNKNOWN = "unknown"


# Kinds of source that the words of the text establish better than the actor file does.
_WORDS_OVERRIDE = frozenset({SourceType.ANONYMOUS, SourceType.EXPERT, SourceType.DOCUMENT})


@dataclass(frozen=True)
class Speaker:
    """The resolved speaker of one attribution."""

    actor_id: str | None
    source_type: SourceType
    country: str | None = None
    inherited: bool = False  # taken from an earlier attribution (pronoun, floating quotation)


def resolve_speakers(
    doc: Any,
    attributions: Sequence[Attribution],
    mentions: Sequence[ActorMention],
    *,
    language: str,
    published: dt.date | None,
    catalog: Any,
    text: str | None = None,
) -> list[Speaker]:
    """One `Speaker` per attribution, in the same order (see the module docstring).

    `text` is `doc.text` when the caller has it already (spaCy rebuilds it on every access).
    """
    ordered = sorted(mentions, key=lambda m: m.start)
    text = doc.text if text is None else text
    speakers: list[Speaker] = []
    last: Speaker | None = None
    for attribution in attributions:
        speaker = _resolve_one(
            doc, text, attribution, ordered, last, language=language, published=published, catalog=catalog
        )
        speakers.append(speaker)
        if speaker.actor_id is not None or speaker.source_type != SourceType.UNKNOWN:
            last = speaker
    return speakers


def _resolve_one(
    doc: Any,
    text: str,
    attribution: Attribution,
    mentions: Sequence[ActorMention],
    last: Speaker | None,
    *,
    language: str,
    published: dt.date | None,
    catalog: Any,
) -> Speaker:
    if attribution.source is None:
        return _inherit(last)
    start, end = attribution.source
    described = _type_from_words(doc, text, start, end, attribution.source_token, language)
    mention = _mention_for(start, end, attribution.source_token, doc, mentions)
    if mention is None:
        head = doc[attribution.source_token] if attribution.source_token is not None else None
        if head is not None and head.pos_ == "PRON":
            return _pronoun(head.lower_, last, mentions, start, catalog, published)
        return Speaker(None, described)
    source_type, country = _actor_profile(mention, catalog, published)
    # What the text says of the source ("un proche de X", "X, économiste", "a Gallup poll")
    # says more than the actor file when it makes the source anonymous, an expert or a text.
    if source_type == SourceType.UNKNOWN or (
        described in _WORDS_OVERRIDE and source_type != SourceType.MEDIA
    ):
        source_type = described if described != SourceType.UNKNOWN else source_type
    return Speaker(mention.actor_id, source_type, country)


def _inherit(last: Speaker | None) -> Speaker:
    if last is None:
        return Speaker(None, SourceType.UNKNOWN)
    return Speaker(last.actor_id, last.source_type, last.country, inherited=True)


def _pronoun(
    pronoun: str,
    last: Speaker | None,
    mentions: Sequence[ActorMention],
    before: int,
    catalog: Any,
    published: dt.date | None,
) -> Speaker:
    """Resolve a pronoun to the last speaker if it fits, else to the last person named before it."""
    singular = pronoun in _PERSONAL_SINGULAR
    if last is not None and last.actor_id is not None:
        last_is_person = last.actor_id.startswith(("person/", "new/person/"))
        if last_is_person or not singular:
            return _inherit(last)
    if singular:
        for mention in reversed(mentions):
            if mention.end <= before and mention.actor_type == ActorType.PERSON:
                source_type, country = _actor_profile(mention, catalog, published)
                return Speaker(mention.actor_id, source_type, country, inherited=True)
    return Speaker(None, SourceType.UNKNOWN)


def _mention_for(
    start: int, end: int, head: int | None, doc: Any, mentions: Sequence[ActorMention]
) -> ActorMention | None:
    """The actor mention that stands for the source: the one on its head, else the widest overlap."""
    if head is not None:
        head_char = doc[head].idx
        for mention in mentions:
            if mention.start <= head_char < mention.end:
                return mention
    best, best_overlap = None, 0
    for mention in mentions:
        if mention.start >= end:
            break
        overlap = min(end, mention.end) - max(start, mention.start)
        if overlap > best_overlap:
            best, best_overlap = mention, overlap
    return best


def _actor_profile(
    mention: ActorMention, catalog: Any, published: dt.date | None
) -> tuple[SourceType, str | None]:
    """Source type and country from what the actor file says of the actor."""
    if mention.actor_type in (ActorType.GOVERNMENT, ActorType.COUNTRY):
        actor = catalog.get(mention.actor_id) if mention.actor_id in catalog else None
        return SourceType.OFFICIAL, actor.country if actor else None
    if mention.actor_type == ActorType.MEDIA:
        return SourceType.MEDIA, None
    if mention.actor_type == ActorType.ORGANISATION and mention.actor_id in catalog:
        # Institutions of the actor file (NATO, the UN, parties, ministries) speak officially;
        # an organisation the file does not know could be anything: its words decide.
        return SourceType.OFFICIAL, catalog.get(mention.actor_id).country
    if mention.actor_type == ActorType.PERSON and mention.actor_id in catalog:
        actor = catalog.get(mention.actor_id)
        day = published or dt.date.today()
        held = [role for role in actor.roles if role.held_on(day)]
        if held:
            country = held[0].of if len(held[0].of) == 2 else actor.country
            return SourceType.OFFICIAL, country
        return SourceType.UNKNOWN, actor.country
    return SourceType.UNKNOWN, None


def _type_from_words(
    doc: Any, text: str, start: int, end: int, head: int | None, language: str
) -> SourceType:
    """The first category whose words appear in the source phrase or an apposition after it."""
    window_end = end
    if head is not None:
        # An apposition set off by a comma right after the source describes it.
        last_token = doc.char_span(start, end, alignment_mode="expand")
        if last_token is not None and last_token.end < len(doc) and doc[last_token.end].text == ",":
            limit = min(len(doc), last_token.end + _APPOSITION_TOKENS)
            for token in doc[last_token.end + 1 : limit]:
                if token.text == "," or token.pos_ == "VERB":
                    window_end = token.idx
                    break
            else:
                window_end = doc[limit - 1].idx + len(doc[limit - 1].text)
    phrase = text[start:window_end].casefold()
    lemmas = {
        token.lemma_.casefold() for token in doc.char_span(start, window_end, alignment_mode="expand") or ()
    }
    for category, single_words, phrases in _lexicon_by_shape(language):
        if not lemmas.isdisjoint(single_words) or any(words in phrase for words in phrases):
            return category
    return SourceType.UNKNOWN


@cache
def _lexicon_by_shape(language: str) -> tuple[tuple[SourceType, frozenset[str], tuple[str, ...]], ...]:
    """Each category's words, single words (matched on lemmas) apart from phrases (matched in
    the text), in the lexicon's order."""
    return tuple(
        (
            category,
            frozenset(word for word in words if " " not in word),
            tuple(word for word in words if " " in word),
        )
        for category, words in _lexicon(language).items()
    )


@cache
def _lexicon(language: str) -> dict[SourceType, tuple[str, ...]]:
    import yaml

    text = (
        resources.files("parallax.annotate.attributions")
        .joinpath("data", "source_types.yaml")
        .read_text("utf-8")
    )
    data = yaml.safe_load(text)
    code = language if language in ("fr", "en") else "en"
    return {
        SourceType(category): tuple(str(word).casefold() for word in words.get(code, ()))
        for category, words in data["categories"].items()
    }


@cache
def source_types_version() -> str:
    """`source-types.vN`, from the data file (recorded with every annotation)."""
    import yaml

    text = (
        resources.files("parallax.annotate.attributions")
        .joinpath("data", "source_types.yaml")
        .read_text("utf-8")
    )
    return f"{SOURCE_TYPES_VERSION_PREFIX}.v{yaml.safe_load(text)['version']}"
