"""Bytes to text: refuse binary data, honour byte-order marks and declared charsets, detect the rest."""

from __future__ import annotations

import codecs

_MAGIC_NUMBERS = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a Word/OpenDocument file)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "a legacy Microsoft Office document",
    b"\x7fELF": "an executable",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF_BYTES = 8192
# C0 control characters that do not occur in text (tab, line breaks, form feed and escape do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")


class BinaryContentError(ValueError):
    """The bytes are not text (an image, an archive, an executable …)."""


class UndecodableError(ValueError):
    """The bytes look like text but no character encoding reads them cleanly."""


def binary_kind(data: bytes) -> str | None:
    """What binary thing `data` is ("a PNG image", "binary data"), or None if it looks like text."""
    for magic, kind in _MAGIC_NUMBERS.items():
        if data.startswith(magic):
            return kind
    head = data[:_SNIFF_BYTES]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None  # UTF-16/32 text is full of NUL bytes; the BOM says it is text
    if b"\x00" in head:
        return "binary data"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head and controls / len(head) > 0.05:
        return "binary data"
    return None


def decode_bytes(data: bytes, *, declared_charset: str | None = None) -> str:
    """Decode text bytes: a BOM wins, then strict UTF-8, then the declared charset, then detection.

    Raises BinaryContentError for non-text data and UndecodableError when nothing fits.
    """
    kind = binary_kind(data)
    if kind is not None:
        raise BinaryContentError(f"this is {kind}, not text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared_charset:
        try:
            return data.decode(_canonical(declared_charset))
        except (UnicodeDecodeError, LookupError):
            pass
    western = _plausible_windows_1252(data)
    if western is not None:
        return western
    return _detect(data)


def _plausible_windows_1252(data: bytes) -> str | None:
    """The text read as Windows-1252 if it looks like Western European prose, else None.

    Statistical detection needs a lot of text and often mistakes a short French line in
    Windows-1252 for another code page. A Windows-1252 reading is accepted when every
    non-ASCII character is one French, English and other Western prose use, and accented
    letters stay a minority of letters (text in another script read this way turns into a
    run of accented capitals).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = 0
    accented = 0
    for character in text:
        if character.isascii():
            letters += character.isalpha()
            continue
        if character not in _WESTERN_CHARACTERS:
            return None
        if character.isalpha():
            letters += 1
            accented += 1
    return text if letters and accented <= 0.3 * letters else None


_WESTERN_CHARACTERS = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŸŠšŽž«»‘’“”„–—…€£°•·©®™§ªº¿¡\u00a0"
)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UndecodableError(
            f"it starts with a {encoding} byte-order mark but is not valid {encoding} "
            f"(byte {error.start}); re-save it as UTF-8"
        ) from error


def _canonical(charset: str) -> str:
    name = charset.strip().strip("\"'").lower()
    # Pages that say ISO-8859-1 are almost always Windows-1252 (what browsers assume too).
    return "cp1252" if name in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"} else name


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UndecodableError(
            "no character encoding reads it cleanly (it is not UTF-8, and detection failed); "
            "re-save it as UTF-8"
        )
    return str(best)
