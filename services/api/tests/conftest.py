"""Fixtures for the API tests: the application on the test database (SQLite, then PostgreSQL),
and its test client."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.api.app import create_app
from parallax.shared.config import Settings


@pytest.fixture
def app(engine: Engine) -> Flask:
    """The API on the test database, keys not required (tests of keys turn them on)."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        api_keys_required=False,
        auto_migrate=False,
    )
    application = create_app(settings, engine=engine)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the API."""
    return app.test_client()
