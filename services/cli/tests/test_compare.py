"""`parallax compare`: files in, one report of every event's measurements with their evidence
out (JSON, and HTML a person reads on its own); bad records reported, the rest compared."""

import json
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

from click.testing import Result

from parallax.cli import exit_codes
from parallax.compare.article import evidence_in

Invoke = Callable[..., Result]
SEED_EVENT = Path(__file__).parents[2] / "compare" / "tests" / "data" / "seed_event" / "articles.jsonl"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def constructed_records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SEED_EVENT.read_text(encoding="utf-8").splitlines()]


def write(path: Path, records: list[dict[str, Any]], *extra: str) -> Path:
    path.write_text(
        "\n".join([*(json.dumps(r, ensure_ascii=False) for r in records), *extra]) + "\n", encoding="utf-8"
    )
    return path


def test_grouped_by_a_field_every_event_is_compared_with_spans_into_the_texts(
    invoke: Invoke, tmp_path: Path
) -> None:
    records = [{**record, "event": "call"} for record in constructed_records()]
    source = write(tmp_path / "in.jsonl", records)
    out, html = tmp_path / "report.json", tmp_path / "report.html"
    result = invoke(
        "compare",
        str(source),
        "--out",
        str(out),
        "--html",
        str(html),
        "--group-by",
        "event",
        "--workers",
        "1",
    )
    assert result.exit_code == exit_codes.OK, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    [event] = report["events"]
    assert event["event"] == "call"
    texts = {article["id"]: article["text"] for article in event["articles"]}
    assert set(texts) == {record["id"] for record in records}
    spans = [span for _, span in evidence_in(event) if span.get("field", "text") == "text"]
    assert spans
    # every evidence span points at the characters it quotes (up to the cleaning of spaces)
    for span in spans:
        quoted = texts[span["article"]][span["start"] : span["end"]]
        assert " ".join(quoted.split()) == " ".join(span["text"].split())
    page = html.read_text(encoding="utf-8")
    assert "Demo Wire" in page
    assert 'class="columns"' in page


def test_without_a_field_the_articles_are_clustered_and_bad_records_reported(
    invoke: Invoke, tmp_path: Path
) -> None:
    source = write(tmp_path / "in.jsonl", constructed_records(), "{broken", json.dumps({"id": "x"}))
    out = tmp_path / "report.json"
    result = invoke("compare", str(source), "--out", str(out), "--workers", "1")
    assert result.exit_code == exit_codes.PARTIAL
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["grouped_by"] == "cluster"
    assert sum(len(event["articles"]) for event in report["events"]) == 3
    assert len(report["refused"]) == 2
    assert "refused" in result.output


def test_a_record_without_the_group_field_is_refused_not_lost(invoke: Invoke, tmp_path: Path) -> None:
    records = constructed_records()
    records[0]["event"] = "call"
    records[1]["event"] = "call"
    source = write(tmp_path / "in.jsonl", records)
    out = tmp_path / "report.json"
    result = invoke("compare", str(source), "--out", str(out), "--group-by", "event", "--workers", "1")
    assert result.exit_code == exit_codes.PARTIAL
    report = json.loads(out.read_text(encoding="utf-8"))
    assert any(records[2]["id"] in message and "'event'" in message for message in report["refused"])


def test_hostile_text_never_becomes_markup_in_the_html_report(invoke: Invoke, tmp_path: Path) -> None:
    records = constructed_records()[:2]
    records[0]["title"] = HOSTILE
    records[0]["outlet"] = HOSTILE
    records[1]["text"] = records[1]["text"] + " " + HOSTILE
    source = write(tmp_path / "in.jsonl", [{**record, "event": "call"} for record in records])
    html = tmp_path / "report.html"
    result = invoke(
        "compare",
        str(source),
        "--out",
        str(tmp_path / "r.json"),
        "--html",
        str(html),
        "--group-by",
        "event",
        "--workers",
        "1",
    )
    assert result.exit_code == exit_codes.OK, result.output
    page = html.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert page.count("<script>") == 1  # the page's own highlight switcher, nothing else


def test_every_two_articles_of_an_event_have_a_distance_with_its_components(
    invoke: Invoke, tmp_path: Path
) -> None:
    records = [{**record, "event": "call"} for record in constructed_records()]
    out = tmp_path / "report.json"
    result = invoke(
        "compare",
        str(write(tmp_path / "in.jsonl", records)),
        "--out",
        str(out),
        "--group-by",
        "event",
        "--workers",
        "1",
    )
    assert result.exit_code == exit_codes.OK, result.output
    [event] = json.loads(out.read_text(encoding="utf-8"))["events"]
    ids = {article["id"] for article in event["articles"]}
    assert {frozenset((pair["a"], pair["b"])) for pair in event["pairs"]} == {
        frozenset(pair) for pair in combinations(sorted(ids), 2)
    }
    for pair in event["pairs"]:
        assert 0.0 <= pair["distance"] <= 1.0
        assert {"omissions", "sources", "loaded", "reuse"} <= pair["components"].keys()
