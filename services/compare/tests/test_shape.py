"""Shape: length against every article, readability against the same language only, and what
the headline foregrounds against the body and the other headlines, with the spans."""

import json
import re
from typing import Any

import pytest

from parallax.compare.article import Article
from parallax.compare.shape import headline_of, shape

BODY_FR = "Les présidents se sont parlé jeudi. Le Kremlin évoque des garanties. Paris appelle au calme."


def _article(
    article_id: str,
    text: str = BODY_FR,
    *,
    title: str | None = None,
    language: str = "fr",
    readability: dict[str, Any] | None = None,
    body_start: int = 0,
    mentions: dict[str, list[tuple[str, str]]] | None = None,
    loaded: list[tuple[str, str]] | None = None,
) -> Article:
    """An article built as the compare service reads one; `mentions` are (words, field) per actor,
    found in the headline when the field is "title", else in the text."""
    sentences = [m for m in re.finditer(r"[^.!?\n]+[.!?]", text) if m.start() >= body_start]
    annotation: dict[str, Any] = {
        "id": article_id,
        "language": language,
        "sentences": [{"start": s.start(), "end": s.end(), "text": s.group()} for s in sentences],
        "tokens": [
            {"start": w.start(), "end": w.end(), "text": w.group(), "lemma": w.group(), "sentence": n}
            for n, sentence in enumerate(sentences)
            for w in re.finditer(r"\w+", text)
            if sentence.start() <= w.start() < sentence.end()
        ],
        "actors": [
            {
                "id": actor,
                "type": actor.split("/")[0],
                "name": actor.split("/")[1],
                "mentions": [
                    _span(title if field == "title" else text, words) | {"field": field}
                    for words, field in found
                ],
            }
            for actor, found in (mentions or {}).items()
        ],
        "loaded": [
            _span(text, words) | {"field": "text", "category": category, "entry": words.lower()}
            for words, category in loaded or ()
        ],
        "readability": readability if readability is not None else {},
    }
    record = {"id": article_id, "text": text, "title": title, "outlet": article_id.upper()}
    return Article.from_record(record, annotation)


def _span(text: str | None, words: str) -> dict[str, Any]:
    assert text is not None
    start = text.index(words)
    return {"start": start, "end": start + len(words), "text": words}


def _readability(words: int, flesch: float, language: str = "fr") -> dict[str, Any]:
    return {
        "language": language,
        "formulas": {"flesch_reading_ease": flesch, "lix": 40.0},
        "sentences": words // 20,
        "words": words,
        "words_per_sentence": 20.0,
    }


def test_length_is_set_against_the_event_mean_and_median() -> None:
    event = shape(
        [
            _article("a", readability=_readability(300, 50.0)),
            _article("b", readability=_readability(600, 50.0)),
            _article("c", readability=_readability(1200, 50.0)),
        ]
    )
    words = {m.name: m for m in event.articles[0].length}["words"]
    assert words.value == 300
    assert words.mean == pytest.approx(700)
    assert words.median == 600
    assert words.deviation == pytest.approx(-400)
    assert words.relative == pytest.approx(-400 / 700)
    assert words.compared_with == ("b", "c")


def test_readability_is_compared_only_with_articles_of_the_same_language() -> None:
    english = "The presidents spoke on Thursday. The Kremlin cited guarantees."
    event = shape(
        [
            _article("fr1", readability=_readability(400, 40.0)),
            _article("fr2", readability=_readability(500, 60.0)),
            _article("en", english, language="en", readability=_readability(450, 70.0, "en")),
        ]
    )
    french, _, alone = event.articles
    flesch = {m.name: m for m in french.readability}["flesch_reading_ease"]
    assert flesch.compared_with == ("fr2",)
    assert flesch.mean == pytest.approx(50.0)  # the English 70 is left out
    assert flesch.deviation == pytest.approx(-10.0)
    assert french.readability_note is None
    assert all(m.mean is None and m.compared_with == () for m in alone.readability)
    assert alone.readability_note is not None
    assert "'en'" in alone.readability_note
    # Length is compared across languages.
    assert {m.name: m for m in alone.length}["words"].compared_with == ("fr1", "fr2")


