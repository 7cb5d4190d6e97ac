"""The PDF reader: text in reading order without page furniture, metadata, and every refusal."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parallax.ingest.readers.pdf import (
    draft_from_pdf_bytes,
    drop_page_furniture,
    meaningful_title,
    parse_pdf_date,
    read_pdf_file,
)
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.layout import normalize_article
from parallax.shared.models import SourceKind

# `news_pdf` (conftest.py) makes a NewsPdf: an FPDF with headline() and paragraph().
MakePdf = Callable[..., Any]

HEADLINE = "Zone euro : les ministres des Finances s’accordent sur un plan de soutien"
FIRST = (
    "Bruxelles, 14 mars (AFP) – Les ministres des Finances de la zone euro ont adopté lundi soir "
    "un plan de soutien aux entreprises les plus touchées par la hausse des prix de l’énergie, "
    "après plus de dix heures de négociations."
)
SECOND = (
    "Le texte prévoit des garanties publiques pour les prêts bancaires et un report des "
    "échéances fiscales jusqu’à la fin de l’année. « C’est un signal fort envoyé aux marchés », "
    "a déclaré le président de l’Eurogroupe à l’issue de la réunion."
)
# The sentence that runs across the page break.
ACROSS_END_OF_PAGE_1 = "Selon un diplomate européen, l’accord conclu dans la nuit"
ACROSS_TOP_OF_PAGE_2 = (
    "permettra de débloquer près de trente milliards d’euros d’ici à l’été, sous réserve de "
    "l’approbation des parlements nationaux."
)
THIRD = (
    "Plusieurs capitales, dont La Haye et Vienne, avaient exprimé des réserves sur le coût du "
    "dispositif. Elles ont obtenu qu’une clause de révision soit examinée dès le mois de septembre."
)
FOURTH = (
    "Les syndicats européens ont salué un premier pas, tout en réclamant des mesures pour les "
    "ménages. La Commission doit présenter de nouvelles propositions avant le sommet de juin."
)


def _article_pdf(make: MakePdf, **options: object) -> Any:
    """A three-page article: headline, dateline, a sentence across the first page break."""
    pdf = make(**options)
    pdf.add_page()
    pdf.headline(HEADLINE)
    pdf.paragraph(FIRST)
    pdf.paragraph(SECOND)
    pdf.multi_cell(0, 5.5, pdf.drawable(ACROSS_END_OF_PAGE_1), align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.paragraph(ACROSS_TOP_OF_PAGE_2)
    pdf.paragraph(THIRD)
    pdf.add_page()
    pdf.paragraph(FOURTH)
    return pdf


def _flat(text: str) -> str:
    return " ".join(text.split())


def _read(data: bytes, settings: Settings, name: str = "gazette.pdf") -> Draft | Refusal:
    return draft_from_pdf_bytes(data, provenance=Provenance(name, SourceKind.PDF), settings=settings)


def _draft(item: Draft | Refusal) -> Draft:
    assert isinstance(item, Draft), item
    return item


def _refusal(item: Draft | Refusal) -> Refusal:
    assert isinstance(item, Refusal), item
    return item


# -- text ------------------------------------------------------------------------------------


def test_article_text_comes_out_in_reading_order(news_pdf: MakePdf, reader_settings: Settings) -> None:
    pdf = _article_pdf(news_pdf)
    text = _draft(_read(pdf.to_bytes(), reader_settings)).fields["text"]

    flat = _flat(text)
    pieces = [HEADLINE, FIRST, SECOND, ACROSS_END_OF_PAGE_1, ACROSS_TOP_OF_PAGE_2, THIRD, FOURTH]
    positions = [flat.find(_flat(pdf.drawable(piece))) for piece in pieces]
    assert -1 not in positions, list(zip(pieces, positions, strict=True))
    assert positions == sorted(positions)
    assert flat.startswith(_flat(pdf.drawable(HEADLINE)))


def test_page_numbers_and_running_header_are_dropped(news_pdf: MakePdf, reader_settings: Settings) -> None:
    text = _draft(_read(_article_pdf(news_pdf).to_bytes(), reader_settings)).fields["text"]

    assert "Gazette" not in text
    assert not re.search(r"Page \d", text)
    assert not re.search(r"^\s*\d+\s*$", text, re.MULTILINE)


def test_a_sentence_across_pages_is_split_only_by_blank_lines(
    news_pdf: MakePdf, reader_settings: Settings
) -> None:
    pdf = _article_pdf(news_pdf)
    text = _draft(_read(pdf.to_bytes(), reader_settings)).fields["text"]

    assert re.search(r"dans\s+la\s+nuit\n\n\npermettra\s+de", text), text
    article = normalize_article(text)
    assert "conclu dans la nuit permettra de débloquer" in article.clean_text
    # With the furniture gone the normaliser finds the headline and the dateline.
    assert article.title == _flat(pdf.drawable(HEADLINE))
    assert article.dateline is not None
    assert article.dateline.agency == "AFP"
    assert article.clean_text.startswith("Les ministres des Finances")


def test_french_typography_survives(news_pdf: MakePdf, reader_settings: Settings) -> None:
    pdf = _article_pdf(news_pdf)
    if not pdf.unicode:
        pytest.skip("no Unicode TTF font on this machine to draw ’ and –")

    text = _draft(_read(pdf.to_bytes(), reader_settings)).fields["text"]

    assert "s’accordent" in text
    assert "(AFP) –" in text
    assert "« C’est un signal fort" in _flat(text)


def test_two_columns_are_read_one_after_the_other(news_pdf: MakePdf, reader_settings: Settings) -> None:
    # Why the reader uses pypdf's plain extraction: layout mode reads across the columns.
    pdf = news_pdf(running_header=None, page_footer=None)
    pdf.add_page()
    top = pdf.get_y()
    pdf.set_xy(10, top)
    pdf.multi_cell(90, 5.5, pdf.drawable(FIRST + " " + SECOND), align="J")
    pdf.set_xy(110, top)
    pdf.multi_cell(90, 5.5, pdf.drawable(THIRD + " " + FOURTH), align="J")

    flat = _flat(_draft(_read(pdf.to_bytes(), reader_settings)).fields["text"])

    assert _flat(pdf.drawable(FIRST + " " + SECOND + " " + THIRD + " " + FOURTH)) == flat


def test_a_one_page_article_keeps_its_first_line(news_pdf: MakePdf, reader_settings: Settings) -> None:
    # On a single page nothing repeats, so the top line is text, not a running header.
    pdf = news_pdf(running_header=None, page_footer="- {page} -")
    pdf.add_page()
    pdf.headline(HEADLINE)
    pdf.paragraph(FIRST)

    text = _draft(_read(pdf.to_bytes(), reader_settings)).fields["text"]

    assert _flat(text) == _flat(pdf.drawable(HEADLINE + " " + FIRST))


def test_read_pdf_file_reads_from_disk(news_pdf: MakePdf, reader_settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "gazette.pdf"
    path.write_bytes(_article_pdf(news_pdf).to_bytes())

    items = list(read_pdf_file(path, settings=reader_settings, display_name="inbox/gazette.pdf"))

    assert len(items) == 1
    draft = _draft(items[0])
    assert draft.provenance == Provenance("inbox/gazette.pdf", SourceKind.PDF)
    assert "permettra" in draft.fields["text"]


# -- furniture, unit by unit -------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["3", "- 3 -", "– 3 –", "Page 3 of 5", "page 3", "3/5", "3 / 5", "iv", "[3]"]
)
def test_page_number_lines_at_a_page_edge_are_dropped(number: str) -> None:
    pages = ["Les ministres ont adopté un plan.\nIls se retrouveront en juin.\n" + number]
    assert drop_page_furniture(pages) == ["Les ministres ont adopté un plan.\nIls se retrouveront en juin."]


def test_numbers_inside_a_page_are_text() -> None:
    lines = ["Un.", "Deux.", "Trois.", "3", "Quatre.", "Cinq.", "Six.", "Sept."]
    assert drop_page_furniture(["\n".join(lines)]) == ["\n".join(lines)]


def test_running_headers_with_changing_digits_are_dropped() -> None:
    pages = [
        "Le Soir, édition du 14 mars, page 1\nLe gouvernement a annoncé\n",
        "Le Soir, édition du 14 mars, page 2\nune réforme des retraites.\n",
        "Le Soir, édition du 14 mars, page 3\nLes syndicats protestent.",
    ]
    assert drop_page_furniture(pages) == [
        "Le gouvernement a annoncé",
        "une réforme des retraites.",
        "Les syndicats protestent.",
    ]


def test_a_line_repeated_on_few_pages_is_kept() -> None:
    pages = ["Encadré\nPremière page.", "Deuxième page.", "Troisième page.", "Encadré\nQuatrième page."]
    assert drop_page_furniture(pages) == pages


# -- metadata --------------------------------------------------------------------------------


def test_metadata_from_the_document_information(news_pdf: MakePdf, reader_settings: Settings) -> None:
    created = dt.datetime(2022, 3, 14, 18, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    pdf = _article_pdf(
        news_pdf, title="Zone euro : accord sur un plan de soutien", author="Jeanne Martin", created=created
    )

    fields = _draft(_read(pdf.to_bytes(), reader_settings)).fields

    assert fields["title"] == "Zone euro : accord sur un plan de soutien"
    assert "published" not in fields  # when the PDF was made is not when the article appeared
    assert fields["pdf_created"] == "2022-03-14T18:30:05+01:00"
    assert dt.datetime.fromisoformat(fields["pdf_created"]) == created
    assert fields["author"] == "Jeanne Martin"
    assert fields["pages"] == 3
    assert "outlet" not in fields
    assert "id" not in fields


@pytest.mark.parametrize(
    "title", ["Untitled", "Microsoft Word - plan_soutien_v2.docx", "plan_soutien.pdf", "  "]
)
def test_meaningless_titles_are_left_out(title: str, news_pdf: MakePdf, reader_settings: Settings) -> None:
    fields = _draft(_read(_article_pdf(news_pdf, title=title).to_bytes(), reader_settings)).fields
    assert "title" not in fields


@pytest.mark.parametrize(
    ("title", "meaningful"),
    [
        ("Zone euro : accord", True),
        ("Untitled", False),
        ("Sans titre", False),
        ("Microsoft Word - Zone euro", False),
        ("rapport.DOCX", False),
        ("2022-03-14", False),
        ("", False),
        (None, False),
    ],
)
def test_meaningful_title(title: str | None, meaningful: bool) -> None:
    assert meaningful_title(title) is meaningful


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20220314183005+01'00'", "2022-03-14T18:30:05+01:00"),
        ("D:20220314183005-05'30", "2022-03-14T18:30:05-05:30"),
        ("D:20220314183005Z", "2022-03-14T18:30:05+00:00"),
        ("D:20220314183005Z00'00'", "2022-03-14T18:30:05+00:00"),
        ("20220314183005+0100", "2022-03-14T18:30:05+01:00"),
        ("D:202203141830", "2022-03-14T18:30:00"),
        ("D:20220314", "2022-03-14"),
        ("D:20221314", None),
        ("D:2022", None),
        ("hier soir", None),
    ],
)
def test_parse_pdf_date(raw: str, iso: str | None) -> None:
    assert parse_pdf_date(raw) == iso


# -- refusals --------------------------------------------------------------------------------


def test_a_password_protected_pdf_is_refused(news_pdf: MakePdf, reader_settings: Settings) -> None:
    pdf = _article_pdf(news_pdf)
    pdf.set_encryption(owner_password="rédaction", user_password="secret")

    refusal = _refusal(_read(pdf.to_bytes(), reader_settings))

    assert refusal.reason is RefusalReason.UNDECODABLE
    assert "gazette.pdf" in refusal.message
    assert "password-protected" in refusal.message
    assert refusal.payload is not None
    assert refusal.payload.startswith("b'%PDF")


def test_a_pdf_with_only_an_owner_password_is_read(news_pdf: MakePdf, reader_settings: Settings) -> None:
    # "Protected against copying" PDFs open with an empty user password; their text is readable.
    pdf = _article_pdf(news_pdf)
    pdf.set_encryption(owner_password="rédaction")

    text = _draft(_read(pdf.to_bytes(), reader_settings)).fields["text"]

    assert "permettra" in text


def test_a_scanned_pdf_asks_for_ocr(news_pdf: MakePdf, reader_settings: Settings) -> None:
    from PIL import Image

    pdf = news_pdf(running_header=None, page_footer=None)
    pdf.add_page()
    pdf.image(Image.new("L", (400, 560), color=235), x=10, y=10, w=190)

    refusal = _refusal(_read(pdf.to_bytes(), reader_settings, name="scan.pdf"))

    assert refusal.reason is RefusalReason.NO_ARTICLE_TEXT
    assert "scan.pdf" in refusal.message
    assert "scanned images" in refusal.message
    assert "OCR" in refusal.message


def test_a_pdf_with_only_furniture_has_no_article_text(news_pdf: MakePdf, reader_settings: Settings) -> None:
    pdf = news_pdf(running_header=None, page_footer="Page {page} / {{nb}}")
    pdf.add_page()
    pdf.add_page()

    refusal = _refusal(_read(pdf.to_bytes(), reader_settings))

    assert refusal.reason is RefusalReason.NO_ARTICLE_TEXT
    assert "2 pages" in refusal.message


@pytest.mark.parametrize("kept", [0.2, 0.6, 0.95])
def test_a_truncated_pdf_is_refused(kept: float, news_pdf: MakePdf, reader_settings: Settings) -> None:
    data = _article_pdf(news_pdf).to_bytes()

    refusal = _refusal(_read(data[: int(len(data) * kept)], reader_settings))

    assert refusal.reason is RefusalReason.UNDECODABLE
    assert "gazette.pdf" in refusal.message
    assert "damaged PDF" in refusal.message


def test_an_image_is_not_a_pdf(reader_settings: Settings) -> None:
    refusal = _refusal(_read(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), reader_settings, name="photo.pdf"))

    assert refusal.reason is RefusalReason.BINARY_CONTENT
    assert "'photo.pdf' is a PNG image, not a PDF" in refusal.message
    assert refusal.payload is not None
    assert refusal.payload.startswith("b'\\x89PNG")


def test_text_is_not_a_pdf(reader_settings: Settings) -> None:
    text = "Bruxelles, 14 mars (AFP) – Les ministres ont adopté un plan.\n"

    refusal = _refusal(_read(text.encode(), reader_settings, name="depeche.pdf"))

    assert refusal.reason is RefusalReason.UNDECODABLE
    assert "depeche.pdf" in refusal.message
    assert "--format text" in refusal.message
    assert refusal.payload == text


def test_an_empty_file_is_refused(reader_settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "vide.pdf"
    path.write_bytes(b"")

    (refusal,) = read_pdf_file(path, settings=reader_settings)

    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.EMPTY_TEXT
    assert str(path) in refusal.message


def test_a_file_over_the_size_limit_is_refused(
    news_pdf: MakePdf, reader_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "gazette.pdf"
    path.write_bytes(_article_pdf(news_pdf).to_bytes())
    settings = reader_settings.model_copy(update={"max_file_bytes": 1000})

    (refusal,) = read_pdf_file(path, settings=settings)

    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.TOO_LARGE
    assert f"is {path.stat().st_size:,} bytes" in refusal.message
    assert "PARALLAX_MAX_FILE_BYTES" in refusal.message
    assert refusal.payload is not None
    assert len(refusal.payload) <= settings.max_rejected_payload_chars


def test_a_missing_file_is_refused(reader_settings: Settings, tmp_path: Path) -> None:
    (refusal,) = read_pdf_file(tmp_path / "absent.pdf", settings=reader_settings)

    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.UNREADABLE_FILE
    assert "absent.pdf" in refusal.message
    assert "no such file" in refusal.message


def test_a_page_whose_text_cannot_be_extracted_is_refused(
    news_pdf: MakePdf, reader_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A damaged content stream is hard to make on purpose; pypdf's failure is faked instead.
    from pypdf import PageObject

    def fail(*args: object, **kwargs: object) -> str:
        raise ValueError("invalid content stream")

    monkeypatch.setattr(PageObject, "extract_text", fail)

    refusal = _refusal(_read(_article_pdf(news_pdf).to_bytes(), reader_settings))

    assert refusal.reason is RefusalReason.UNDECODABLE
    assert "'gazette.pdf': the text of page 1 cannot be extracted" in refusal.message
    assert "invalid content stream" in refusal.message
