"""Attribution cue lexicons: reporting verbs with their categories and frames, and the words
that turn a report into something else (negation, hypothesis).

One YAML file per language in `data/` (`cues_en.yaml`, `cues_fr.yaml`); the header of each
file describes its fields. A lexicon is read once per process (`load_cue_lexicon`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

DATA_DIR: Final = Path(__file__).with_name("data")

CATEGORIES: Final = frozenset({"speech", "thought", "perception", "evidence", "stance", "learned"})
FRAMES: Final = frozenset(
    {"clause", "quote", "infinitive", "object", "naming", "quoted_object", "prepositional"}
)


class CueLexiconError(ValueError):
    """A cue lexicon file is malformed; the message names the file, the field and the fix."""


@dataclass(frozen=True, slots=True)
class CueVerb:
    """A reporting verb: its lemma, what it reports and which complements can hold the report."""

    lemma: str
    category: str
    frames: frozenset[str]
    particle: str | None = None  # "out" for "point out"
    preposition: str | None = None  # "for" for "call for": the content is its object
    quoted: bool = False  # the prepositional content counts only when it holds a quotation


@dataclass(frozen=True)
class CueLexicon:
    """A language's attribution cues, read from `data/cues_<language>.yaml`."""

    language: str
    version: str  # "cues_en.v1"
    verbs: Mapping[str, CueVerb]
    phrasal: Mapping[tuple[str, str], CueVerb]  # (lemma, particle) -> cue
    prepositional: Mapping[tuple[str, str], CueVerb]  # (lemma, preposition) -> cue
    lemma_fixes: Mapping[str, str]
    statement_nouns: frozenset[str]
    according_to: tuple[tuple[str, ...], ...]
    negation: frozenset[str]
    negative_subjects: frozenset[str]
    negative_embedding: frozenset[str]
    unrealized_embedding: frozenset[str]
    addressee_verbs: frozenset[str]
    clause_proforms: frozenset[str]
    hypothetical_aux: frozenset[str]
    hypothetical_marks: frozenset[str]
    question_verbs: frozenset[str] = frozenset()
    question_marks: frozenset[str] = frozenset()
    headline_rubrics: frozenset[str] = frozenset()
    modal_aux: frozenset[str] = frozenset()
    idioms: frozenset[tuple[str, str]] = frozenset()
    clause_marks: frozenset[str] = frozenset()
    opinion_openers: frozenset[str] = frozenset()
    # Which reports inside someone's reported words are attributions of their own: "speech"
    # (only saying, through a clause or a quotation) or "all".
    nested_reports: str = "all"

    @functools.cached_property
    def cue_lemmas(self) -> frozenset[str]:
        """Every lemma that is, or is part of, a cue: a quick test before reading a verb's parse."""
        lemmas = set(self.verbs)
        lemmas.update(word for pair in self.phrasal for word in pair)
        lemmas.update(lemma for lemma, _ in self.prepositional)
        return frozenset(lemmas)

    @functools.cached_property
    def phrasal_heads(self) -> frozenset[str]:
        """The verbs of the phrasal cues ("point" of "point out")."""
        return frozenset(lemma for lemma, _ in self.phrasal)

    @functools.cached_property
    def prepositional_heads(self) -> frozenset[str]:
        """The verbs of the prepositional cues ("call" of "call for")."""
        return frozenset(lemma for lemma, _ in self.prepositional)

    @functools.cached_property
    def lemma_forms(self) -> frozenset[str]:
        """The lemmas the parser may give a cue verb: its own, the known mistakes, capitalised.

        French infinitives lemmatised without their "r" ("annonce" for "annoncer") included.
        """
        forms = set(self.cue_lemmas) | set(self.lemma_fixes)
        forms.update(lemma[:-1] for lemma in self.cue_lemmas if lemma.endswith(("er", "ir", "re")))
        forms.update([form.capitalize() for form in forms])
        return frozenset(forms)

    def lemma(self, token: Any) -> str:
        """The token's lemma, lowercased, with the model's known mistakes corrected."""
        lemma = str(token.lemma_).lower()
        return self.lemma_fixes.get(lemma, lemma)


def load_cue_lexicon(language: str) -> CueLexicon | None:
    """The cue lexicon shipped for `language` ("en", "fr", "fr-FR" …), or None when there is none."""
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return _load_shipped(code) if code.isalpha() else None


@functools.cache
def _load_shipped(code: str) -> CueLexicon | None:
    path = DATA_DIR / f"cues_{code}.yaml"
    if not path.is_file():
        return None
    return read_cue_lexicon(path)


