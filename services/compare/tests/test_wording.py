"""Wording: substitutions in aligned sentences, actor labels per outlet, loaded-language density."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from parallax.compare.align import Alignment, SentenceLink, align
from parallax.compare.article import Article
from parallax.compare.wording import (
    SCARE_QUOTE,
    Density,
    actor_labels,
    densities,
    sentence_substitutions,
    wording,
)

# A token as the annotation stores it, given here as (text, lemma, part of speech).
Token = tuple[str, str, str]


def _article(
    article_id: str,
    outlet: str,
    sentences: Sequence[Sequence[Token]],
    *,
    language: str = "fr",
    mentions: Sequence[tuple[str, str]] = (),
    loaded: Sequence[tuple[str, str]] = (),
) -> Article:
    """An article whose text is its tokens joined by spaces, read through `Article.from_record`.

    `mentions` are (actor id, words) and `loaded` (category, words): each is found in the text
    (every occurrence) and stored with its offsets, as the annotate service would.
    """
    text, tokens, spans = "", [], []
    for index, sentence in enumerate(sentences):
        start = len(text)
        for word, lemma, pos in sentence:
            tokens.append(
                {
                    "start": len(text),
                    "end": len(text) + len(word),
                    "text": word,
                    "lemma": lemma,
                    "pos": pos,
                    "sentence": index,
                }
            )
            text += word + " "
        spans.append({"start": start, "end": len(text) - 1, "text": text[start : len(text) - 1]})
    text = text.rstrip()

    def found(words: str) -> list[dict[str, Any]]:
        at, hits = text.find(words), []
        while at >= 0:
            hits.append({"start": at, "end": at + len(words), "text": words, "field": "text"})
            at = text.find(words, at + 1)
        assert hits, f"{words!r} is not in {text!r}"
        return hits

    actors: dict[str, list[dict[str, Any]]] = {}
    for actor, words in mentions:
        actors.setdefault(actor, []).extend(found(words))
    annotation = {
        "id": article_id,
        "language": language,
        "sentences": spans,
        "tokens": tokens,
        "actors": [
            {"id": actor, "type": "organisation", "name": actor, "mentions": hits}
            for actor, hits in actors.items()
        ],
        "loaded": [
            {**hit, "category": category, "entry": words}
            for category, words in loaded
            for hit in found(words)
        ],
    }
    return Article.from_record({"id": article_id, "text": text, "outlet": outlet}, annotation)


def _tokens(spec: str) -> list[Token]:
    """Tokens from "word/lemma/POS" items separated by spaces (lemma "=" when it is the word)."""
    tokens = []
    for item in spec.split():
        word, lemma, pos = item.split("/")
        tokens.append((word.replace("_", " "), word.lower() if lemma == "=" else lemma, pos))
    return tokens


_OPENING = "La/le/DET Russie/=/PROPN a/avoir/AUX lancé/lancer/VERB jeudi/=/NOUN"
_CLOSING = "contre/=/ADP l'/le/DET Ukraine/=/PROPN ,/=/PUNCT selon/=/ADP Moscou/=/PROPN ./=/PUNCT"
STATE_MEDIA = _tokens(
    f"{_OPENING} une/un/DET opération/=/NOUN militaire/=/ADJ spéciale/spécial/ADJ {_CLOSING}"
)
NEWSPAPER = _tokens(f"{_OPENING} une/un/DET invasion/=/NOUN {_CLOSING}")


def _link(first: Article, second: Article, similarity: float = 0.9) -> Alignment:
    return Alignment([SentenceLink(first.id, 0, second.id, 0, similarity, "words", ())], {})


def test_invasion_against_special_military_operation_is_a_substitution_with_both_spans() -> None:
    first = _article("a1", "RIA", [STATE_MEDIA])
    second = _article("a2", "Le Monde", [NEWSPAPER])
    result = wording([first, second], align([first, second]))
    assert [(s.first.text, s.second.text) for s in result.substitutions] == [
        ("opération militaire spéciale", "invasion")
    ]
    substitution = result.substitutions[0]
    assert first.text[substitution.first.start : substitution.first.end] == "opération militaire spéciale"
    assert second.text[substitution.second.start : substitution.second.end] == "invasion"
    assert (substitution.first.article, substitution.second.article) == ("a1", "a2")
    assert (substitution.first_outlet, substitution.second_outlet) == ("RIA", "Le Monde")
    assert substitution.similarity >= 0.5
    [count] = result.substitution_counts
    assert (count.first_terms, count.second_terms, count.count) == (
        "invasion",
        "operation militaire special",
        1,
    )


def test_identical_pairs_are_counted_across_the_event_whichever_article_comes_first() -> None:
    first = _article("a1", "RIA", [STATE_MEDIA])
    second = _article("a2", "Le Monde", [NEWSPAPER])
    third = _article("a3", "TASS", [STATE_MEDIA])
    result = wording([first, second, third], align([first, second, third]))
    assert len(result.substitutions) == 2  # RIA/Le Monde and Le Monde/TASS; RIA and TASS agree
    [count] = result.substitution_counts
    assert count.count == 2
    assert count.first_outlets == ("Le Monde",)
    assert count.second_outlets == ("RIA", "TASS")
    assert {s.second.article for s in count.substitutions} == {"a1", "a3"}


def test_identical_sentences_give_no_substitution() -> None:
    first = _article("a1", "RIA", [STATE_MEDIA])
    second = _article("a2", "TASS", [STATE_MEDIA])
    assert wording([first, second], _link(first, second)).substitutions == ()


def test_function_words_at_the_edges_are_not_part_of_the_substitution() -> None:
    one = _tokens("Russia/=/PROPN began/begin/VERB the/=/DET invasion/=/NOUN of/=/ADP Ukraine/=/PROPN")
    other = _tokens(
        "Russia/=/PROPN began/begin/VERB a/=/DET special/=/ADJ operation/=/NOUN in/=/ADP Ukraine/=/PROPN"
    )
    first = _article("e1", "A", [one], language="en")
    second = _article("e2", "B", [other], language="en")
    [(left, right)] = sentence_substitutions(first.words, second.words)
    assert ([w.text for w in left], [w.text for w in right]) == (["invasion"], ["special", "operation"])


def test_figures_case_and_function_words_are_not_substitutions() -> None:
    one = _tokens(
        "Le/le/DET bilan/=/NOUN est/être/AUX de/=/ADP 12/=/NUM morts/mort/NOUN à/=/ADP Kharkiv/=/PROPN"
    )
    other = _tokens(
        "Le/le/DET bilan/=/NOUN est/être/AUX de/=/ADP 14/=/NUM Morts/mort/NOUN dans/=/ADP Kharkiv/=/PROPN"
    )
    first, second = _article("a1", "A", [one]), _article("a2", "B", [other])
    assert sentence_substitutions(first.words, second.words) == []


def test_a_stretch_holding_a_figure_is_another_fact() -> None:
    opening = "Les/le/DET troupes/troupe/NOUN entrent/entrer/VERB dans/=/ADP"
    one = _tokens(f"{opening} Marioupol/=/PROPN et/=/CCONJ 2/=/NUM villages/village/NOUN hier/=/ADV")
    other = _tokens(f"{opening} plusieurs/=/ADJ grandes/grand/ADJ villes/ville/NOUN hier/=/ADV")
    first, second = _article("a1", "A", [one]), _article("a2", "B", [other])
    assert sentence_substitutions(first.words, second.words) == []


def test_a_name_against_a_description_is_a_label_not_a_substitution() -> None:
    one = _tokens("Poutine/=/PROPN a/avoir/AUX signé/signer/VERB le/=/DET décret/=/NOUN")
    other = _tokens(
        "Le/le/DET président/=/NOUN russe/=/ADJ a/avoir/AUX signé/signer/VERB le/=/DET décret/=/NOUN"
    )
    first, second = _article("a1", "A", [one]), _article("a2", "B", [other])
    assert sentence_substitutions(first.words, second.words) == []


def test_a_word_added_is_not_a_substitution() -> None:
    shorter = [token for token in STATE_MEDIA if token[0] != "spéciale"]
    first, second = _article("a1", "A", [STATE_MEDIA]), _article("a2", "B", [shorter])
    assert sentence_substitutions(first.words, second.words) == []


def test_words_of_different_kinds_are_two_sentences_built_differently() -> None:
    one = _tokens(
        "Le/le/DET ministre/=/NOUN parle/parler/VERB longuement/=/ADV devant/=/ADP les/le/DET députés/député/NOUN"
    )
    other = _tokens(
        "Le/le/DET ministre/=/NOUN parle/parler/VERB mardi/=/NOUN devant/=/ADP les/le/DET députés/député/NOUN"
    )
    first, second = _article("a1", "A", [one]), _article("a2", "B", [other])
    assert sentence_substitutions(first.words, second.words) == []


def test_weakly_aligned_sentences_are_not_read_for_substitutions() -> None:
    first = _article("a1", "RIA", [STATE_MEDIA])
    second = _article("a2", "Le Monde", [NEWSPAPER])
    assert wording([first, second], _link(first, second, similarity=0.4)).substitutions == ()


def test_english_saying_verbs_claims_against_says() -> None:
    one = _tokens(
        "The/the/DET minister/=/NOUN claims/claim/VERB the/the/DET strike/=/NOUN hit/=/VERB a/=/DET depot/=/NOUN"
    )
    other = _tokens(
        "The/the/DET minister/=/NOUN says/say/VERB the/the/DET strike/=/NOUN hit/=/VERB a/=/DET depot/=/NOUN"
    )
    first = _article("e1", "A", [one], language="en")
    second = _article("e2", "B", [other], language="en")
    [(left, right)] = sentence_substitutions(first.words, second.words)
    assert ([w.text for w in left], [w.text for w in right]) == (["claims"], ["says"])


def test_actor_labels_per_outlet_with_counts_and_the_labels_one_outlet_alone_uses() -> None:
    kyiv_authorities = _tokens(
        "Les/le/DET autorités/autorité/NOUN de/=/ADP Kiev/=/PROPN refusent/refuser/VERB ./=/PUNCT"
    )
    ukrainian_government = _tokens(
        "Le/le/DET gouvernement/=/NOUN ukrainien/=/ADJ refuse/refuser/VERB ./=/PUNCT"
    )
    kyiv = _tokens("Kiev/=/PROPN répond/répondre/VERB ./=/PUNCT")
    first = _article(
        "a1",
        "RIA",
        [kyiv_authorities, kyiv_authorities, kyiv],
        mentions=[("government/ua", "autorités de Kiev"), ("government/ua", "Kiev répond")],
    )
    second = _article(
        "a2",
        "Le Monde",
        [ukrainian_government, kyiv],
        mentions=[("government/ua", "gouvernement ukrainien"), ("government/ua", "Kiev répond")],
    )
    [labels] = actor_labels([first, second])
    assert labels.actor == "government/ua"
    by_outlet = {s.owner: {label.expression: label for label in s.labels} for s in labels.by_outlet}
    assert by_outlet["RIA"]["autorités de kiev"].count == 2
    assert by_outlet["RIA"]["autorités de kiev"].distinctive
    assert [span.text for span in by_outlet["RIA"]["autorités de kiev"].spans] == ["autorités de Kiev"] * 2
    assert by_outlet["Le Monde"]["gouvernement ukrainien"].count == 1
    assert by_outlet["Le Monde"]["gouvernement ukrainien"].distinctive
    assert not by_outlet["RIA"]["kiev répond"].distinctive  # both outlets use it
    assert [s.owner for s in labels.by_article] == ["a1", "a2"]
    assert labels.by_article[0].labels[0].expression == "autorités de kiev"  # commonest first


def test_labels_are_not_distinctive_when_one_outlet_alone_names_the_actor() -> None:
    first = _article(
        "a1", "RIA", [_tokens("Kiev/=/PROPN répond/répondre/VERB")], mentions=[("government/ua", "Kiev")]
    )
    second = _article("a2", "Le Monde", [_tokens("Moscou/=/PROPN répond/répondre/VERB")])
    [labels] = actor_labels([first, second])
    assert not any(label.distinctive for s in labels.by_outlet for label in s.labels)


def _hundred_words(claims: int) -> list[Token]:
    """A sentence of 100 words, `claims` of them "claimed"."""
    return [("claimed", "claim", "VERB")] * claims + [("word", "word", "NOUN")] * (100 - claims)


def test_density_of_distancing_verbs_against_the_event_mean() -> None:
    loaded = [("distancing_verb", "claimed")]
    heavy = _article("a1", "A", [_hundred_words(3)], language="en", loaded=loaded)
    plain = [_article(f"a{k}", f"O{k}", [_hundred_words(0)], language="en") for k in (2, 3)]
    found = {(d.article, d.category): d for d in densities([heavy, *plain])}
    mine = found[("a1", "distancing_verb")]
    assert (mine.count, mine.words) == (3, 100)
    assert mine.per_1000 == pytest.approx(30.0)
    assert mine.event_mean == pytest.approx(10.0)
    assert mine.difference == pytest.approx(20.0)
    assert mine.ratio == pytest.approx(3.0)
    assert [span.text for span in mine.spans] == ["claimed"] * 3
    other = found[("a2", "distancing_verb")]
    assert other.difference == pytest.approx(-10.0)
    assert other.ratio == pytest.approx(0.0)
    # every category is reported, zero included; none above the mean when the event has none
    none = found[("a1", SCARE_QUOTE)]
    assert (none.count, none.per_1000, none.ratio) == (0, 0.0, None)


def test_densities_report_every_article_and_category() -> None:
    articles = [_article(f"a{k}", "A", [_hundred_words(0)], language="en") for k in (1, 2)]
    rows: list[Density] = densities(articles)
    assert len(rows) == 2 * 7  # six lexicon categories and scare quotes


def test_wording_to_json_is_plain_json() -> None:
    first = _article(
        "a1",
        "RIA",
        [STATE_MEDIA],
        mentions=[("country/ua", "Ukraine")],
        loaded=[("framing_phrase", "opération militaire spéciale")],
    )
    second = _article("a2", "Le Monde", [NEWSPAPER], mentions=[("country/ua", "Ukraine")])
    data = wording([first, second], align([first, second])).to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["algorithm"] == "wording.v1"
    assert data["substitutions"][0]["first"]["text"] == "opération militaire spéciale"
    framing = [d for d in data["densities"] if d["category"] == "framing_phrase" and d["article"] == "a1"]
    assert framing[0]["spans"][0]["text"] == "opération militaire spéciale"
