"""`GET /v1/health`: whether the API answers and its database does (for load balancers)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app

from parallax.api.app import app_engine
from parallax.api.errors import ProblemError

blueprint = Blueprint("health", __name__, url_prefix="/v1")


@blueprint.get("/health")
def health() -> dict[str, str]:
    """200 with {"status": "ok"} when the database answers; 503 otherwise."""
    try:
        with app_engine(current_app).connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        raise ProblemError(
            503,
            "Service Unavailable",
            f"the database does not answer: {error.orig}",
            fix="Check PARALLAX_DATABASE_URL and that the database server is up.",
        ) from error
    return {"status": "ok"}
