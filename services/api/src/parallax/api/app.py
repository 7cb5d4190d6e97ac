"""The Flask application factory: `create_app()` builds the API; nothing is created at import.

Extensions attach with `init_app(app)` (errors, keys, rate limits); blueprints are imported
inside the factory. The database engine comes from the settings (or is given, in tests), and
is kept on `app.extensions["parallax"]`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parallax.shared.config import Settings, get_settings

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Engine


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> Flask:
    """The API application, on the configured (or given) database."""
    from flask import Flask

    from parallax.api import errors
    from parallax.shared.db import ensure_schema, shared_engine

    settings = settings or get_settings()
    app = Flask("parallax.api")
    app.config["MAX_CONTENT_LENGTH"] = settings.api_max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep documents in their natural order
    engine = engine or shared_engine(settings.database_url)
    if settings.auto_migrate:
        ensure_schema(engine)
    app.extensions["parallax"] = {"settings": settings, "engine": engine}
    errors.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    """Every /v1 blueprint (imported here, not at module import)."""
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)


def _blueprints() -> list[Any]:
    from parallax.api.health import blueprint as health

    return [health]


def app_settings(app: Flask) -> Settings:
    """The settings the application was built with."""
    settings: Settings = app.extensions["parallax"]["settings"]
    return settings


def app_engine(app: Flask) -> Engine:
    """The application's database engine."""
    engine: Engine = app.extensions["parallax"]["engine"]
    return engine
