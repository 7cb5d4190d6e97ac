"""JSON Lines: each line on its own; a bad line is refused with its number, the rest go in."""

import json
from pathlib import Path

from parallax.ingest.readers.jsonl import read_json_file, read_jsonl_file
from parallax.ingest.records import Draft, Refusal, RefusalReason
from parallax.shared.config import Settings


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_every_line_becomes_a_draft_with_its_line_number(tmp_path: Path) -> None:
    records = [{"id": str(i), "outlet": "Le Monde", "text": f"Texte {i}"} for i in range(3)]
    path = write_lines(tmp_path / "a.jsonl", [json.dumps(r).encode() for r in records])
    items = list(read_jsonl_file(path, settings=Settings()))
    assert [item.fields["id"] for item in items if isinstance(item, Draft)] == ["0", "1", "2"]
    assert [item.provenance.location for item in items] == ["line 1", "line 2", "line 3"]


def test_blank_lines_are_skipped_but_still_counted(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", [b"", b'{"outlet": "X", "text": "t"}'])
    (item,) = read_jsonl_file(path, settings=Settings())
    assert item.provenance.location == "line 2"


def test_bad_lines_are_refused_one_by_one(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "mixed.jsonl",
        [
            b'{"outlet": "A", "text": "good"}',
            b'{"outlet": "A", "text": "no closing brace"',
            b'["a", "list"]',
            b'{"outlet": "A", "text": "caf\xe9"}',
            b'{"outlet": "A", "text": "also good"}',
        ],
    )
    items = list(read_jsonl_file(path, settings=Settings()))
    kinds = [type(item).__name__ for item in items]
    assert kinds == ["Draft", "Refusal", "Refusal", "Refusal", "Draft"]
    invalid, not_object, not_utf8 = (item for item in items if isinstance(item, Refusal))
    assert invalid.reason == RefusalReason.INVALID_JSON
    assert "line 2" in invalid.describe()
    assert "column" in invalid.message
    assert invalid.payload == '{"outlet": "A", "text": "no closing brace"'
    assert not_object.reason == RefusalReason.INVALID_RECORD
    assert "list" in not_object.message
    assert not_utf8.reason == RefusalReason.UNDECODABLE
    assert "UTF-8" in not_utf8.message


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    (item,) = read_jsonl_file(tmp_path / "nope.jsonl", settings=Settings())
    assert isinstance(item, Refusal)
    assert item.reason == RefusalReason.UNREADABLE_FILE


def test_json_array_files_are_read_item_by_item(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"outlet": "A", "text": "x"}, 3]), encoding="utf-8")
    first, second = read_json_file(path, settings=Settings())
    assert isinstance(first, Draft)
    assert first.provenance.location == "item 1"
    assert isinstance(second, Refusal)
    assert second.provenance.location == "item 2"


def test_json_files_that_are_really_json_lines_are_read_as_such(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('{"outlet": "A", "text": "x"}\n{"outlet": "B", "text": "y"}\n', encoding="utf-8")
    items = list(read_json_file(path, settings=Settings()))
    assert [item.fields["outlet"] for item in items if isinstance(item, Draft)] == ["A", "B"]