def test_an_article_without_readability_says_so() -> None:
    [article] = shape([_article("a", readability={})]).articles
    assert article.readability == ()
    assert article.readability_note is not None
    assert "no readability" in article.readability_note


def test_headline_actors_are_set_against_their_share_of_the_body() -> None:
    headline = "Le Kremlin réclame des garanties"
    body = "Paris a appelé Moscou. Paris insiste. Le Kremlin répond. Paris attend."
    kremlin = _article(
        "a",
        body,
        title=headline,
        mentions={
            "government/ru": [("Kremlin", "title"), ("Le Kremlin", "text")],
            "government/fr": [("Paris a", "text"), ("Paris insiste", "text"), ("Paris attend", "text")],
        },
    )
    other = _article(
        "b",
        BODY_FR,
        title="Paris et Moscou se parlent",
        mentions={
            "government/fr": [("Paris", "title"), ("Paris", "text")],
            "government/ru": [("Moscou", "title"), ("Le Kremlin", "text")],
        },
    )
    found = shape([kremlin, other]).articles[0].headline
    assert found is not None
    assert found.span.field == "title"
    assert found.span.text == headline
    [russia] = found.actors
    assert russia.actor == "government/ru"
    assert [(span.field, span.text) for span in russia.mentions] == [("title", "Kremlin")]
    assert (russia.body_mentions, russia.body_share, russia.body_rank) == (1, 0.25, 2)
    assert russia.others_body_share == pytest.approx(0.5)
    assert russia.headlined_by == ("b",)
    leader = found.body_leaders[0]
    assert (leader.actor, leader.mentions, leader.in_headline) == ("government/fr", 3, False)


def test_a_headline_at_the_head_of_the_text_is_found_there_with_its_loaded_words() -> None:
    headline = "Moscou dénonce\nles provocations de Kiev"
    text = f"{headline}\n{BODY_FR}"
    article = _article(
        "a",
        text,
        title="Moscou dénonce les provocations de Kiev",
        body_start=len(headline) + 1,
        mentions={"government/ru": [("Moscou", "text"), ("Le Kremlin", "text")]},
        loaded=[("provocations", "charged")],
    )
    found = shape([article]).articles[0].headline
    assert found is not None
    assert (found.span.field, found.span.start, found.span.end) == ("text", 0, len(headline))
    [russia] = found.actors
    assert [span.text for span in russia.mentions] == ["Moscou"]
    assert russia.body_mentions == 1  # the headline's mention is not counted in the body
    [term] = found.loaded
    assert text[term.span.start : term.span.end] == "provocations"
    assert term.category == "charged"
    assert {m.name: m.value for m in found.measures} == {"headline_words": 6, "headline_loaded_terms": 1}


def test_an_article_with_no_headline_has_none() -> None:
    article = _article("a")
    assert headline_of(article) is None
    assert shape([article]).articles[0].headline is None


def test_the_report_is_plain_json() -> None:
    articles = [_article("a", title="Un titre", readability=_readability(300, 50.0)), _article("b")]
    report = json.loads(json.dumps(shape(articles).to_json()))
    assert report["by_article"]["a"]["headline"]["span"]["text"] == "Un titre"
    assert report["by_article"]["b"]["headline"] is None


def test_a_dateline_before_the_first_sentence_is_neither_headline_nor_body() -> None:
    dateline = "MOSCOU — "
    article = _article(
        "a",
        dateline + BODY_FR,
        title="Le Kremlin parle",
        body_start=len(dateline),
        mentions={"government/ru": [("Kremlin", "title"), ("MOSCOU", "text"), ("Le Kremlin", "text")]},
    )
    found = shape([article]).articles[0].headline
    assert found is not None
    [russia] = found.actors
    assert [(span.field, span.text) for span in russia.mentions] == [("title", "Kremlin")]
    assert russia.body_mentions == 1


def test_a_headline_the_annotation_read_apart_stays_apart_even_when_the_text_repeats_it() -> None:
    headline = "Le Kremlin parle"
    article = _article(
        "a",
        f"{headline}\n{BODY_FR}",
        title=headline,
        body_start=len(headline) + 1,
        mentions={"government/ru": [("Kremlin", "title"), ("Le Kremlin évoque", "text")]},
    )
    found = headline_of(article)
    assert found is not None
    assert (found.field, found.start, found.end) == ("title", 0, len(headline))
