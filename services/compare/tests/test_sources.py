"""Sources: who speaks and how much, the balance of sides against the other articles, and the
sources an article leaves out, each count with the attributions it was counted from."""

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from parallax.compare.article import Article
from parallax.compare.sources import (
    NO_SOURCE,
    SIDE_INDEPENDENT,
    SIDE_OFFICIAL_UNPLACED,
    sources,
)


@dataclass(frozen=True)
class _Said:
    """An attribution to place in a constructed article: its content and source, found by text."""

    content: str
    source: str | None
    speaker: str | None
    kind: str = "indirect"
    source_type: str = "official"
    country: str | None = None


def _article(article_id: str, text: str, *said: _Said, actors: dict[str, list[str]] | None = None) -> Article:
    """An article built the way the compare service reads one: a record and its annotation JSON."""
    sentences = list(re.finditer(r"[^.!?]+[.!?»]*", text))
    tokens = [
        {"start": w.start(), "end": w.end(), "text": w.group(), "lemma": w.group().lower(), "sentence": n}
        for n, sentence in enumerate(sentences)
        for w in re.finditer(r"\w+", text)
        if sentence.start() <= w.start() < sentence.end()
    ]
    annotation: dict[str, Any] = {
        "id": article_id,
        "language": "fr",
        "sentences": [{"start": s.start(), "end": s.end(), "text": s.group()} for s in sentences],
        "tokens": tokens,
        "actors": [
            {
                "id": actor,
                "type": actor.split("/")[0],
                "name": actor,
                "country": None,
                "mentions": [_span(text, words) | {"field": "text"} for words in mentions],
            }
            for actor, mentions in (actors or {}).items()
        ],
        "attributions": [_attribution(text, one) for one in said],
        "readability": {},
    }
    record = {"id": article_id, "text": text, "outlet": article_id.upper(), "language": "fr"}
    return Article.from_record(record, annotation)


def _span(text: str, words: str) -> dict[str, Any]:
    start = text.index(words)
    return {"start": start, "end": start + len(words), "text": words}


def _attribution(text: str, said: _Said) -> dict[str, Any]:
    return {
        "kind": said.kind,
        "content": _span(text, said.content),
        "source": _span(text, said.source) if said.source else None,
        "cue": None,
        "speaker": said.speaker,
        "source_type": said.source_type,
        "source_country": said.country,
        "field": "text",
    }


KREMLIN_QUOTE = "«Le dialogue a été poursuivi»"
ONLY_KREMLIN = _article(
    "a",
    f"{KREMLIN_QUOTE}, a indiqué le Kremlin. Moscou martèle que l'OTAN menace sa sécurité.",
    _Said(KREMLIN_QUOTE, "le Kremlin", "government/ru", "statement", country="RU"),
    _Said("que l'OTAN menace sa sécurité", "Moscou", "government/ru", country="RU"),
)
BOTH = _article(
    "b",
    f"{KREMLIN_QUOTE}, a indiqué le Kremlin. L'Élysée a appelé à la désescalade.",
    _Said(KREMLIN_QUOTE, "le Kremlin", "government/ru", "statement", country="RU"),
    _Said("à la désescalade", "L'Élysée", "government/fr", country="FR"),
)
BOTH_AGAIN = _article(
    "c",
    "Selon l'Élysée, les présidents ont parlé de sécurité. Le Kremlin a dénoncé «des actions provocatrices».",
    _Said("les présidents ont parlé de sécurité", "l'Élysée", "government/fr", "according_to", country="FR"),
    _Said("«des actions provocatrices»", "Le Kremlin", "government/ru", "mixed", country="RU"),
)


def test_an_article_quoting_only_the_kremlin_is_tilted_to_russia_against_the_others() -> None:
    found = sources([ONLY_KREMLIN, BOTH, BOTH_AGAIN]).articles[0]
    sides = {side.side: side for side in found.sides}
    assert sides["RU"].share == 1.0
    assert sides["RU"].others_share == pytest.approx(0.5)  # b: 1/2, c: 1/2, each weighing the same
    assert sides["RU"].difference == pytest.approx(0.5)
    assert sides["FR"].share == 0.0
    assert sides["FR"].difference == pytest.approx(-0.5)
    assert sides["FR"].evidence == ()
    assert found.divergence == pytest.approx(0.5)
    assert [a.content.text for a in sides["RU"].evidence] == [KREMLIN_QUOTE, "que l'OTAN menace sa sécurité"]


def test_the_elysee_is_a_source_left_out_with_the_others_spans() -> None:
    [left_out] = sources([ONLY_KREMLIN, BOTH, BOTH_AGAIN]).articles[0].left_out
    assert left_out.speaker == "government/fr"
    assert left_out.side == "FR"
    assert left_out.used_by == ("b", "c")
    assert left_out.others == 2
    spans = [
        (a.content.article, a.content.text, a.source.text if a.source else None) for a in left_out.evidence
    ]
    assert spans == [
        ("b", "à la désescalade", "L'Élysée"),
        ("c", "les présidents ont parlé de sécurité", "l'Élysée"),
    ]
    assert left_out.named_here == ()
    # The others quote both governments: nothing is left out of theirs.
    assert [article.left_out for article in sources([ONLY_KREMLIN, BOTH, BOTH_AGAIN]).articles[1:]] == [
        (),
        (),
    ]


