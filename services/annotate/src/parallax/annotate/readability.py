"""Readability with textstat set to the text's language, and plain length statistics.

Each language gets the formulas made or adapted for it: French the Flesch reading ease with
Kandel and Moles' constants (207 - 1.015 x words per sentence - 73.6 x syllables per word),
English Flesch, Flesch-Kincaid grade and Coleman-Liau, German the Wiener
Sachtextformel, Spanish Fernández Huerta and Szigriszt-Pazos, Italian Gulpease. Every
language also gets LIX and RIX, which count letters and words only and so hold in any
language written with spaces. Syllables come from textstat's hyphenation dictionaries.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import BaseModel

READABILITY_VERSION = "readability.v1-textstat-0.7"

_FORMULAS: dict[str, tuple[str, ...]] = {
    "fr": ("flesch_reading_ease",),
    # Gunning fog is left out: it costs as much as the other English formulas together.
    "en": ("flesch_reading_ease", "flesch_kincaid_grade", "coleman_liau_index"),
    "de": ("flesch_reading_ease", "wiener_sachtextformel"),
    "es": ("fernandez_huerta", "szigriszt_pazos"),
    "it": ("flesch_reading_ease", "gulpease_index"),
    "nl": ("flesch_reading_ease",),
    "ru": ("flesch_reading_ease",),
}
_ANY_LANGUAGE = ("lix", "rix")
# Languages for which textstat has syllable rules (pyphen dictionaries) and constants.
_SYLLABLE_LANGUAGES = frozenset({"en", "fr", "de", "es", "it", "nl", "ru", "pl", "pt", "cs", "hu"})


class Readability(BaseModel):
    """How hard a text is to read, by the formulas that fit its language."""

    language: str
    formulas: dict[str, float]
    sentences: int
    words: int
    characters: int
    words_per_sentence: float
    syllables_per_word: float | None


def measure_readability(text: str, *, language: str, sentences: int, words: int) -> Readability:
    """Readability of `text` in `language`; sentence and word counts come from the parse."""
    code = language if language in _FORMULAS or language in _SYLLABLE_LANGUAGES else "xx"
    statistics = _statistics(code)
    formulas = {
        name: round(float(_formula(statistics, name)(text)), 2)
        for name in _FORMULAS.get(code, ()) + _ANY_LANGUAGE
    }
    syllables = (
        round(float(statistics.avg_syllables_per_word(text)), 3) if code in _SYLLABLE_LANGUAGES else None
    )
    return Readability(
        language=language,
        formulas=formulas,
        sentences=sentences,
        words=words,
        characters=len(text),
        words_per_sentence=round(words / sentences, 2) if sentences else 0.0,
        syllables_per_word=syllables,
    )


@cache
def _statistics(code: str) -> Any:
    """textstat's calculator set to one language: one object per language, so no shared state."""
    from textstat.textstat import textstatistics

    statistics = textstatistics()
    statistics.set_lang(code if code != "xx" else "en")
    return statistics


def _formula(statistics: Any, name: str) -> Callable[[str], float]:
    function: Callable[[str], float] = getattr(statistics, name)
    return function
