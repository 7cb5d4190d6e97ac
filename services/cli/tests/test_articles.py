"""`parallax articles` and `parallax rejected`: what is stored, and what was refused."""

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from parallax.cli import exit_codes

Invoke = Callable[..., Result]

ARTICLE = (
    "French President Emmanuel Macron and Russian President Vladimir Putin spoke by telephone on "
    "Thursday, as European governments sought to ease tensions over Russia's military build-up."
)


def ingest_two(invoke: Invoke, tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": "w1",
                "outlet": "Wire",
                "title": "Macron and Putin talk",
                "text": ARTICLE,
                "published": "2022-02-03",
            }
        ),
        json.dumps(
            {"id": "w1", "outlet": "Wire", "title": "UPDATE 1-Macron and Putin talk", "text": ARTICLE}
        ),
        json.dumps(
            {
                "id": "c1",
                "outlet": "Courrier",
                "text": "Un texte en français sur l'appel entre les deux présidents.",
            }
        ),
        "[1, 2]",
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")
    invoke("ingest", str(source))


def test_list_shows_articles_with_outlet_language_and_revisions(invoke: Invoke, tmp_path: Path) -> None:
    ingest_two(invoke, tmp_path)
    result = invoke("articles", "list")
    assert result.exit_code == 0
    assert "Macron and Putin talk" in result.output
    assert "Courrier" in result.output
    records = json.loads(invoke("articles", "list", "--json").output)
    assert [(r["outlet"], r["language"], r["revisions"]) for r in records] == [
        ("Wire", "en", 1),
        ("Courrier", "fr", 0),
    ]


def test_list_pages_by_id(invoke: Invoke, tmp_path: Path) -> None:
    ingest_two(invoke, tmp_path)
    first = json.loads(invoke("articles", "list", "--json", "--limit", "1").output)
    rest = json.loads(invoke("articles", "list", "--json", "--after", str(first[0]["id"])).output)
    assert [r["outlet"] for r in first + rest] == ["Wire", "Courrier"]
    assert "More: parallax articles list --after" in invoke("articles", "list", "--limit", "1").output


def test_list_filters(invoke: Invoke, tmp_path: Path) -> None:
    ingest_two(invoke, tmp_path)
    records = json.loads(invoke("articles", "list", "--json", "--language", "fr").output)
    assert [r["outlet"] for r in records] == ["Courrier"]
    assert json.loads(invoke("articles", "list", "--json", "--outlet", "Nobody").output) == []


def test_show_prints_metadata_revisions_and_text(invoke: Invoke, tmp_path: Path) -> None:
    ingest_two(invoke, tmp_path)
    article_id = json.loads(invoke("articles", "list", "--json").output)[0]["id"]
    result = invoke("articles", "show", str(article_id))
    assert "revision 1: UPDATE 1-Macron and Putin talk (similarity 1.000" in result.output
    assert ARTICLE in result.output
    record = json.loads(invoke("articles", "show", "--json", str(article_id)).output)
    assert record["offset_map"][:2] == [len(ARTICLE), len(ARTICLE)]
    assert record["revisions"][0]["revision"] == 1


def test_show_an_unknown_article_fails_with_a_hint(invoke: Invoke) -> None:
    result = invoke("articles", "show", "999")
    assert result.exit_code == exit_codes.FAILURE
    assert "parallax articles list" in result.output


def test_rejected_inputs_can_be_listed_and_shown_with_their_input(invoke: Invoke, tmp_path: Path) -> None:
    ingest_two(invoke, tmp_path)
    records = json.loads(invoke("rejected", "list", "--json").output)
    assert [(r["location"], r["reason"]) for r in records] == [("line 4", "invalid_record")]
    shown = invoke("rejected", "show", str(records[0]["id"]))
    assert "[1, 2]" in shown.output
    assert "article object" in shown.output