def test_a_source_named_but_not_quoted_is_left_out_and_shows_where_it_is_named() -> None:
    names_elysee = _article(
        "d",
        "«Le dialogue a été poursuivi», a indiqué le Kremlin, que l'Élysée a appelé jeudi.",
        _Said(KREMLIN_QUOTE, "le Kremlin", "government/ru", "statement", country="RU"),
        actors={"government/fr": ["l'Élysée"]},
    )
    [left_out] = sources([names_elysee, BOTH, BOTH_AGAIN]).articles[0].left_out
    assert [span.text for span in left_out.named_here] == ["l'Élysée"]


def test_a_source_only_one_other_article_in_three_uses_is_not_left_out() -> None:
    only_kremlin_again = _article(
        "e",
        f"{KREMLIN_QUOTE}, a indiqué le Kremlin.",
        _Said(KREMLIN_QUOTE, "le Kremlin", "government/ru", "statement", country="RU"),
    )
    assert sources([ONLY_KREMLIN, only_kremlin_again, BOTH]).articles[0].left_out == ()


def test_speakers_are_counted_with_direct_indirect_and_the_words_quoted() -> None:
    text = (
        "«Nous voulons la paix, pas la guerre», a ajouté le ministre Lavrov. "
        "Un diplomate occidental estime que le dialogue reste possible. "
        "Un Diplomate Occidental juge la situation «grave». "
        "Lavrov a dit qu'il rappellerait Paris. "
        "«Rien n'est décidé.»"
    )
    article = _article(
        "f",
        text,
        _Said("«Nous voulons la paix, pas la guerre», a ajouté", "le ministre Lavrov", "person/sergei-lavrov",
              "statement", country="RU"),
        _Said("que le dialogue reste possible", "Un diplomate occidental", None),
        _Said("la situation «grave»", "Un Diplomate Occidental", None, "mixed"),
        _Said("qu'il rappellerait Paris", "Lavrov", "person/sergei-lavrov", country="RU"),
        _Said("«Rien n'est décidé.»", None, None, "floating", source_type="unknown"),
    )  # fmt: skip
    found = sources([article]).articles[0]
    assert (found.attributions, found.direct, found.quoted_words) == (5, 2, 7 + 3)
    speakers = {use.speaker: use for use in found.speakers}
    assert set(speakers) == {"person/sergei-lavrov", "unresolved:diplomate occidental", NO_SOURCE}
    lavrov = speakers["person/sergei-lavrov"]
    # Only the words inside the quotation marks are quoted, not the cue the content ran on to.
    assert (len(lavrov.attributions), lavrov.direct, lavrov.quoted_words, lavrov.side) == (2, 1, 7, "RU")
    diplomat = speakers["unresolved:diplomate occidental"]
    # A quoted fragment in reported speech ("mixed") is indirect: its words are not counted.
    assert (diplomat.resolved, len(diplomat.attributions), diplomat.direct, diplomat.quoted_words) == (
        False,
        2,
        0,
        0,
    )
    assert diplomat.side == SIDE_OFFICIAL_UNPLACED
    assert speakers[NO_SOURCE].quoted_words == 3


def test_an_article_without_attributions_has_no_balance_and_does_not_dilute_the_others() -> None:
    silent = _article("g", "Les présidents se sont parlé jeudi.")
    event = sources([silent, ONLY_KREMLIN, BOTH])
    quiet = event.articles[0]
    assert (quiet.attributions, quiet.speakers, quiet.divergence) == (0, (), None)
    assert {side.side: side.share for side in quiet.sides} == {"RU": 0.0, "FR": 0.0}
    assert [source.speaker for source in quiet.left_out] == ["government/ru"]
    # The Kremlin-only article is compared with `b` alone, not with a mean that counts `g` as 0.
    assert {side.side: side.others_share for side in event.articles[1].sides} == {"RU": 0.5, "FR": 0.5}


def test_an_article_alone_in_its_event_has_shares_but_nothing_to_differ_from() -> None:
    [alone] = sources([ONLY_KREMLIN]).articles
    [russia] = alone.sides
    assert (russia.share, russia.others_share, russia.difference) == (1.0, None, None)
    assert alone.divergence is None


def test_the_event_sides_weigh_each_article_the_same() -> None:
    expert = _article(
        "h",
        "Un chercheur juge que la crise durera.",
        _Said("que la crise durera", "Un chercheur", None, source_type="expert"),
    )
    sides = {side.side: side for side in sources([ONLY_KREMLIN, expert]).sides}
    assert sides["RU"].share == pytest.approx(0.5)
    assert sides["RU"].attributions == 2
    assert sides[SIDE_INDEPENDENT].share == pytest.approx(0.5)
    assert sides[SIDE_INDEPENDENT].articles == ("h",)


def test_the_report_is_plain_json_whose_spans_point_into_the_texts() -> None:
    articles = [ONLY_KREMLIN, BOTH, BOTH_AGAIN]
    report = json.loads(json.dumps(sources(articles).to_json()))
    texts = {article.id: article.text for article in articles}
    [left_out] = report["by_article"]["a"]["left_out"]
    for attribution in left_out["evidence"]:
        for part in ("content", "source"):
            span = attribution[part]
            assert texts[span["article"]][span["start"] : span["end"]] == span["text"]
    assert report["by_article"]["a"]["divergence"] == 0.5
