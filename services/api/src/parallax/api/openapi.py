"""The OpenAPI 3.1 document, built from the code, and a documentation page made from it.

Each route declares what the document needs with `@operation(...)`: its query parameters (a
`QueryParameters` model, the one it validates with), its JSON body (a pydantic model, for
routes that take one), its response document (a pydantic model) and success status, whether
it also answers CSV, and its errors; its docstring is the description. The
document walks Flask's url_map, so every route is in it: one without a declaration is listed
with its docstring and the generic answers. `GET /v1/openapi.json` serves it; `GET /v1/docs`
renders it as one HTML page with local assets only (no CDN).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from flask import Blueprint, Flask, current_app, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Rule

from parallax.api.params import QueryParameters
from parallax.api.schemas import Problem

View = TypeVar("View", bound=Callable[..., Any])

OPENAPI_VERSION: Final = "3.1.0"
API_VERSION: Final = "1.0.0"
_REF: Final = "#/components/schemas/{model}"
_PATH_PARAMETER: Final = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTER_TYPES: Final = {"int": {"type": "integer", "minimum": 0}, "float": {"type": "number"}}
_ERROR_TITLES: Final = {
    400: "The request is invalid: the problem names the field and the fix.",
    401: "An API key is required.",
    403: "The API key lacks the scope this operation needs.",
    404: "Nothing has this id (or it is not ready yet): the problem says which.",
    409: "It exists already: the problem points to what is stored.",
    413: "The request body is too large.",
    415: "The body is not JSON.",
    429: "Too many requests: wait for Retry-After seconds.",
    500: "The server failed; the problem says nothing of its internals.",
    503: "The database (or a pipeline the operation needs) does not answer.",
}
_ATTRIBUTE: Final = "openapi_operation"


@dataclass(frozen=True, slots=True)
class Operation:
    """What the OpenAPI document says of one route, besides its path and methods."""

    summary: str
    tag: str
    query: type[QueryParameters] | None = None
    response: type[BaseModel] | None = None
    csv: bool = False
    errors: tuple[int, ...] = ()
    media_type: str = "application/json"
    body: type[BaseModel] | None = None
    status: int = 200


def operation(
    *,
    summary: str,
    tag: str,
    query: type[QueryParameters] | None = None,
    response: type[BaseModel] | None = None,
    csv: bool = False,
    errors: Sequence[int] = (),
    media_type: str = "application/json",
    body: type[BaseModel] | None = None,
    status: int = 200,
) -> Callable[[View], View]:
    """Declare a route to the OpenAPI document (apply below the route decorator).

    `body` is the JSON document the route reads (required when given); `status` the code it
    answers on success (201 for a route that creates something).
    """

    def declare(view: View) -> View:
        declared = Operation(summary, tag, query, response, csv, tuple(errors), media_type, body, status)
        setattr(view, _ATTRIBUTE, declared)
        return view

    return declare


# Endpoints of HTML pages (by blueprint), left out of the API's document.
_PAGES: Final = ("classroom.",)


def openapi_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route of `app` (static files apart)."""
    models: set[type[BaseModel]] = {Problem}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        if rule.endpoint.startswith(_PAGES):
            continue  # the classroom's HTML pages are for people, not part of the API
        view = app.view_functions[rule.endpoint]
        declared: Operation | None = getattr(view, _ATTRIBUTE, None)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_openapi_path(rule), {})[method.lower()] = _operation_json(
                rule, method, view, declared, models
            )
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Parallax API",
            "version": API_VERSION,
            "description": "How news outlets cover the same event: events, articles, outlets, "
            "their stored comparisons and framing scores. Errors are application/problem+json.",
        },
        "paths": paths,
        "components": {"schemas": _schemas(models), "securitySchemes": _SECURITY_SCHEMES},
        # A key is optional where the deployment does not require one (the empty alternative).
        "security": [{"apiKey": []}, {"bearer": []}, {}],
    }


_SECURITY_SCHEMES: Final = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "bearer": {"type": "http", "scheme": "bearer"},
}


def _openapi_path(rule: Rule) -> str:
    return _PATH_PARAMETER.sub(lambda match: "{" + match["name"] + "}", rule.rule)


