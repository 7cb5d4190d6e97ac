"""Cluster features: what the clustering reads of an article and its annotation."""

import datetime as dt

import pytest

from parallax.cluster.features import FeatureError, features_from_annotation, parse_date
from parallax.shared.figures import normalise_number


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("30,000", "30000"),
        ("30 000", "30000"),
        ("30\u202f000", "30000"),
        ("7.8", "7.8"),
        ("7,8", "7.8"),
        ("2022", "2022"),
        ("1,234,567", "1234567"),
        ("3", None),
        ("12.50", "12.5"),
        ("abc", None),
    ],
)
def test_a_figure_has_one_form_whatever_the_outlet_s_style(written: str, normalised: str | None) -> None:
    assert normalise_number(written) == normalised


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2022-02-03", dt.date(2022, 2, 3)),
        ("2022-02-03T18:30:00+01:00", dt.date(2022, 2, 3)),
        (dt.datetime(2022, 2, 3, 9), dt.date(2022, 2, 3)),
        (None, None),
        ("None", None),
        ("last week", None),
    ],
)
def test_a_publication_date_is_read_or_left_unknown(value: object, day: dt.date | None) -> None:
    assert parse_date(value) == day


def token(text: str, lemma: str, pos: str) -> dict[str, str]:
    return {"text": text, "lemma": lemma, "pos": pos}


ANNOTATION = {
    "language": "en",
    "tokens": [
        token("The", "the", "DET"),
        token("quake", "quake", "NOUN"),
        token("killed", "kill", "VERB"),
        token("2,900", "2,900", "NUM"),
        token("people", "people", "NOUN"),
        token("in", "in", "ADP"),
        token("Morocco", "Morocco", "PROPN"),
        token(".", ".", "PUNCT"),
    ],
    "actors": [
        {"id": "country/ma", "type": "country", "mentions": [{}, {}]},
        {"id": "person/aziz-akhannouch", "type": "person", "mentions": [{}]},
    ],
}


def test_words_figures_actors_and_places_come_from_the_annotation() -> None:
    article = {
        "id": "a1",
        "outlet": "The Daily Ledger",
        "title": "Quake kills 2,900 in Morocco",
        "published": "2023-09-09",
        "language": "en",
    }
    features = features_from_annotation(article, ANNOTATION)
    assert features.body_terms == {"quake": 1, "kill": 1, "people": 1, "morocco": 1}
    assert features.numbers == {"2900": 2}  # the body's and the headline's
    assert features.actors == {"country/ma": 2, "person/aziz-akhannouch": 1}
    assert features.places == {"country/ma": 2}
    # headline words take the lemma the body gave the same form; "in" is a function word there
    assert features.title_terms == {"quake": 1, "kills": 1, "morocco": 1}
    assert (features.outlet, features.published) == ("the daily ledger", dt.date(2023, 9, 9))


def test_an_article_without_an_id_or_an_annotation_without_tokens_says_so() -> None:
    with pytest.raises(FeatureError, match="no `id`"):
        features_from_annotation({"title": "x"}, ANNOTATION)
    with pytest.raises(FeatureError, match="annotate the article first"):
        features_from_annotation({"id": "a"}, {"language": "en"})
