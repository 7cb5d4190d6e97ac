"""`parallax db`: migrations as an explicit step for operators."""

from pathlib import Path

from click.testing import CliRunner

from parallax.cli.main import cli


def test_upgrade_then_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    runner = CliRunner()
    upgraded = runner.invoke(cli, ["--database-url", url, "db", "upgrade"])
    assert upgraded.exit_code == 0
    assert "Schema upgraded from empty to" in upgraded.output
    assert "already at" in runner.invoke(cli, ["--database-url", url, "db", "upgrade"]).output
    assert "up to date" in runner.invoke(cli, ["--database-url", url, "db", "current"]).output


def test_an_unreachable_database_is_a_clear_error() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    result = CliRunner().invoke(cli, ["--database-url", url, "db", "current"])
    assert result.exit_code == 1
    assert "PARALLAX_DATABASE_URL" in result.output
