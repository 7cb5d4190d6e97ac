"""`POST /v1/compare` in the API alone: the body checked field by field, the records handed to
the pipeline the application was given, the scores computed from its report; without a
pipeline, a 503 that says how to get one."""

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from parallax.api.adhoc import compare_request_records
from parallax.api.app import create_app
from parallax.api.errors import ProblemError
from parallax.shared.config import Settings

TEXT = "Emmanuel Macron a parlé au téléphone avec Vladimir Poutine ce jeudi 3 février."


def settings_for(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False), api_keys_required=False)


def test_without_a_pipeline_the_endpoint_says_how_to_get_one(app: Flask) -> None:
    response = app.test_client().post("/v1/compare", json={"articles": [{"text": TEXT}, {"text": TEXT}]})
    assert response.status_code == 503
    assert "parallax serve" in response.get_json()["fix"]


def test_the_pipeline_gets_the_records_and_the_scores_come_from_its_report(engine: Engine) -> None:
    received: list[Sequence[Mapping[str, Any]]] = []

    def comparer(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        received.append(records)
        return {
            "articles": [{"id": r["id"], "sentences": 1} for r in records],
            "wording": {"densities": [{"article": "2", "category": "charged", "per_1000": 5.0, "spans": []}]},
        }

    app = create_app(settings_for(engine), engine=engine, comparer=comparer)
    response = app.test_client().post(
        "/v1/compare",
        json={"articles": [{"text": TEXT}, {"text": TEXT, "outlet": "La Gazette"}], "weights": {"loaded": 1}},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    [records] = received
    assert [(r["id"], r["outlet"]) for r in records] == [("1", "Text 1"), ("2", "La Gazette")]
    [pair] = response.get_json()["pairs"]
    assert (pair["a"], pair["b"], pair["distance"]) == ("1", "2", 1.0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "/articles"),
        ({"articles": [{"text": TEXT}]}, "/articles"),
        ({"articles": [{"text": TEXT}] * 11}, "/articles"),
        ({"articles": ["texte", {"text": TEXT}]}, "/articles/0"),
        ({"articles": [{"text": TEXT}, {"text": 3}]}, "/articles/1/text"),
        ({"articles": [{"text": TEXT, "title": 4}, {"text": TEXT}]}, "/articles/0/title"),
        ({"articles": [{"text": TEXT, "published": "hier"}, {"text": TEXT}]}, "/articles/0/published"),
        ({"articles": [{"text": TEXT, "id": "a"}, {"text": TEXT, "id": "a"}]}, "/articles/1/id"),
    ],
)
def test_each_problem_names_its_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ProblemError) as raised:
        compare_request_records(body, min_chars=40, max_chars=500_000)
    assert raised.value.field == field
    assert raised.value.fix
