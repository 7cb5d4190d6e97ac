"""Offset maps: every clean span maps back to exactly the original characters behind it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parallax.shared.offsets import CleanTextBuilder, OffsetMap


def build(original: str, pieces: list[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    builder = CleanTextBuilder(original)
    for start, end, replacement in pieces:
        builder.replace(start, end, replacement)
    return builder.finish()


def test_identity_map_returns_the_same_offsets() -> None:
    offset_map = OffsetMap.identity(10)
    assert offset_map.to_original(2, 5) == (2, 5)
    assert offset_map.to_clean(2, 5) == (2, 5)


def test_a_deleted_hyphen_is_inside_the_original_span_of_the_rejoined_word() -> None:
    original = "la sécu-\nrité des"
    clean, offset_map = build(original, [(7, 9, "")])
    assert clean == "la sécurité des"
    start, end = offset_map.to_original(3, 11)
    assert original[start:end] == "sécu-\nrité"


def test_a_span_ending_inside_a_replacement_widens_to_the_whole_replacement() -> None:
    original = "a\u00a0\u00a0b"
    clean, offset_map = build(original, [(1, 3, " ")])
    assert clean == "a b"
    assert offset_map.to_original(0, 2) == (0, 3)
    assert offset_map.to_original(1, 2) == (1, 3)


def test_original_spans_map_forward_to_what_they_became() -> None:
    original = "TITLE\n\nBody text"
    clean, offset_map = build(original, [(0, 7, "")])
    assert clean == "Body text"
    assert offset_map.to_clean(7, 11) == (0, 4)
    assert offset_map.to_clean(0, 5) == (0, 0)  # the title was removed


def test_spans_outside_the_text_are_refused() -> None:
    offset_map = OffsetMap.identity(4)
    with pytest.raises(ValueError, match="outside the clean text"):
        offset_map.to_original(2, 9)


def test_json_round_trip() -> None:
    _, offset_map = build("x\ny\n\nz", [(1, 2, " "), (3, 5, "\n\n")])
    assert OffsetMap.from_json(offset_map.to_json()) == offset_map


def test_json_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="4 ints per edit"):
        OffsetMap.from_json([1, 2, 3])


@st.composite
def edited_texts(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    original = draw(st.text(min_size=0, max_size=60))
    cuts = sorted(draw(st.lists(st.integers(0, len(original)), max_size=8)))
    pieces = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        # Normalisation replaces or deletes characters; it never inserts from nothing.
        pieces.append((start, end, draw(st.text(max_size=3)) if end > start else ""))
    return original, pieces


@given(edited_texts())
def test_every_clean_character_comes_from_the_original_range_it_maps_to(
    case: tuple[str, list[tuple[int, int, str]]],
) -> None:
    original, pieces = case
    clean, offset_map = build(original, pieces)
    for position in range(len(clean)):
        start, end = offset_map.to_original(position, position + 1)
        assert 0 <= start <= end <= len(original)
        if end - start == 1 and original[start] == clean[position]:
            continue
        # Otherwise it belongs to a replacement made from within that range (touching
        # replacements are merged into one).
        assert any(start <= s and e <= end and clean[position] in r for s, e, r in pieces)


@given(edited_texts(), st.data())
def test_mapped_spans_are_ordered_and_nested(
    case: tuple[str, list[tuple[int, int, str]]], data: st.DataObject
) -> None:
    original, pieces = case
    clean, offset_map = build(original, pieces)
    start = data.draw(st.integers(0, len(clean)))
    end = data.draw(st.integers(start, len(clean)))
    original_start, original_end = offset_map.to_original(start, end)
    assert 0 <= original_start <= original_end <= len(original)
    if start < end:
        inner = (
            offset_map.to_original(start, max(start + 1, end - 1))
            if end - start > 1
            else (original_start, original_end)
        )
        assert original_start <= inner[0] <= inner[1] <= original_end
    if start < end:
        # Back again, the span can only widen (to whole replacements), never lose characters.
        clean_start, clean_end = offset_map.to_clean(original_start, original_end)
        assert clean_start <= start
        assert end <= clean_end
