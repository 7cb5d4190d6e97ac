"""The annotation of one article, as stored and as written by `parallax annotate`.

Every span is `{start, end, text}` by character offsets into the text exactly as given
(`field: "text"`) — the headline too when it is part of the text, as in a PDF — or, for a
headline given apart from the text, into that headline (`field: "title"`). `text` is the span's words as
cleaned (a hyphenated word rejoined, say), so it may differ from `original[start:end]`
in line breaks and spacing, never in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from parallax.annotate.readability import Readability
from parallax.shared.schemas import Span

Field_ = Literal["text", "title"]


@dataclass(slots=True)
class Token:
    """A word or punctuation mark with its lemma and part of speech (empty in light analysis).

    A plain dataclass, not a pydantic model: an article has hundreds of tokens, and building
    that many models costs more than all the other analysis added to spaCy's parse.
    """

    start: int
    end: int
    text: str
    lemma: str
    pos: str
    sentence: int


class Mention(BaseModel):
    """Where an actor is named, and how the link was made."""

    start: int
    end: int
    text: str
    field: Field_ = "text"
    method: str
    confidence: float
    entity_label: str | None = None
    corrected_label: str | None = None


class ActorInArticle(BaseModel):
    """A canonical actor and every mention of it in the article."""

    id: str
    type: str
    name: str
    country: str | None = None
    mentions: list[Mention]


class Entity(BaseModel):
    """A named entity as spaCy found it, with the label the actor file corrected it to."""

    start: int
    end: int
    text: str
    field: Field_ = "text"
    label: str
    corrected_label: str | None = None
    actor_id: str | None = None


class LoadedTerm(BaseModel):
    """A loaded or distancing word or phrase, by category, with the lexicon entry it matched."""

    start: int
    end: int
    text: str
    field: Field_ = "text"
    category: str
    entry: str


class ScareQuote(BaseModel):
    """A short quoted word or phrase that is not reported speech."""

    start: int
    end: int
    text: str
    field: Field_ = "text"
    inner: Span


class AttributionOut(BaseModel):
    """Who says (or thinks) what: the quotation or clause, its source, its cue, the speaker."""

    kind: str
    content: Span
    content_parts: list[Span] | None = None
    source: Span | None = None
    cue: Span | None = None
    speaker: str | None = None
    source_type: str = "unknown"
    source_country: str | None = None
    field: Field_ = "text"


class Versions(BaseModel):
    """What produced the annotation: re-annotate when any of these changes."""

    annotator: str
    model: str
    actors: str | None
    lexicon: str | None
    readability: str
    attributions: str | None = None

    def key(self) -> str:
        """One string for the whole set, stored and compared to decide re-annotation."""
        parts = (self.annotator, self.model, self.actors, self.lexicon, self.readability, self.attributions)
        return "|".join(str(part) for part in parts)


class Annotation(BaseModel):
    """Everything the annotate service finds in one article."""

    id: str
    language: str
    analysis: Literal["full", "light"]
    versions: Versions
    sentences: list[Span]
    tokens: list[Token]
    entities: list[Entity] = Field(default_factory=list)
    actors: list[ActorInArticle] = Field(default_factory=list)
    loaded: list[LoadedTerm] = Field(default_factory=list)
    scare_quotes: list[ScareQuote] = Field(default_factory=list)
    attributions: list[AttributionOut] = Field(default_factory=list)
    readability: Readability
