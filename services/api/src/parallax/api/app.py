"""The Flask application factory: `create_app()` builds the API; nothing is created at import.

Extensions attach with `init_app(app)` (errors, keys, rate limits); blueprints are imported
inside the factory. The database engine comes from the settings (or is given, in tests), and
is kept on `app.extensions["parallax"]`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from parallax.shared.config import Settings, get_settings

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Engine

# Records in (interchange format: id, outlet, title, text, language, published), the comparison
# report out (as `parallax compare` writes one event, texts and pairs included).
Comparer = Callable[[Sequence[Mapping[str, Any]]], dict[str, Any]]
# A web address in, the article found there out (as an interchange record: text, title,
# outlet, published, language, url); raises UnreadableUrlError saying why there is none.
Reader = Callable[[str, Settings], dict[str, Any]]
# Records and URLs in, stored through the ingest service on the given engine and settings;
# out: {"counts", "article_ids", "refusals": [{"input", "reason", "message"}]}.
Ingester = Callable[["Engine", Settings, Sequence[Mapping[str, Any]], Sequence[str]], dict[str, Any]]


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    comparer: Comparer | None = None,
    ingester: Ingester | None = None,
    reader: Reader | None = None,
) -> Flask:
    """The API application, on the configured (or given) database.

    `comparer` runs an ad-hoc comparison (`POST /v1/compare`): annotate and compare a few
    records, returning the report. The API does no NLP itself and imports no other service,
    so the composition root (`parallax serve`) passes it in; without it that endpoint answers
    503 and says how to run the API with it. `ingester` stores articles sent to
    `POST /v1/articles` the same way, and `reader` fetches the articles `POST /v1/compare`
    is given by their address.
    """
    from flask import Flask

    from parallax.api import auth, errors, http, ratelimit
    from parallax.api.classroom import routes as classroom
    from parallax.shared.db import ensure_schema, shared_engine

    settings = settings or get_settings()
    app = Flask("parallax.api")
    app.config["MAX_CONTENT_LENGTH"] = settings.api_max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep documents in their natural order
    engine = engine or shared_engine(settings.database_url)
    if settings.auto_migrate:
        ensure_schema(engine)
    app.extensions["parallax"] = {
        "settings": settings,
        "engine": engine,
        "comparer": comparer,
        "ingester": ingester,
        "reader": reader,
    }
    errors.init_app(app)
    auth.init_app(app)
    ratelimit.init_app(app)
    http.init_app(app)
    classroom.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    """Every /v1 blueprint (imported here, not at module import)."""
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)


def _blueprints() -> list[Any]:
    from parallax.api.adhoc import blueprint as adhoc
    from parallax.api.articles import blueprint as articles
    from parallax.api.classroom.routes import blueprint as classroom
    from parallax.api.events import blueprint as events
    from parallax.api.feeds import blueprint as feeds
    from parallax.api.health import blueprint as health
    from parallax.api.jobs import blueprint as jobs
    from parallax.api.openapi import blueprint as docs
    from parallax.api.outlets import blueprint as outlets

    return [health, events, articles, outlets, feeds, jobs, adhoc, docs, classroom]


def app_settings(app: Flask) -> Settings:
    """The settings the application was built with."""
    settings: Settings = app.extensions["parallax"]["settings"]
    return settings


def app_comparer(app: Flask) -> Comparer | None:
    """The ad-hoc comparison pipeline the application was given, if any."""
    comparer: Comparer | None = app.extensions["parallax"]["comparer"]
    return comparer


def app_ingester(app: Flask) -> Ingester | None:
    """The ingest pipeline the application was given, if any."""
    ingester: Ingester | None = app.extensions["parallax"]["ingester"]
    return ingester


def app_reader(app: Flask) -> Reader | None:
    """The web-address reader the application was given, if any."""
    reader: Reader | None = app.extensions["parallax"]["reader"]
    return reader


class UnreadableUrlError(Exception):
    """A web address that gave no article; the message says what was found there instead."""


def app_engine(app: Flask) -> Engine:
    """The application's database engine."""
    engine: Engine = app.extensions["parallax"]["engine"]
    return engine
