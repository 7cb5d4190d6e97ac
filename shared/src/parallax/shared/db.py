"""Database access: engines, sessions and schema migrations.

Nothing connects at import. `create_db_engine(url)` builds an engine (SQLite gets the pragmas a
concurrent embedded database needs); `ensure_schema(engine)` brings the schema to the newest
Alembic revision; `session_scope(engine)` yields a session that commits or rolls back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from parallax.shared.errors import ConfigurationError, StorageUnavailableError


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    # JSON columns hold French and Russian text: keep it readable (and shorter) on disk.
    kwargs: dict[str, Any] = {"echo": echo, "future": True, "json_serializer": _json_dumps}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if not database or database == ":memory:":
            kwargs["poolclass"] = StaticPool
        else:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
        return sa.create_engine(url, **kwargs)
    raise ConfigurationError(
        f"unsupported database URL {parsed.render_as_string(hide_password=True)!r}: "
        "use sqlite:///path/to/file.db or postgresql+psycopg://user@host/dbname"
    )


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _alembic_config(connection: sa.Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "parallax.shared:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this code knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "parallax.shared:migrations")
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise ConfigurationError("no migrations found in parallax.shared.migrations")
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except sa.exc.OperationalError as error:
        raise StorageUnavailableError(_unreachable_message(engine, error)) from error


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` (same migrations on SQLite and PostgreSQL)."""
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), revision)
    except sa.exc.OperationalError as error:
        raise StorageUnavailableError(_unreachable_message(engine, error)) from error


def ensure_schema(engine: Engine) -> None:
    """Upgrade the schema if it is behind this code; cheap when it is current."""
    if current_revision(engine) != head_revision():
        upgrade_schema(engine)


def _unreachable_message(engine: Engine, error: Exception) -> str:
    url = engine.url.render_as_string(hide_password=True)
    return (
        f"cannot use the database at {url}: {str(error.args[0] if error.args else error).strip()}. "
        "Check PARALLAX_DATABASE_URL and that the database server is running."
    )


@lru_cache(maxsize=8)
def shared_engine(url: str) -> Engine:
    """One engine per database URL per process: for long-lived workers (Celery task shells)."""
    engine = create_db_engine(url)
    ensure_schema(engine)
    return engine


def task_engine(database_url: str) -> Engine:
    """`shared_engine` for a task shell: a database out of reach while opening it is a
    transient error, so the task is retried rather than failed."""
    with storage_errors("opening the database"):
        return shared_engine(database_url)


@contextmanager
def storage_errors(doing: str) -> Iterator[None]:
    """Turn a database that stops answering into a transient failure (retry later), saying
    what was being done: `with storage_errors("storing the events"): ...`."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
        raise StorageUnavailableError(
            f"the database stopped answering while {doing}: {error.orig}"
        ) from error
    except sa.exc.DBAPIError as error:
        # A connection that died under a statement (the server restarted) is worth a retry;
        # any other database error is not.
        if not error.connection_invalidated:
            raise
        raise StorageUnavailableError(
            f"the database connection was lost while {doing}: {error.orig}"
        ) from error
