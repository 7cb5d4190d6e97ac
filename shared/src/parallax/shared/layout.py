"""Article layout: the headline repeated at the top of a body, and the dateline.

Texts extracted from PDFs and pages often start with the headline (hard-wrapped over several
lines) and a dateline ("Moscou/Paris, 3 février (RHC)", "WASHINGTON (Reuters) -"). Both are
metadata, not body: `normalize_article` finds them, keeps them with their spans in the
original, and cleans only the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parallax.shared.offsets import OffsetMap
from parallax.shared.schemas import Span
from parallax.shared.text import normalize

LAYOUT_VERSION = "layout.v1"

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
    "décembre|decembre|janv|févr|fevr|avr|juil|sept|oct|nov|déc|dec|"
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
_WEEKDAY = (
    r"(?:(?i:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+)?"
)
_DAY_FIRST = r"\d{1,2}(?:er|st|nd|rd|th)?\.?\s+(?i:" + _MONTHS + r")\.?(?:\s+\d{4})?"
_MONTH_FIRST = r"(?i:" + _MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?"
_DATE = r"(?:" + _WEEKDAY + r"(?:" + _DAY_FIRST + "|" + _MONTH_FIRST + r")(?:,?\s+\d{1,2}\s*[h:]\s*\d{2})?)"
_PLACE_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*"
_PLACE = _PLACE_WORD + r"(?:[ \-]" + _PLACE_WORD + r"){0,3}"
_PLACES = r"(?P<places>" + _PLACE + r"(?:\s*/\s*" + _PLACE + r")*)"
_AGENCY = r"\((?P<agency>[A-Z][\w .&'’-]{0,40})\)"
_DASH = r"\s*[-–—:]+\s*"

_DATELINES = (
    # "Moscou/Paris, 3 février (RHC)", "PARIS, Feb 3 (Reuters) -"
    re.compile(
        _PLACES + r"\s*,\s*(?P<date>" + _DATE + r")\s*(?:" + _AGENCY + r")?(?:\s*\.)?(?:" + _DASH + r")?",
        re.I,
    ),
    # "WASHINGTON (Reuters) -", "Paris (AFP) -"
    re.compile(_PLACES + r"\s*" + _AGENCY + _DASH),
    # "WASHINGTON —" (the place in capitals, then a dash)
    re.compile(r"(?P<places>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ .'’\-]{1,40}?(?:/[A-ZÀ-ÖØ-Þ .'’\-]{2,40})?)\s*[-–—]+\s+"),
    # "1er janvier 2016, 14h30 . –" (a date alone, then a dash or a line break)
    re.compile(r"(?P<date>" + _DATE + r")\s*\.?\s*(?:[-–—]+\s*|(?=\n))"),
)

_WORD = re.compile(r"\S+")
_TRIM = "\"'«»“”‘’.,;:!?()[]"
_TERMINAL = re.compile(r"[.!?…][»”\"’')\]]*\s*$")
_BYLINE = re.compile(r"(?:[Bb]y|BY|[Pp]ar|PAR)\s+[A-ZÀ-Þ]")


@dataclass(frozen=True)
class Dateline:
    """The dateline at the top of an article, kept as metadata."""

    span: Span
    places: tuple[str, ...]
    date_text: str | None
    agency: str | None


@dataclass(frozen=True)
class NormalizedArticle:
    """A cleaned article body with everything needed to trace it back to the original."""

    clean_text: str
    offset_map: OffsetMap
    title: str | None
    title_span: Span | None
    dateline: Dateline | None


def normalize_article(text: str, *, title: str | None = None) -> NormalizedArticle:
    """Separate the headline and dateline from the body, then clean the body.

    Steps:
    1. find the headline at the top: the given `title` (matched word by word, whatever the
       line breaks), or else a short unpunctuated block of lines before a dateline or a blank line;
    2. find a dateline at the start of what follows;
    3. normalise the rest with an offset map back to `text`.
    """
    # 1.
    title_span = _find_given_title(text, title) if title else _infer_title(text)
    body_start = title_span.end if title_span else 0
    # 2.
    dateline = find_dateline(text, body_start)
    if dateline is not None:
        body_start = dateline.span.end
    # 3.
    clean_text, offset_map = normalize(text, start=body_start)
    found_title = title or (" ".join(title_span.text.split()) if title_span else None)
    return NormalizedArticle(clean_text, offset_map, found_title, title_span, dateline)


def find_dateline(text: str, start: int = 0) -> Dateline | None:
    """The dateline at `text[start:]` (after leading spaces), or None."""
    position = start
    while position < len(text) and text[position].isspace():
        position += 1
    window_end = min(len(text), position + 120)
    for pattern in _DATELINES:
        match = pattern.match(text, position, window_end)
        if match is None or not _plausible_dateline(match, text):
            continue
        groups = match.groupdict()
        places = tuple(p.strip() for p in (groups.get("places") or "").split("/") if p.strip())
        end = match.end()
        return Dateline(
            span=Span(start=position, end=end, text=text[position:end]),
            places=places,
            date_text=groups.get("date"),
            agency=groups.get("agency"),
        )
    return None


def _plausible_dateline(match: re.Match[str], text: str) -> bool:
    """Reject matches that are really the first words of a sentence."""
    groups = match.groupdict()
    places = groups.get("places")
    if places and any(word.lower() in _SENTENCE_STARTERS for word in places.split()):
        return False
    following = text[match.end() : match.end() + 1]
    # A dateline is followed by the body; it never ends the text.
    return bool(following) or match.end() == len(text)


_SENTENCE_STARTERS = frozenset(
    "le la les un une des ce cette ces il elle ils elles selon depuis alors lors the a an this "
    "that these those he she they it in on at after before when while according".split()
)


def _canonical_word(word: str) -> str:
    return word.strip(_TRIM).replace("’", "'").casefold()


def _find_given_title(text: str, title: str) -> Span | None:
    """The span of `title` at the very top of `text`, matched word by word."""
    wanted = [w for w in (_canonical_word(w) for w in title.split()) if w]
    if not wanted:
        return None
    words = _WORD.finditer(text, 0, min(len(text), len(title) * 3 + 200))
    matched_end = None
    index = 0
    for word in words:
        canonical = _canonical_word(word.group())
        if not canonical:
            continue
        if canonical != wanted[index]:
            return None
        index += 1
        matched_end = word.end()
        if index == len(wanted):
            break
    if index < len(wanted) or matched_end is None:
        return None
    # The matched words may end in punctuation the title lacks ("…Iowa." vs "…Iowa").
    start = len(text) - len(text.lstrip())
    return Span(start=start, end=matched_end, text=text[start:matched_end])


def _infer_title(text: str) -> Span | None:
    """A headline block at the top: 1 to 4 short lines without a final full stop.

    It must be followed by a blank line or by a line that starts with a dateline, and the
    text must go on after it; otherwise nothing is taken for a title.
    """
    lines = list(re.finditer(r"[^\n]*(?:\n|$)", text[:2000]))
    start_index = 0
    while start_index < len(lines) and not lines[start_index].group().strip():
        start_index += 1
    block: list[re.Match[str]] = []
    for line in lines[start_index : start_index + 6]:
        content = line.group().strip()
        if not content:
            break
        if block and find_dateline(text, line.start()) is not None:
            return _title_span(text, block)
        block.append(line)
    else:
        return None
    if not block or len(block) > 4:
        return None
    followed_by_more = text[block[-1].end() :].strip()
    return _title_span(text, block) if followed_by_more else None


def _title_span(text: str, block: list[re.Match[str]]) -> Span | None:
    joined = " ".join(line.group().strip() for line in block)
    if len(block) > 4 or len(joined) > 250 or _TERMINAL.search(joined) or _BYLINE.match(joined):
        return None
    start = block[0].start() + (len(block[0].group()) - len(block[0].group().lstrip()))
    end = block[-1].start() + len(block[-1].group().rstrip())
    return Span(start=start, end=end, text=text[start:end])
