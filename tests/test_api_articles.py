"""`POST /v1/articles` through the composed application (the real ingest service): articles
stored as `parallax ingest` stores them, refusals named by their place in the request, a
repeat recognised as duplicates; writes need a key with the write scope."""

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.api.auth import create_key
from parallax.shared.db import session_scope

from .conftest import SEED_EVENT


@pytest.fixture
def writer(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        key, _ = create_key("newsroom", ["write"], session=session)
    return {"X-API-Key": key}


def articles() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SEED_EVENT.read_text(encoding="utf-8").splitlines()]


def test_a_batch_is_stored_its_bad_items_named_and_a_repeat_is_duplicates(
    client: FlaskClient, writer: dict[str, str]
) -> None:
    batch = [*articles()[:2], {"outlet": "Le Quotidien", "title": "Sans texte"}]
    first = client.post("/v1/articles", json={"articles": batch}, headers=writer)
    assert first.status_code == 201, first.get_data(as_text=True)
    report = first.get_json()
    assert report["counts"]["stored"] == 2
    assert len(report["article_ids"]) == 2
    assert client.get(report["job"]).get_json()["counts"]["stored"] == 2
    [refused] = report["refusals"]
    assert refused["input"] == "/articles/2"
    assert "text" in refused["message"]
    stored = client.get(f"/v1/articles/{report['article_ids'][0]}").get_json()
    assert stored["title"] == batch[0]["title"]
    again = client.post("/v1/articles", json={"article": articles()[0]}, headers=writer)
    assert again.status_code == 200
    assert again.get_json()["counts"]["duplicates"] == 1


def test_everything_refused_is_a_problem_and_writes_need_a_key(
    client: FlaskClient, writer: dict[str, str]
) -> None:
    refused = client.post("/v1/articles", json={"articles": [{"title": "rien"}]}, headers=writer)
    assert refused.status_code == 400
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["refusals"][0]["input"] == "/articles/0"
    assert client.post("/v1/articles", json={"article": articles()[0]}).status_code == 401
    both = client.post("/v1/articles", json={"article": articles()[0], "urls": []}, headers=writer)
    assert both.get_json()["field"] == ""
    bad_url = client.post("/v1/articles", json={"urls": ["ftp://example.org/x"]}, headers=writer)
    assert bad_url.get_json()["field"] == "/urls/0"
