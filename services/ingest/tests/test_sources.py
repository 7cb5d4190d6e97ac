"""Arguments to sources: files, folders, globs, URLs and standard input, each with a format."""

from pathlib import Path

import pytest

from parallax.ingest.records import Refusal, RefusalReason
from parallax.ingest.sources import InputFormat, Source, detect_format, expand_sources, sniff_format


def names(items: list[Source | Refusal]) -> list[str]:
    return [item.name if isinstance(item, Source) else f"refused:{item.reason}" for item in items]


def test_folders_are_walked_in_order_without_hidden_files_or_sidecars(tmp_path: Path) -> None:
    for name in ("b.txt", "a.jsonl", "sub/c.html", ".git/x.txt", "a.txt.meta.json", "notes.docx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = names(list(expand_sources([str(tmp_path)])))
    assert found == [str(tmp_path / "a.jsonl"), str(tmp_path / "b.txt"), str(tmp_path / "sub" / "c.html")]


def test_each_file_is_read_once_even_when_named_twice(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert len(list(expand_sources([str(tmp_path), str(tmp_path / "a.txt"), str(tmp_path / "*.txt")]))) == 1


def test_urls_stdin_and_bad_schemes() -> None:
    items = list(expand_sources(["https://example.org/feed.xml", "-", "ftp://example.org/a"]))
    assert isinstance(items[0], Source)
    assert items[0].url == "https://example.org/feed.xml"
    assert isinstance(items[1], Source)
    assert items[1].format == InputFormat.JSONL
    assert isinstance(items[2], Refusal)
    assert items[2].reason == RefusalReason.INVALID_URL


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.4", InputFormat.PDF),
        (b'<?xml version="1.0"?>\n<rss version="2.0">', InputFormat.FEED),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", InputFormat.FEED),
        (b"<!DOCTYPE html><html>", InputFormat.HTML),
        (b'{"outlet": "A"}', InputFormat.JSONL),
        (b'[{"outlet": "A"}]', InputFormat.JSON),
        (b"Plain prose.", InputFormat.TEXT),
    ],
)
def test_formats_are_sniffed_from_the_first_bytes(head: bytes, expected: InputFormat) -> None:
    assert sniff_format(head) == expected


def test_suffix_wins_then_content(tmp_path: Path) -> None:
    (tmp_path / "export").write_bytes(b"%PDF-1.4 ...")
    (tmp_path / "page.htm").write_text("not really html", encoding="utf-8")
    assert detect_format(tmp_path / "export") == InputFormat.PDF
    assert detect_format(tmp_path / "page.htm") == InputFormat.HTML
