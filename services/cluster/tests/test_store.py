"""Clustering stored articles, on SQLite and PostgreSQL: memberships and events written once,
pools kept in step across processes, one writer at a time, merges and splits stored."""

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.cluster import store
from parallax.cluster.model import shipped_join_model
from parallax.cluster.pool import ALGORITHM_VERSION
from parallax.cluster.store import (
    ClusterReport,
    EventRequestError,
    cluster_stored,
    event_articles,
    get_event,
    list_events,
    merge_stored,
    split_pass_stored,
    split_stored,
)
from parallax.shared.db import create_db_engine, session_scope
from parallax.shared.errors import StorageUnavailableError

from .conftest import CALL, CALL_ACTORS, QUAKE, QUAKE_ACTORS, AddArticle, ScriptedJoins


def rows(engine: Engine, query: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def memberships(engine: Engine) -> dict[int, str]:
    return dict(rows(engine, "SELECT article_id, event_id FROM event_membership"))  # type: ignore[arg-type]


@pytest.fixture
def other_process(engine: Engine) -> Iterator[Engine]:
    """Another engine on the test database: what another worker process would use (each
    engine has its own pool)."""
    other = create_db_engine(engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def test_annotated_articles_go_to_their_events_and_the_events_sum_them_up(
    engine: Engine, add_article: AddArticle
) -> None:
    ledger = add_article(CALL, actors=CALL_ACTORS, title="Macron and Putin talk again")
    gazette = add_article(
        CALL + " talks", actors=CALL_ACTORS, outlet="La Gazette", published=dt.date(2022, 2, 4)
    )
    quake = add_article(QUAKE, actors=QUAKE_ACTORS, outlet="The Herald")
    report = cluster_stored(None, engine=engine)
    assert (report.clustered, report.started, report.failed, report.already_clustered) == (3, 2, {}, 0)
    placed = memberships(engine)
    assert placed[ledger] == placed[gazette] != placed[quake]
    assert rows(engine, "SELECT article_id, started, sequence FROM event_membership ORDER BY sequence") == [
        (ledger, True, 1),
        (quake, True, 2),  # stream order: by date, then as read
        (gazette, False, 3),
    ]
    with session_scope(engine) as session:
        call = get_event(placed[ledger], session=session)
        assert call is not None
        assert call.title in {"Macron and Putin talk again", "phone call kremlin elysee ukraine security"}
        assert (call.outlets, call.languages, call.article_count, call.status) == (
            ["La Gazette", "The Daily Ledger"],
            ["en"],
            2,
            "open",
        )
        assert (call.first_published.date(), call.last_published.date()) == (  # type: ignore[union-attr]
            dt.date(2022, 2, 3),
            dt.date(2022, 2, 4),
        )
        assert (call.algorithm_version, call.model_version) == (
            ALGORITHM_VERSION,
            shipped_join_model().version,
        )
        assert [article.id for _, article, _ in event_articles(call.id, session=session)] == [ledger, gazette]
        assert [event.id for event in list_events(session=session)] == [call.id, placed[quake]]
    assert set(rows(engine, "SELECT stage, status FROM article")) == {("clustered", "ok")}
    assert rows(engine, "SELECT last_sequence, reshaped FROM cluster_state") == [(3, 0)]


def test_clustering_again_changes_nothing(engine: Engine, add_article: AddArticle) -> None:
    ids = [add_article(CALL, actors=CALL_ACTORS, outlet=name) for name in ("A", "B")]
    cluster_stored(None, engine=engine)
    before = rows(engine, "SELECT * FROM event_membership"), rows(engine, "SELECT * FROM event")
    again = cluster_stored(None, engine=engine)
    asked = cluster_stored(ids, engine=engine)
    assert (again.clustered, asked.clustered, asked.already_clustered) == (0, 0, 2)
    assert (rows(engine, "SELECT * FROM event_membership"), rows(engine, "SELECT * FROM event")) == before


def test_articles_not_annotated_or_failed_and_unknown_ids_are_set_apart(
    engine: Engine, add_article: AddArticle
) -> None:
    ingested = add_article(CALL, stage="ingested")
    failed = add_article(CALL, outlet="B", status="failed")
    report = cluster_stored([ingested, failed, 4242], engine=engine)
    assert (report.clustered, report.not_ready, report.missing) == (0, [ingested, failed], [4242])
    assert cluster_stored(None, engine=engine).clustered == 0
    assert memberships(engine) == {}


def test_an_annotation_that_cannot_be_read_fails_its_article_and_not_the_others(
    engine: Engine, add_article: AddArticle
) -> None:
    good = add_article(CALL, actors=CALL_ACTORS)
    bad = add_article(CALL, outlet="B", annotation={"language": "en"})
    report = cluster_stored(None, engine=engine)
    assert report.clustered == 1
    assert report.failed == {
        bad: f"FeatureError: article {bad}: the annotation has no `tokens`; annotate the article first"
    }
    status = {row[0]: row[1:] for row in rows(engine, "SELECT id, stage, status, status_reason FROM article")}
    assert status[good] == ("clustered", "ok", None)
    assert status[bad][:2] == ("annotated", "failed")
    assert str(status[bad][2]).startswith("cluster: FeatureError: ")
    assert cluster_stored(None, engine=engine).failed == {}  # not retried until annotated again


def test_a_new_process_rebuilds_its_pool_from_the_stored_memberships(
    engine: Engine, other_process: Engine, add_article: AddArticle
) -> None:
    first = add_article(CALL, actors=CALL_ACTORS)
    cluster_stored(None, engine=engine)
    second = add_article(CALL + " talks", actors=CALL_ACTORS, outlet="La Gazette")
    quake = add_article(QUAKE, actors=QUAKE_ACTORS, outlet="The Herald")
    report = cluster_stored(None, engine=other_process)
    assert (report.clustered, report.started) == (2, 1)
    placed = memberships(engine)
    assert placed[second] == placed[first] == "e000001"
    assert placed[quake] == "e000002"


def test_a_pool_replays_what_other_processes_stored_since(
    engine: Engine, other_process: Engine, add_article: AddArticle
) -> None:
    first = add_article(CALL, actors=CALL_ACTORS)
    cluster_stored([first], engine=engine)
    quake = add_article(QUAKE, actors=QUAKE_ACTORS, outlet="The Herald")
    cluster_stored([quake], engine=other_process)  # e000002, which the first pool has not seen
    later = add_article(QUAKE + " survivors", actors=QUAKE_ACTORS, outlet="La Gazette")
    report = cluster_stored([later], engine=engine)
    assert (report.clustered, report.started) == (1, 0)
    assert memberships(engine)[later] == memberships(engine)[quake] == "e000002"


def test_two_workers_assigning_articles_of_one_new_event_at_once_start_it_once(
    engine: Engine, other_process: Engine, add_article: AddArticle, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [
        add_article(CALL, actors=CALL_ACTORS, outlet="The Daily Ledger"),
        add_article(CALL + " talks", actors=CALL_ACTORS, outlet="La Gazette"),
    ]
    # Both workers have read their article before either takes the writer lock.
    both_read = threading.Barrier(2, timeout=30)
    read = store._features_of

    def read_then_wait(page: Any) -> Any:
        features = read(page)
        both_read.wait()
        return features

    monkeypatch.setattr(store, "_features_of", read_then_wait)
    reports: list[ClusterReport] = []
    errors: list[BaseException] = []

    def work(article_id: int, worker_engine: Engine) -> None:
        try:
            reports.append(cluster_stored([article_id], engine=worker_engine))
        except BaseException as error:
            errors.append(error)

    workers = [
        threading.Thread(target=work, args=(ids[0], engine)),
        threading.Thread(target=work, args=(ids[1], other_process)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert errors == []
    assert sorted(report.started for report in reports) == [0, 1]
    assert set(memberships(engine).values()) == {"e000001"}
    assert rows(engine, "SELECT id, article_count FROM event") == [("e000001", 2)]


def test_a_merge_is_stored_and_the_absorbed_event_names_its_keeper(
    engine: Engine, other_process: Engine, add_article: AddArticle, scripted_joins: ScriptedJoins
) -> None:
    ledger = add_article(CALL, actors=CALL_ACTORS)
    gazette = add_article(CALL + " talks", actors=CALL_ACTORS, outlet="La Gazette")
    quake = add_article(QUAKE, actors=QUAKE_ACTORS, outlet="The Herald")
    assert cluster_stored(None, engine=engine).started == 3  # the script joins nothing yet
    scripted_joins.decide(0.9)
    (merge,) = merge_stored(engine=engine)
    placed = memberships(engine)
    assert {merge.kept, merge.absorbed} == {"e000001", "e000002"}
    assert placed[ledger] == placed[gazette] == merge.kept
    events = {
        row[0]: row[1:] for row in rows(engine, "SELECT id, status, merged_into, article_count FROM event")
    }
    assert events[merge.absorbed] == ("merged", merge.kept, 0)
    assert events[merge.kept] == ("open", None, 2)
    assert events[placed[quake]] == ("open", None, 1)
    assert rows(engine, "SELECT last_sequence, reshaped FROM cluster_state") == [(3, 1)]
    assert merge_stored(engine=engine) == []  # nothing left to merge
    # Another process's pool, built before the merge, is rebuilt from the store after it.
    later = add_article(CALL + " moscow", actors=CALL_ACTORS, outlet="The Herald")
    cluster_stored([later], engine=other_process)
    assert memberships(engine)[later] == merge.kept


def test_a_new_event_never_takes_the_id_of_an_event_merged_away_after_a_restart(
    engine: Engine, other_process: Engine, add_article: AddArticle, scripted_joins: ScriptedJoins
) -> None:
    first, second = (add_article(CALL, actors=CALL_ACTORS, outlet=name) for name in ("A", "B"))
    cluster_stored([first], engine=engine)
    scripted_joins.decide(0.9)
    cluster_stored([second], engine=engine)  # e000001 holds two articles
    scripted_joins.decide(0.0)
    newest = add_article(CALL + " talks", actors=CALL_ACTORS, outlet="C")
    cluster_stored([newest], engine=engine)  # e000002, the newest
    scripted_joins.decide(0.9)
    (merge,) = merge_stored(engine=engine)
    assert (merge.kept, merge.absorbed) == ("e000001", "e000002")
    scripted_joins.decide(0.0)
    quake = add_article(QUAKE, actors=QUAKE_ACTORS, outlet="D")
    cluster_stored([quake], engine=other_process)  # a pool rebuilt where e000002 holds nothing
    assert memberships(engine)[quake] == "e000003"


def test_a_split_is_stored_and_other_pools_follow_it(
    engine: Engine, other_process: Engine, add_article: AddArticle, scripted_joins: ScriptedJoins
) -> None:
    scripted_joins.decide(0.9)
    ids = [add_article(CALL, actors=CALL_ACTORS, outlet=name) for name in ("A", "B", "C")]
    cluster_stored(ids, engine=other_process)
    assert set(memberships(engine).values()) == {"e000001"}
    assert split_stored("e000001", [[ids[0]], [ids[2], ids[1]]], engine=engine) == ["e000001", "e000002"]
    placed = memberships(engine)
    assert (placed[ids[0]], placed[ids[1]], placed[ids[2]]) == ("e000001", "e000002", "e000002")
    assert rows(engine, "SELECT id, split_from, article_count, outlets FROM event ORDER BY id") == [
        ("e000001", None, 1, ["A"]),
        ("e000002", "e000001", 2, ["B", "C"]),
    ] or rows(engine, "SELECT id, split_from, article_count, outlets FROM event ORDER BY id") == [
        ("e000001", None, 1, '["A"]'),  # SQLite hands JSON back as text in a raw query
        ("e000002", "e000001", 2, '["B", "C"]'),
    ]
    scripted_joins.decide(0.0)
    quake = add_article(QUAKE, actors=QUAKE_ACTORS, outlet="D")
    cluster_stored([quake], engine=other_process)  # its pool predates the split: rebuilt
    assert memberships(engine)[quake] == "e000003"


def test_the_split_pass_is_stored_and_other_pools_follow_it(
    engine: Engine, other_process: Engine, add_article: AddArticle, scripted_joins: ScriptedJoins
) -> None:
    scripted_joins.decide(0.9)
    ids = [add_article(CALL, actors=CALL_ACTORS, outlet=name) for name in ("A", "B", "C")]
    cluster_stored(ids, engine=other_process)
    assert set(memberships(engine).values()) == {"e000001"}
    assert split_pass_stored(engine=engine) == []  # the script says every cut is one event
    scripted_joins.decide(0.0)  # now it says no cut is: the event splits down to one article each
    splits = split_pass_stored(engine=engine)
    assert [split.into for split in splits] == ["e000002", "e000003"]
    assert sorted(memberships(engine).values()) == ["e000001", "e000002", "e000003"]
    events = {row[0]: row[1:] for row in rows(engine, "SELECT id, split_from, article_count FROM event")}
    assert events == {
        "e000001": (None, 1),
        "e000002": (splits[0].event, 1),
        "e000003": (splits[1].event, 1),
    }
    assert rows(engine, "SELECT last_sequence, reshaped FROM cluster_state") == [(3, 1)]
    later = add_article(QUAKE + " morocco", actors=QUAKE_ACTORS, outlet="D")
    cluster_stored([later], engine=other_process)  # its pool predates the pass: rebuilt
    assert memberships(engine)[later] == "e000004"


def test_splits_that_do_not_fit_the_event_are_refused(
    engine: Engine, add_article: AddArticle, scripted_joins: ScriptedJoins
) -> None:
    scripted_joins.decide(0.9)
    ids = [add_article(CALL, actors=CALL_ACTORS, outlet=name) for name in ("A", "B", "C")]
    cluster_stored(ids, engine=engine)
    with pytest.raises(EventRequestError, match="no event 'e000042'"):
        split_stored("e000042", [[ids[0]], [ids[1], ids[2]]], engine=engine)
    with pytest.raises(EventRequestError, match=f"put articles {ids[2]} in a group too"):
        split_stored("e000001", [[ids[0]], [ids[1]]], engine=engine)
    with pytest.raises(EventRequestError, match="articles 4242 are not in it"):
        split_stored("e000001", [[ids[0], 4242], [ids[1], ids[2]]], engine=engine)
    with pytest.raises(EventRequestError, match=f"articles {ids[1]} are in more than one group"):
        split_stored("e000001", [[ids[0], ids[1]], [ids[1], ids[2]]], engine=engine)
    with pytest.raises(EventRequestError, match="two or more groups"):
        split_stored("e000001", [ids], engine=engine)
    assert set(memberships(engine).values()) == {"e000001"}


def test_a_merged_event_cannot_be_split(
    engine: Engine, add_article: AddArticle, scripted_joins: ScriptedJoins
) -> None:
    ids = [add_article(CALL, actors=CALL_ACTORS, outlet=name) for name in ("A", "B")]
    cluster_stored(ids, engine=engine)
    scripted_joins.decide(0.9)
    (merge,) = merge_stored(engine=engine)
    with pytest.raises(EventRequestError, match=f"merged into {merge.kept}; split {merge.kept} instead"):
        split_stored(merge.absorbed, [[ids[0]], [ids[1]]], engine=engine)


def test_a_database_that_does_not_answer_is_a_transient_error() -> None:
    engine = create_db_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
    with pytest.raises(StorageUnavailableError, match="stopped answering while clustering"):
        cluster_stored(None, engine=engine)
    with pytest.raises(StorageUnavailableError, match="stopped answering while merging"):
        merge_stored(engine=engine)
