"""What the user named (files, folders, globs, URLs, "-") into readable sources, each with a format.

`expand_sources` resolves arguments in order, without reading any file; `read_source` runs the
reader for a source's format. A name that matches nothing becomes a refusal, not an error
that stops the run.
"""

from __future__ import annotations

import enum
import glob
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

if TYPE_CHECKING:
    from parallax.ingest.fetch import Fetcher


class InputFormat(enum.StrEnum):
    """Input formats ingest reads; AUTO decides per file from its name, then its first bytes."""

    AUTO = "auto"
    JSONL = "jsonl"
    JSON = "json"
    TEXT = "text"
    HTML = "html"
    PDF = "pdf"
    FEED = "feed"


_BY_SUFFIX = {
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    ".json": InputFormat.JSON,
    ".txt": InputFormat.TEXT,
    ".text": InputFormat.TEXT,
    ".md": InputFormat.TEXT,
    ".html": InputFormat.HTML,
    ".htm": InputFormat.HTML,
    ".xhtml": InputFormat.HTML,
    ".pdf": InputFormat.PDF,
    ".xml": InputFormat.FEED,
    ".rss": InputFormat.FEED,
    ".atom": InputFormat.FEED,
}
_SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class Source:
    """One thing to read: a file, a URL, or standard input ("-")."""

    name: str
    format: InputFormat
    path: Path | None = None
    url: str | None = None


def expand_sources(
    arguments: Sequence[str], *, input_format: InputFormat = InputFormat.AUTO
) -> Iterator[Source | Refusal]:
    """Files, folders (recursively), globs and URLs, in the order given, each once."""
    seen: set[str] = set()
    for argument in arguments:
        for item in _expand_one(argument, input_format):
            key = item.name if isinstance(item, Source) else f"refusal:{item.provenance.source}"
            if key not in seen:
                seen.add(key)
                yield item


def _expand_one(argument: str, input_format: InputFormat) -> Iterator[Source | Refusal]:
    if argument == "-":
        yield Source(
            name="<stdin>", format=input_format if input_format != InputFormat.AUTO else InputFormat.JSONL
        )
        return
    if urlsplit(argument).scheme in {"http", "https"}:
        yield Source(name=argument, format=input_format, url=argument)
        return
    if urlsplit(argument).scheme not in {"", "file"} and "://" in argument:
        yield Refusal(
            Provenance(source=argument, kind=SourceKind.URL),
            RefusalReason.INVALID_URL,
            f"cannot read {urlsplit(argument).scheme}:// addresses; give an http(s) URL or a file path",
        )
        return
    paths = _matching_paths(argument)
    if not paths:
        what = (
            "no file matches this pattern" if _GLOB_CHARACTERS & set(argument) else "no such file or folder"
        )
        yield Refusal(
            Provenance(source=argument, kind=SourceKind.TEXT),
            RefusalReason.UNREADABLE_FILE,
            f"{what}; check the path (relative paths start from {Path.cwd()})",
        )
        return
    for path in paths:
        if path.is_dir():
            yield from _folder_sources(path, input_format)
        else:
            yield Source(name=str(path), format=input_format, path=path)


def _matching_paths(argument: str) -> list[Path]:
    if _GLOB_CHARACTERS & set(argument):
        return [Path(match) for match in sorted(glob.glob(argument, recursive=True))]
    path = Path(argument.removeprefix("file://"))
    return [path] if path.exists() else []


def _folder_sources(folder: Path, input_format: InputFormat) -> Iterator[Source]:
    """Every readable file under `folder`, sorted, skipping hidden files and metadata sidecars."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if path.name.endswith(_SIDECAR_SUFFIXES):
            continue
        if input_format == InputFormat.AUTO and path.suffix.lower() not in _BY_SUFFIX:
            continue
        yield Source(name=str(path), format=input_format, path=path)


def detect_format(path: Path) -> InputFormat:
    """A file's format from its suffix, else from its first bytes (defaulting to text)."""
    by_suffix = _BY_SUFFIX.get(path.suffix.lower())
    if by_suffix is not None:
        return by_suffix
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return InputFormat.TEXT
    return sniff_format(head)


