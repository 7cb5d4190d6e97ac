"""The event pool: incremental assignment, blocking by time, determinism, across languages,
and maintenance (restore, merge, split)."""

import copy
import dataclasses
import datetime as dt

import pytest

from parallax.cluster.features import ArticleFeatures
from parallax.cluster.pool import EventPool, stream_order


def article(
    id: str,
    words: str,
    *,
    actors: dict[str, int] | None = None,
    numbers: dict[str, int] | None = None,
    language: str = "en",
    outlet: str = "ledger",
    published: dt.date | None = dt.date(2022, 2, 3),
    title: str = "",
) -> ArticleFeatures:
    body: dict[str, int] = {}
    for word in words.split():
        body[word] = body.get(word, 0) + 1
    return ArticleFeatures(
        id=id,
        outlet=outlet,
        language=language,
        published=published,
        title=title or words[:40],
        title_terms=dict.fromkeys((title or words).split()[:6], 1),
        body_terms=body,
        actors=actors or {},
        places={key: n for key, n in (actors or {}).items() if key.startswith("country/")},
        numbers=numbers or {},
    )


CALL = "phone call kremlin elysee ukraine security minsk agreements de-escalation normandy format leaders"
CALL_ACTORS = {"person/emmanuel-macron": 4, "person/vladimir-putin": 5, "country/ua": 3}
QUAKE = "earthquake magnitude epicentre rescuers rubble killed injured buildings collapsed aftershock"
QUAKE_ACTORS = {"country/ma": 4, "place/marrakech": 2}


def test_articles_about_one_event_join_and_another_event_starts_its_own() -> None:
    pool = EventPool()
    first = pool.assign(article("a", CALL, actors=CALL_ACTORS, outlet="ledger"))
    second = pool.assign(article("b", CALL + " talks", actors=CALL_ACTORS, outlet="gazette"))
    third = pool.assign(article("c", QUAKE, actors=QUAKE_ACTORS, numbers={"2900": 1}, outlet="herald"))
    assert first.started
    assert (second.event_id, second.started) == (first.event_id, False)
    assert 0.5 < second.score <= 1.0
    assert third.started
    assert third.event_id != first.event_id


def test_the_same_words_months_later_are_another_event() -> None:
    pool = EventPool()
    first = pool.assign(article("a", CALL, actors=CALL_ACTORS))
    later = pool.assign(article("b", CALL, actors=CALL_ACTORS, published=dt.date(2022, 6, 3)))
    assert later.started
    assert later.event_id != first.event_id


def test_a_french_article_meets_the_english_event_through_its_actors_figures_and_date() -> None:
    pool = EventPool()
    english = pool.assign(article("en", CALL, actors=CALL_ACTORS, numbers={"2022": 1}, outlet="ledger"))
    french = pool.assign(
        article(
            "fr",
            "entretien téléphonique kremlin élysée ukraine sécurité accords minsk désescalade",
            actors=CALL_ACTORS,
            numbers={"2022": 1},
            language="fr",
            outlet="quotidien",
        )
    )
    assert (french.event_id, french.started) == (english.event_id, False)


def test_the_same_input_gives_the_same_events_and_an_article_is_assigned_once() -> None:
    articles = [
        article("a", CALL, actors=CALL_ACTORS),
        article("b", QUAKE, actors=QUAKE_ACTORS),
        article("c", CALL + " moscow", actors=CALL_ACTORS, outlet="gazette"),
        article("d", QUAKE + " morocco", actors=QUAKE_ACTORS, outlet="gazette"),
    ]
    runs = [[(a.article_id, a.event_id) for a in EventPool().assign_all(articles)] for _ in range(2)]
    assert runs[0] == runs[1]
    pool = EventPool()
    once = pool.assign(articles[0])
    again = pool.assign(articles[0])
    assert (again.event_id, again.started) == (once.event_id, False)
    assert len(pool.events) == 1


def test_the_pool_keeps_at_most_its_cap_of_open_events() -> None:
    pool = EventPool(max_open_events=2)
    for number in range(4):
        pool.assign(article(f"a{number}", f"topic{number} words{number} thing{number}", outlet=f"o{number}"))
    assert len(pool.events) == 2
    assert len(pool.closed) == 2


def test_stream_order_is_by_date_with_undated_articles_last_in_the_given_order() -> None:
    base = article("x", CALL)
    items = [
        dataclasses.replace(base, id="undated-1", published=None),
        dataclasses.replace(base, id="late", published=dt.date(2022, 2, 4)),
        dataclasses.replace(base, id="undated-2", published=None),
        dataclasses.replace(base, id="early", published=dt.date(2022, 2, 1)),
    ]
    assert [a.id for a in stream_order(items)] == ["early", "late", "undated-1", "undated-2"]


