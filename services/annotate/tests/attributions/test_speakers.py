"""Speakers and source types: the actor behind a source, pronouns, floating quotes, kinds of source."""

import datetime as dt
from typing import Any

import pytest

from parallax.annotate.actors.catalog import load_catalog
from parallax.annotate.actors.linking import link_actors
from parallax.annotate.attributions.speakers import SourceType, resolve_speakers
from parallax.annotate.findings import Attribution, AttributionKind
from parallax.annotate.pipelines import pipeline_for

DAY = dt.date(2022, 2, 3)


def attribution(doc: Any, source: str | None, content: str, occurrence: int = 0) -> Attribution:
    """An attribution whose source is the `occurrence`-th `source` and content the given words."""
    text = doc.text
    content_start = text.index(content)
    if source is None:
        return Attribution(
            AttributionKind.FLOATING, ((content_start, content_start + len(content)),), (), None
        )
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(source, start + 1)
    span = doc.char_span(start, start + len(source), alignment_mode="expand")
    return Attribution(
        AttributionKind.INDIRECT,
        ((content_start, content_start + len(content)),),
        (),
        (start, start + len(source)),
        span.root.i,
    )


def speakers_of(language: str, text: str, specs: list[tuple[str | None, str, int]]) -> list[Any]:
    doc = pipeline_for(language).nlp(text)
    catalog = load_catalog()
    mentions = link_actors(doc, language=language, published=DAY, catalog=catalog)
    found = [attribution(doc, source, content, occurrence) for source, content, occurrence in specs]
    return resolve_speakers(doc, found, mentions, language=language, published=DAY, catalog=catalog)


def test_titles_metonyms_and_office_holders_are_official_with_their_country() -> None:
    text = (
        "Le Kremlin a affirmé que le dialogue continuait. Le président français a jugé que la "
        "désescalade était possible. Volodymyr Zelensky a dit que l'Ukraine restait calme."
    )
    kremlin, macron, zelensky = speakers_of(
        "fr",
        text,
        [
            ("Kremlin", "le dialogue continuait", 0),
            ("président français", "la désescalade", 0),
            ("Volodymyr Zelensky", "l'Ukraine restait calme", 0),
        ],
    )
    assert (kremlin.actor_id, kremlin.source_type, kremlin.country) == (
        "government/ru",
        SourceType.OFFICIAL,
        "RU",
    )
    assert (macron.actor_id, macron.source_type, macron.country) == (
        "person/emmanuel-macron",
        SourceType.OFFICIAL,
        "FR",
    )
    assert (zelensky.actor_id, zelensky.source_type) == ("person/volodymyr-zelensky", SourceType.OFFICIAL)


def test_pronouns_and_floating_quotations_inherit_the_last_speaker() -> None:
    text = "Emmanuel Macron a estimé que la situation était grave. Il a ajouté que rien n'était joué. «Nous restons prudents.»"
    first, pronoun, floating = speakers_of(
        "fr",
        text,
        [
            ("Emmanuel Macron", "la situation", 0),
            ("Il", "rien n'était joué", 0),
            (None, "«Nous restons prudents.»", 0),
        ],
    )
    assert first.actor_id == pronoun.actor_id == floating.actor_id == "person/emmanuel-macron"
    assert (pronoun.inherited, floating.inherited) == (True, True)


@pytest.mark.parametrize(
    ("language", "text", "source", "expected"),
    [
        (
            "fr",
            "Une source diplomatique a indiqué que la réunion aurait lieu.",
            "Une source diplomatique",
            SourceType.ANONYMOUS,
        ),
        (
            "en",
            "Officials who spoke on condition of anonymity said the talks stalled.",
            "Officials who spoke on condition of anonymity",
            SourceType.ANONYMOUS,
        ),
        (
            "fr",
            "Jean Dupont, économiste à Paris, estime que la croissance ralentit.",
            "Jean Dupont",
            SourceType.EXPERT,
        ),
        (
            "en",
            "A Quinnipiac University poll shows that the race is close.",
            "A Quinnipiac University poll",
            SourceType.DOCUMENT,
        ),
        (
            "fr",
            "Un habitant du quartier raconte que les tirs ont duré une heure.",
            "Un habitant du quartier",
            SourceType.CITIZEN,
        ),
        (
            "en",
            "The Washington Post reported that the deal was near.",
            "The Washington Post",
            SourceType.MEDIA,
        ),
        (
            "fr",
            "Le porte-parole du ministère a déclaré que rien n'avait changé.",
            "Le porte-parole du ministère",
            SourceType.OFFICIAL,
        ),
        ("en", "Someone said that it would rain.", "Someone", SourceType.UNKNOWN),
    ],
)
def test_source_types_from_the_words_of_the_source(
    language: str, text: str, source: str, expected: SourceType
) -> None:
    content = text.split(" que ", 1)[-1] if language == "fr" else text.rsplit(" ", 3)[-3]
    (speaker,) = speakers_of(language, text, [(source, content, 0)])
    assert speaker.source_type == expected
