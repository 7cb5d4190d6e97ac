"""Bytes to text: binary refused, byte-order marks honoured, Western code pages read right."""

import re

import pytest

from parallax.ingest.decoding import BinaryContentError, binary_kind, decode_bytes

FRENCH = "Les présidents français ont évoqué la sécurité de l’Ukraine « sans détour »."


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n....", "a PNG image"),
        (b"PK\x03\x04....", "a ZIP archive (or a Word/OpenDocument file)"),
        (b"text\x00with\x00nuls", "binary data"),
        (bytes(range(1, 31)) * 10, "binary data"),
    ],
)
def test_binary_data_is_named(data: bytes, kind: str) -> None:
    assert binary_kind(data) == kind
    with pytest.raises(BinaryContentError, match=re.escape(kind)):
        decode_bytes(data)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_text_in_common_encodings(encoding: str) -> None:
    assert decode_bytes(FRENCH.encode(encoding)) == FRENCH


def test_a_short_windows_1252_line_is_not_mistaken_for_another_code_page() -> None:
    line = "Les présidents français ont évoqué la sécurité."
    assert decode_bytes(line.encode("cp1252")) == line


def test_text_in_another_script_is_detected_not_forced_into_windows_1252() -> None:
    russian = "Президенты России и Франции провели телефонный разговор о безопасности в Европе."
    assert decode_bytes(russian.encode("cp1251")) == russian


def test_a_declared_charset_is_used_when_utf8_fails() -> None:
    assert decode_bytes(FRENCH.encode("cp1252"), declared_charset="windows-1252") == FRENCH
