"""Plain-text articles: one article per file, its metadata in YAML front matter or a sidecar file.

A text file holds one article body. Its metadata (the interchange fields `id`, `outlet`,
`title`, `url`, `published`, `language`, and any other field, kept as an extra) comes from:

- a front-matter block at the very top of the file: a `---` line, a YAML mapping, a `---` line;
- a sidecar file next to it, named after the full file name or after its stem:
  `article.txt.meta.json` or `article.meta.json` (also `.meta.yaml` and `.meta.yml`).

When both are present they are merged and the front matter wins, field by field (it travels
with the text, the sidecar may be stale). The body is handed over exactly as found: later
spans are offsets into it, and `parallax.shared.layout.normalize_article` does the cleaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parallax.ingest.decoding import UndecodableError, binary_kind, decode_bytes
from parallax.ingest.readers.files import (
    MetadataError,
    load_metadata,
    payload_of_bytes,
    read_file_bytes,
    sidecar_metadata,
    truncate_payload,
)
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*(?:\r\n|\n)")
_FRONT_MATTER_CLOSE = re.compile(r"^---[ \t]*(?:\r\n|\n|\Z)", re.MULTILINE)


def read_text_file(
    path: Path, *, settings: Settings, display_name: str | None = None
) -> Iterator[Draft | Refusal]:
    """Read one plain-text article (with its front matter or sidecar metadata) from `path`.

    Yields exactly one item: a draft whose `text` is the body after any front matter, exactly
    as in the file, or a refusal saying what was wrong. `display_name` names the file in
    provenance and messages (default: `path` as given).
    """
    provenance = Provenance(source=display_name or str(path), kind=SourceKind.TEXT)
    yield _read_text_article(path, provenance=provenance, settings=settings)


def _read_text_article(path: Path, *, provenance: Provenance, settings: Settings) -> Draft | Refusal:
    """Steps: 1. read the bytes; 2. decode them; 3. split off the front matter;
    4. merge it over the sidecar's metadata; 5. check there is a body."""
    name = provenance.source
    # 1.
    data = read_file_bytes(path, provenance=provenance, settings=settings)
    if isinstance(data, Refusal):
        return data
    # 2.
    text = _decode_text(data, provenance=provenance, settings=settings)
    if isinstance(text, Refusal):
        return text
    payload = truncate_payload(text, settings=settings)
    try:
        # 3.
        front_matter, body = split_front_matter(text, name=name)
        # 4.
        fields = {**sidecar_metadata(path, name=name, settings=settings), **front_matter}
    except MetadataError as error:
        return Refusal(provenance, RefusalReason.INVALID_RECORD, str(error), payload)
    # 5.
    if not body.strip():
        problem = (
            "has no article text after its front matter; put the text below the closing '---' line"
            if len(body) != len(text)
            else "is empty (or only blank lines); put the article's text in it"
        )
        return Refusal(provenance, RefusalReason.EMPTY_TEXT, f"'{name}' {problem}", payload)
    return Draft(provenance, {**fields, "text": body})


def split_front_matter(text: str, *, name: str) -> tuple[dict[str, Any], str]:
    """Split `text` into its YAML front-matter fields and the body that follows, exactly as found.

    Without front matter (the text does not start with a `---` line) the fields are empty and
    the body is the whole text. Raises MetadataError, naming `name`, for a front matter that is
    not closed, not valid YAML, or not a mapping of field names.
    """
    opening = _FRONT_MATTER_OPEN.match(text)
    if opening is None:
        return {}, text
    closing = _FRONT_MATTER_CLOSE.search(text, opening.end())
    if closing is None:
        raise MetadataError(
            f"'{name}' starts with a '---' line but its front matter has no closing '---' line; "
            "add a '---' line after the metadata, or remove the first line if it is not front matter"
        )
    source = text[opening.end() : closing.start()]
    where = f"the front matter of '{name}'"
    # The YAML starts on the file's second line; YAML counts lines from 0.
    fields = load_metadata(source, where=where, first_line=2, is_json=False)
    return fields, text[closing.end() :]


def _decode_text(data: bytes, *, provenance: Provenance, settings: Settings) -> str | Refusal:
    name = provenance.source
    kind = binary_kind(data)
    if kind is not None:
        advice = (
            "read it with the PDF reader (--format pdf)"
            if kind == "a PDF document"
            else "give Parallax the article as plain text (UTF-8), HTML or PDF"
        )
        return Refusal(
            provenance,
            RefusalReason.BINARY_CONTENT,
            f"'{name}' is {kind}, not text; {advice}",
            payload_of_bytes(data, settings=settings),
        )
    try:
        return decode_bytes(data)
    except UndecodableError as error:
        return Refusal(
            provenance,
            RefusalReason.UNDECODABLE,
            f"'{name}' cannot be read as text: {error}",
            payload_of_bytes(data, settings=settings),
        )
