"""Fixtures for the compare tests.

- `simple_annotation`: an annotation in the stored form, made from a text without spaCy
  (sentences at full stops, words with their lower case as lemma), with the actors, loaded
  terms and attributions a test names: the compare service reads annotations, never text.
- `store_event`: stores an event's articles, their annotations and memberships in the test
  database (SQLite, then PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from parallax.shared.db import session_scope
from parallax.shared.models import (
    Article,
    ArticleAnnotation,
    Event,
    EventMembership,
    Outlet,
    Stage,
)
from parallax.shared.offsets import OffsetMap

_SENTENCE = re.compile(r"[^.!?]+[.!?]?\s*")
_WORD = re.compile(r"\d+(?:[.,]\d+)*|\w+|[^\w\s]")
_FUNCTION_WORDS = frozenset(
    "a an the of to in on and or is are was were by for with at de la le les des du et à un une".split()
)


def simple_annotation(
    article_id: str,
    text: str,
    *,
    language: str = "en",
    actors: Mapping[str, Sequence[str]] | None = None,
    loaded: Sequence[tuple[str, str]] = (),
    attributions: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A stored-form annotation of `text`: `actors` maps an actor id to the phrases naming it,
    `loaded` lists (phrase, category) pairs, each found wherever it occurs."""
    sentences = []
    tokens = []
    for index, match in enumerate(m for m in _SENTENCE.finditer(text) if m.group().strip()):
        sentences.append({"start": match.start(), "end": match.end(), "text": match.group()})
        for word in _WORD.finditer(match.group()):
            surface = word.group()
            pos = (
                "PUNCT"
                if not surface[0].isalnum()
                else ("DET" if surface.lower() in _FUNCTION_WORDS else "NOUN")
            )
            tokens.append(
                {
                    "start": match.start() + word.start(),
                    "end": match.start() + word.end(),
                    "text": surface,
                    "lemma": surface.lower(),
                    "pos": pos,
                    "sentence": index,
                }
            )
    actor_list = [
        {
            "id": actor_id,
            "type": actor_id.partition("/")[0],
            "name": phrases[0],
            "country": None,
            "mentions": [
                {
                    "start": m.start(),
                    "end": m.end(),
                    "text": m.group(),
                    "field": "text",
                    "method": "alias",
                    "confidence": 1.0,
                }
                for phrase in phrases
                for m in re.finditer(re.escape(phrase), text)
            ],
        }
        for actor_id, phrases in (actors or {}).items()
    ]
    loaded_list = [
        {
            "start": m.start(),
            "end": m.end(),
            "text": m.group(),
            "field": "text",
            "category": category,
            "entry": phrase,
        }
        for phrase, category in loaded
        for m in re.finditer(re.escape(phrase), text)
    ]
    return {
        "id": article_id,
        "language": language,
        "analysis": "full",
        "versions": {
            "annotator": "test",
            "model": "test",
            "actors": None,
            "lexicon": None,
            "readability": "test",
        },
        "sentences": sentences,
        "tokens": tokens,
        "entities": [],
        "actors": actor_list,
        "loaded": loaded_list,
        "scare_quotes": [],
        "attributions": list(attributions),
        "readability": {
            "language": language,
            "formulas": {},
            "sentences": len(sentences),
            "words": len(tokens),
        },
    }


class StoreEvent(Protocol):
    """Store articles (text, outlet, annotation or None) as the members of one event; return their ids."""

    def __call__(
        self, event_id: str, members: Sequence[tuple[str, str, dict[str, Any] | None]]
    ) -> list[int]: ...


@pytest.fixture
def store_event(engine: Engine) -> StoreEvent:
    """A function storing an event with its annotated members in the test database."""
    numbers = itertools.count(1)

    def store(event_id: str, members: Sequence[tuple[str, str, dict[str, Any] | None]]) -> list[int]:
        ids = []
        with session_scope(engine) as session:
            if session.get(Event, event_id) is None:
                session.add(Event(id=event_id, algorithm_version="test", model_version="test"))
                session.flush()
            for text, outlet_name, annotation in members:
                number = next(numbers)
                outlet = session.exec(select(Outlet).where(Outlet.name == outlet_name)).first()
                if outlet is None:
                    outlet = Outlet(name=outlet_name)
                    session.add(outlet)
                    session.flush()
                article = Article(
                    outlet_id=outlet.id or 0,
                    title=f"Article {number}",
                    original_text=text,
                    clean_text=text,
                    offset_map=OffsetMap.identity(len(text)).to_json(),
                    content_hash=f"content-{event_id}-{number}",
                    version_hash=f"version-{event_id}-{number}",
                    source_kind="jsonl",
                    normalizer_version="test",
                    language="en",
                    published_at=dt.datetime(2022, 2, 3, 9, number % 60, tzinfo=dt.UTC),
                    stage=Stage.CLUSTERED,
                )
                session.add(article)
                session.flush()
                article_id = article.id or 0
                if annotation is not None:
                    session.add(
                        ArticleAnnotation(
                            article_id=article_id,
                            version_key="test",
                            language="en",
                            analysis="full",
                            data=annotation,
                        )
                    )
                session.add(
                    EventMembership(
                        article_id=article_id,
                        event_id=event_id,
                        score=1.0,
                        started=False,
                        sequence=article_id,
                        algorithm_version="test",
                        model_version="test",
                    )
                )
                ids.append(article_id)
        return ids

    return store
