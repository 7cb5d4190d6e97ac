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

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from parallax.shared.offsets import CleanTextBuilder, OffsetMap

NORMALIZER_VERSION = "normalize.v1"

# Line breaks in every form text arrives with (form feed = PDF page break).
_LINE_BREAK = "\r\n\f\v\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK_CHAR = re.compile("[" + _LINE_BREAK + "]")
_OTHER_LINE_BREAK = re.compile("[\r\f\v\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE_SPLIT = re.compile(r"\r\n|[" + _LINE_BREAK + "]")
# Every whitespace character but the plain space (what `str.isspace` accepts, spelled out).
_NON_SPACE_WHITESPACE = "\t\n\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WHITESPACE = re.compile(r"\s")
_WORD_RUN = re.compile(r"[^\s«»]+")
_DROPPED = "\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
_DROPPED_RUN = re.compile("[" + _DROPPED + "]+")
# Spaces and invisible characters together: "«\u200b mot" has one run to drop.
_SPACING_RUN = re.compile(r"[\s" + _DROPPED + "]+")
_DROPPED_SET = frozenset(
    "\u00ad\u200b\u200c\u200d\u2060\ufeff"
    + "".join(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85), *range(0x86, 0xA0)]))
)
_APOSTROPHES = frozenset("\u2019\u02bc\u00b4\u0060")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[\u2019\u02bc\u00b4\u0060](?=[^\W\d_])")
_LIGATURE = "\ufb00-\ufb06"
_COMBINING = "\u0300-\u036f"
_LIGATURE_TABLE = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
# Characters that UTF-8 read as Latin-1/Windows-1252 leaves behind; only a cheap pre-check,
# ftfy's own badness test decides.
_MOJIBAKE_CHARACTERS = "ÃÂâ€œžŸ¢¤¦¨¬¯±²³´µ¶¸¹º¼½¾¿ÅÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßï"
# UTF-8 read as Windows-1252: a lead byte shown as Â…ß (two-byte characters: é -> Ã©) or
# â (three-byte: ’ -> â€™), followed by a continuation byte shown as one of these.
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
# (One character class then another: a single branch is searched several times faster than
# an alternation. "ï»" also catches a byte-order mark read the same way, "ï»¿".)
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00df\u00e2\u00ef][" + _CONTINUATION + "]")
_COMBINING_MARK = re.compile("[" + _COMBINING + "]")

_TERMINAL = re.compile(r"[.!?…:;][»”\"’')\]]*$")
_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)[-\u2010](?:\u00ad)?$")
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_BULLET = re.compile(r"[-•*–—▪·]\s")

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
    damaged: bool = False


def normalize(text: str, *, start: int = 0, end: int | None = None) -> tuple[str, OffsetMap]:
    """Clean `text[start:end]` (the rest is dropped) and map the result back to `text`.

    One pass over the characters that may need a change (found by one character-class
    search, so ordinary text is skipped at C speed); each is handled with its context.
    """
    stop = len(text) if end is None else end
    token_level = _needs_token_repair(text, start, stop)
    layout = _measure_layout(text, start, stop, damaged=token_level)
    candidates = _candidates(token_level, "  " in text)
    builder = CleanTextBuilder(text, start=start)
    body_start = _skip_leading_space(text, start, stop)
    builder.replace(start, body_start, "")
    line_start = body_start
    position = body_start
    while (match := candidates.search(text, position, stop)) is not None:
        at = match.start()
        character = text[at]
        if character == "\n" and _is_plain_paragraph_break(text, at, stop):
            # The common case in clean sources: one blank line after a sentence. It stays as is.
            position = line_start = at + 2
        elif character.isspace():
            position, line_start = _spacing(builder, text, at, stop, line_start, layout)
        elif token_level and (word := _damaged_word(text, at, stop, builder.position)) is not None:
            position = _repair_word(builder, text, *word)
        elif character in _DROPPED_SET:
            position, line_start = _spacing(builder, text, at, stop, line_start, layout)
        elif character == "«":
            after = _SPACING_RUN.match(text, at + 1, stop)
            position = after.end() if after and after.end() < stop else at + 1
            if position > at + 1:
                builder.replace(at + 1, position, "")
        elif character == "»":
            before = _space_before(text, at, builder.position)
            if before < at:
                builder.replace(before, at, "")
            position = at + 1
        elif character in _APOSTROPHES:
            if _letter_before(text, at) and _letter_after(text, at + 1, stop):
                builder.replace(at, at + 1, "'")
            position = at + 1
        else:  # a ligature
            builder.replace(at, at + 1, unicodedata.normalize("NFKC", character))
            position = at + 1
    return builder.finish(end=stop)


