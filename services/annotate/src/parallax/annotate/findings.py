"""What the analysers find in a parsed text, by character offsets into that text.

Analysers (actor linking, loaded-language lexicons, scare quotes) work on a spaCy `Doc` of
the article's clean text and return these plain records, offsets into the Doc's text.
`parallax.annotate.annotate` maps them to offsets into the original text for output.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ActorType(enum.StrEnum):
    """What kind of actor a canonical actor is."""

    PERSON = "person"
    GOVERNMENT = "government"
    COUNTRY = "country"
    ORGANISATION = "organisation"
    MEDIA = "media"
    GROUP = "group"
    PLACE = "place"


class LinkMethod(enum.StrEnum):
    """How a mention was linked to its actor (the confidence depends on it)."""

    ALIAS = "alias"  # an alias of the actor file, exactly (case and accents folded)
    TITLE = "title"  # a role held at the article's date: "le président russe"
    METONYM = "metonym"  # a place or building standing for a government: "le Kremlin", "Moscou a dit"
    FUZZY = "fuzzy"  # a close spelling of an alias (rapidfuzz), or a surname of a known person
    COREFERENCE = "coreference"  # a short form of a name met earlier in the same text
    NEW = "new"  # a name the actor file does not know, kept as an actor of this text


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A stretch of text that names (or stands for) a canonical actor."""

    start: int
    end: int
    text: str
    actor_id: str
    actor_type: ActorType
    method: LinkMethod
    confidence: float
    entity_label: str | None = None  # spaCy's label, when the mention was an entity
    corrected_label: str | None = None  # the label the actor implies, when spaCy's was wrong


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """A loaded or distancing word or phrase, with its category and the entry that matched."""

    start: int
    end: int
    text: str
    category: str
    entry: str
    lexicon: str  # which lexicon and version, e.g. "fr.v1"


@dataclass(frozen=True, slots=True)
class ScareQuote:
    """A short quoted word or phrase that is not reported speech: «garanties»."""

    start: int  # the opening quote mark
    end: int  # just after the closing quote mark
    text: str
    inner_start: int
    inner_end: int


class AttributionKind(enum.StrEnum):
    """How speech or thought is attributed to a source."""

    DIRECT = "direct"  # a full quotation: «…», a déclaré X / "…," said Smith
    MIXED = "mixed"  # a quoted fragment inside reported speech: qu'il était «clair» que …
    INDIRECT = "indirect"  # a verb of saying or thinking + clause: X affirme que … / X said that …
    ACCORDING_TO = "according_to"  # selon X, d'après X, according to X
    STATEMENT = "statement"  # a statement or communiqué: rapporte dans un communiqué le Kremlin
    COLON = "colon"  # X : «…» / X: "…"
    FLOATING = "floating"  # a quotation with no cue of its own, spoken by the last speaker


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who says (or thinks) what, by character offsets into the parsed text.

    `content` holds one span, or several when a cue interrupts it ("A," he said, "B").
    `source_token` is the index of the source's head token in the Doc, for speaker
    resolution; None when the source is implicit (a floating quotation, a passive).
    """

    kind: AttributionKind
    content: tuple[tuple[int, int], ...]
    cue: tuple[tuple[int, int], ...]
    source: tuple[int, int] | None
    source_token: int | None = None


@dataclass(frozen=True, slots=True)
class AttributionWords:
    """An attribution read back as the words its spans cover (for people, tests and logs)."""

    kind: AttributionKind
    content: tuple[str, ...]
    cue: tuple[str, ...]
    source: str | None
    source_span: tuple[int, int] | None

    @classmethod
    def of(cls, attribution: Attribution, text: str) -> AttributionWords:
        """The words of `attribution`'s spans in `text` (the text it was extracted from)."""
        return cls(
            kind=attribution.kind,
            content=tuple(text[start:end] for start, end in attribution.content),
            cue=tuple(text[start:end] for start, end in attribution.cue),
            source=text[attribution.source[0] : attribution.source[1]] if attribution.source else None,
            source_span=attribution.source,
        )

    @property
    def text(self) -> str:
        """The content's parts joined by a space."""
        return " ".join(self.content)

    @property
    def cue_text(self) -> str:
        """The cue's parts joined by a space."""
        return " ".join(self.cue)
