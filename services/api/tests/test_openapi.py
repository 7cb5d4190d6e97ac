"""The OpenAPI document is built from the routes: every route of the application is in it,
with the parameters it validates and the schema it answers; the docs page lists every
operation and needs nothing from outside the API."""

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from parallax.api.openapi import openapi_document


def resolve(document: dict[str, Any], reference: str) -> dict[str, Any]:
    name = reference.removeprefix("#/components/schemas/")
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def test_every_route_is_in_the_document(app: Flask) -> None:
    document = openapi_document(app)
    assert document["openapi"].startswith("3.1")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static") or rule.endpoint.startswith("classroom."):
            continue  # static files, and the classroom's pages for people
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], (method, path)


def test_operations_declare_their_parameters_and_schemas(app: Flask) -> None:
    document = openapi_document(app)
    events = document["paths"]["/v1/events"]["get"]
    parameters = {parameter["name"]: parameter for parameter in events["parameters"]}
    assert set(parameters) == {"limit", "cursor", "since", "until", "outlet", "language", "q"}
    assert parameters["limit"]["schema"]["maximum"] == 500
    assert parameters["since"]["schema"]["format"] == "date-time"
    assert "text/csv" in events["responses"]["200"]["content"]
    page = resolve(document, events["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
    assert set(page["properties"]) == {"items", "next", "next_cursor"}
    scores = document["paths"]["/v1/events/{event_id}/scores"]["get"]
    assert [p["name"] for p in scores["parameters"]] == ["event_id", "profile", "weights", "lang"]
    assert "404" in scores["responses"]
    problem = scores["responses"]["400"]["content"]["application/problem+json"]["schema"]["$ref"]
    assert "fix" in resolve(document, problem)["properties"]
    article = document["paths"]["/v1/articles/{article_id}"]["get"]
    assert article["parameters"][0]["schema"]["type"] == "integer"


def test_every_reference_resolves(app: Flask) -> None:
    document = openapi_document(app)
    references = re.findall(r'"\$ref": "([^"]+)"', str(document).replace("'", '"'))
    assert references
    for reference in references:
        assert resolve(document, reference)


def test_the_document_is_served_as_json(client: FlaskClient) -> None:
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["info"]["title"] == "Parallax API"


def test_the_docs_page_lists_every_operation_with_local_assets_only(client: FlaskClient) -> None:
    page = client.get("/v1/docs")
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    document = client.get("/v1/openapi.json").get_json()
    for path, methods in document["paths"].items():
        for method in methods:
            assert f"{method.upper()}</span> <code>{path}</code>" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    stylesheet = re.search(r'href="(/v1/static/[^"]+\.css)"', html)
    assert stylesheet is not None
    with client.get(stylesheet[1]) as css:
        assert css.status_code == 200
