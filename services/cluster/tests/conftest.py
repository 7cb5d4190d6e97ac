"""Fixtures for the cluster tests.

- `add_article`: stores an annotated article in the test database, its annotation written from
  a few words and actors (the cluster service reads annotations; it never parses text itself).
- `scripted_joins`: the shipped model with a decision the test sets (join every best candidate,
  or none), so that storage tests of merges and splits do not hang on how the model is tuned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from parallax.cluster import store
from parallax.cluster.model import Logistic, shipped_join_model
from parallax.cluster.pool import EventPool
from parallax.shared.db import session_scope
from parallax.shared.models import Article, ArticleAnnotation, Outlet, Stage, Status
from parallax.shared.offsets import OffsetMap

CALL = "phone call kremlin elysee ukraine security minsk agreements de-escalation normandy format leaders"
CALL_ACTORS = {"person/emmanuel-macron": 4, "person/vladimir-putin": 5, "country/ua": 3}
QUAKE = "earthquake magnitude epicentre rescuers rubble killed injured buildings collapsed aftershock"
QUAKE_ACTORS = {"country/ma": 4, "place/marrakech": 2}
DAY = dt.date(2022, 2, 3)


class AddArticle(Protocol):
    """Store one article (annotated unless told otherwise) and return its id."""

    def __call__(
        self,
        words: str,
        *,
        actors: Mapping[str, int] | None = None,
        outlet: str = "The Daily Ledger",
        language: str = "en",
        published: dt.date | None = DAY,
        title: str | None = None,
        annotation: dict[str, Any] | None = None,
        stage: str = Stage.ANNOTATED,
        status: str = Status.OK,
    ) -> int: ...


def annotation_of(words: str, actors: Mapping[str, int], language: str) -> dict[str, Any]:
    """An annotation as the annotate service stores it, reduced to what clustering reads."""
    return {
        "language": language,
        "tokens": [{"text": word, "lemma": word, "pos": "NOUN"} for word in words.split()],
        "actors": [
            {
                "id": actor,
                "type": actor.partition("/")[0],
                "mentions": [{"text": actor, "field": "text"}] * mentions,
            }
            for actor, mentions in actors.items()
        ],
    }


@pytest.fixture
def add_article(engine: Engine) -> AddArticle:
    """A function storing annotated articles in the test database (SQLite, then PostgreSQL)."""
    numbers = itertools.count(1)

    def add(
        words: str,
        *,
        actors: Mapping[str, int] | None = None,
        outlet: str = "The Daily Ledger",
        language: str = "en",
        published: dt.date | None = DAY,
        title: str | None = None,
        annotation: dict[str, Any] | None = None,
        stage: str = Stage.ANNOTATED,
        status: str = Status.OK,
    ) -> int:
        number = next(numbers)
        with session_scope(engine) as session:
            found = session.exec(select(Outlet).where(Outlet.name == outlet)).first()
            if found is None:
                found = Outlet(name=outlet)
                session.add(found)
                session.flush()
            article = Article(
                outlet_id=found.id or 0,
                title=title if title is not None else " ".join(words.split()[:6]),
                original_text=words,
                clean_text=words,
                offset_map=OffsetMap.identity(len(words)).to_json(),
                content_hash=f"content-{number}",
                version_hash=f"version-{number}",
                source_kind="jsonl",
                normalizer_version="test",
                language=language,
                published_at=dt.datetime.combine(published, dt.time(9), dt.UTC) if published else None,
                stage=stage,
                status=status,
            )
            session.add(article)
            session.flush()
            article_id = article.id or 0
            if stage != Stage.INGESTED:
                data = annotation if annotation is not None else annotation_of(words, actors or {}, language)
                session.add(
                    ArticleAnnotation(
                        article_id=article_id,
                        version_key="test",
                        language=language,
                        analysis="full",
                        data=data,
                    )
                )
        return article_id

    return add


@dataclasses.dataclass(frozen=True)
class ScriptedLogistic(Logistic):
    """A decision model that answers what the test last told it to."""

    script: list[float] = dataclasses.field(default_factory=lambda: [0.0])

    def probability(self, signals: Mapping[str, float]) -> float:
        return self.script[0]


@dataclasses.dataclass
class ScriptedJoins:
    """The decisions of every pool the store builds (join, merge), set by the test."""

    script: list[float]

    def decide(self, probability: float) -> None:
        """From now on, decide with this probability (above one half: join, merge)."""
        self.script[0] = probability


@pytest.fixture
def scripted_joins(monkeypatch: pytest.MonkeyPatch) -> ScriptedJoins:
    """The shipped rankers with scripted decisions (none join at first) in every pool the store
    builds: storage tests of merges and splits must not hang on how the model is tuned."""
    shipped = shipped_join_model()
    script = [0.0]
    rankers = {"same_language", "cross_language"}
    decisions = {
        name: ScriptedLogistic(model.signals, model.weights, model.bias, script)
        for name, model in ((f.name, getattr(shipped, f.name)) for f in dataclasses.fields(shipped))
        if isinstance(model, Logistic) and name not in rankers
    }
    model = dataclasses.replace(shipped, version="scripted.v0", **decisions)
    build: Callable[[], EventPool] = functools.partial(EventPool, model=model)
    monkeypatch.setattr(store, "EventPool", build)
    return ScriptedJoins(script)
