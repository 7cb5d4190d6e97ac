"""Cutting an event's members in two: the likeness matrix is the ranking model's pairwise
probability, and the bisection separates two stories."""

import datetime as dt
import itertools

import numpy as np
import pytest

from parallax.cluster.bisection import member_likeness, two_groups
from parallax.cluster.features import ArticleFeatures
from parallax.cluster.model import shipped_join_model
from parallax.cluster.signals import ArticleVectors, EventProfile, observe, pair_signals
from parallax.cluster.vectors import DocumentFrequencies

CALL = "phone call kremlin elysee ukraine security minsk agreements normandy leaders"
QUAKE = "earthquake magnitude epicentre rescuers rubble killed injured buildings aftershock"
DAY = dt.date(2022, 2, 3)


def vectors_of(*articles: ArticleFeatures) -> list[ArticleVectors]:
    frequencies = DocumentFrequencies()
    for features in articles:
        observe(frequencies, features)
    return [ArticleVectors.of(features, frequencies) for features in articles]


def article(
    id: str,
    words: str,
    *,
    actors: dict[str, int],
    outlet: str | None,
    published: dt.date | None = DAY,
    language: str = "en",
) -> ArticleFeatures:
    return ArticleFeatures(
        id=id,
        outlet=outlet,
        language=language,
        published=published,
        title=" ".join(words.split()[:5]),
        title_terms=dict.fromkeys(words.split()[:5], 1),
        body_terms=dict.fromkeys(words.split(), 1),
        actors=actors,
        places={key: n for key, n in actors.items() if key.startswith("country/")},
        numbers={"2900": 1} if "earthquake" in words else {},
    )


CALL_ACTORS = {"person/emmanuel-macron": 3, "person/vladimir-putin": 3, "country/ua": 1}
QUAKE_ACTORS = {"country/ma": 3, "place/marrakech": 1}
MIXED = (
    article("a", CALL, actors=CALL_ACTORS, outlet="ledger"),
    article("b", CALL + " talks", actors=CALL_ACTORS, outlet="ledger"),  # one outlet, one day
    article("c", "appel téléphonique kremlin élysée", actors=CALL_ACTORS, outlet="monde", language="fr"),
    article("d", QUAKE, actors=QUAKE_ACTORS, outlet="post", published=DAY + dt.timedelta(days=3)),
    article("e", QUAKE + " morocco", actors=QUAKE_ACTORS, outlet=None, published=None),
)


def test_likeness_is_the_ranking_models_probability_both_ways_round() -> None:
    model = shipped_join_model()
    vectors = vectors_of(*MIXED)
    likeness = member_likeness(vectors, model, model.window_days)

    def probability(one: ArticleVectors, other: ArticleVectors) -> float:
        alone = EventProfile()
        alone.add(other)
        signals, crossing = pair_signals(
            one, alone, time_scale=model.time_scale, window_days=model.window_days
        )
        return model.probability(signals, crossing=crossing)

    for i, j in itertools.permutations(range(len(vectors)), 2):
        expected = (probability(vectors[i], vectors[j]) + probability(vectors[j], vectors[i])) / 2
        assert likeness[i, j] == pytest.approx(expected, abs=1e-9), (MIXED[i].id, MIXED[j].id)
    assert np.array_equal(np.diag(likeness), np.ones(len(vectors)))


def test_two_stories_in_one_event_are_cut_apart_the_larger_first() -> None:
    model = shipped_join_model()
    vectors = vectors_of(*MIXED)
    assert two_groups(member_likeness(vectors, model, model.window_days)) == ([0, 1, 2], [3, 4])


def test_the_cut_is_the_same_for_the_same_members_and_ties_go_to_the_lowest_index() -> None:
    even = np.full((4, 4), 0.5)
    np.fill_diagonal(even, 1.0)
    first, second = two_groups(even)
    assert sorted(first + second) == [0, 1, 2, 3]
    assert 0 in first  # the first pair of least alike members seeds the cut
    assert 1 in second
    assert two_groups(even.copy()) == (first, second)


def test_one_member_cannot_be_cut() -> None:
    with pytest.raises(ValueError, match="two members or more"):
        two_groups(np.ones((1, 1)))