def read_cue_lexicon(path: Path) -> CueLexicon:
    """Read and check a cue lexicon file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not {"version", "language", "verbs"} <= data.keys():
        raise CueLexiconError(f"{path}: needs `version`, `language` and `verbs` at the top level")
    verbs: dict[str, CueVerb] = {}
    for group in data["verbs"]:
        for lemma in group["lemmas"]:
            if lemma in verbs:
                raise CueLexiconError(f"{path}: the verb {lemma!r} is listed twice; keep one entry")
            verbs[lemma] = _cue_verb(path, lemma, group)
    phrasal = {
        (entry["lemma"], entry["particle"]): _cue_verb(path, entry["lemma"], entry)
        for entry in data.get("phrasal") or []
    }
    prepositional = {
        (entry["lemma"], entry["preposition"]): _cue_verb(
            path, entry["lemma"], {**entry, "frames": ["prepositional"]}
        )
        for entry in (data.get("prepositional") or {}).get("entries") or []
    }

    learned = path.with_name(f"{path.stem}_polnear.yaml")
    if learned.is_file():
        # a verb that denies the saying below it ("declined to say") is no cue of its own
        refusing = {str(word).lower() for word in data.get("negative_embedding") or []}
        addressed = {str(word).lower() for word in data.get("addressee_verbs") or []}
        _add_learned(learned, verbs, prepositional, refusing, addressed)

    def words(name: str) -> frozenset[str]:
        return frozenset(str(word).lower() for word in data.get(name) or [])

    return CueLexicon(
        language=str(data["language"]),
        version=f"cues_{data['language']}.v{data['version']}",
        verbs=verbs,
        phrasal=phrasal,
        prepositional=prepositional,
        lemma_fixes={str(k): str(v) for k, v in (data.get("lemma_fixes") or {}).items()},
        according_to=tuple(
            tuple(str(word).lower() for word in phrase) for phrase in data.get("according_to") or []
        ),
        statement_nouns=words("statement_nouns"),
        negation=words("negation"),
        negative_subjects=words("negative_subjects"),
        negative_embedding=words("negative_embedding"),
        unrealized_embedding=words("unrealized_embedding"),
        addressee_verbs=words("addressee_verbs"),
        clause_proforms=words("clause_proforms"),
        hypothetical_aux=words("hypothetical_aux"),
        hypothetical_marks=words("hypothetical_marks"),
        question_verbs=words("question_verbs"),
        question_marks=words("question_marks"),
        headline_rubrics=words("headline_rubrics"),
        modal_aux=words("modal_aux"),
        opinion_openers=words("opinion_openers"),
        clause_marks=words("clause_marks"),
        nested_reports=_nested_reports(path, data.get("nested_reports", "all")),
        idioms=frozenset(
            (str(first).lower(), str(second).lower()) for first, second in data.get("idioms") or []
        ),
    )


NESTED_REPORTS: Final = ("speech", "all")


def _nested_reports(path: Path, value: Any) -> str:
    if value not in NESTED_REPORTS:
        raise CueLexiconError(f"{path}: nested_reports is {value!r}; use one of {list(NESTED_REPORTS)}")
    return str(value)


# Prepositions that open adjuncts of time, place or manner far more often than a content.
_ADJUNCT_PREPOSITIONS: Final = frozenset(
    {
        "in",
        "on",
        "at",
        "during",
        "after",
        "before",
        "since",
        "until",
        "with",
        "from",
        "by",
        "over",
        "through",
        "into",
        "across",
        "amid",
    }
)


def _add_learned(
    path: Path,
    verbs: dict[str, CueVerb],
    prepositional: dict[tuple[str, str], CueVerb],
    refusing: set[str],
    addressed: set[str],
) -> None:
    """Add the frames derived from an annotated corpus (`derive_polnear_cues.py`).

    A listed verb keeps its category and gains the complements the corpus shows it reporting
    with ("claimed self-defense": an object for "claim"), except an object for the verbs whose
    object is whom one speaks to ("told reporters"). Verbs that refuse the saying below them
    ("declined to say") never become cues, and time or place adjuncts ("announced on
    Tuesday") never become contents.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    frames: dict[str, set[str]] = {}
    for raw_lemma, raw_frame, *_counts in data.get("frames") or []:
        lemma, frame = str(raw_lemma), str(raw_frame)
        if lemma in refusing:
            continue
        if frame.startswith("prep:"):
            key = (lemma, frame.removeprefix("prep:"))
            if key in prepositional:
                continue
            category = verbs[lemma].category if lemma in verbs else "learned"
            prepositional[key] = CueVerb(lemma, category, frozenset({"prepositional"}), preposition=key[1])
            continue
        if frame not in FRAMES:
            raise CueLexiconError(f"{path}: {lemma!r} has frame {frame!r}; use one of {sorted(FRAMES)}")
        if frame == "object" and lemma in addressed:
            continue
        frames.setdefault(lemma, set()).add(frame)
    for lemma, found in frames.items():
        listed = verbs.get(lemma)
        if listed is None:
            verbs[lemma] = CueVerb(lemma, "learned", frozenset(found))
        elif not found <= listed.frames:
            verbs[lemma] = CueVerb(
                lemma,
                listed.category,
                listed.frames | found,
                listed.particle,
                listed.preposition,
                listed.quoted,
            )


def _cue_verb(path: Path, lemma: str, entry: Mapping[str, Any]) -> CueVerb:
    for key in ("lemma", "particle", "preposition"):
        if key in entry and not isinstance(entry[key], str):
            # YAML reads a bare on, off, yes or no as a boolean
            raise CueLexiconError(f'{path}: {key} {entry[key]!r} of {lemma!r} is not a word; quote it ("on")')
    if not isinstance(lemma, str):
        raise CueLexiconError(f'{path}: the lemma {lemma!r} is not a word; quote it ("on")')
    category, frames = entry.get("category"), frozenset(entry.get("frames") or ())
    if category not in CATEGORIES:
        raise CueLexiconError(f"{path}: {lemma!r} has category {category!r}; use one of {sorted(CATEGORIES)}")
    if not frames or not frames <= FRAMES:
        raise CueLexiconError(f"{path}: {lemma!r} has frames {sorted(frames)}; use some of {sorted(FRAMES)}")
    return CueVerb(
        lemma,
        str(category),
        frames,
        entry.get("particle"),
        entry.get("preposition"),
        bool(entry.get("quoted")),
    )
