"""`parallax events`: stored articles put in events once; events listed, shown, merged and split."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

from parallax.cli import exit_codes

from .conftest import BILINGUAL

Invoke = Callable[..., Result]


def listed(invoke: Invoke, *options: str) -> list[dict[str, Any]]:
    result = invoke("events", "list", "--json", *options)
    assert result.exit_code == exit_codes.OK, result.output
    events: list[dict[str, Any]] = json.loads(result.output)
    return events


def test_stored_articles_are_put_in_events_once_and_the_events_listed_and_shown(
    invoke: Invoke, annotated: list[int]
) -> None:
    first = invoke("events", "assign")
    assert first.exit_code == exit_codes.OK, first.output
    assert "4 put in events" in first.output
    again = invoke("events", "assign", "--id", str(annotated[0]))
    assert "0 put in events (0 new events), 1 already in one" in again.output
    events = listed(invoke)
    assert sum(event["article_count"] for event in events) == 4
    assert len(events) < 4  # the three reports of the call meet at least once
    biggest = max(events, key=lambda event: event["article_count"])
    shown = invoke("events", "show", biggest["id"])
    assert shown.exit_code == exit_codes.OK
    assert f"Event {biggest['id']} — " in shown.output
    assert "started it" in shown.output
    assert "The Daily Ledger" in shown.output or "Northern Wire Service" in shown.output
    record = json.loads(invoke("events", "show", biggest["id"], "--json").output)
    assert len(record["articles"]) == biggest["article_count"]
    assert sum(article["started"] for article in record["articles"]) <= 1
    missing = invoke("events", "show", "e999999")
    assert missing.exit_code == exit_codes.FAILURE
    assert "No event e999999. List them with: parallax events list" in missing.output


def test_articles_not_annotated_or_unknown_are_reported(invoke: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "one.jsonl"
    source.write_text(BILINGUAL.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    (article_id,) = json.loads(invoke("ingest", str(source), "--json").output)["article_ids"]
    result = invoke("events", "assign", "--id", str(article_id), "--id", "4242")
    assert result.exit_code == exit_codes.FAILURE
    assert f"not annotated (or failed): {article_id}" in result.output
    assert "no such article: 4242" in result.output
    assert "No events. Put annotated articles in events with: parallax events assign" in (
        invoke("events", "list").output
    )


def test_an_event_is_split_by_hand_and_the_merge_pass_runs(invoke: Invoke, annotated: list[int]) -> None:
    invoke("events", "assign")
    biggest = max(listed(invoke), key=lambda event: event["article_count"])
    assert biggest["article_count"] >= 2
    members = [
        a["id"] for a in json.loads(invoke("events", "show", biggest["id"], "--json").output)["articles"]
    ]
    rest = ",".join(map(str, members[1:]))
    refused = invoke("events", "split", biggest["id"], "--group", str(members[0]))
    assert refused.exit_code == exit_codes.FAILURE
    assert f"cannot split event {biggest['id']}" in refused.output
    unreadable = invoke("events", "split", biggest["id"], "--group", "one,two", "--group", rest)
    assert unreadable.exit_code == exit_codes.USAGE
    assert "write them like 12,15,31" in unreadable.output
    split = invoke("events", "split", biggest["id"], "--group", str(members[0]), "--group", rest)
    assert split.exit_code == exit_codes.OK, split.output
    assert f"{biggest['id']}: articles {members[0]}" in split.output
    new_id = split.output.splitlines()[2].split(":")[0].strip()
    assert f"split from {biggest['id']}" in invoke("events", "show", new_id).output
    merged = invoke("events", "merge")
    assert merged.exit_code == exit_codes.OK, merged.output
    assert "No events to merge." in merged.output or " into " in merged.output
    every = listed(invoke, "--status", "all")
    assert sum(event["article_count"] for event in every) == 4


def test_events_are_compared_once_and_unknown_ones_reported(invoke: Invoke, annotated: list[int]) -> None:
    assert invoke("events", "assign").exit_code == exit_codes.OK
    first = invoke("events", "compare")
    assert first.exit_code == exit_codes.OK, first.output
    compared = int(first.output.split()[0])
    assert compared >= 1
    again = invoke("events", "compare")
    assert again.output.startswith(f"0 compared, {compared} already up to date")
    assert invoke("events", "compare", "--force").output.startswith(f"{compared} compared")
    missing = invoke("events", "compare", "e999999")
    assert missing.exit_code == exit_codes.FAILURE
    assert "no such event: e999999" in missing.output
