"""Quotations as attribution contents: whole quotations over paragraphs, and where tokens fall.

`find_quoted_spans` (lexicons.scare_quotes) pairs the quotation marks of a text; this module
turns them into the units an attribution can hold:

- a quotation nested in another is part of the outer one, never a content of its own;
- a paragraph whose quotation is left open and whose next paragraph opens with a quote mark
  again is the news convention for one quotation over several paragraphs: the paragraphs are
  one `Quotation` with one part per paragraph (the closing-quote-less continuation);
- an opening mark left open with no such continuation is a stray mark and is ignored.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Final

from parallax.annotate.lexicons.scare_quotes import find_quotes_and_unclosed

_OPENING_MARKS: Final = ("«", "“", "‹", "‘", '"', "''", "'")
_PARAGRAPH_BREAK: Final = "\n\n"
# A tag left in the text: <tweet author="…" tweet_id="…">, </tweet>, <br/>.
_MARKUP: Final = re.compile(r"</?[A-Za-z][A-Za-z0-9_-]*(?:\s[^<>\n]{0,400})?/?>")
# A quotation long enough to be reported speech rather than a word held at arm's length.
MIN_SPEECH_WORDS: Final = 4


@dataclass(frozen=True, slots=True)
class Quotation:
    """A top-level quotation: one span with its marks, or one per paragraph it runs over."""

    parts: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        """Offset of the opening mark."""
        return self.parts[0][0]

    @property
    def end(self) -> int:
        """Offset just after the closing mark (or the last paragraph's end)."""
        return self.parts[-1][1]


def find_quotations(text: str) -> list[Quotation]:
    """The top-level quotations of `text`, multi-paragraph ones joined, in text order."""
    quoted, unclosed = find_quotes_and_unclosed(text)
    spans = [(quote.start, quote.end) for quote in quoted]
    paired_at = dict(spans)
    multi: list[tuple[tuple[int, int], ...]] = []
    continued: set[int] = set()  # opening marks already taken into a multi-paragraph quotation
    for opened_at, _mark in unclosed:
        if opened_at in continued:
            continue
        parts = _paragraph_run(text, opened_at, paired_at)
        if len(parts) > 1:
            multi.append(parts)
            continued.update(start for start, _ in parts)
    units = [((start, end),) for start, end in spans if start not in continued] + multi
    units.sort(key=lambda parts: (parts[0][0], -parts[-1][1]))
    top: list[Quotation] = []
    reach = -1
    for parts in units:
        if parts[0][0] < reach:
            continue  # nested in the previous top-level quotation
        top.append(Quotation(parts))
        reach = parts[-1][1]
    return top


def _paragraph_run(text: str, opened_at: int, paired_at: dict[int, int]) -> tuple[tuple[int, int], ...]:
    """The parts of a quotation opened at `opened_at` and left open at its paragraph's end."""
    parts: list[tuple[int, int]] = []
    start = opened_at
    while True:
        paragraph_end = text.find(_PARAGRAPH_BREAK, start)
        if paragraph_end < 0:
            paragraph_end = len(text)
        closes = paired_at.get(start)
        if closes is not None and closes <= paragraph_end and start != opened_at:
            parts.append((start, closes))  # the closing paragraph
            return tuple(parts)
        parts.append((start, len(text[:paragraph_end].rstrip())))
        following = paragraph_end
        while following < len(text) and text[following].isspace():
            following += 1
        if following >= len(text) or not text.startswith(_OPENING_MARKS, following):
            return tuple(parts) if len(parts) > 1 else ()
        start = following


class QuotationIndex:
    """The quotations and paragraphs of a parsed text, and the tokens each quotation covers."""

    def __init__(self, doc: Any, text: str | None = None) -> None:
        self.doc = doc
        # spaCy joins the tokens again on every `doc.text`: read it once (or take it given)
        self.text: str = doc.text if text is None else text
        text = self.text
        self.quotations = find_quotations(text)
        self._paragraph_starts = [0]
        position = text.find(_PARAGRAPH_BREAK)
        while position >= 0:
            self._paragraph_starts.append(position + len(_PARAGRAPH_BREAK))
            position = text.find(_PARAGRAPH_BREAK, position + len(_PARAGRAPH_BREAK))
        self._markup = [(m.start(), m.end()) for m in _MARKUP.finditer(text)] if "<" in text else []
        self._markup_starts = [start for start, _ in self._markup]
        if self._markup:  # the quote marks of a tag's attributes quote nobody
            self.quotations = [q for q in self.quotations if not self.in_markup(q.start)]
        self._token_starts: list[int] | None = None
        self._starts = [quotation.start for quotation in self.quotations]
        self._quote_of_token: dict[int, int] = {}
        self._token_ranges: list[tuple[int, int]] = []  # first and last token of each quotation
        for number, quotation in enumerate(self.quotations):
            first = last = -1
            for start, end in quotation.parts:
                low = bisect.bisect_left(self.token_starts, start)
                high = bisect.bisect_left(self.token_starts, end)
                for index in range(low, high):
                    self._quote_of_token[index] = number
                if low < high:
                    first = low if first < 0 else first
                    last = high - 1
            self._token_ranges.append((first, last))

    def in_markup(self, offset: int) -> bool:
        """Whether an offset lies inside a tag left in the text (<tweet author="…">)."""
        if not self._markup:
            return False
        number = bisect.bisect_right(self._markup_starts, offset) - 1
        return number >= 0 and offset < self._markup[number][1]

    @property
    def paragraph_starts(self) -> list[int]:
        """Where each paragraph starts, as character offsets."""
        return self._paragraph_starts

    @property
    def token_starts(self) -> list[int]:
        """The character offset of every token, in order."""
        if self._token_starts is None:
            self._token_starts = [int(offset) for offset in self.doc.to_array("IDX")]
        return self._token_starts

    def paragraph(self, offset: int) -> int:
        """The number of the paragraph holding a character offset."""
        return bisect.bisect_right(self._paragraph_starts, offset) - 1

    def paragraph_bounds(self, offset: int) -> tuple[int, int]:
        """The start and end offsets of the paragraph holding a character offset."""
        number = self.paragraph(offset)
        end = (
            self._paragraph_starts[number + 1] if number + 1 < len(self._paragraph_starts) else len(self.text)
        )
        return self._paragraph_starts[number], end

    def quote_of(self, token_index: int) -> int | None:
        """The number of the quotation holding a token, or None."""
        return self._quote_of_token.get(token_index)

    def token_range(self, number: int) -> tuple[int, int]:
        """The first and last token of a quotation (-1, -1 when it holds no token)."""
        return self._token_ranges[number]

    def overlapping(self, start: int, end: int) -> list[int]:
        """The numbers of the quotations sharing characters with [start, end)."""
        if not self.quotations:
            return []
        # quotations do not overlap one another: the ones starting before `end`, from the last
        # one that starts at or before `start`
        last = bisect.bisect_left(self._starts, end)
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        return [
            number
            for number in range(first, last)
            if self.quotations[number].start < end and start < self.quotations[number].end
        ]

    def is_speech_like(self, number: int) -> bool:
        """Whether a quotation is long enough, or sentence-like enough, to be reported speech."""
        first, last = self._token_ranges[number]
        if first < 0:
            return False
        words = [token for token in self.doc[first : last + 1] if not (token.is_punct or token.is_space)]
        if len(words) >= MIN_SPEECH_WORDS:
            return True
        inner = self.text[self.quotations[number].start : self.quotations[number].end]
        return len(words) > 1 and inner.rstrip("»”›’'\" ").endswith((".", "!", "?", "…"))
