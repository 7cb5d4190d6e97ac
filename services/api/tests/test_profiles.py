"""Outlets across events: the distance matrix of one event, an outlet's profile (whom it
quotes, what it leaves out, its loaded words, whose text it reuses), its blind spots."""

from typing import Any

import pytest

from parallax.api.profiles import blind_spots, outlet_matrix, outlet_profile
from parallax.api.scores import ComponentValue, PairDistance


def event(articles: list[tuple[str, str]], **sections: Any) -> dict[str, Any]:
    return {"articles": [{"id": a, "outlet": o} for a, o in articles], **sections}


def test_the_matrix_averages_the_pairs_of_every_two_outlets() -> None:
    report = event([("a1", "Ledger"), ("a2", "Ledger"), ("b", "Gazette")])
    pairs = [
        PairDistance("a1", "b", 0.4, {"x": ComponentValue(0.4)}),
        PairDistance("a2", "b", 0.6, {"x": ComponentValue(0.6)}),
        PairDistance("a1", "a2", 0.1, {"x": ComponentValue(0.1)}),
    ]
    matrix = outlet_matrix(report, pairs)
    assert matrix["outlets"] == ["Gazette", "Ledger"]
    assert matrix["distances"] == [[0.0, 0.5], [0.5, 0.1]]


def test_a_profile_counts_quotes_omissions_loaded_words_and_reuse_over_events() -> None:
    first = event(
        [("a", "Ledger"), ("w", "Wire")],
        sources={
            "by_article": {"a": {"speakers": [{"speaker": "government/ru", "side": "RU", "attributions": 3}]}}
        },
        omissions={"by_article": {"a": [{"kind": "claim"}, {"kind": "quote"}]}},
        wording={
            "densities": [{"article": "a", "category": "charged", "spans": [{"text": "Provocatrices"}]}]
        },
        reuse={"by_article": {"a": {"taken_from": ["w"]}}},
    )
    second = event(
        [("b", "Ledger")],
        sources={
            "by_article": {"b": {"speakers": [{"speaker": "government/fr", "side": "FR", "attributions": 1}]}}
        },
        wording={"densities": [{"article": "b", "category": "scare_quotes", "spans": [{"text": "«clair»"}]}]},
    )
    elsewhere = event([("c", "Gazette")])
    profile = outlet_profile("Ledger", [first, second, elsewhere])
    assert (profile["events"], profile["articles"]) == (2, 2)
    assert profile["quotes"][0] == {"speaker": "government/ru", "attributions": 3, "share": 0.75}
    assert profile["sides"] == {"RU": 0.75, "FR": 0.25}
    assert profile["omissions_per_article"] == 1.0
    assert profile["omitted_kinds"] == {"claim": 1, "quote": 1}
    assert profile["loaded_words"] == [{"word": "provocatrices", "count": 1}]  # scare quotes are apart
    assert profile["reuses_text_of"] == [{"outlet": "Wire", "articles": 1}]


def test_blind_spots_are_events_most_comparable_outlets_covered() -> None:
    coverage = {
        "e1": {"Ledger", "Gazette", "Herald"},
        "e2": {"Ledger", "Gazette", "Herald"},
        "e3": {"Gazette", "Herald"},
        "e4": {"Herald", "Sports Daily"},
        "e5": {"Sports Daily"},
    }
    spots = blind_spots("Ledger", coverage)
    assert spots["comparable_outlets"] == ["Gazette", "Herald"]
    assert [spot["event"] for spot in spots["blind_spots"]] == ["e3", "e4"]
    assert spots["blind_spots"][0]["covered_by"] == ["Gazette", "Herald"]
    assert blind_spots("Nobody", coverage)["blind_spots"] == []


@pytest.mark.parametrize("outlet", ["Sports Daily"])
def test_an_outlet_with_no_comparable_peer_has_no_blind_spot(outlet: str) -> None:
    coverage = {"e1": {"Ledger"}, "e2": {"Sports Daily"}}
    assert blind_spots(outlet, coverage) == {"outlet": outlet, "comparable_outlets": [], "blind_spots": []}
