"""Tests of the HTML reader: article text and metadata out of news pages, refusals otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from parallax.ingest.readers.html import (
    declared_charset_of,
    draft_from_html,
    outlet_from_url,
    primary_language,
    read_html_file,
)
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

PAGE = Provenance(source="page.html", kind=SourceKind.HTML)


@pytest.fixture
def settings() -> Settings:
    """Default limits, a short payload, nothing read from a .env file."""
    return Settings(_env_file=None, max_rejected_payload_chars=300)


def _draft(result: Draft | Refusal) -> Draft:
    assert isinstance(result, Draft), result
    return result


def _refusal(result: Draft | Refusal) -> Refusal:
    assert isinstance(result, Refusal), result
    return result


def test_french_article_text_without_boilerplate(french_article_html: str, settings: Settings) -> None:
    draft = _draft(
        draft_from_html(
            french_article_html.encode("utf-8"),
            provenance=PAGE,
            url="https://www.quotidien-du-soir.example/x?utm_source=rss",
            settings=settings,
        )
    )
    text = draft.fields["text"]

    assert "Les principales centrales syndicales ont appelé mardi" in text
    assert "« Nous irons jusqu'au bout »" in text
    assert text.rstrip().endswith("attendues dans les transports publics.")
    for boilerplate in (
        "Accueil",
        "Publicité",
        "Abonnez-vous",
        "Mentions légales",
        "À lire aussi",
        "dataLayer",
    ):
        assert boilerplate not in text
    # One paragraph per line, each paragraph whole.
    assert any(
        line.startswith("Le ministre du Travail") and line.endswith("au dialogue.")
        for line in text.split("\n")
    )


def test_french_article_metadata(french_article_html: str, settings: Settings) -> None:
    draft = _draft(draft_from_html(french_article_html, provenance=PAGE, url=None, settings=settings))

    assert draft.provenance == PAGE
    assert draft.fields["title"] == "Grève nationale : les syndicats appellent à manifester jeudi"
    assert draft.fields["published"] == "2024-03-05T14:30:00+01:00"
    assert draft.fields["url"] == "https://www.quotidien-du-soir.example/politique/2024/03/05/greve-nationale"
    assert draft.fields["outlet"] == "Le Quotidien du Soir"
    assert draft.fields["language"] == "fr"
    assert draft.fields["extra"] == {
        "author": "Claire Dupont",
        "sitename": "Le Quotidien du Soir",
        "description": "Les centrales syndicales appellent à une journée de mobilisation.",
        "extractor": f"trafilatura {trafilatura.__version__}",
    }


def test_english_article_in_windows_1252_declared_in_a_meta_tag(
    english_article_html: str, settings: Settings
) -> None:
    data = english_article_html.encode("cp1252")  # “quotes” and £ are not valid UTF-8 here

    draft = _draft(
        draft_from_html(data, provenance=PAGE, url="https://www.dailyexample.test/a", settings=settings)
    )

    assert "The Chancellor set out a £20bn spending plan" in draft.fields["text"]
    assert "“This is a budget for stability,” she told MPs" in draft.fields["text"]
    assert "cookies" not in draft.fields["text"]
    assert "Most read" not in draft.fields["text"]
    assert draft.fields["language"] == "en"
    assert draft.fields["outlet"] == "The Daily Example"
    assert draft.fields["url"] == "https://www.dailyexample.test/a"  # no canonical link: the given URL
    assert draft.fields["published"] == "2024-03-06T09:15:00Z"
    assert draft.fields["extra"]["author"] == "James Hartley"


def test_charset_from_the_http_header_wins_over_guessing(
    french_article_html: str, settings: Settings
) -> None:
    page = french_article_html.replace('<meta charset="utf-8">', "")
    draft = _draft(
        draft_from_html(
            page.encode("cp1252", errors="replace"),
            provenance=PAGE,
            url=None,
            settings=settings,
            declared_charset="windows-1252",
        )
    )

    assert "Les principales centrales syndicales ont appelé mardi" in draft.fields["text"]


def test_xhtml_with_an_xml_declaration(english_article_html: str, settings: Settings) -> None:
    page = '<?xml version="1.0" encoding="windows-1252"?>\n' + english_article_html.replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', ""
    )

    draft = _draft(draft_from_html(page.encode("cp1252"), provenance=PAGE, url=None, settings=settings))

    assert "“This is a budget for stability,”" in draft.fields["text"]


def test_outlet_falls_back_to_the_host_name(settings: Settings) -> None:
    page = (
        "<html><head><title>Council approves new tram line</title></head><body><article>"
        "<h1>Council approves new tram line</h1><p>The city council voted on Monday to build a new "
        "tram line linking the station to the university, after two years of consultation.</p>"
        "<p>Work is due to start next spring and to last three years.</p></article></body></html>"
    )

    draft = _draft(
        draft_from_html(page, provenance=PAGE, url="https://www.citynews.test/tram", settings=settings)
    )

    assert draft.fields["outlet"] == "citynews.test"
    assert "sitename" not in draft.fields.get("extra", {})
    assert "language" not in draft.fields


def test_index_page_is_refused_as_having_no_article(index_page_html: str, settings: Settings) -> None:
    refusal = _refusal(
        draft_from_html(
            index_page_html, provenance=PAGE, url="https://www.dailyexample.test/world", settings=settings
        )
    )

    assert refusal.reason is RefusalReason.NO_ARTICLE_TEXT
    assert "https://www.dailyexample.test/world" in refusal.message
    assert "navigation, index or section page" in refusal.message
    assert refusal.payload == index_page_html[:300]


def test_navigation_only_page_is_refused(settings: Settings) -> None:
    page = (
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<footer>© 2024</footer></body></html>"
    )

    refusal = _refusal(draft_from_html(page, provenance=PAGE, url=None, settings=settings))

    assert refusal.reason is RefusalReason.NO_ARTICLE_TEXT
    assert "page.html" in refusal.message


def test_text_shorter_than_the_minimum_is_refused(settings: Settings) -> None:
    page = "<html><body><article><p>Breaking: more soon.</p></article></body></html>"

    refusal = _refusal(draft_from_html(page, provenance=PAGE, url=None, settings=settings))

    assert refusal.reason is RefusalReason.NO_ARTICLE_TEXT
    assert f"fewer than the {settings.min_article_chars} needed" in refusal.message


@pytest.mark.parametrize("page", ["", "   \n", b""])
def test_empty_page_is_refused(page: str | bytes, settings: Settings) -> None:
    assert _refusal(draft_from_html(page, provenance=PAGE, url=None, settings=settings)).reason is (
        RefusalReason.NO_ARTICLE_TEXT
    )


def test_binary_data_is_refused(settings: Settings) -> None:
    refusal = _refusal(
        draft_from_html(b"\x89PNG\r\n\x1a\n" + bytes(100), provenance=PAGE, url=None, settings=settings)
    )

    assert refusal.reason is RefusalReason.BINARY_CONTENT
    assert "a PNG image" in refusal.message


def test_read_html_file(tmp_path: Path, french_article_html: str, settings: Settings) -> None:
    path = tmp_path / "greve.html"
    path.write_text(french_article_html, encoding="utf-8")

    [result] = read_html_file(path, settings=settings, display_name="saved/greve.html")

    draft = _draft(result)
    assert draft.provenance == Provenance(source="saved/greve.html", kind=SourceKind.HTML)
    assert draft.fields["outlet"] == "Le Quotidien du Soir"


def test_read_html_file_refuses_a_file_over_the_limit(tmp_path: Path, french_article_html: str) -> None:
    path = tmp_path / "greve.html"
    path.write_text(french_article_html, encoding="utf-8")
    settings = Settings(_env_file=None, max_file_bytes=1000)

    [result] = read_html_file(path, settings=settings)

    refusal = _refusal(result)
    assert refusal.reason is RefusalReason.TOO_LARGE
    assert refusal.provenance.source == str(path)


def test_read_html_file_refuses_a_missing_file(tmp_path: Path, settings: Settings) -> None:
    [result] = read_html_file(tmp_path / "missing.html", settings=settings)

    assert _refusal(result).reason is RefusalReason.UNREADABLE_FILE


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<html><head><meta charset="ISO-8859-15">', "ISO-8859-15"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>", "windows-1252"),
        (b'<?xml version="1.0" encoding="iso-8859-1"?><html>', "iso-8859-1"),
        (b"<html><head><title>none</title>", None),
    ],
)
def test_declared_charset_of(head: bytes, expected: str | None) -> None:
    assert declared_charset_of(head) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("fr-FR", "fr"), ("EN_gb", "en"), ("de", "de"), ("", None), ("x", None), (None, None)],
)
def test_primary_language(tag: str | None, expected: str | None) -> None:
    assert primary_language(tag) == expected


def test_outlet_from_url() -> None:
    assert outlet_from_url("https://www.lemonde.fr/politique/") == "lemonde.fr"
    assert outlet_from_url("https://edition.cnn.com/") == "edition.cnn.com"
    assert outlet_from_url(None) is None