def _operation_json(
    rule: Rule,
    method: str,
    view: Callable[..., Any],
    declared: Operation | None,
    models: set[type[BaseModel]],
) -> dict[str, Any]:
    description = inspect.getdoc(view) or ""
    summary = declared.summary if declared else description.partition("\n")[0]
    parameters = _path_parameters(rule)
    if declared and declared.query:
        parameters += _query_parameters(declared.query)
    result: dict[str, Any] = {
        "operationId": f"{rule.endpoint.replace('.', '_')}_{method.lower()}",
        "summary": summary,
        "description": description,
        "tags": [declared.tag if declared else rule.endpoint.partition(".")[0]],
        "parameters": parameters,
        "responses": _responses(method, declared, models),
    }
    if declared and declared.body:
        models.add(declared.body)
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": _REF.format(model=declared.body.__name__)}}},
        }
    return result


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [
        {
            "name": match["name"],
            "in": "path",
            "required": True,
            "schema": _CONVERTER_TYPES.get(match["converter"] or "", {"type": "string"}),
        }
        for match in _PATH_PARAMETER.finditer(rule.rule)
    ]


def _query_parameters(model: type[QueryParameters]) -> list[dict[str, Any]]:
    properties = model.model_json_schema()["properties"]
    parameters = []
    for name, field in model.model_fields.items():
        schema = _without_null(properties[name])
        schema.pop("title", None)
        schema.pop("default", None)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": field.is_required()}
        if field.description:
            parameter["description"] = field.description
            schema.pop("description", None)
        parameter["schema"] = schema
        parameters.append(parameter)
    return parameters


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: drop the null alternative."""
    alternatives = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    if len(alternatives) == 1:
        rest = {key: value for key, value in schema.items() if key != "anyOf"}
        return {**rest, **alternatives[0]}
    return dict(schema)


def _responses(method: str, declared: Operation | None, models: set[type[BaseModel]]) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": {"type": "object"}}}
    if declared and declared.media_type != "application/json":
        content = {declared.media_type: {"schema": {"type": "string"}}}
    if declared and declared.response:
        models.add(declared.response)
        content = {"application/json": {"schema": {"$ref": _REF.format(model=declared.response.__name__)}}}
    if declared and declared.csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    succeeded = declared.status if declared else 200
    success: dict[str, Any] = {"description": "Created" if succeeded == 201 else "OK", "content": content}
    responses: dict[str, Any] = {str(succeeded): success}
    if method == "GET":  # only reads carry an ETag (see http.py)
        success["headers"] = {
            "ETag": {"description": "Send it back in If-None-Match.", "schema": {"type": "string"}}
        }
        responses["304"] = {"description": "Not modified since the ETag given in If-None-Match."}
    problem = {"application/problem+json": {"schema": {"$ref": _REF.format(model="Problem")}}}
    codes = declared.errors if declared else (400, 404)
    for status in sorted({*codes, 401, 403, 429, 500, 503}):
        responses[str(status)] = {"description": _ERROR_TITLES.get(status, "Error"), "content": problem}
    return responses


def _schemas(models: set[type[BaseModel]]) -> dict[str, Any]:
    ordered = sorted(models, key=lambda model: model.__name__)
    _, definitions = models_json_schema([(model, "serialization") for model in ordered], ref_template=_REF)
    schemas: dict[str, Any] = definitions.get("$defs", {})
    return dict(sorted(schemas.items()))


blueprint = Blueprint(
    "docs",
    __name__,
    url_prefix="/v1",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@blueprint.get("/openapi.json")
@operation(summary="This API's OpenAPI 3.1 document", tag="documentation")
def openapi_json() -> dict[str, Any]:
    """The OpenAPI document of every operation, built from the routes themselves."""
    return openapi_document(current_app)


@blueprint.get("/docs")
@operation(summary="This API's documentation, as an HTML page", tag="documentation", media_type="text/html")
def docs_page() -> str:
    """Every operation of the OpenAPI document: method, path, parameters and responses."""
    document = openapi_document(current_app)
    return render_template("docs.html", document=document)
