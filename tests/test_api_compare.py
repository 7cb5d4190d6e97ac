"""`POST /v1/compare` through the composed application (real annotation, real comparison):
two to ten texts in, the report with its pairs' scores out; bad bodies are problems that
name the field and the fix."""

import json
from typing import Any

from flask.testing import FlaskClient

from .conftest import SEED_EVENT


def articles() -> list[dict[str, Any]]:
    keep = ("id", "outlet", "title", "text", "published")
    return [
        {key: record[key] for key in keep}
        for record in map(json.loads, SEED_EVENT.read_text(encoding="utf-8").splitlines())
    ]


def test_texts_in_report_with_scored_pairs_out(client: FlaskClient) -> None:
    response = client.post("/v1/compare", json={"articles": articles(), "profile": "wording"})
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    ids = {article["id"] for article in report["articles"]}
    assert ids == {"demo-elysee-fr", "demo-elysee-fr-2", "demo-elysee-en"}
    assert {article["language"] for article in report["articles"]} == {"fr", "en"}  # detected
    assert len(report["pairs"]) == 3
    assert all(0 <= pair["distance"] <= 1 for pair in report["pairs"])
    assert report["weights"]["loaded"] == 2.0
    assert set(report["divergence"]) == ids


def test_bad_bodies_name_the_field_and_the_fix(client: FlaskClient) -> None:
    one = client.post("/v1/compare", json={"articles": articles()[:1]})
    assert one.status_code == 400
    assert one.mimetype == "application/problem+json"
    assert one.get_json()["field"] == "/articles"
    short = client.post("/v1/compare", json={"articles": [{"text": "Trop court."}, articles()[0]]})
    assert short.get_json()["field"] == "/articles/0/text"
    weights = client.post("/v1/compare", json={"articles": articles(), "weights": {"tone": 1}})
    assert weights.get_json()["field"] == "/weights"
    assert "unknown components" in weights.get_json()["detail"]
    not_json = client.post("/v1/compare", data="articles", content_type="text/plain")
    assert not_json.status_code == 415
