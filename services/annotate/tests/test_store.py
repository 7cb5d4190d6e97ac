"""Annotating stored articles, on SQLite and PostgreSQL: once per version, idempotent, failures kept apart."""

import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.annotate import annotate as annotate_module
from parallax.annotate import store
from parallax.annotate.store import annotate_stored
from parallax.shared.db import session_scope
from parallax.shared.layout import normalize_article
from parallax.shared.models import Article, Outlet

TEXTS = [
    "Emmanuel Macron s'est entretenu avec Vladimir Poutine. Moscou martèle qu'il n'en est rien.",
    "Vladimir Putin spoke with Emmanuel Macron on Thursday, the Kremlin said in a statement.",
]


def add_articles(engine: Engine, texts: list[str], languages: list[str]) -> list[int]:
    ids = []
    with session_scope(engine) as session:
        outlet = Outlet(name="Le Courrier")
        session.add(outlet)
        session.flush()
        for number, (text, language) in enumerate(zip(texts, languages, strict=True)):
            cleaned = normalize_article(text)
            article = Article(
                outlet_id=outlet.id or 0,
                original_text=text,
                clean_text=cleaned.clean_text,
                offset_map=cleaned.offset_map.to_json(),
                content_hash=f"h{number}",
                version_hash=f"v{number}",
                source_kind="jsonl",
                normalizer_version="n",
                language=language,
                published_at=dt.datetime(2022, 2, 3, tzinfo=dt.UTC),
            )
            session.add(article)
            session.flush()
            ids.append(article.id or 0)
    return ids


def rows(engine: Engine, query: str) -> list[Any]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def test_every_pending_article_is_annotated_and_indexed_by_actor(engine: Engine) -> None:
    french, english = add_articles(engine, TEXTS, ["fr", "en"])
    report = annotate_stored(None, engine=engine)
    assert (report.annotated, report.up_to_date, report.failed) == (2, 0, {})
    assert rows(engine, "SELECT stage, status FROM article ORDER BY id") == [
        ("annotated", "ok"),
        ("annotated", "ok"),
    ]
    actors = set(rows(engine, "SELECT article_id, actor_id FROM article_actor"))
    for article_id in (french, english):
        assert {
            (article_id, "person/vladimir-putin"),
            (article_id, "person/emmanuel-macron"),
            (article_id, "government/ru"),
        } <= actors
    (data,) = rows(engine, f"SELECT data FROM article_annotation WHERE article_id = {french}")[0]
    document = json.loads(data) if isinstance(data, str) else data
    assert [term["text"] for term in document["loaded"]] == ["martèle"]


def test_an_article_is_parsed_once_per_version(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    add_articles(engine, TEXTS, ["fr", "en"])
    annotate_stored(None, engine=engine)
    again = annotate_stored(None, engine=engine)
    assert (again.annotated, again.up_to_date) == (0, 2)
    monkeypatch.setattr(annotate_module, "ANNOTATOR_VERSION", "annotate.v2-test")
    changed = annotate_stored(None, engine=engine)
    assert (changed.annotated, changed.up_to_date) == (2, 0)
    assert {row[0].split("|")[0] for row in rows(engine, "SELECT version_key FROM article_annotation")} == {
        "annotate.v2-test"
    }
    assert len(rows(engine, "SELECT * FROM article_actor")) == len(
        set(rows(engine, "SELECT * FROM article_actor"))
    )


def test_one_article_that_breaks_the_parser_does_not_sink_the_others(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = add_articles(engine, TEXTS, ["fr", "en"])
    real = store.annotate_many

    def breaks_on_the_bad_one(articles: list[Any], **options: Any) -> Any:
        if any(article.id == str(bad) for article in articles):
            raise RuntimeError("the parser choked")
        return real(articles, **options)

    monkeypatch.setattr(store, "annotate_many", breaks_on_the_bad_one)
    report = annotate_stored(None, engine=engine)
    assert report.annotated == 1
    assert report.failed == {bad: "RuntimeError: the parser choked"}
    status = {row[0]: row[1:] for row in rows(engine, "SELECT id, stage, status, status_reason FROM article")}
    assert status[good] == ("annotated", "ok", None)
    assert status[bad] == ("ingested", "failed", "annotate: RuntimeError: the parser choked")


def test_unknown_ids_are_reported(engine: Engine) -> None:
    (article_id,) = add_articles(engine, TEXTS[:1], ["fr"])
    report = annotate_stored([article_id, 4242], engine=engine)
    assert (report.annotated, report.missing) == (1, [4242])
