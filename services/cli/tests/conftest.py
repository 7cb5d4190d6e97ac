"""Fixtures for the command's tests: a runner bound to a fresh database, and a few articles
of the bilingual fixture set ingested and annotated through it."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from parallax.cli import exit_codes
from parallax.cli.main import cli

Invoke = Callable[..., Result]
BILINGUAL = Path(__file__).parents[2] / "cluster" / "tests" / "data" / "bilingual" / "articles.jsonl"
# Three reports of one phone call and one of the ECB's rate rise.
CHOSEN = ("bi-en-01", "bi-en-02", "bi-en-03", "bi-en-12")


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


@pytest.fixture
def annotated(invoke: Invoke, tmp_path: Path) -> list[int]:
    """The chosen articles ingested and annotated; their ids."""
    records = [json.loads(line) for line in BILINGUAL.read_text(encoding="utf-8").splitlines()]
    source = tmp_path / "chosen.jsonl"
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records if r["id"] in CHOSEN),
        encoding="utf-8",
    )
    ingested = invoke("ingest", str(source), "--json")
    assert ingested.exit_code == exit_codes.OK, ingested.output
    assert invoke("annotate", "--stored").exit_code == exit_codes.OK
    ids: list[int] = json.loads(ingested.output)["article_ids"]
    return ids