def _spacing(
    builder: CleanTextBuilder, text: str, at: int, stop: int, line_start: int, layout: _Layout
) -> tuple[int, int]:
    """Handle the run of spaces and invisible characters around `at`.

    Returns where to go on and where the current line starts.
    """
    run_start = _space_before(text, at, builder.position)
    run = _SPACING_RUN.match(text, at, stop)
    run_end = run.end() if run else at + 1
    if run_end >= stop or not _WHITESPACE.search(text, run_start, run_end):
        builder.replace(run_start, run_end, "")  # trailing space, or only invisible characters
        return run_end, line_start
    touches_quote = (run_start > 0 and text[run_start - 1] == "«") or text[run_end] == "»"
    if touches_quote:
        builder.replace(run_start, run_end, "")
        return run_end, line_start
    if _LINE_BREAK_CHAR.search(text, run_start, run_end):
        _join_lines(builder, text, line_start, run_start, run_end, layout)
        return run_end, run_end
    builder.replace(run_start, run_end, " ")
    return run_end, line_start


def _is_plain_paragraph_break(text: str, at: int, stop: int) -> bool:
    """Whether text[at:at + 2] is exactly "\n\n" between a finished sentence and more text."""
    after = at + 2
    return (
        after < stop
        and text[at + 1] == "\n"
        and not text[after].isspace()
        and text[after] not in _DROPPED_SET
        and at > 0
        and not text[at - 1].isspace()
        and _ends_sentence(text[max(0, at - 12) : at])
        and not _BULLET.match(text, after)
    )


def _damaged_word(text: str, at: int, stop: int, floor: int) -> tuple[int, int] | None:
    """The bounds of the word around `at` if it holds mojibake or decomposed accents."""
    start = at
    while start > floor and not text[start - 1].isspace() and text[start - 1] not in "«»":
        start -= 1
    word = _WORD_RUN.match(text, at, stop)
    end = word.end() if word else at + 1
    while end - 1 > at and text[end - 1] in "-\u2010":
        end -= 1  # a line-end hyphen is the line-joining rule's business
    if _MOJIBAKE_HINT.search(text, start, end) or _COMBINING_MARK.search(text, start, end):
        return start, end
    return None


def _repair_word(builder: CleanTextBuilder, text: str, start: int, end: int) -> int:
    """Replace a damaged word by its repair, as one piece (so it still maps back)."""
    before = start - 1
    while before >= 0 and text[before] in _DROPPED_SET:
        before -= 1
    previous = text[before] if before >= 0 else ""
    builder.replace(start, end, _repair_token(text[start:end], previous))
    return end


def _space_before(text: str, at: int, floor: int) -> int:
    """Where the run of spaces and invisible characters ending at `at` starts (not before `floor`)."""
    start = at
    while start > floor and (text[start - 1].isspace() or text[start - 1] in _DROPPED_SET):
        start -= 1
    return start


def _letter_before(text: str, at: int) -> bool:
    index = at - 1
    while index >= 0 and text[index] in _DROPPED_SET:
        index -= 1
    return index >= 0 and text[index].isalpha()


def _letter_after(text: str, at: int, stop: int) -> bool:
    index = at
    soft_hyphen = False
    # Skip invisible characters, and the line break after a soft hyphen (the word goes on).
    while index < stop and (text[index] in _DROPPED_SET or (soft_hyphen and text[index].isspace())):
        soft_hyphen = soft_hyphen or text[index] == "\u00ad"
        index += 1
    return index < stop and text[index].isalpha()


def fold_for_matching(text: str) -> str:
    """Lowercase, unify quotes and apostrophes, collapse spaces: for comparing short strings."""
    cleaned, _ = normalize(text)
    cleaned = cleaned.replace("«", '"').replace("»", '"').replace("“", '"').replace("”", '"')
    return " ".join(cleaned.casefold().split())


# -- scanning --------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _candidates(token_level: bool, double_spaces: bool = True) -> re.Pattern[str]:
    """Characters that may need a change: any whitespace but a single space, quotes,
    apostrophes, invisible characters, ligatures, and in damaged documents the characters
    that mark mojibake or decomposed accents.

    A single character class is searched at C speed; the "two spaces" alternative slows
    the search several times, so it is only added for texts that contain two spaces.
    """
    characters = _NON_SPACE_WHITESPACE + "«»" + "".join(sorted(_APOSTROPHES)) + _DROPPED + _LIGATURE
    if token_level:
        characters += _MOJIBAKE_CHARACTERS + _COMBINING
    pattern = "[" + characters + "]"
    return re.compile(pattern + "|  " if double_spaces else pattern)


def _needs_token_repair(text: str, start: int, stop: int) -> bool:
    if _COMBINING_MARK.search(text, start, stop):
        return True
    if _MOJIBAKE_HINT.search(text, start, stop) is None:
        return False
    from ftfy.badness import is_bad  # imported here: ftfy is only needed on damaged text

    # Judge the text as the character rules will leave it, so that cleaning twice is cleaning once.
    window = _DROPPED_RUN.sub("", text[start:stop]).translate(_LIGATURE_TABLE)
    return bool(is_bad(_APOSTROPHE.sub("'", window)))


