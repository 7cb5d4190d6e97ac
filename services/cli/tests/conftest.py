"""Fixtures for the command's tests: a runner bound to a fresh database."""

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from parallax.cli.main import cli

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """Run `parallax ARGS…` in-process against the test database (SQLite, then PostgreSQL)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARALLAX_INGEST_WORKERS", "1")
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, ["--database-url", url, *args], input=input, catch_exceptions=False)

    return run
