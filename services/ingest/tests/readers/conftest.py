"""Fixtures for the reader tests: settings, and news-like PDFs built with fpdf2."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF

from parallax.shared.config import Settings

_FONT_DIRECTORIES = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
_FONT_NAMES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "FreeSans.ttf")
# Characters the core Helvetica font (Latin-1) cannot draw, and what to draw instead.
_LATIN_1_STAND_INS = str.maketrans({"’": "'", "–": "-", "—": "-", "œ": "oe", "…": "...", "·": "-"})


def _unicode_font() -> Path | None:
    for name in _FONT_NAMES:
        for directory in _FONT_DIRECTORIES:
            if directory.is_dir():
                found = next(directory.rglob(name), None)
                if found is not None:
                    return found
    return None


UNICODE_FONT = _unicode_font()


class NewsPdf(FPDF):
    """A news article laid out like a printed page: running header, page-number footer."""

    def __init__(self, *, running_header: str | None, page_footer: str | None) -> None:
        super().__init__(format="A4")
        self.running_header = running_header
        self.page_footer = page_footer
        self.unicode = UNICODE_FONT is not None
        if UNICODE_FONT is not None:
            self.add_font("Body", fname=str(UNICODE_FONT))
            self.body_font = "Body"
        else:
            self.body_font = "Helvetica"
        self.set_font(self.body_font, size=11)
        self.set_auto_page_break(auto=True, margin=20)

    def drawable(self, text: str) -> str:
        """`text` as this PDF can draw it (typographic characters replaced without a Unicode font)."""
        return text if self.unicode else text.translate(_LATIN_1_STAND_INS)

    def header(self) -> None:
        if self.running_header:
            self.set_font(self.body_font, size=8)
            self.cell(0, 5, self.drawable(self.running_header), new_x="LMARGIN", new_y="NEXT")
            self.ln(4)
            self.set_font(self.body_font, size=11)

    def footer(self) -> None:
        if self.page_footer:
            self.set_y(-15)
            self.set_font(self.body_font, size=8)
            self.cell(0, 5, self.page_footer.format(page=self.page_no()), align="C")
            self.set_font(self.body_font, size=11)

    def headline(self, text: str) -> None:
        """A headline in large type, wrapped over lines like a real one."""
        self.set_font(self.body_font, size=18)
        self.multi_cell(110, 8, self.drawable(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.body_font, size=11)
        self.ln(4)

    def paragraph(self, text: str) -> None:
        """A justified paragraph, followed by some space."""
        self.multi_cell(0, 5.5, self.drawable(text), align="J", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def to_bytes(self) -> bytes:
        """The finished PDF."""
        return bytes(self.output())


@pytest.fixture
def reader_settings() -> Settings:
    """Settings with small, known limits and nothing read from the environment's .env file."""
    return Settings(_env_file=None, max_file_bytes=1_000_000, max_rejected_payload_chars=2000)


@pytest.fixture
def news_pdf() -> Callable[..., NewsPdf]:
    """Make a `NewsPdf`; keyword arguments choose its running header and footer."""

    def make(
        *,
        running_header: str | None = "La Gazette de Bruxelles · Économie · 14/03/2022",
        page_footer: str | None = "Page {page} / {{nb}}",
        title: str | None = None,
        author: str | None = None,
        created: dt.datetime | None = None,
    ) -> NewsPdf:
        pdf = NewsPdf(running_header=running_header, page_footer=page_footer)
        if title is not None:
            pdf.set_title(title)
        if author is not None:
            pdf.set_author(author)
        if created is not None:
            pdf.set_creation_date(created)
        return pdf

    return make
