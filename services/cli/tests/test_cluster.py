"""`parallax cluster`: files in, one {id, event} line per article out, in input order."""

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from parallax.cli import exit_codes

Invoke = Callable[..., Result]
BILINGUAL = Path(__file__).parents[2] / "cluster" / "tests" / "data" / "bilingual" / "articles.jsonl"


def events(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_article_gets_an_event_in_input_order_and_the_same_input_the_same_events(
    invoke: Invoke, tmp_path: Path
) -> None:
    lines = BILINGUAL.read_text(encoding="utf-8").splitlines()[:12]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = []
    for name in ("one.jsonl", "two.jsonl"):
        result = invoke("cluster", str(source), "--out", str(tmp_path / name), "--workers", "1")
        assert result.exit_code == exit_codes.OK, result.output
        runs.append(events(tmp_path / name))
    assert [line["id"] for line in runs[0]] == [json.loads(line)["id"] for line in lines]
    assert runs[0] == runs[1]
    gold = {json.loads(line)["id"]: json.loads(line)["event"] for line in lines}
    # articles of one gold event that the command put in different events, and the reverse:
    # the fixture's French and English reports of one call must meet at least once
    by_event: dict[object, set[str]] = {}
    for line in runs[0]:
        by_event.setdefault(line["event"], set()).add(str(gold[str(line["id"])]))
    assert len(by_event) < len(lines)
    assert all(0.0 < float(str(line["score"])) <= 1.0 for line in runs[0])


def test_bad_lines_are_reported_and_the_rest_clustered(invoke: Invoke, tmp_path: Path) -> None:
    good = BILINGUAL.read_text(encoding="utf-8").splitlines()[:2]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join([good[0], "{broken", json.dumps({"id": "x"}), good[1]]) + "\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    result = invoke("cluster", str(source), "--out", str(out), "--workers", "1")
    assert result.exit_code == exit_codes.PARTIAL
    assert "line 2: not valid JSON" in result.output
    assert "line 3: field 'text' is missing" in result.output
    assert len(events(out)) == 2


def test_articles_without_an_outlet_or_a_date_are_clustered_not_refused(
    invoke: Invoke, tmp_path: Path
) -> None:
    # ECB+ and many exports give neither: "outlet": null, "published": null, or no field at all
    lines = [json.loads(line) for line in BILINGUAL.read_text(encoding="utf-8").splitlines()[:3]]
    lines[0].update(outlet=None, published=None)
    del lines[1]["outlet"]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke("cluster", str(source), "--out", str(out), "--workers", "1")
    assert result.exit_code == exit_codes.OK, result.output
    assert [line["id"] for line in events(out)] == [line["id"] for line in lines]
