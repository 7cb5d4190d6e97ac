"""Storage: the same migrations on SQLite and PostgreSQL, matching the models exactly."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from parallax.shared.db import create_db_engine, current_revision, ensure_schema, head_revision, session_scope
from parallax.shared.errors import ConfigurationError, StorageUnavailableError
from parallax.shared.models import Article, Outlet


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    assert current_revision(engine) == head_revision()


def test_ensure_schema_is_idempotent(engine: Engine) -> None:
    ensure_schema(engine)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()


def minimal_article(outlet_id: int, **fields: Any) -> Article:
    values: dict[str, Any] = {
        "original_text": "t",
        "clean_text": "t",
        "offset_map": [1, 1],
        "content_hash": "h",
        "version_hash": "v",
        "source_kind": "jsonl",
        "normalizer_version": "n",
        **fields,
    }
    return Article(outlet_id=outlet_id, **values)


def test_times_come_back_timezone_aware_utc(engine: Engine) -> None:
    published = dt.datetime(2022, 2, 3, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with session_scope(engine) as session:
        outlet = Outlet(name="Le Monde")
        session.add(outlet)
        session.flush()
        session.add(minimal_article(outlet.id or 0, published_at=published))
    with session_scope(engine) as session:
        stored = session.exec(sa.select(Article)).scalars().one()  # type: ignore[call-overload]
        assert stored.published_at == published
        assert stored.published_at.tzinfo is not None
        assert stored.published_at.utcoffset() == dt.timedelta(0)


def test_naive_times_are_refused(engine: Engine) -> None:
    naive = Outlet(name="X", created_at=dt.datetime(2022, 1, 1))  # naive on purpose
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), session_scope(engine) as session:
        session.add(naive)


def test_the_same_outlet_and_text_cannot_be_stored_twice(engine: Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError), session_scope(engine) as session:  # noqa: PT012
        outlet = Outlet(name="Le Monde")
        session.add(outlet)
        session.flush()
        for _ in range(2):
            session.add(minimal_article(outlet.id or 0, content_hash="same"))
            session.flush()


def test_sqlite_files_get_their_folder_and_wal(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'deep' / 'folder' / 'p.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    engine.dispose()


def test_unsupported_databases_are_refused_with_the_forms_that_work() -> None:
    with pytest.raises(ConfigurationError, match="postgresql\\+psycopg://"):
        create_db_engine("mysql://root@localhost/x")


def test_an_unreachable_server_is_a_transient_error_that_says_what_to_check() -> None:
    engine = create_db_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StorageUnavailableError, match="PARALLAX_DATABASE_URL"):
        current_revision(engine)
