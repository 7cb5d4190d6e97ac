"""`parallax export`: events, articles, comparisons and pair scores of a store filled by the
real commands, written as JSON Lines or CSV, read page after page; comparisons refused as
CSV with what to do instead; a summary on standard error."""

import csv
import json
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from parallax.api.scores import COMPONENTS, pair_distances, weights_for
from parallax.cli import exit_codes, export

Invoke = Callable[..., Result]


@pytest.fixture
def compared(invoke: Invoke, annotated: list[int]) -> list[int]:
    """The chosen articles ingested, annotated, put in events and compared; their ids."""
    for command in (("events", "assign"), ("events", "compare")):
        result = invoke(*command)
        assert result.exit_code == exit_codes.OK, result.output
    return annotated


def exported(invoke: Invoke, *args: str) -> Result:
    result = invoke("export", *args)
    assert result.exit_code == exit_codes.OK, result.output + result.stderr
    return result


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_events_and_articles_are_exported_whole_as_jsonl_and_csv(
    invoke: Invoke, compared: list[int], tmp_path: Path
) -> None:
    result = exported(invoke, "articles", "--out", str(tmp_path / "articles.jsonl"))
    assert result.stderr.strip() == f"Exported 4 articles to {tmp_path / 'articles.jsonl'} (JSON Lines)."
    assert result.stdout == ""
    articles = lines(tmp_path / "articles.jsonl")
    assert [article["id"] for article in articles] == sorted(compared)
    assert all(article["event_id"] and article["text"] and article["outlet"] for article in articles)
    exported(invoke, "events", "--out", str(tmp_path / "events.jsonl"))
    events = lines(tmp_path / "events.jsonl")
    assert sum(event["article_count"] for event in events) == 4
    assert {article["event_id"] for article in articles} == {event["id"] for event in events}
    exported(invoke, "events", "--out", str(tmp_path / "events.csv"), "--format", "csv")
    table = rows(tmp_path / "events.csv")
    assert [row["id"] for row in table] == [event["id"] for event in events]
    assert table[0]["outlets"] == "; ".join(events[0]["outlets"])
    exported(invoke, "articles", "--out", str(tmp_path / "articles.csv"), "--format", "csv")
    table = rows(tmp_path / "articles.csv")
    assert list(table[0]) == list(export.ARTICLE_COLUMNS)
    assert [int(row["id"]) for row in table] == sorted(compared)
    assert table[0]["text"] == articles[0]["text"]


def test_scores_are_one_row_per_pair_per_event_under_the_profile(
    invoke: Invoke, compared: list[int], tmp_path: Path
) -> None:
    exported(invoke, "comparisons", "--out", str(tmp_path / "comparisons.jsonl"))
    comparisons = lines(tmp_path / "comparisons.jsonl")
    assert comparisons
    assert all(comparison["report"]["articles"] for comparison in comparisons)
    result = exported(invoke, "scores", "--out", str(tmp_path / "scores.jsonl"), "--profile", "sources")
    assert "(profile sources)" in result.stderr
    scores = lines(tmp_path / "scores.jsonl")
    expected = [
        (comparison["event_id"], pair.a, pair.b, pair.to_json()["distance"])
        for comparison in comparisons
        for pair in pair_distances(comparison["report"], weights_for("sources"))
    ]
    assert [(row["event_id"], row["a"], row["b"], row["distance"]) for row in scores] == expected
    pairs = sum(len(list(combinations(c["report"]["articles"], 2))) for c in comparisons)
    assert len(scores) == pairs >= 1
    exported(invoke, "scores", "--out", str(tmp_path / "scores.csv"), "--format", "csv")
    table = rows(tmp_path / "scores.csv")
    pair_columns = ["event_id", "comparison_version", "a", "a_outlet", "b", "b_outlet", "distance"]
    assert list(table[0]) == [*pair_columns, *COMPONENTS]
    balanced = [pair for c in comparisons for pair in pair_distances(c["report"], weights_for("balanced"))]
    assert [row["distance"] for row in table] == [
        "" if pair.distance is None else str(round(pair.distance, 4)) for pair in balanced
    ]
    assert all(row["a_outlet"] and row["b_outlet"] for row in table)


def test_rows_are_read_page_after_page(
    invoke: Invoke, compared: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for what in ("events", "articles", "scores"):
        exported(invoke, what, "--out", str(tmp_path / f"{what}-whole.jsonl"))
    monkeypatch.setattr(export, "PAGE_SIZE", 1)
    monkeypatch.setattr(export, "COMPARISON_PAGE_SIZE", 1)
    for what in ("events", "articles", "scores"):
        exported(invoke, what, "--out", str(tmp_path / f"{what}-paged.jsonl"))
        assert lines(tmp_path / f"{what}-paged.jsonl") == lines(tmp_path / f"{what}-whole.jsonl")


def test_comparisons_are_refused_as_csv_with_what_to_do_instead(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "comparisons.csv"
    result = invoke("export", "comparisons", "--out", str(out), "--format", "csv")
    assert result.exit_code == exit_codes.USAGE
    assert "a comparison is a nested document" in result.stderr
    assert "--format jsonl" in result.stderr
    assert not out.exists()


def test_a_profile_must_be_known_and_is_for_scores_only(invoke: Invoke, tmp_path: Path) -> None:
    unknown = invoke("export", "scores", "--out", str(tmp_path / "s.jsonl"), "--profile", "loudest")
    assert unknown.exit_code == exit_codes.USAGE
    assert "unknown profile 'loudest'; choose one of balanced, sources, wording" in unknown.stderr
    misplaced = invoke("export", "events", "--out", str(tmp_path / "e.jsonl"), "--profile", "sources")
    assert misplaced.exit_code == exit_codes.USAGE
    assert "a profile weighs scores" in misplaced.stderr


def test_an_empty_store_exports_empty_files_and_standard_output_works(invoke: Invoke, tmp_path: Path) -> None:
    result = exported(invoke, "events", "--out", str(tmp_path / "events.csv"), "--format", "csv")
    assert "Exported 0 events" in result.stderr
    assert (tmp_path / "events.csv").read_bytes() == (",".join(export.EVENT_COLUMNS) + "\r\n").encode()
    to_stdout = exported(invoke, "scores", "--out", "-")
    assert to_stdout.stdout == ""
    assert "Exported 0 pair scores (profile balanced) to standard output (JSON Lines)." in to_stdout.stderr
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.endswith(".part")) == []


def test_csv_cells_cannot_run_as_formulas() -> None:
    assert export.csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert export.csv_cell(["Le Monde", "TASS"]) == "Le Monde; TASS"
    assert export.csv_cell(None) == ""
    assert export.csv_cell(0.25) == 0.25
