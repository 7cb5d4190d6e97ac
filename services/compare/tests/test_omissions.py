"""Omissions: content most other articles carry and one lacks, with the others' spans, ranked
by reach; nothing reported when only one other article carries it; units across languages
through actors, figures and dates; boilerplate is no unit."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from parallax.compare.align import align
from parallax.compare.article import Article
from parallax.compare.omissions import Omissions, omissions

_WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for and or but with from as is was were be has have had it its "
    "he she they his her their this that le la les de des du un une et en au aux a été ont est "
    "par pour sur avec ce se sa son ses qui que".split()
)


def _article(
    article_id: str,
    sentences: Sequence[str],
    *,
    language: str = "en",
    actors: Mapping[str, Sequence[str]] | None = None,
) -> Article:
    """An article built from sentences, with a hand-made annotation: lemmas are the lower-cased
    words, function words are DET, capitalised words PROPN, numbers NUM, the rest NOUN; each
    actor is mentioned wherever one of its names appears."""
    text, spans = "", []
    for sentence in sentences:
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence + " "
    tokens = []
    for index, (start, end) in enumerate(spans):
        for match in _WORD.finditer(text, start, end):
            word = match.group()
            if not word[0].isalnum():
                pos = "PUNCT"
            elif word.lower() in _FUNCTION_WORDS:
                pos = "DET"
            elif word[0].isdigit():
                pos = "NUM"
            elif word[0].isupper():
                pos = "PROPN"
            else:
                pos = "NOUN"
            tokens.append(
                {
                    "start": match.start(),
                    "end": match.end(),
                    "text": word,
                    "lemma": word.lower(),
                    "pos": pos,
                    "sentence": index,
                }
            )
    annotation: dict[str, Any] = {
        "id": article_id,
        "language": language,
        "sentences": [{"start": a, "end": b, "text": text[a:b]} for a, b in spans],
        "tokens": tokens,
        "actors": [
            {
                "id": actor,
                "type": "person",
                "name": names[0],
                "country": None,
                "mentions": [
                    {"start": m.start(), "end": m.end(), "text": m.group(), "field": "text"}
                    for name in names
                    for m in re.finditer(re.escape(name), text)
                ],
            }
            for actor, names in (actors or {}).items()
        ],
    }
    return Article.from_record({"id": article_id, "text": text, "language": language}, annotation)


def _omissions(articles: Sequence[Article]) -> Omissions:
    return omissions(articles, align(articles))


RATES = "The central bank raised its main interest rate by half a point on Thursday to fight inflation."
RATES_AGAIN = (
    "On Thursday the central bank raised its main interest rate by half a point, to fight inflation."
)
WAGES = "Unions warned that higher borrowing costs would hurt wages and push unemployment higher this winter."
WAGES_AGAIN = (
    "Higher borrowing costs would hurt wages and push unemployment higher this winter, unions warned."
)
MARKETS = "Stock markets in Frankfurt and Paris fell sharply after the announcement of the decision."
MARKETS_AGAIN = "After the announcement of the decision, stock markets fell sharply in Frankfurt and Paris."
HOUSING = "Mortgage lenders said new housing loans had already slowed during the autumn months."
HOUSING_AGAIN = "New housing loans had already slowed during the autumn months, mortgage lenders said."
FILLER = [
    "Analysts had expected a smaller move given the weak growth figures of recent quarters.",
    "Some economists questioned whether the governors had acted too late in the cycle.",
]


def test_a_unit_both_others_carry_is_an_omission_with_their_spans() -> None:
    lacking = _article("a", [MARKETS, WAGES, FILLER[0]])
    second = _article("b", [RATES, MARKETS_AGAIN, WAGES_AGAIN])
    third = _article("c", [WAGES, RATES_AGAIN, MARKETS])
    found = _omissions([lacking, second, third])

    [omission] = found.by_article["a"]
    assert omission.rank == 1
    assert omission.reach == 2
    assert omission.share == 1.0
    assert {(span.article, span.start, span.end) for span in omission.evidence} == {
        ("b", second.sentences[0].start, second.sentences[0].end),
        ("c", third.sentences[1].start, third.sentences[1].end),
    }
    assert found.by_article["b"] == ()
    assert found.by_article["c"] == ()
    unit = next(unit for unit in found.units if unit.id == omission.unit)
    assert unit.articles == ("b", "c")
    assert unit.kind == "fact"
    data = found.to_json()
    assert data["by_article"]["a"][0]["evidence"][0]["text"] == RATES


def test_a_unit_only_one_other_of_four_carries_is_not_an_omission() -> None:
    # RATES: only "b" has it. WAGES: "b" and "c" (two of the three others of "a" and of "d").
    first = _article("a", [MARKETS, FILLER[0]])
    second = _article("b", [RATES, WAGES, MARKETS_AGAIN])
    third = _article("c", [MARKETS, WAGES_AGAIN])
    fourth = _article("d", [MARKETS_AGAIN, FILLER[1]])
    found = _omissions([first, second, third, fourth])

    texts = {
        article: {span.text for omission in found.by_article[article] for span in omission.evidence}
        for article in "ad"
    }
    for article in "ad":
        assert RATES not in texts[article]
        assert {WAGES, WAGES_AGAIN} <= texts[article]
    assert found.by_article["b"] == ()


def test_omissions_are_ranked_by_reach() -> None:
    # HOUSING is told by three others of "a", RATES by two (the earlier, but narrower).
    lacking = _article("a", [MARKETS, FILLER[0]])
    found = _omissions(
        [
            lacking,
            _article("b", [RATES, MARKETS_AGAIN, HOUSING]),
            _article("c", [RATES_AGAIN, HOUSING_AGAIN, MARKETS]),
            _article("d", [MARKETS, HOUSING, FILLER[1]]),
        ]
    )
    ranked = found.by_article["a"]
    assert [omission.reach for omission in ranked] == [3, 2]
    assert [omission.rank for omission in ranked] == [1, 2]
    assert HOUSING in {span.text for span in ranked[0].evidence}
    assert ranked[0].share == 1.0
    assert round(ranked[1].share, 4) == round(2 / 3, 4)


CALL_EN = "Emmanuel Macron and Vladimir Putin spoke for 90 minutes by telephone on 3 February."
CALL_FR = "Emmanuel Macron et Vladimir Poutine se sont entretenus 90 minutes au téléphone le 3 février."
VISIT_EN = "Emmanuel Macron will travel to Kyiv on 8 February after a stop in Moscow."
VISIT_FR = "Emmanuel Macron se rendra à Kiev le 8 février après une étape à Moscou."
LEADERS = {
    "person/emmanuel-macron": ["Emmanuel Macron"],
    "person/vladimir-putin": ["Vladimir Putin", "Vladimir Poutine"],
}
CITIES = {"city/kyiv": ["Kyiv", "Kiev"], "city/moscow": ["Moscow", "Moscou"]}


def test_a_unit_forms_across_languages_on_actors_figures_and_dates() -> None:
    french_lacking = _article(
        "fr-a",
        [VISIT_FR, "Les tensions restent vives à la frontière selon les observateurs sur place."],
        language="fr",
        actors={**LEADERS, **CITIES},
    )
    french = _article("fr-b", [CALL_FR, VISIT_FR], language="fr", actors={**LEADERS, **CITIES})
    english = _article("en-a", [VISIT_EN, CALL_EN], actors={**LEADERS, **CITIES})
    other_english = _article("en-b", [CALL_EN, VISIT_EN], actors={**LEADERS, **CITIES})
    found = _omissions([french_lacking, french, english, other_english])

    [omission] = found.by_article["fr-a"]
    assert omission.reach == 3
    assert {span.article for span in omission.evidence} == {"fr-b", "en-a", "en-b"}
    assert CALL_FR in {span.text for span in omission.evidence}
    assert found.by_article["en-a"] == ()


def test_bylines_and_short_sentences_are_no_units() -> None:
    byline = "By John Smith and Maria Garcia, staff writers of the Evening Standard newsroom team."
    short = "He declined to comment."
    lacking = _article("a", [MARKETS, WAGES])
    found = _omissions(
        [
            lacking,
            _article("b", [byline, short, MARKETS_AGAIN, WAGES_AGAIN]),
            _article("c", [byline, short, WAGES, MARKETS]),
        ]
    )
    assert found.by_article["a"] == ()
    assert all(
        byline not in span.text for unit in found.units for spans in unit.evidence.values() for span in spans
    )


def test_an_article_reporting_the_speaker_saying_part_of_it_carries_the_unit() -> None:
    from parallax.compare.align import align as align_articles
    from parallax.compare.omissions import omissions as find_omissions

    from .conftest import simple_annotation

    quote = (
        "The budget plan decimates food programs for struggling families and weakens protections "
        "for the elderly and the sick, Senator Grey said on Tuesday."
    )
    other = "Senator Grey, speaking in Ohio, said struggling families would lose food programs."
    filler = "The vote on the budget is expected next week in the Senate chamber in Washington."

    def article(article_id: str, text: str, quoted: bool) -> Article:
        attributions = []
        if quoted:
            start = text.index("Senator Grey")
            first = text.index(". ")  # the attribution holds the first sentence only
            attributions.append(
                {
                    "kind": "indirect",
                    "content": {"start": 0, "end": first, "text": text[:first]},
                    "source": {"start": start, "end": start + 12, "text": "Senator Grey"},
                    "speaker": "person/grey",
                    "source_type": "official",
                }
            )
        annotation = simple_annotation(article_id, text, attributions=attributions)
        return Article.from_record({"id": article_id, "text": text}, annotation)

    carrying = [article("a", f"{quote} {filler}", True), article("b", f"{quote} {filler}", True)]
    with_speaker = article("c", f"{other} {filler}", True)
    without = article("c", f"{other} {filler}", False)
    found_with = find_omissions([*carrying, with_speaker], align_articles([*carrying, with_speaker]))
    found_without = find_omissions([*carrying, without], align_articles([*carrying, without]))
    [quoted_unit] = [unit for unit in found_without.units if "person/grey" in unit.speakers]
    assert [o.unit for o in found_without.by_article["c"]] == [quoted_unit.id]
    assert found_with.by_article["c"] == ()
