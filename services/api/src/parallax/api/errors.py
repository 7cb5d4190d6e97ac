"""Errors as RFC 9457 problem details (`application/problem+json`) that name the field and the fix.

Routes raise `ProblemError`; every other HTTP error Flask or Werkzeug raises (404, 405, 413 …)
and any unexpected exception are turned into the same shape, so a client reads one format.
An unexpected exception is logged with its traceback and answered with a 500 that says
nothing of the internals.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

from parallax.shared.errors import StorageUnavailableError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class ProblemError(Exception):
    """An error answered as problem details: `detail` says what was wrong, `fix` how to fix it,
    `field` which part of the request (a query parameter, a JSON pointer into the body)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        field: str | None = None,
        fix: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.fix = fix
        self.headers = headers or {}
        self.extra = extra or {}

    def to_json(self) -> dict[str, Any]:
        """The problem document."""
        body: dict[str, Any] = {
            "type": f"https://parallax.example/problems/{self.title.lower().replace(' ', '-')}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.field is not None:
            body["field"] = self.field
        if self.fix is not None:
            body["fix"] = self.fix
        body.update(self.extra)
        return body


def problem_response(problem: ProblemError) -> Response:
    """The problem as a response, with its headers."""
    response = Response(json.dumps(problem.to_json()), status=problem.status, mimetype=PROBLEM_JSON)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Answer every error of `app` as problem details."""

    @app.errorhandler(ProblemError)
    def _api_problem(problem: ProblemError) -> Response:
        return problem_response(problem)

    app.register_error_handler(HTTPException, http_problem)

    @app.errorhandler(StorageUnavailableError)
    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    def _storage_unavailable(error: Exception) -> Response:
        # The database restarting or out of reach: the request may well succeed in a moment.
        logger.warning("the database did not answer a request: %s", error)
        return problem_response(
            ProblemError(
                503,
                "Service Unavailable",
                "The database is not answering right now.",
                fix="Try again in a few seconds.",
                headers={"Retry-After": "5"},
            )
        )

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unexpected error answering a request")
        return problem_response(
            ProblemError(
                500,
                "Internal Server Error",
                "The server failed to answer this request.",
                fix="Try again later; if it persists, report it with the time of the request.",
            )
        )


_FIXES = {
    404: "Check the path and the id; lists under /v1 give the ids that exist.",
    405: "Use one of the methods in the Allow header.",
    413: "Send a smaller body (see PARALLAX_API_MAX_REQUEST_BYTES), or split a batch.",
    415: "Send JSON with Content-Type: application/json.",
}


def http_problem(error: HTTPException) -> Response:
    """A Werkzeug HTTP error (404, 405, 413 …) as problem details."""
    status = error.code or 500
    problem = ProblemError(status, error.name, error.description or error.name, fix=_FIXES.get(status))
    response = problem_response(problem)
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response
