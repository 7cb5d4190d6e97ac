"""PDF articles: the text of every page in reading order, without the page furniture.

Text comes from pypdf's default ("plain") extraction, which follows the order the text was
written into each page. Its "layout" mode was measured on news-like PDFs made with fpdf2:
on one column both modes keep the words in order (98% sequence match each), but layout mode
pads lines with runs of spaces and page bottoms with dozens of blank lines, and on a
two-column page it reads across the columns (52% match against 99% for plain mode).

Pages are joined with two blank lines ("\\n\\n\\n"), so a page break stays visible; the
normaliser rejoins a sentence that runs across it. PDF furniture is dropped, because it is
not the article's text and would land in the middle of sentences:

- page numbers: a line at the top or bottom of a page that is only a page number
  ("3", "- 3 -", "Page 3 of 5", "3/5", "iv");
- running headers and footers: a line at the top or bottom of most pages that repeats on
  them identically (digits aside, so "Le Monde, page 2" and "Le Monde, page 3" are one).

Metadata comes from the document information: `title` (when it is a real title, not
"Untitled" or a file name such as "Microsoft Word - x.docx"), and the extra fields `author`,
`pages` and `pdf_created` (the creation date: when the PDF was made, which is not always when
the article was published, so it is not used as `published`). A sidecar metadata file
(`NAME.meta.json`) can give `outlet`, `published` and the rest.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parallax.ingest.decoding import binary_kind
from parallax.ingest.readers.files import payload_of_bytes, read_file_bytes
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

if TYPE_CHECKING:
    from pypdf import PdfReader

PAGE_BREAK = "\n\n\n"

# The PDF header may follow some junk; readers accept it within the first kilobyte.
_HEADER_WINDOW = 1024
_PREVIEW_BYTES = 64
# How many non-blank lines at each end of a page can be furniture.
_EDGE_LINES = 3

_ROMAN = r"(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER = re.compile(
    r"(?:(?i:page|pages|p\.|pg\.?|seite|página|pagina)\s*)?"
    r"[-–—(\[]?\s*(?:\d{1,3}|" + _ROMAN + r")\s*"
    r"(?:(?:/|(?i:of|sur|de|von|\|))\s*\d{1,3})?\s*[-–—)\]]?"
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")

_PLACEHOLDER_TITLES = frozenset(
    {
        "untitled",
        "sans titre",
        "sans-titre",
        "document",
        "title",
        "titre",
        "no title",
        "sin título",
        "ohne titel",
    }
)
_FILE_NAME_TITLE = re.compile(
    r"(?i:microsoft\s+\w+\s+-\s+.*|.*\.(?:docx?|odt|rtf|txt|pdf|pages|indd|qxd|qxp|html?|tex|pptx?|xlsx?))"
)
_PDF_DATE = re.compile(
    r"(?:D:)?(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?)?"
    r"(?P<zone>Z|(?P<sign>[+-])(?P<zone_hour>\d{2})(?:'?(?P<zone_minute>\d{2}))?)?"
)


def read_pdf_file(
    path: Path, *, settings: Settings, display_name: str | None = None
) -> Iterator[Draft | Refusal]:
    """Read one PDF article from `path`; yields exactly one draft or refusal.

    `display_name` names the file in provenance and messages (default: `path` as given).
    """
    provenance = Provenance(source=display_name or str(path), kind=SourceKind.PDF)
    data = read_file_bytes(path, provenance=provenance, settings=settings)
    if isinstance(data, Refusal):
        yield data
    else:
        yield draft_from_pdf_bytes(data, provenance=provenance, settings=settings)


def draft_from_pdf_bytes(data: bytes, *, provenance: Provenance, settings: Settings) -> Draft | Refusal:
    """Turn the bytes of a PDF into a draft (text and metadata) or a refusal.

    Steps:
    1. check that the bytes are a PDF and open it (an encrypted PDF is tried with an empty
       password, which is how "protected against copying" PDFs open);
    2. extract each page's text in content order;
    3. drop page numbers and running headers and footers, join the pages with blank lines;
    4. read the document information (title, creation date, author).
    """
    # 1.
    refusal = _refuse_non_pdf(data, provenance=provenance, settings=settings)
    if refusal is not None:
        return refusal
    reader = _open_pdf(data, provenance=provenance)
    if isinstance(reader, Refusal):
        return reader
    # 2.
    pages = _page_texts(reader, provenance=provenance, preview=_preview(data))
    if isinstance(pages, Refusal):
        return pages
    # 3.
    text = join_pages(drop_page_furniture(pages))
    if not text.strip():
        pages_said = "its page" if len(pages) == 1 else f"any of its {len(pages)} pages"
        return Refusal(
            provenance,
            RefusalReason.NO_ARTICLE_TEXT,
            f"'{provenance.source}' has no extractable text on {pages_said}; it seems to be scanned "
            "images and needs OCR first (e.g. `ocrmypdf in.pdf out.pdf`): Parallax does not do OCR",
            _preview(data),
        )
    # 4.
    return Draft(provenance, {"text": text, **_document_info(reader), "pages": len(pages)})


def _open_pdf(data: bytes, *, provenance: Provenance) -> PdfReader | Refusal:
    from pypdf import PasswordType, PdfReader

    name = provenance.source
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return Refusal(
                provenance,
                RefusalReason.UNDECODABLE,
                f"'{name}' is password-protected; remove the password (e.g. `qpdf --decrypt "
                "--password=PASSWORD in.pdf out.pdf`) and ingest the unprotected copy",
                _preview(data),
            )
        len(reader.pages)  # reads the page tree, where truncated files usually break
    # pypdf signals a damaged file with anything from PdfReadError to KeyError or zlib.error;
    # whichever it is, the file cannot be read and the user needs the same advice.
    except Exception as error:
        return Refusal(
            provenance,
            RefusalReason.UNDECODABLE,
            f"'{name}' is a damaged PDF that cannot be opened ({_describe_error(error)}); "
            "re-export or re-download it",
            _preview(data),
        )
    return reader


def _page_texts(reader: PdfReader, *, provenance: Provenance, preview: str) -> list[str] | Refusal:
    pages: list[str] = []
    for index in range(len(reader.pages)):
        try:
            pages.append(reader.pages[index].extract_text())
        except Exception as error:  # as in _open_pdf: any pypdf failure means a damaged page
            return Refusal(
                provenance,
                RefusalReason.UNDECODABLE,
                f"'{provenance.source}': the text of page {index + 1} cannot be extracted "
                f"({_describe_error(error)}); the PDF is damaged — re-export or re-download it",
                preview,
            )
    return pages


def _preview(data: bytes) -> str:
    return repr(data[:_PREVIEW_BYTES])


def _refuse_non_pdf(data: bytes, *, provenance: Provenance, settings: Settings) -> Refusal | None:
    name = provenance.source
    if b"%PDF-" in data[:_HEADER_WINDOW]:
        return None
    if not data:
        return Refusal(
            provenance, RefusalReason.EMPTY_TEXT, f"'{name}' is empty (0 bytes); give the PDF's content", ""
        )
    kind = binary_kind(data)
    payload = payload_of_bytes(data, settings=settings)
    if kind is not None:
        return Refusal(
            provenance,
            RefusalReason.BINARY_CONTENT,
            f"'{name}' is {kind}, not a PDF; give Parallax the article as PDF, HTML or plain text",
            payload,
        )
    return Refusal(
        provenance,
        RefusalReason.UNDECODABLE,
        f"'{name}' is not a PDF (it has no '%PDF-' header) and looks like text; "
        "read it as text (--format text)",
        payload,
    )


def drop_page_furniture(pages: Sequence[str]) -> list[str]:
    """Each page's text without page-number lines and running headers/footers at its edges.

    Only the first and last few non-blank lines of a page are considered; a line there is
    furniture if it is only a page number, or if (digits aside) it is at an edge of more than
    half of the pages with text, and at least two of them. Pages come back stripped of
    leading and trailing blank lines.
    """
    lines_of = [page.split("\n") for page in pages]
    edges_of = [_edge_indices(lines) for lines in lines_of]
    pages_with_text = sum(1 for edges in edges_of if edges)
    seen_on = Counter(
        key
        for lines, edges in zip(lines_of, edges_of, strict=True)
        for key in {_furniture_key(lines[i]) for i in edges}
    )
    running = {key for key, count in seen_on.items() if count >= 2 and count * 2 > pages_with_text}
    cleaned = []
    for lines, edges in zip(lines_of, edges_of, strict=True):
        dropped = {
            i
            for i in edges
            if _PAGE_NUMBER.fullmatch(lines[i].strip()) or _furniture_key(lines[i]) in running
        }
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in dropped).strip())
    return cleaned


def join_pages(pages: Sequence[str]) -> str:
    """The pages' texts joined with blank lines (`PAGE_BREAK`); pages without text are left out."""
    return PAGE_BREAK.join(page for page in pages if page.strip())


