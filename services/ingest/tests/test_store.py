"""Storing prepared articles: duplicates, revisions and copies, on SQLite and PostgreSQL."""

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.ingest.prepare import PreparedArticle, PrepareOptions, prepare_draft
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.ingest.store import ArticleStore, Disposition, _Known
from parallax.shared.models import SourceKind

BODY = (
    "French President Emmanuel Macron and Russian President Vladimir Putin spoke by telephone on "
    "Thursday, as European governments sought to ease tensions over Russia's military build-up "
    "near Ukraine.\n\nThe Kremlin said the two leaders discussed the situation around Ukraine and "
    "Russia's demand for legally binding security guarantees. Before the call, Macron had spoken "
    "with Ukrainian President Volodymyr Zelensky and with Polish President Andrzej Duda."
)
OTHER_BODY = (
    "Emmanuel Macron s'est de nouveau entretenu par téléphone avec Vladimir Poutine, jeudi, dans "
    "le cadre des efforts diplomatiques européens pour éviter une escalade militaire autour de "
    "l'Ukraine. La Russie dément toute intention d'envahir son voisin."
)


def item(outlet: str = "Demo Wire", text: str = BODY, **fields: object) -> PreparedArticle:
    draft = Draft(
        Provenance("in.jsonl", SourceKind.JSONL, "line 1"), {"outlet": outlet, "text": text, **fields}
    )
    prepared = prepare_draft(draft, PrepareOptions())
    assert isinstance(prepared, PreparedArticle), prepared
    return prepared


def store_for(engine: Engine) -> ArticleStore:
    return ArticleStore(engine, near_duplicate_threshold=0.95, run_id=None)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_new_articles_are_stored_with_their_outlet(engine: Engine) -> None:
    outcomes = store_for(engine).store_batch([item(), item(outlet="Le Courrier", text=OTHER_BODY)])
    assert [o.disposition for o in outcomes] == [Disposition.STORED, Disposition.STORED]
    assert count(engine, "article") == 2
    assert count(engine, "outlet") == 2
    assert count(engine, "near_duplicate_key") == 16
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT stage, status, language, clean_text FROM article ORDER BY id")
        ).first()
    assert row is not None
    assert row[:3] == ("ingested", "ok", "en")
    assert row[3] == BODY


def test_the_same_text_twice_is_stored_once(engine: Engine) -> None:
    store = store_for(engine)
    first = store.store_batch([item()])[0]
    again = store.store_batch([item(), item(text=BODY + "\n\n")])
    assert [o.disposition for o in again] == [Disposition.DUPLICATE, Disposition.DUPLICATE]
    assert {o.article_id for o in again} == {first.article_id}
    assert count(engine, "article") == 1


def test_duplicates_inside_one_batch_are_caught(engine: Engine) -> None:
    outcomes = store_for(engine).store_batch([item(), item()])
    assert [o.disposition for o in outcomes] == [Disposition.STORED, Disposition.DUPLICATE]
    assert outcomes[0].article_id == outcomes[1].article_id


def test_a_typo_fix_from_the_same_outlet_is_a_revision(engine: Engine) -> None:
    store = store_for(engine)
    first = store.store_batch([item(title="Macron and Putin talk")])[0]
    fixed = item(title="Macron and Putin talk", text=BODY.replace("telephone", "phone"))
    (revision,) = store.store_batch([fixed])
    assert revision.disposition == Disposition.REVISION
    assert revision.article_id == first.article_id
    assert revision.similarity is not None
    assert 0.95 <= revision.similarity < 1
    assert count(engine, "article") == 1
    with engine.connect() as connection:
        number, clean = connection.execute(sa.text("SELECT revision, clean_text FROM article_revision")).one()
        revisions = connection.execute(sa.text("SELECT revision_count FROM article")).scalar_one()
    assert (number, clean, revisions) == (1, fixed.clean_text, 1)


