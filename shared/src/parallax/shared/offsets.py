"""Offset maps: the link between a cleaned text and the original it was made from.

A cleaned text is the original with some pieces replaced (a line break by a space, a
non-breaking space by a space, a line-end hyphen by nothing, a mojibake word by its repair).
`OffsetMap` records those replaced pieces; everything between them is copied unchanged. Any
span of the clean text maps back to the exact characters of the original that produced it,
and any span of the original maps forward to the clean characters it became.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Edit:
    """One replaced piece: original[orig_start:orig_end] became clean[clean_start:clean_end]."""

    clean_start: int
    clean_end: int
    orig_start: int
    orig_end: int


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets between a clean text and its original; copies between edits are implicit.

    Edits are sorted and non-overlapping in both texts (normalisation never reorders text).
    """

    clean_length: int
    original_length: int
    edits: tuple[Edit, ...] = ()
    _clean_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _orig_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_clean_starts", tuple(e.clean_start for e in self.edits))
        object.__setattr__(self, "_orig_starts", tuple(e.orig_start for e in self.edits))

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a text that normalisation left unchanged."""
        return cls(clean_length=length, original_length=length)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the clean span [start, end) to the original span that produced it.

        A boundary inside a replaced piece widens to the whole piece, so the original span
        always holds every character that contributed to the clean span.
        """
        self._check_span(start, end, self.clean_length, "clean")
        if start == end:
            position = self._clean_to_original_point(start)
            return position, position
        return self._clean_char_to_original(start)[0], self._clean_char_to_original(end - 1)[1]

    def to_clean(self, start: int, end: int) -> tuple[int, int]:
        """Map the original span [start, end) to the clean span it became (possibly empty)."""
        self._check_span(start, end, self.original_length, "original")
        if start == end:
            position = self._original_to_clean_point(start)
            return position, position
        clean_start = self._original_char_to_clean(start, side="start")
        clean_end = self._original_char_to_clean(end - 1, side="end")
        return clean_start, max(clean_start, clean_end)

    def to_json(self) -> list[int]:
        """Flat list for storage: [clean_length, original_length, then 4 ints per edit]."""
        flat = [self.clean_length, self.original_length]
        for edit in self.edits:
            flat.extend((edit.clean_start, edit.clean_end, edit.orig_start, edit.orig_end))
        return flat

    @classmethod
    def from_json(cls, flat: Sequence[int]) -> OffsetMap:
        """Rebuild a map stored with `to_json`."""
        if len(flat) < 2 or (len(flat) - 2) % 4:
            raise ValueError("an offset map is [clean_length, original_length, 4 ints per edit]")
        edits = tuple(Edit(flat[i], flat[i + 1], flat[i + 2], flat[i + 3]) for i in range(2, len(flat), 4))
        return cls(clean_length=flat[0], original_length=flat[1], edits=edits)

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _check_span(start: int, end: int, length: int, which: str) -> None:
        if not 0 <= start <= end <= length:
            raise ValueError(f"span [{start}, {end}) is outside the {which} text (0..{length})")

    def _clean_char_to_original(self, position: int) -> tuple[int, int]:
        """The original range behind the clean character at `position`."""
        index = bisect_right(self._clean_starts, position) - 1
        if index < 0:
            return position, position + 1
        edit = self.edits[index]
        if position < edit.clean_end:
            return edit.orig_start, edit.orig_end
        original = edit.orig_end + (position - edit.clean_end)
        return original, original + 1

    def _clean_to_original_point(self, position: int) -> int:
        index = bisect_right(self._clean_starts, position) - 1
        if index < 0:
            return position
        edit = self.edits[index]
        if position < edit.clean_end:
            return edit.orig_start
        return edit.orig_end + (position - edit.clean_end)

    def _original_char_to_clean(self, position: int, *, side: str) -> int:
        index = bisect_right(self._orig_starts, position) - 1
        if index < 0:
            return position if side == "start" else position + 1
        edit = self.edits[index]
        if position < edit.orig_end:
            return edit.clean_start if side == "start" else edit.clean_end
        clean = edit.clean_end + (position - edit.orig_end)
        return clean if side == "start" else clean + 1

    def _original_to_clean_point(self, position: int) -> int:
        index = bisect_right(self._orig_starts, position) - 1
        if index < 0:
            return position
        edit = self.edits[index]
        if position < edit.orig_end:
            return edit.clean_start
        return edit.clean_end + (position - edit.orig_end)


class CleanTextBuilder:
    """Builds a clean text from an original, one copied or replaced piece at a time.

    Pieces must be added left to right without gaps: every original character is either
    copied or covered by a replacement (possibly by nothing, which deletes it).
    """

    def __init__(self, original: str, *, start: int = 0) -> None:
        self._original = original
        self._parts: list[str] = []
        self._edits: list[Edit] = []
        self._clean_length = 0
        self._position = 0
        if start:
            self.replace(0, start, "")

    @property
    def position(self) -> int:
        """How far into the original the builder has consumed."""
        return self._position

    def ends_with(self, suffix: str) -> bool:
        """Whether the clean text built so far ends with `suffix`."""
        if not self._parts:
            return not suffix
        tail = "".join(self._parts[-3:])
        return tail.endswith(suffix)

    @property
    def clean_length(self) -> int:
        """Length of the clean text built so far."""
        return self._clean_length

    def copy_to(self, end: int) -> None:
        """Copy the original unchanged from the current position up to `end`."""
        if end < self._position:
            raise ValueError(f"cannot copy backwards from {self._position} to {end}")
        if end > self._position:
            self._parts.append(self._original[self._position : end])
            self._clean_length += end - self._position
            self._position = end

    def replace(self, start: int, end: int, replacement: str) -> None:
        """Copy up to `start`, then put `replacement` in place of original[start:end]."""
        self.copy_to(start)
        if end < start:
            raise ValueError(f"replacement span [{start}, {end}) is reversed")
        if replacement == self._original[start:end]:
            self.copy_to(end)
            return
        clean_start = self._clean_length
        self._parts.append(replacement)
        self._clean_length += len(replacement)
        self._edits.append(Edit(clean_start, self._clean_length, start, end))
        self._position = end

    def finish(self, *, end: int | None = None) -> tuple[str, OffsetMap]:
        """Delete whatever remains after `end` (default: copy to the end) and return the result."""
        stop = len(self._original) if end is None else end
        self.copy_to(stop)
        if stop < len(self._original):
            self.replace(stop, len(self._original), "")
        clean = "".join(self._parts)
        return clean, OffsetMap(
            clean_length=len(clean),
            original_length=len(self._original),
            edits=_merge_adjacent(self._edits),
        )


def _merge_adjacent(edits: Iterable[Edit]) -> tuple[Edit, ...]:
    """Join edits that touch in both texts, so the stored map stays small."""
    merged: list[Edit] = []
    for edit in edits:
        if merged and merged[-1].clean_end == edit.clean_start and merged[-1].orig_end == edit.orig_start:
            previous = merged.pop()
            merged.append(Edit(previous.clean_start, edit.clean_end, previous.orig_start, edit.orig_end))
        else:
            merged.append(edit)
    return tuple(merged)