def _edge_indices(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE_LINES]) | set(filled[-_EDGE_LINES:]))


def _furniture_key(line: str) -> str:
    return _DIGITS.sub("#", _SPACES.sub(" ", line.strip()))


def _document_info(reader: PdfReader) -> dict[str, Any]:
    """Title, creation date and author from the PDF's document information, when meaningful."""
    try:
        info = reader.metadata
        if info is None:
            return {}
        title, author, created = info.title, info.author, info.creation_date_raw
    # A damaged information dictionary costs the metadata, not the article: the text was read.
    except Exception:
        return {}
    fields: dict[str, Any] = {}
    if meaningful_title(title):
        fields["title"] = " ".join(str(title).split())
    # The creation date says when the PDF was made (printed, exported), which may be long
    # after the article appeared: kept, but not taken for the publication date.
    made = parse_pdf_date(str(created)) if isinstance(created, str) else None
    if made is not None:
        fields["pdf_created"] = made
    if isinstance(author, str) and author.strip():
        fields["author"] = " ".join(str(author).split())
    return fields


def meaningful_title(title: object) -> bool:
    """Whether a PDF's /Title names the article (not empty, "Untitled" or a file name)."""
    if not isinstance(title, str):
        return False
    folded = " ".join(title.split()).casefold()
    if not any(character.isalpha() for character in folded) or folded in _PLACEHOLDER_TITLES:
        return False
    return _FILE_NAME_TITLE.fullmatch(folded) is None


def parse_pdf_date(value: str) -> str | None:
    """A PDF date ("D:20220203183000+01'00'") as ISO-8601 ("2022-02-03T18:30:00+01:00"), or None.

    A date without a time gives "2022-02-03"; a time without a zone gives a local time
    without offset. Dates that are not valid (month 13, a year alone) give None.
    """
    match = _PDF_DATE.match(value.strip())
    if match is None:
        return None
    parts = match.groupdict()
    try:
        day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        if parts["hour"] is None:
            return day.isoformat()
        zone = None
        if parts["zone"] == "Z":
            zone = dt.UTC
        elif parts["sign"] is not None:
            offset = dt.timedelta(hours=int(parts["zone_hour"]), minutes=int(parts["zone_minute"] or 0))
            zone = dt.timezone(-offset if parts["sign"] == "-" else offset)
        moment = dt.datetime(
            day.year,
            day.month,
            day.day,
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return moment.isoformat()


def _describe_error(error: Exception) -> str:
    detail = str(error).strip()
    text = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return text[:200]
