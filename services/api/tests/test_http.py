"""HTTP around the documents: strong ETags and 304s, CORS for the listed origins only (with
preflights), 413 as problem+json, and the CSV helpers."""

from typing import Any

from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.api.app import create_app
from parallax.api.http import csv_columns, flatten
from parallax.api.schemas import ArticleSummary
from parallax.shared.config import Settings


def app_with(engine: Engine, **settings: Any) -> Flask:
    application = create_app(
        Settings(
            database_url=engine.url.render_as_string(hide_password=False),
            api_keys_required=False,
            auto_migrate=False,
            **settings,
        ),
        engine=engine,
    )
    application.config["TESTING"] = True
    return application


def test_reads_carry_a_strong_etag_and_a_matching_one_gets_304(client: FlaskClient, newsroom: Any) -> None:
    for path in ("/v1/events", "/v1/events/e1", "/v1/events/e1/scores", "/v1/articles/1", "/v1/outlets"):
        first = client.get(path)
        etag = first.headers["ETag"]
        assert etag.startswith('"'), path  # strong: no W/
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.get_data() == b""
        assert client.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_the_csv_and_json_of_one_list_have_different_etags(client: FlaskClient, newsroom: Any) -> None:
    as_json = client.get("/v1/events").headers["ETag"]
    as_csv = client.get("/v1/events", headers={"Accept": "text/csv"})
    assert as_csv.headers["ETag"] != as_json
    assert "Accept" in as_csv.headers["Vary"]


def test_errors_have_no_etag(client: FlaskClient, newsroom: Any) -> None:
    assert "ETag" not in client.get("/v1/events/e999").headers


def test_cors_allows_only_the_listed_origins(engine: Engine) -> None:
    client = app_with(engine, api_cors_origins=["https://class.example"]).test_client()
    allowed = client.get("/v1/outlets", headers={"Origin": "https://class.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://class.example"
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/v1/outlets", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    closed = app_with(engine).test_client().get("/v1/outlets", headers={"Origin": "https://class.example"})
    assert "Access-Control-Allow-Origin" not in closed.headers


def test_a_preflight_from_a_listed_origin_is_answered(engine: Engine) -> None:
    client = app_with(engine, api_cors_origins=["https://class.example"]).test_client()
    preflight = client.options(
        "/v1/events",
        headers={
            "Origin": "https://class.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-API-Key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://class.example"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "X-API-Key" in preflight.headers["Access-Control-Allow-Headers"]
    refused = client.options(
        "/v1/events", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_a_body_over_the_limit_is_a_413_problem(engine: Engine) -> None:
    application = app_with(engine, api_max_request_bytes=100)

    @application.get("/v1/test-echo")
    def echo() -> str:
        return request.get_data(as_text=True)

    response = application.test_client().get("/v1/test-echo", data="x" * 1000)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert "PARALLAX_API_MAX_REQUEST_BYTES" in response.get_json()["fix"]


def test_csv_columns_and_rows_flatten_nested_documents() -> None:
    assert csv_columns(ArticleSummary)[:3] == ["id", "outlet_id", "outlet_name"]
    assert flatten({"outlet": {"id": 1, "name": "TASS"}, "languages": ["en", "fr"]}) == {
        "outlet_id": 1,
        "outlet_name": "TASS",
        "languages": "en; fr",
    }