def sniff_format(head: bytes) -> InputFormat:
    """Guess a format from the first bytes of a document."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"%pdf"):
        return InputFormat.PDF
    if start.startswith((b"<rss", b"<feed", b"<rdf")) or (
        start.startswith(b"<?xml") and any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf"))
    ):
        return InputFormat.FEED
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start:
        return InputFormat.HTML
    if start.startswith(b"{"):
        return InputFormat.JSONL
    if start.startswith(b"["):
        return InputFormat.JSON
    return InputFormat.TEXT


def read_source(
    source: Source, *, settings: Settings, fetcher: Fetcher | None = None
) -> Iterator[Draft | Refusal]:
    """Run the reader for `source`'s format; readers are imported only when needed."""
    if source.url is not None:
        from parallax.ingest.readers.urls import read_url

        yield from read_url(source.url, settings=settings, fetcher=fetcher or _default_fetcher(settings))
        return
    if source.path is None:
        from parallax.ingest.readers.jsonl import read_jsonl_lines

        yield from read_jsonl_lines(sys.stdin.buffer, source=source.name, settings=settings)
        return
    input_format = source.format if source.format != InputFormat.AUTO else detect_format(source.path)
    yield from _read_file(source, input_format, settings=settings, fetcher=fetcher)


def _default_fetcher(settings: Settings) -> Fetcher:
    from parallax.ingest.fetch import Fetcher, FetchPolicy

    return Fetcher(FetchPolicy.from_settings(settings))


def _read_file(
    source: Source, input_format: InputFormat, *, settings: Settings, fetcher: Fetcher | None
) -> Iterator[Draft | Refusal]:
    path = source.path
    assert path is not None
    if input_format == InputFormat.JSONL:
        from parallax.ingest.readers.jsonl import read_jsonl_file

        yield from read_jsonl_file(path, settings=settings, display_name=source.name)
    elif input_format == InputFormat.JSON:
        from parallax.ingest.readers.jsonl import read_json_file

        yield from read_json_file(path, settings=settings, display_name=source.name)
    elif input_format == InputFormat.TEXT:
        from parallax.ingest.readers.plaintext import read_text_file

        yield from read_text_file(path, settings=settings, display_name=source.name)
    elif input_format == InputFormat.HTML:
        from parallax.ingest.readers.html import read_html_file

        yield from _with_sidecar(
            read_html_file(path, settings=settings, display_name=source.name), path, settings
        )
    elif input_format == InputFormat.PDF:
        from parallax.ingest.readers.pdf import read_pdf_file

        yield from _with_sidecar(
            read_pdf_file(path, settings=settings, display_name=source.name), path, settings
        )
    elif input_format == InputFormat.FEED:
        from parallax.ingest.readers.feeds import read_feed_file

        yield from read_feed_file(
            path, settings=settings, fetcher=fetcher or _default_fetcher(settings), display_name=source.name
        )
    else:
        raise AssertionError(f"unhandled input format {input_format}")


def _with_sidecar(
    items: Iterator[Draft | Refusal], path: Path, settings: Settings
) -> Iterator[Draft | Refusal]:
    """Lay a file's sidecar metadata (`NAME.meta.json` …) over what its reader found.

    What the user wrote in the sidecar wins over what was extracted from the page or PDF.
    """
    from parallax.ingest.readers.files import MetadataError, sidecar_metadata

    for item in items:
        if isinstance(item, Refusal):
            yield item
            continue
        try:
            metadata = sidecar_metadata(path, name=item.provenance.source, settings=settings)
        except MetadataError as error:
            yield Refusal(item.provenance, RefusalReason.INVALID_RECORD, str(error), item.fields.get("text"))
            continue
        yield Draft(item.provenance, {**item.fields, **metadata}) if metadata else item