def _repair_token(token: str, before: str = "") -> str:
    """Repair one word of a damaged document: invisible characters, ligatures, decomposed
    accents, mojibake (in that order, so that ftfy judges the word as it will read)."""
    repaired = unicodedata.normalize("NFC", _DROPPED_RUN.sub("", token).translate(_LIGATURE_TABLE))
    repaired = _APOSTROPHE.sub("'", before + repaired)[len(before) :]
    if _MOJIBAKE_HINT.search(repaired):
        from ftfy import fix_encoding

        repaired = unicodedata.normalize("NFC", fix_encoding(repaired))
    # `before` is the visible character ahead of the word: an apostrophe may open it ("l’").
    return _APOSTROPHE.sub("'", before + repaired)[len(before) :]


def _skip_leading_space(text: str, start: int, stop: int) -> int:
    position = start
    while position < stop and (text[position].isspace() or text[position] in "\u00ad\u200b\ufeff"):
        position += 1
    return position


# -- line structure --------------------------------------------------------------------------


def _measure_layout(text: str, start: int, stop: int, *, damaged: bool) -> _Layout:
    """Decide whether single line breaks are hard wraps (PDF, e-mail) or paragraph ends."""
    single_breaks = text.count("\n", start, stop) - 2 * text.count("\n\n", start, stop)
    if single_breaks < 3 and not _OTHER_LINE_BREAK.search(text, start, stop):
        # Paragraphs separated by blank lines and no wrapping: nothing to measure.
        return _Layout(hard_wrapped=False, wrap_width=0, damaged=damaged)
    # str.splitlines breaks on exactly the characters in _LINE_BREAK (and "\r\n"), in C.
    lines = [line.strip() for line in text[start:stop].splitlines()]
    continued = [line for line, following in itertools.pairwise(lines) if line and following]
    if len(continued) < 3:
        return _Layout(hard_wrapped=False, wrap_width=0, damaged=damaged)
    mid_sentence = sum(1 for line in continued if not _ends_sentence(line))
    lengths = sorted(len(line) for line in continued)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return _Layout(hard_wrapped=mid_sentence * 2 >= len(continued), wrap_width=width, damaged=damaged)


def _join_lines(
    builder: CleanTextBuilder, text: str, line_start: int, gap_start: int, gap_end: int, layout: _Layout
) -> None:
    """Replace the line break at text[gap_start:gap_end] by a space, nothing or a paragraph break."""
    previous_line = text[line_start:gap_start]
    gap = text[gap_start:gap_end]
    # Invisible characters after the break are dropped anyway; judge by what follows them.
    next_text = _DROPPED_RUN.sub("", text[gap_end : gap_end + 40])
    if layout.damaged:
        # Decide on the words as they will read once repaired, as a second pass would.
        next_text = _repair_token(next_text)
    blank_lines = _count_line_breaks(gap) >= 2 or "\f" in gap

    tail = previous_line[-80:]
    hyphen = _LINE_END_HYPHEN.search(tail) if tail.endswith(("-", "\u2010", "-\u00ad")) else None
    if "\u00ad" in _LINE_SPLIT.split(gap, maxsplit=1)[0] and next_text[:1].isalpha():
        # A soft hyphen marks where a word was split: join the halves.
        builder.replace(gap_start, gap_end, "")
        return
    if hyphen and next_text[:1].isalpha() and _continues_sentence(previous_line, next_text, blank_lines):
        left = hyphen.group(1)
        right_match = _FIRST_WORD.match(next_text)
        right = right_match.group() if right_match else ""
        hyphen_at = gap_start - len(tail) + hyphen.start() + len(left)
        if hyphen_at < builder.position or _keeps_hyphen(left, right, text):
            builder.replace(hyphen_at + 1, gap_end, "")
        else:
            builder.replace(hyphen_at, gap_end, "")
        return
    if _is_paragraph_break(previous_line, next_text, blank_lines=blank_lines, layout=layout):
        builder.replace(gap_start, gap_end, "\n\n")
    else:
        builder.replace(gap_start, gap_end, " ")


def _count_line_breaks(gap: str) -> int:
    return len(_LINE_SPLIT.findall(gap))


def _ends_sentence(line: str) -> bool:
    # Only the end matters; searching a whole paragraph-long line for "$" would scan it all.
    return _TERMINAL.search(line[-12:].rstrip()) is not None


def _continues_sentence(previous_line: str, next_text: str, blank_lines: bool) -> bool:
    """Whether the text after a break continues the sentence before it."""
    if _ends_sentence(previous_line):
        return False
    if blank_lines:
        return next_text[:1].islower()
    return True


def _is_paragraph_break(previous_line: str, next_text: str, *, blank_lines: bool, layout: _Layout) -> bool:
    if _BULLET.match(next_text):
        return True
    if blank_lines:
        # A page break inside a sentence: no closing punctuation before, lowercase after.
        return not (not _ends_sentence(previous_line) and next_text[:1].islower())
    if not _ends_sentence(previous_line) or next_text[:1].islower():
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
