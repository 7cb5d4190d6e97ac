"""Pytest fixtures shared by every Parallax test suite (loaded with `-p parallax.shared.testing`).

- `engine`: a freshly migrated database, once on SQLite and once on PostgreSQL for every test
  that uses it. PostgreSQL comes from PARALLAX_TEST_POSTGRES_URL (default: the local server);
  each test session creates its own database and drops it at the end. When the server is
  missing the PostgreSQL half is skipped, except in CI (CI=true), where it fails.
- `sqlite_engine`: the SQLite half alone, for tests about logic rather than storage.
- `shared_data`: the folder of real evaluation data beside the checkout (skips when absent).
"""

from __future__ import annotations

import importlib.util
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from parallax.shared.config import Settings
from parallax.shared.db import create_db_engine, upgrade_schema


def pytest_configure(config: pytest.Config) -> None:
    """Messages that tests send without naming a broker go to kombu's in-memory transport,
    not to a broker file in the working directory; tests of the workers name their broker."""
    os.environ.setdefault("PARALLAX_BROKER_URL", "memory://")


DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def in_ci() -> bool:
    """Whether the tests run in CI, where a missing service is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    """Skip (locally) or fail (in CI) when a service a test needs is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL server used for tests (a database on it that the tests may connect to)."""
    return os.environ.get("PARALLAX_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@pytest.fixture(scope="session")
def postgres_database(postgres_admin_url: str) -> Iterator[str | None]:
    """A migrated PostgreSQL database for this test session, or None when no server answers."""
    admin = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    name = f"parallax_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        admin.dispose()
        yield None
        return
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    engine = create_db_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_all(engine: Engine) -> None:
    tables = sa.inspect(engine).get_table_names()
    names = ", ".join(f'"{t}"' for t in tables if t != "alembic_version")
    if names:
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'parallax-test.db'}")
        upgrade_schema(engine)
    else:
        url = request.getfixturevalue("postgres_database")
        require_service(url is not None, "PostgreSQL (set PARALLAX_TEST_POSTGRES_URL)")
        engine = create_db_engine(url)
        _truncate_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty SQLite database."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'parallax-test.db'}")
    upgrade_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def settings_for() -> Callable[..., Settings]:
    """A function building Settings for a given engine (one ingest worker, other defaults)."""

    def build(engine: Engine, **overrides: Any) -> Settings:
        values: dict[str, Any] = {"ingest_workers": 1, **overrides}
        return Settings(database_url=engine.url.render_as_string(hide_password=False), **values)

    return build


def wait_until(condition: Callable[[], bool], seconds: float = 60, *, what: str = "the worker") -> None:
    """Poll `condition` until it holds; fail the test when `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not finish in time")


def shared_tool(shared_data: Path, name: str) -> ModuleType:
    """A scorer of ../shared/tools (`score_clusters`, `score_attributions`), loaded as a module:
    the one every published figure is scored with. Skips when it is not there."""
    path = shared_data.parent / "tools" / f"{name}.py"
    if not path.is_file():
        pytest.skip(f"the shared scorer {name} is not at {path}")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shared_data(pytestconfig: pytest.Config) -> Path:
    """../shared/data beside the checkout (or PARALLAX_SHARED_DATA); skips when absent."""
    configured = os.environ.get("PARALLAX_SHARED_DATA")
    folder = Path(configured) if configured else pytestconfig.rootpath.parent / "shared" / "data"
    if not folder.is_dir():
        pytest.skip(f"the shared evaluation data is not at {folder}")
    return folder


@pytest.fixture(scope="session")
def seed_record(shared_data: Path) -> dict[str, Any]:
    """The reference article (Radio Habana Cuba, 3 February 2022) as given, with its metadata."""
    import json

    with (shared_data / "seed" / "articles.jsonl").open(encoding="utf-8") as handle:
        record: dict[str, Any] = json.loads(handle.readline())
    return record


@pytest.fixture(scope="session")
def seed_text(seed_record: dict[str, Any]) -> str:
    """The reference article's raw text, as extracted from its PDF."""
    return str(seed_record["text"])
