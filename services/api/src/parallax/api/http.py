"""HTTP around the documents: CSV or JSON by `Accept`, strong ETags, CORS for listed origins.

- A list, an event or scores answer CSV when the client prefers `text/csv`: flat columns
  (a nested object becomes `outlet_id`, `outlet_name`; a list of names is joined with "; ").
- Every successful GET carries a strong ETag over its body; `If-None-Match` with it → 304.
- A browser may call the API only from the origins in `PARALLAX_API_CORS_ORIGINS`; preflight
  requests (OPTIONS) are answered with the methods and headers allowed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, get_args

from flask import Flask, Response, current_app, request
from pydantic import BaseModel

from parallax.api.app import app_settings
from parallax.api.errors import ProblemError

CSV: Final = "text/csv"
JSON: Final = "application/json"
_ALLOWED_REQUEST_HEADERS: Final = "Accept, Authorization, Content-Type, If-None-Match, X-API-Key"
_EXPOSED_HEADERS: Final = (
    "ETag, Link, Retry-After, RateLimit-Limit, RateLimit-Policy, RateLimit-Remaining, RateLimit-Reset"
)
_PREFLIGHT_MAX_AGE: Final = "600"
# A spreadsheet runs a cell starting with one of these as a formula: such text is prefixed
# with a quote so that an article's title cannot execute anything where the CSV is opened.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def wants_csv() -> bool:
    """Whether the client prefers CSV to JSON (JSON when it does not say)."""
    best = request.accept_mimetypes.best_match([JSON, CSV], default=JSON)
    return best == CSV


def csv_columns(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The flat CSV columns of a document: nested objects' fields become `outer_inner`."""
    columns = []
    for name, field in model.model_fields.items():
        nested = _nested_model(field.annotation)
        if nested is not None:
            columns.extend(csv_columns(nested, f"{prefix}{name}_"))
        else:
            columns.append(f"{prefix}{name}")
    return columns


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    candidates = (annotation, *get_args(annotation))
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def flatten(document: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A JSON document as one CSV row: nested objects flattened, lists joined with "; "."""
    row: dict[str, Any] = {}
    for name, value in document.items():
        if isinstance(value, Mapping):
            row.update(flatten(value, f"{prefix}{name}_"))
        elif isinstance(value, list):
            row[f"{prefix}{name}"] = "; ".join(str(item) for item in value)
        else:
            row[f"{prefix}{name}"] = value
    return row


def csv_response(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Response:
    """A CSV document (header, then one line per row; missing cells empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return Response(buffer.getvalue(), mimetype=CSV, content_type=f"{CSV}; charset=utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


def list_response(
    page: BaseModel, item_model: type[BaseModel], items: Sequence[BaseModel], next_url: str | None
) -> Response | dict[str, Any]:
    """A page as JSON (the page document) or CSV (its items; the next page in `Link`)."""
    if not wants_csv():
        return page.model_dump(mode="json")
    response = csv_response(
        csv_columns(item_model), (flatten(item.model_dump(mode="json")) for item in items)
    )
    if next_url is not None:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


def init_app(app: Flask) -> None:
    """ETags and conditional answers on reads; CORS headers for the configured origins."""
    app.after_request(_conditional)
    app.after_request(_cors)


def _conditional(response: Response) -> Response:
    """Strong ETag over the body of a successful read; 304 when the client has it already."""
    if request.method not in {"GET", "HEAD"} or response.status_code != 200 or response.is_streamed:
        return response
    response.vary.add("Accept")
    response.add_etag()
    response.make_conditional(request)
    return response


def _cors(response: Response) -> Response:
    """Allow the listed origins (only), and answer their preflight requests."""
    allowed = app_settings(current_app).api_cors_origins
    if not allowed:
        return response
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if origin is None or (origin not in allowed and "*" not in allowed):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
    response.headers["Access-Control-Expose-Headers"] = _EXPOSED_HEADERS
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response.headers["Access-Control-Allow-Methods"] = response.headers.get("Allow", "GET, HEAD, OPTIONS")
        response.headers["Access-Control-Allow-Headers"] = _ALLOWED_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = _PREFLIGHT_MAX_AGE
    return response


def json_body(example: str) -> Any:
    """The request's JSON body (any JSON value); 415 problem when it is not JSON, its fix
    showing `example`."""
    if not request.is_json:
        raise ProblemError(
            415,
            "Unsupported Media Type",
            "the body is not JSON",
            fix=f"Send JSON with Content-Type: application/json, e.g. {example}.",
        )
    return request.get_json(silent=True)


def json_object_body(example: str) -> Mapping[str, Any]:
    """The request's JSON body, which must be an object; 415 or 400 problems otherwise."""
    body = json_body(example)
    if not isinstance(body, Mapping):
        raise ProblemError(
            400, "Invalid Request", "the body is not a JSON object", field="", fix=f"Send {example}."
        )
    return body
