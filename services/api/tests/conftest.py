"""Fixtures for the API tests: the application on the test database (SQLite, then PostgreSQL),
its test client, and `newsroom`: outlets, events and articles stored to read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.api.app import create_app
from parallax.shared.config import Settings
from parallax.shared.db import session_scope
from parallax.shared.models import Article, Event, EventComparison, EventMembership, EventStatus, Outlet
from parallax.shared.offsets import OffsetMap


@pytest.fixture
def app(engine: Engine) -> Flask:
    """The API on the test database, keys not required (tests of keys turn them on)."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        api_keys_required=False,
        auto_migrate=False,
    )
    application = create_app(settings, engine=engine)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the API."""
    return app.test_client()


@dataclass(frozen=True)
class Newsroom:
    """What `newsroom` stored: ids by the names the tests use."""

    outlets: dict[str, int]
    articles: dict[str, int]


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2022, 2, day, hour, tzinfo=dt.UTC)


# name: (outlet, language, published, event, title)
_ARTICLES: dict[str, tuple[str, str, dt.datetime | None, str | None, str]] = {
    "m1": ("Le Monde", "fr", _at(3, 9), "e1", "Pourparlers sur l'Ukraine à Paris"),
    "r1": ("Reuters", "en", _at(3, 10), "e1", "Ukraine talks open in Paris"),
    "t1": ("TASS", "ru", _at(3, 11), "e1", "Переговоры в Париже"),
    "m2": ("Le Monde", "fr", _at(4, 8), "e2", "La tempête frappe la Bretagne"),
    "r2": ("Reuters", "en", _at(4, 12), "e2", "Storm hits Brittany coast"),
    "r3": ("Reuters", "en", None, None, '=HYPERLINK("http://x") undated wire'),
}
_EVENTS = {"e1": "Ukraine talks open in Paris", "e2": "Storm hits Brittany coast"}


def comparison_report(ids: Sequence[str]) -> dict[str, Any]:
    """A small comparison report over three articles: the first two alike, the third apart."""
    a, b, c = ids
    return {
        "articles": [{"id": name, "sentences": 4} for name in ids],
        "omissions": {
            "units": [
                {"id": "u1", "articles": [a, b, c], "evidence": {}},
                {"id": "u2", "articles": [a, b], "evidence": {}},
            ]
        },
        "sources": {
            "by_article": {
                a: {"sides": [{"side": "FR", "share": 1.0}], "speakers": []},
                b: {"sides": [{"side": "FR", "share": 1.0}], "speakers": []},
                c: {"sides": [{"side": "RU", "share": 1.0}], "speakers": []},
            }
        },
    }


@pytest.fixture
def newsroom(engine: Engine) -> Newsroom:
    """Three outlets; event e1 (three articles, compared), e2 (two, not compared), e0 merged
    into e1, and one undated article in no event."""
    with session_scope(engine) as session:
        outlets = {}
        for name in ("Le Monde", "Reuters", "TASS"):
            outlet = Outlet(name=name, domain=f"{name.lower().replace(' ', '')}.example")
            session.add(outlet)
            session.flush()
            outlets[name] = outlet.id or 0
        for event_id, title in _EVENTS.items():
            members = [value for value in _ARTICLES.values() if value[3] == event_id]
            moments = [value[2] for value in members if value[2] is not None]
            session.add(
                Event(
                    id=event_id,
                    title=title,
                    first_published=min(moments),
                    last_published=max(moments),
                    outlets=sorted({value[0] for value in members}),
                    languages=sorted({value[1] for value in members}),
                    article_count=len(members),
                    algorithm_version="test",
                    model_version="test",
                )
            )
        session.add(
            Event(
                id="e0", status=EventStatus.MERGED, merged_into="e1", algorithm_version="t", model_version="t"
            )
        )
        session.flush()
        articles = {}
        for number, (name, (outlet, language, published, event_id, title)) in enumerate(_ARTICLES.items()):
            text = f"{title}. The text of article {name}."
            article = Article(
                outlet_id=outlets[outlet],
                title=title,
                url=f"https://{outlet.lower().replace(' ', '')}.example/{name}",
                published_at=published,
                language=language,
                original_text=text,
                clean_text=text,
                offset_map=OffsetMap.identity(len(text)).to_json(),
                content_hash=f"content-{name}",
                version_hash=f"version-{name}",
                source_kind="jsonl",
                normalizer_version="test",
            )
            session.add(article)
            session.flush()
            articles[name] = article.id or 0
            if event_id is not None:
                session.add(
                    EventMembership(
                        article_id=articles[name],
                        event_id=event_id,
                        score=1.0,
                        started=number == 0,
                        sequence=number + 1,
                        algorithm_version="test",
                        model_version="test",
                    )
                )
        session.add(
            EventComparison(
                event_id="e1",
                comparison_version="test.v1",
                membership_key="k" * 64,
                article_count=3,
                data=comparison_report([str(articles[name]) for name in ("m1", "r1", "t1")]),
            )
        )
    return Newsroom(outlets=outlets, articles=articles)
