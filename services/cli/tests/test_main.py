"""The command group: help is fast because nothing heavy is imported for it."""

import subprocess
import sys

from click.testing import CliRunner

from parallax.cli.main import cli

HEAVY = ("spacy", "sqlalchemy", "sqlmodel", "trafilatura", "numpy", "fasttext", "pypdf", "rich", "pydantic")


def test_help_lists_the_commands_and_the_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "articles", "rejected", "db", "demo", "events"):
        assert command in result.output
    assert "3 partial success" in result.output


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from parallax.cli.main import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('imported:', ','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "imported: "


def test_every_subcommand_has_help() -> None:
    runner = CliRunner()
    for args in (
        ["ingest"],
        ["articles", "list"],
        ["articles", "show"],
        ["rejected", "list"],
        ["db", "upgrade"],
        ["demo"],
        ["events", "assign"],
        ["events", "list"],
        ["events", "show"],
        ["events", "merge"],
        ["events", "split"],
    ):
        result = runner.invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Usage:" in result.output
