"""Fixtures for the tests across services.

- `client`: a test client of the API as `parallax serve` composes it (the ingest and
  comparison pipelines handed in), on the test database, reads open.
- `SEED_EVENT`: the constructed articles that give the French account of the reference call.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.cli.api_app import create_api_app
from parallax.shared.config import Settings

SEED_EVENT = (
    Path(__file__).parents[1] / "services" / "compare" / "tests" / "data" / "seed_event" / "articles.jsonl"
)


@pytest.fixture
def client(engine: Engine) -> FlaskClient:
    """The composed API on the test database (SQLite, then PostgreSQL), reads open."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), api_keys_required=False
    )
    app = create_api_app(settings)
    app.config["TESTING"] = True
    return app.test_client()
