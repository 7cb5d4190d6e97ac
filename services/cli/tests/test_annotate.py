"""`parallax annotate`: files in, one JSON annotation per article out; or the stored articles."""

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from parallax.cli import exit_codes

Invoke = Callable[..., Result]

FRENCH = (
    "Emmanuel Macron s'est entretenu par téléphone avec Vladimir Poutine. Moscou martèle qu'il "
    "n'a aucune intention d'envahir l'Ukraine, mais l'OTAN reste «vigilante»."
)
ENGLISH = "Vladimir Putin spoke with Emmanuel Macron by phone on Thursday, the Kremlin said."


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_files_in_annotations_out_with_offsets_into_the_given_text(invoke: Invoke, tmp_path: Path) -> None:
    wrapped = FRENCH.replace("par téléphone", "par\ntéléphone")
    source = write(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "a", "text": wrapped}),
            json.dumps({"id": "b", "text": ENGLISH, "language": "en"}),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = invoke("annotate", str(source), "--out", str(out), "--workers", "1")
    assert result.exit_code == exit_codes.OK, result.output
    first, second = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    assert (first["id"], first["language"], second["language"]) == ("a", "fr", "en")
    token = next(t for t in first["tokens"] if t["text"] == "téléphone")
    assert wrapped[token["start"] : token["end"]] == "téléphone"
    assert {"person/vladimir-putin", "government/ru", "organisation/nato"} <= {
        a["id"] for a in first["actors"]
    }
    assert [q["text"] for q in first["scare_quotes"]] == ["«vigilante»"]
    assert "martèle" in [t["text"] for t in first["loaded"]]
    assert {"person/vladimir-putin", "government/ru"} <= {a["id"] for a in second["actors"]}


def test_bad_lines_are_reported_and_the_rest_annotated(invoke: Invoke, tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.jsonl", [json.dumps({"id": "a", "text": ENGLISH}), "{broken", json.dumps({"id": "c"})]
    )
    out = tmp_path / "out.jsonl"
    result = invoke("annotate", str(source), "--out", str(out), "--workers", "1")
    assert result.exit_code == exit_codes.PARTIAL
    assert "line 2: not valid JSON" in result.output
    assert "line 3: field 'text' is missing" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_stored_articles_are_annotated_once(invoke: Invoke, tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", [json.dumps({"outlet": "Le Courrier", "text": FRENCH})])
    assert invoke("ingest", str(source)).exit_code == exit_codes.OK
    first = invoke("annotate", "--stored")
    assert "1 annotated, 0 already up to date" in first.output
    second = invoke("annotate", "--stored")
    assert "0 annotated, 1 already up to date" in second.output
    forced = invoke("annotate", "--stored", "--force", "--id", "1", "--id", "99")
    assert "1 annotated" in forced.output
    assert "no such article: 99" in forced.output
    assert forced.exit_code == exit_codes.PARTIAL
    listed = json.loads(invoke("articles", "list", "--json").output)
    assert listed[0]["stage"] == "annotated"


def test_without_inputs_or_stored_it_is_a_usage_error(invoke: Invoke) -> None:
    assert invoke("annotate").exit_code == exit_codes.USAGE
