"""Offset-preserving text normalisation.

`normalize(text)` returns a clean text and an `OffsetMap` back to the original. Cleaning
undoes what PDF extraction, CMS exports and bad encodings do to news text:

- hard-wrapped lines are joined into paragraphs; paragraphs are separated by one blank line
  ("\\n\\n"); a page break (blank lines) inside a sentence is joined, not taken for a paragraph;
- words hyphenated at a line end are rejoined ("sécu-\\nrité" -> "sécurité"), compounds keep
  their hyphen ("peut-\\nêtre" -> "peut-être");
- non-breaking, thin and other unusual spaces become plain spaces, runs of spaces one space;
- typographic apostrophes inside words become "'", spaces inside French quotes are dropped
  ("« mot »" -> "«mot»"); quotation marks themselves are kept (they carry meaning);
- zero-width characters, soft hyphens and control characters are dropped, ligatures
  expanded, combining accents composed (NFC), mojibake repaired word by word (ftfy).

Every replaced piece is recorded, so any span of the clean text maps back to the exact
characters of the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from parallax.shared.offsets import CleanTextBuilder, OffsetMap

NORMALIZER_VERSION = "normalize.v1"

# Line breaks in every form text arrives with (form feed = PDF page break).
_LINE_BREAK = "\r\n\f\v\x1c\x1d\x1e\x85\u2028\u2029"
_GAP = r"\s*(?:\r\n|[" + _LINE_BREAK + r"])\s*"
_INLINE_SPACE = r"[^\S" + _LINE_BREAK + r"]+"
_DROPPED = "\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
_APOSTROPHE = (
    r"(?<=[^\W\d_])[" + _DROPPED + r"]*[\u2019\u02bc\u00b4\u0060][" + _DROPPED + r"]*(?=[^\W\d_])"
)
_LIGATURE = "\ufb00-\ufb06"
_COMBINING = "\u0300-\u036f"

# Order matters: the quote-space rules must win over the line-gap rule at the same place.
_BASE_ALTERNATIVES = (
    r"(?P<open_quote>«[\s" + _DROPPED + r"]+)",
    r"(?P<close_quote>[\s" + _DROPPED + r"]+»)",
    r"(?P<gap>" + _GAP + r")",
    r"(?P<space>" + _INLINE_SPACE + r")",
    r"(?P<apostrophe>" + _APOSTROPHE + r")",
    r"(?P<dropped>[" + _DROPPED + r"]+)",
    r"(?P<ligature>[" + _LIGATURE + r"])",
)
_TOKEN_ALTERNATIVE = r"(?P<token>[^\s«»]+)"

_TERMINAL = re.compile(r"[.!?…:;][»”\"’')\]]*$")
_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)[-\u2010](?:\u00ad)?$")
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_BULLET = re.compile(r"[-•*–—▪·]\s")
# Characters that UTF-8 read as Latin-1/Windows-1252 leaves behind; only a cheap pre-check,
# ftfy's own badness test decides.
_MOJIBAKE_HINT = re.compile("[ÃÂâ€œžŸ¢¤¦¨¬¯±²³´µ¶¸¹º¼½¾¿ÅÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßï]")
_COMBINING_MARK = re.compile("[" + _COMBINING + "]")
_DROPPED_RUN = re.compile("[" + _DROPPED + "]+")

# Right-hand parts that make a line-end hyphen part of a compound, not a wrap.
_COMPOUND_TAILS = frozenset(
    "être là ci même mêmes t il ils elle elles on je tu nous vous ce y en moi toi lui leur "
    "leurs dire unis unie unies majeur major général générale clé clés cadre type pilote "
    "up down in out off based led like wide free long term year old old-fashioned".split()
)


@dataclass(frozen=True)
class _Layout:
    """Document-level facts that decide what a line break means."""

    hard_wrapped: bool
    wrap_width: int


def normalize(text: str, *, start: int = 0, end: int | None = None) -> tuple[str, OffsetMap]:
    """Clean `text[start:end]` (the rest is dropped) and map the result back to `text`."""
    stop = len(text) if end is None else end
    layout = _measure_layout(text, start, stop)
    token_level = _needs_token_repair(text, start, stop)
    scanner = _scanner(token_level)
    builder = CleanTextBuilder(text, start=start)
    body_start = _skip_leading_space(text, start, stop)
    builder.replace(start, body_start, "")
    line_start = body_start
    for match in scanner.finditer(text, body_start, stop):
        kind = match.lastgroup
        match_start, match_end = match.span()
        if kind == "gap":
            if match_end >= stop:  # trailing whitespace: dropped
                builder.replace(match_start, match_end, "")
            else:
                _join_lines(builder, text, line_start, match_start, match_end, layout)
            line_start = match_end
        else:
            builder.replace(match_start, match_end, _repair(kind, match.group()))
    return builder.finish(end=stop)


def fold_for_matching(text: str) -> str:
    """Lowercase, unify quotes and apostrophes, collapse spaces: for comparing short strings."""
    cleaned, _ = normalize(text)
    cleaned = cleaned.replace("«", '"').replace("»", '"').replace("“", '"').replace("”", '"')
    return " ".join(cleaned.casefold().split())


# -- scanning --------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _scanner(token_level: bool) -> re.Pattern[str]:
    alternatives = list(_BASE_ALTERNATIVES)
    if token_level:
        # A document with mojibake or decomposed accents is repaired word by word; the
        # character rules then apply inside each word (see `_repair_token`).
        alternatives = [*alternatives[:4], _TOKEN_ALTERNATIVE]
    return re.compile("|".join(alternatives))


def _needs_token_repair(text: str, start: int, stop: int) -> bool:
    if _COMBINING_MARK.search(text, start, stop):
        return True
    if _MOJIBAKE_HINT.search(text, start, stop) is None:
        return False
    from ftfy.badness import is_bad  # imported here: ftfy is only needed on damaged text

    return bool(is_bad(_DROPPED_RUN.sub("", text[start:stop])))


def _repair(kind: str | None, piece: str) -> str:
    if kind == "open_quote":
        return "«"
    if kind == "close_quote":
        return "»"
    if kind == "space":
        return " "
    if kind == "apostrophe":
        return "'"
    if kind == "dropped":
        return ""
    if kind == "ligature":
        return unicodedata.normalize("NFKC", piece)
    if kind == "token":
        return _repair_token(piece)
    raise AssertionError(f"unhandled match kind {kind!r}")


def _repair_token(token: str) -> str:
    """Repair one word of a damaged document: mojibake, decomposed accents, odd characters."""
    repaired = unicodedata.normalize("NFC", _DROPPED_RUN.sub("", token))
    if _MOJIBAKE_HINT.search(repaired):
        from ftfy import fix_encoding

        repaired = unicodedata.normalize("NFC", fix_encoding(repaired))
    repaired = re.sub("[" + _LIGATURE + "]", lambda m: unicodedata.normalize("NFKC", m.group()), repaired)
    return re.sub(_APOSTROPHE, "'", repaired)


def _skip_leading_space(text: str, start: int, stop: int) -> int:
    position = start
    while position < stop and (text[position].isspace() or text[position] in "\u00ad\u200b\ufeff"):
        position += 1
    return position


# -- line structure --------------------------------------------------------------------------


def _measure_layout(text: str, start: int, stop: int) -> _Layout:
    """Decide whether single line breaks are hard wraps (PDF, e-mail) or paragraph ends."""
    lines = [line.strip() for line in re.split(r"\r\n|[" + _LINE_BREAK + "]", text[start:stop])]
    continued = [
        line for line, following in zip(lines, lines[1:], strict=False) if line and following
    ]
    if len(continued) < 3:
        return _Layout(hard_wrapped=False, wrap_width=0)
    mid_sentence = sum(1 for line in continued if not _TERMINAL.search(line))
    lengths = sorted(len(line) for line in continued)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return _Layout(hard_wrapped=mid_sentence * 2 >= len(continued), wrap_width=width)


def _join_lines(
    builder: CleanTextBuilder, text: str, line_start: int, gap_start: int, gap_end: int, layout: _Layout
) -> None:
    """Replace the line break at text[gap_start:gap_end] by a space, nothing or a paragraph break."""
    previous_line = text[line_start:gap_start]
    gap = text[gap_start:gap_end]
    next_text = text[gap_end : gap_end + 40]
    blank_lines = _count_line_breaks(gap) >= 2 or "\f" in gap

    hyphen = _LINE_END_HYPHEN.search(previous_line)
    if previous_line.endswith("\u00ad") and next_text[:1].isalpha():
        # A soft hyphen marks where a word was split; the hyphen itself is already dropped.
        builder.replace(gap_start, gap_end, "")
        return
    if hyphen and next_text[:1].isalpha() and _continues_sentence(previous_line, next_text, blank_lines):
        left = hyphen.group(1)
        right_match = _FIRST_WORD.match(next_text)
        right = right_match.group() if right_match else ""
        hyphen_at = line_start + hyphen.start() + len(left)
        if _keeps_hyphen(left, right, text):
            builder.replace(hyphen_at + 1, gap_end, "")
        else:
            builder.replace(hyphen_at, gap_end, "")
        return
    if _is_paragraph_break(previous_line, next_text, blank_lines=blank_lines, layout=layout):
        builder.replace(gap_start, gap_end, "\n\n")
    else:
        builder.replace(gap_start, gap_end, " ")


def _count_line_breaks(gap: str) -> int:
    return len(re.findall(r"\r\n|[" + _LINE_BREAK + "]", gap))


def _continues_sentence(previous_line: str, next_text: str, blank_lines: bool) -> bool:
    """Whether the text after a break continues the sentence before it."""
    if _TERMINAL.search(previous_line):
        return False
    if blank_lines:
        return next_text[:1].islower()
    return True


def _is_paragraph_break(previous_line: str, next_text: str, *, blank_lines: bool, layout: _Layout) -> bool:
    if _BULLET.match(next_text):
        return True
    if blank_lines:
        # A page break inside a sentence: no closing punctuation before, lowercase after.
        return not (not _TERMINAL.search(previous_line) and next_text[:1].islower())
    if not _TERMINAL.search(previous_line) or next_text[:1].islower():
        return False
    if not layout.hard_wrapped:
        return True
    # In wrapped text a sentence may end anywhere on a line; a line that stops well short
    # of the wrap width while the next word would have fitted was ended on purpose.
    first_word = next_text.split(maxsplit=1)[0] if next_text.strip() else ""
    return len(previous_line.strip()) + 1 + len(first_word) < 0.85 * layout.wrap_width


def _keeps_hyphen(left: str, right: str, text: str) -> bool:
    """Whether a line-end hyphen between `left` and `right` belongs to a compound word."""
    if not right:
        return True
    folded = text.casefold()
    if (left + right).casefold() in folded:
        return False
    if f"{left}-{right}".casefold() in folded:
        return True
    if right[0].isupper() or right.casefold() in _COMPOUND_TAILS:
        return True
    return len(left) == 1
