"""Headline and dateline at the top of an article: separated, kept as metadata, traced to the original."""

from typing import Any

import pytest

from parallax.shared.layout import find_dateline, normalize_article
from parallax.shared.offsets import OffsetMap


def test_the_seed_article_with_its_given_title(seed_record: dict[str, Any]) -> None:
    text = seed_record["text"]
    article = normalize_article(text, title=seed_record["title"])
    assert article.title == seed_record["title"]
    assert article.title_span is not None
    assert (
        article.title_span.text
        == "Tensions en Europe : Poutine et\nMacron ont discuté des\n«garanties» de sécurité de la\nRussie"
    )
    assert text[article.title_span.start : article.title_span.end] == article.title_span.text
    assert article.dateline is not None
    assert article.dateline.span.text == "Moscou/Paris, 3 février (RHC)"
    assert article.dateline.places == ("Moscou", "Paris")
    assert article.dateline.date_text == "3 février"
    assert article.dateline.agency == "RHC"
    assert article.clean_text.startswith(
        "Les présidents français et russe ont eu un entretien téléphonique ce 3 février,"
    )


def test_the_seed_article_without_a_title_finds_the_same_headline(seed_record: dict[str, Any]) -> None:
    article = normalize_article(seed_record["text"])
    assert article.title == seed_record["title"]
    assert article.dateline is not None


def test_the_seed_paragraphs_and_the_sentence_across_the_page_break_are_whole(
    seed_record: dict[str, Any],
) -> None:
    text = seed_record["text"]
    article = normalize_article(text, title=seed_record["title"])
    paragraphs = article.clean_text.split("\n\n")
    assert len(paragraphs) == 8
    assert all("\n" not in p and "  " not in p for p in paragraphs)
    sentence = (
        "Alors que l'Ukraine est au cœur de tensions entre Occident et Russie, les chefs d'Etat et "
        "de gouvernement multiplient les appels et les rencontres, afin de parvenir à une désescalade."
    )
    assert sentence in paragraphs[1]
    start = article.clean_text.index(sentence)
    original_start, original_end = article.offset_map.to_original(start, start + len(sentence))
    original = text[original_start:original_end]
    assert original.startswith("Alors que\nl'Ukraine")
    assert "gouvernement\n\n\n\nmultiplient" in original
    assert original.endswith("désescalade.")


def test_every_word_of_the_seed_maps_back_to_the_same_word(seed_record: dict[str, Any]) -> None:
    text = seed_record["text"]
    article = normalize_article(text, title=seed_record["title"])
    offset_map = OffsetMap.from_json(article.offset_map.to_json())
    for word in ("Kremlin", "martèle", "provocatrices", "«clair»", "Zelensky", "l'OTAN"):
        start = article.clean_text.index(word)
        original_start, original_end = offset_map.to_original(start, start + len(word))
        assert text[original_start:original_end].replace("’", "'") == word


@pytest.mark.parametrize(
    ("text", "places", "date", "agency"),
    [
        ("WASHINGTON — Michael Steele, chairman of", ("WASHINGTON",), None, None),
        ("DALLAS (AP) — Democratic presidential candidate", ("DALLAS",), None, "AP"),
        ("PARIS, Feb 3 (Reuters) - French President", ("PARIS",), "Feb 3", "Reuters"),
        ("1er janvier 2016, 14h30 . –\nUn homme", (), "1er janvier 2016, 14h30", None),
        ("New York, March 5, 2022 — Stocks fell", ("New York",), "March 5, 2022", None),
    ],
)
def test_datelines_in_common_styles(
    text: str, places: tuple[str, ...], date: str | None, agency: str | None
) -> None:
    dateline = find_dateline(text)
    assert dateline is not None
    assert (dateline.places, dateline.date_text, dateline.agency) == (places, date, agency)
    assert text[dateline.span.start : dateline.span.end] == dateline.span.text


@pytest.mark.parametrize(
    "text",
    [
        "Selon le Kremlin, les deux dirigeants ont évoqué",
        "Le 31 janvier déjà, Vladimir Poutine et Emmanuel Macron",
        "The president said on Thursday that",
        "NATO-Russia relations are at a low",
    ],
)
def test_ordinary_first_sentences_are_not_datelines(text: str) -> None:
    assert find_dateline(text) is None


def test_a_title_repeated_at_the_top_with_a_final_full_stop_is_removed() -> None:
    text = "O’Malley campaign to shift staff, resources to Iowa.\n\nDALLAS (AP) — Democratic presidential candidate Martin O’Malley is shifting staff."
    article = normalize_article(text, title="O’Malley campaign to shift staff, resources to Iowa")
    assert article.clean_text.startswith("Democratic presidential candidate")


def test_a_given_title_that_is_not_at_the_top_leaves_the_text_alone() -> None:
    text = "The backlash built quickly over the weekend.\n\nSecond paragraph."
    article = normalize_article(text, title="Steele under fire")
    assert article.title == "Steele under fire"
    assert article.title_span is None
    assert article.clean_text == "The backlash built quickly over the weekend.\n\nSecond paragraph."


def test_a_long_first_paragraph_is_not_taken_for_a_title() -> None:
    text = "Republican senators kept up pressure on party Chairman Michael Steele Sunday to better explain his claim.\n\nMore text."
    assert normalize_article(text).title is None


def test_a_byline_is_not_taken_for_a_title() -> None:
    assert normalize_article("By JOHN SMITH\n\nThe text of the article goes on here.").title is None