def test_a_new_headline_on_the_same_body_is_a_revision(engine: Engine) -> None:
    store = store_for(engine)
    store.store_batch([item(title="First headline")])
    (outcome,) = store.store_batch([item(title="UPDATE 1-Second headline")])
    assert outcome.disposition == Disposition.REVISION
    assert outcome.similarity == 1.0
    (again,) = store.store_batch([item(title="UPDATE 1-Second headline")])
    assert again.disposition == Disposition.DUPLICATE


def test_the_same_url_from_the_same_outlet_is_a_revision_however_much_it_changed(engine: Engine) -> None:
    store = store_for(engine)
    url = "https://example.org/a"
    store.store_batch([item(url=url)])
    (outcome,) = store.store_batch([item(url=url, text=OTHER_BODY)])
    assert outcome.disposition == Disposition.REVISION


def test_revisions_inside_one_batch_point_at_the_new_article(engine: Engine) -> None:
    outcomes = store_for(engine).store_batch(
        [item(), item(text=BODY.replace("Thursday", "Thursday evening"))]
    )
    assert [o.disposition for o in outcomes] == [Disposition.STORED, Disposition.REVISION]
    assert outcomes[1].article_id == outcomes[0].article_id > 0


def test_a_similar_text_from_another_outlet_is_a_new_article(engine: Engine) -> None:
    outcomes = store_for(engine).store_batch(
        [item(), item(outlet="Other Wire", text=BODY.replace("Thursday", "Friday"))]
    )
    assert [o.disposition for o in outcomes] == [Disposition.STORED, Disposition.STORED]


def test_the_same_text_from_another_outlet_is_stored_as_a_copy(engine: Engine) -> None:
    store = store_for(engine)
    first = store.store_batch([item()])[0]
    (copy,) = store.store_batch([item(outlet="Republisher")])
    assert copy.disposition == Disposition.STORED
    assert copy.copy_of_id == first.article_id
    in_batch = store.store_batch(
        [item(outlet="Third", text=OTHER_BODY), item(outlet="Fourth", text=OTHER_BODY)]
    )
    assert in_batch[1].copy_of_id == in_batch[0].article_id
    with engine.connect() as connection:
        linked = connection.execute(
            sa.text("SELECT copy_of_id FROM article WHERE id = :i"), {"i": in_batch[1].article_id}
        ).scalar_one()
    assert linked == in_batch[0].article_id


def test_templated_articles_days_apart_are_not_revisions(engine: Engine) -> None:
    store = store_for(engine)
    monday = dt.datetime(2016, 7, 4, tzinfo=dt.UTC)
    store.store_batch([item(published=monday.isoformat())])
    later = item(
        published=(monday + dt.timedelta(days=10)).isoformat(), text=BODY.replace("Thursday", "Tuesday")
    )
    (outcome,) = store.store_batch([later])
    assert outcome.disposition == Disposition.STORED


def test_refusals_are_recorded_with_their_input(engine: Engine) -> None:
    refusal = Refusal(
        Provenance("bad.jsonl", SourceKind.JSONL, "line 3"), RefusalReason.INVALID_JSON, "not JSON", "x" * 50
    )
    store_for(engine).record_refusals([refusal], max_payload_chars=20)
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT source, location, reason, payload, payload_truncated FROM rejected_input")
        ).one()
    assert tuple(row) == ("bad.jsonl", "line 3", "invalid_json", "x" * 20, True)


def test_a_store_that_lost_a_race_retries_and_finds_the_duplicate(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner, loser = store_for(engine), store_for(engine)
    winner.store_batch([item()])
    # The loser read the database before the winner wrote: its first view is empty, so it
    # tries to insert the same text, and the unique constraint stops it.
    real_load = ArticleStore._load_known
    views = iter([lambda *args: _Known(), real_load])

    def stale_then_fresh(self: ArticleStore, *args: Any) -> _Known:
        return next(views)(self, *args)

    monkeypatch.setattr(ArticleStore, "_load_known", stale_then_fresh)
    (outcome,) = loser.store_batch([item()])
    assert outcome.disposition == Disposition.DUPLICATE
    assert count(engine, "article") == 1
