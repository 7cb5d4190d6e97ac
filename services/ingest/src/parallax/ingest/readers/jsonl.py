"""JSON Lines (and plain JSON) in the interchange format: one article object per line.

Each line is read on its own, so a bad line (not UTF-8, not JSON, not an object) is refused
with its line number and every other line still goes in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind


def read_jsonl_file(
    path: Path, *, settings: Settings, display_name: str | None = None
) -> Iterator[Draft | Refusal]:
    """Read a JSON Lines file of articles, refusing bad lines one by one."""
    source = display_name or str(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        yield _unreadable(source, error)
        return
    with handle:
        yield from read_jsonl_lines(handle, source=source, settings=settings)


def read_jsonl_lines(
    lines: Iterable[bytes] | IO[bytes], *, source: str, settings: Settings
) -> Iterator[Draft | Refusal]:
    """Read JSON Lines from an iterable of byte lines (a file, standard input, a request body)."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        provenance = Provenance(source=source, kind=SourceKind.JSONL, location=f"line {number}")
        yield _parse_line(raw, provenance)


def read_json_file(
    path: Path, *, settings: Settings, display_name: str | None = None
) -> Iterator[Draft | Refusal]:
    """Read a .json file: one article object, an array of them, or JSON Lines after all."""
    source = display_name or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        yield _unreadable(source, error)
        return
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        # Many ".json" exports are really JSON Lines; read them line by line.
        yield from read_jsonl_lines(data.splitlines(), source=source, settings=settings)
        return
    records = document if isinstance(document, list) else [document]
    for index, record in enumerate(records, start=1):
        location = f"item {index}" if isinstance(document, list) else None
        provenance = Provenance(source=source, kind=SourceKind.JSONL, location=location)
        yield _record_to_draft(record, provenance, raw=None)


def _parse_line(raw: bytes, provenance: Provenance) -> Draft | Refusal:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Refusal(
            provenance,
            RefusalReason.UNDECODABLE,
            f"not UTF-8 (byte {error.start} is {raw[error.start : error.start + 1]!r}); "
            "JSON Lines files must be UTF-8",
            payload=raw.decode("utf-8", errors="replace"),
        )
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Refusal(
            provenance,
            RefusalReason.INVALID_JSON,
            f"not valid JSON ({error.msg} at column {error.colno}); "
            "each line must be one complete JSON object",
            payload=line.rstrip("\r\n"),
        )
    return _record_to_draft(record, provenance, raw=line.rstrip("\r\n"))


def _record_to_draft(record: Any, provenance: Provenance, *, raw: str | None) -> Draft | Refusal:
    if not isinstance(record, dict):
        return Refusal(
            provenance,
            RefusalReason.INVALID_RECORD,
            f"a JSON {type(record).__name__} where an article object was expected "
            '(e.g. {"outlet": "…", "text": "…"})',
            payload=raw if raw is not None else json.dumps(record, ensure_ascii=False),
        )
    return Draft(provenance=provenance, fields=record)


def _unreadable(source: str, error: OSError) -> Refusal:
    return Refusal(
        Provenance(source=source, kind=SourceKind.JSONL),
        RefusalReason.UNREADABLE_FILE,
        f"cannot read the file: {error.strerror or error}",
    )