def test_a_restored_pool_puts_new_articles_where_the_first_one_would() -> None:
    first = EventPool()
    call = first.assign(article("a", CALL, actors=CALL_ACTORS))
    quake = first.assign(article("b", QUAKE, actors=QUAKE_ACTORS, outlet="gazette"))
    restored = EventPool()
    restored.restore(article("a", CALL, actors=CALL_ACTORS), call.event_id, call.score)
    restored.restore(article("b", QUAKE, actors=QUAKE_ACTORS, outlet="gazette"), quake.event_id, quake.score)
    later = article("c", CALL + " talks", actors=CALL_ACTORS, outlet="herald")
    assert restored.assign(later).event_id == call.event_id
    # new events never reuse a restored event's id
    fresh = restored.assign(article("d", "football cup final goal striker", outlet="sport"))
    assert fresh.started
    assert fresh.event_id not in {call.event_id, quake.event_id}


def test_the_merge_pass_joins_two_halves_of_one_event_and_leaves_another_alone() -> None:
    pool = EventPool()
    halves = [
        article("a", CALL, actors=CALL_ACTORS, outlet="ledger"),
        article("b", CALL + " talks", actors=CALL_ACTORS, outlet="gazette"),
    ]
    for item in halves:
        pool.restore(item, "e000001", 1.0)
    pool.restore(article("c", CALL + " moscow", actors=CALL_ACTORS, outlet="herald"), "e000002", 1.0)
    pool.restore(article("d", QUAKE, actors=QUAKE_ACTORS, outlet="post"), "e000003", 1.0)
    merges = pool.merge_pass()
    assert [(m.kept, m.absorbed, m.moved) for m in merges] == [("e000001", "e000002", ("c",))]
    assert 0.5 < merges[0].score <= 1.0
    assert pool.event_of["c"] == "e000001"
    assert set(pool.events) == {"e000001", "e000003"}
    assert pool.merge_pass() == []  # nothing left to merge


def test_an_event_an_operator_splits_becomes_two_and_later_articles_find_the_right_one() -> None:
    pool = EventPool()
    call = [article("a", CALL, actors=CALL_ACTORS), article("b", CALL, actors=CALL_ACTORS, outlet="x")]
    quake = [article("c", QUAKE, actors=QUAKE_ACTORS, outlet="y")]
    for item in call + quake:
        pool.restore(item, "e000001", 0.9)
    kept, new = pool.split("e000001", [call, quake])
    assert kept == "e000001"
    assert new != kept
    assert sorted(pool.events[kept].members) == ["a", "b"]
    assert list(pool.events[new].members) == ["c"]
    later = pool.assign(article("d", QUAKE + " morocco", actors=QUAKE_ACTORS, outlet="z"))
    assert later.event_id == new
    with pytest.raises(ValueError, match="exactly once"):
        pool.split(kept, [call[:1], quake])
    with pytest.raises(KeyError):
        pool.split("e999999", [call, quake])


def test_the_split_pass_cuts_an_event_that_holds_two_and_leaves_a_whole_one_alone() -> None:
    pool = EventPool()
    call = [
        article("a", CALL, actors=CALL_ACTORS, outlet="ledger"),
        article("b", CALL + " talks", actors=CALL_ACTORS, outlet="gazette"),
        article("c", CALL + " moscow", actors=CALL_ACTORS, outlet="herald"),
    ]
    quake = [
        article("d", QUAKE, actors=QUAKE_ACTORS, numbers={"2900": 1}, outlet="post"),
        article("e", QUAKE + " morocco", actors=QUAKE_ACTORS, numbers={"2900": 1}, outlet="wire"),
    ]
    for item in call + quake:
        pool.restore(item, "e000001", 0.9)  # an event that took in a look-alike
    members = {item.id: item for item in call + quake}
    splits = pool.split_pass(members)
    assert len(splits) == 1
    assert splits[0].event == "e000001"
    assert splits[0].moved == ("d", "e")
    assert splits[0].score < 0.5
    assert sorted(pool.events["e000001"].members) == ["a", "b", "c"]
    assert pool.events["e000001"].members["a"] == 0.9  # members keep the score they joined with
    whole = copy.deepcopy(pool.events)
    assert pool.split_pass(members) == []  # each part is one event
    assert pool.events == whole  # a cut weighed and not kept leaves the pool as it was
