"""`parallax ingest`: reports, JSON output and exit codes that tell outcomes apart."""

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from parallax.cli import exit_codes

Invoke = Callable[..., Result]

ARTICLE = (
    "Emmanuel Macron s'est de nouveau entretenu par téléphone avec Vladimir Poutine, jeudi, dans "
    "le cadre des efforts diplomatiques européens pour éviter une escalade militaire."
)


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_success_exits_zero_and_says_what_was_stored(invoke: Invoke, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", [json.dumps({"outlet": "A", "text": ARTICLE})])
    result = invoke("ingest", str(source))
    assert result.exit_code == exit_codes.OK, result.output
    assert "1 stored, 0 duplicates, 0 revisions, 0 refused" in result.output


def test_partial_success_exits_three_and_lists_the_refusals(invoke: Invoke, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "a.jsonl", [json.dumps({"outlet": "A", "text": ARTICLE}), "{oops"])
    result = invoke("ingest", str(source))
    assert result.exit_code == exit_codes.PARTIAL
    assert f"{source}, line 2: not valid JSON" in result.output
    assert "parallax rejected list --run" in result.output


def test_failure_exits_one(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("ingest", str(tmp_path / "nothing-here.jsonl"))
    assert result.exit_code == exit_codes.FAILURE
    assert "no such file or folder" in result.output


def test_usage_errors_exit_two(invoke: Invoke) -> None:
    assert invoke("ingest").exit_code == exit_codes.USAGE
    assert invoke("ingest", "--format", "docx", "x").exit_code == exit_codes.USAGE


def test_json_report_for_scripts(invoke: Invoke, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "a.jsonl",
        [
            json.dumps({"outlet": "A", "text": ARTICLE}),
            json.dumps({"outlet": "A", "text": ARTICLE}),
            '{"text": 1}',
        ],
    )
    result = invoke("ingest", "--json", str(source))
    report = json.loads(result.output)
    assert (report["stored"], report["duplicates"], report["rejected"]) == (1, 1, 1)
    assert report["refusals"][0]["location"] == "line 3"
    assert len(report["article_ids"]) == 1


def test_outlet_option_fills_in_for_files_without_one(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(ARTICLE, encoding="utf-8")
    assert invoke("ingest", str(tmp_path / "note.txt")).exit_code == exit_codes.FAILURE
    result = invoke("ingest", "--outlet", "Le Courrier", str(tmp_path / "note.txt"))
    assert result.exit_code == exit_codes.OK, result.output


def test_standard_input_is_read_as_json_lines(invoke: Invoke) -> None:
    result = invoke("ingest", "-", input=json.dumps({"outlet": "A", "text": ARTICLE}) + "\n")
    assert result.exit_code == exit_codes.OK, result.output
    assert "1 stored" in result.output
