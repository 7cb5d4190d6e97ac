"""The plain-text reader: metadata from front matter and sidecars, encodings, and every refusal."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from parallax.ingest.readers.plaintext import read_text_file
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

BODY = (
    "Zone euro : les ministres des Finances\n"
    "s’accordent sur un plan de soutien\n"
    "\n"
    "Bruxelles, 14 mars (AFP) – Les ministres des Finances de la zone euro ont adopté lundi\n"
    "soir un plan de soutien aux entreprises touchées par la hausse des prix de l’énergie.\n"
    "\n"
    "« C’est un signal fort envoyé aux marchés », a déclaré le président de l’Eurogroupe.\n"
)
FRONT_MATTER = (
    "---\n"
    "id: afp-2022-0314-001\n"
    "outlet: Agence France-Presse\n"
    "title: Zone euro, accord sur un plan de soutien\n"
    "url: https://example.org/zone-euro-plan\n"
    "published: 2022-03-14T18:30:00+01:00\n"
    "language: fr\n"
    "section: Économie\n"
    "tags: [zone euro, énergie]\n"
    "---\n"
)


def _read_one(path: Path, settings: Settings, display_name: str | None = None) -> Draft | Refusal:
    items = list(read_text_file(path, settings=settings, display_name=display_name))
    assert len(items) == 1
    return items[0]


def _draft(item: Draft | Refusal) -> Draft:
    assert isinstance(item, Draft), item
    return item


def _refusal(item: Draft | Refusal) -> Refusal:
    assert isinstance(item, Refusal), item
    return item


# -- metadata --------------------------------------------------------------------------------


def test_front_matter_gives_the_fields_and_the_body_is_kept_exactly(
    tmp_path: Path, reader_settings: Settings
) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(FRONT_MATTER + BODY, encoding="utf-8")

    draft = _draft(_read_one(path, reader_settings))

    assert draft.provenance == Provenance(str(path), SourceKind.TEXT)
    assert draft.fields == {
        "id": "afp-2022-0314-001",
        "outlet": "Agence France-Presse",
        "title": "Zone euro, accord sur un plan de soutien",
        "url": "https://example.org/zone-euro-plan",
        "published": "2022-03-14T18:30:00+01:00",
        "language": "fr",
        "section": "Économie",
        "tags": ["zone euro", "énergie"],
        "text": BODY,
    }


def test_front_matter_values_stay_as_written(tmp_path: Path, reader_settings: Settings) -> None:
    # YAML 1.1 would read "no" as false, 0042 as octal 34 and the date as a date object.
    path = tmp_path / "nrk.txt"
    path.write_text(
        "---\nid: 0042\nlanguage: no\npublished: 2022-03-14\npages: 3\nratio: 0.5\nexclusive: true\n"
        "title:\n---\nOslo, 14. mars (NTB) – Regjeringen la fram en krisepakke.\n",
        encoding="utf-8",
    )

    fields = _draft(_read_one(path, reader_settings)).fields

    assert fields["id"] == "0042"
    assert fields["language"] == "no"
    assert fields["published"] == "2022-03-14"
    assert fields["pages"] == 3
    assert fields["ratio"] == 0.5
    assert fields["exclusive"] is True
    assert "title" not in fields  # left empty: the normaliser infers it


def test_without_metadata_title_and_outlet_are_absent(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(BODY, encoding="utf-8")

    draft = _draft(_read_one(path, reader_settings, display_name="depeches/plan.txt"))

    assert draft.fields == {"text": BODY}
    assert draft.provenance.source == "depeches/plan.txt"


def test_crlf_front_matter(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    body = BODY.replace("\n", "\r\n")
    path.write_bytes((FRONT_MATTER.replace("\n", "\r\n") + body).encode("utf-8"))

    draft = _draft(_read_one(path, reader_settings))

    assert draft.fields["outlet"] == "Agence France-Presse"
    assert draft.fields["text"] == body


def test_a_horizontal_rule_is_not_front_matter(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    text = "----------\n" + BODY
    path.write_text(text, encoding="utf-8")

    assert _draft(_read_one(path, reader_settings)).fields == {"text": text}


@pytest.mark.parametrize("sidecar_name", ["plan.txt.meta.json", "plan.meta.json"])
def test_json_sidecar_by_full_name_or_stem(
    sidecar_name: str, tmp_path: Path, reader_settings: Settings
) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(BODY, encoding="utf-8")
    sidecar = {"outlet": "Le Soir", "url": "https://example.be/plan", "id": 314, "rubrique": "Europe"}
    (tmp_path / sidecar_name).write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")

    draft = _draft(_read_one(path, reader_settings))

    assert draft.fields == {**sidecar, "text": BODY}


@pytest.mark.parametrize("sidecar_name", ["plan.txt.meta.yaml", "plan.meta.yml"])
def test_yaml_sidecar_by_full_name_or_stem(
    sidecar_name: str, tmp_path: Path, reader_settings: Settings
) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(BODY, encoding="utf-8")
    (tmp_path / sidecar_name).write_text(
        "outlet: Le Soir\npublished: 2022-03-14\nrubrique: Europe\n", encoding="utf-8"
    )

    fields = _draft(_read_one(path, reader_settings)).fields

    assert fields == {"outlet": "Le Soir", "published": "2022-03-14", "rubrique": "Europe", "text": BODY}


def test_front_matter_wins_over_the_sidecar(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("---\noutlet: Le Soir\ntitle: Le bon titre\n---\n" + BODY, encoding="utf-8")
    (tmp_path / "plan.meta.json").write_text(
        json.dumps({"outlet": "Ancien nom", "title": "Titre périmé", "url": "https://example.be/plan"}),
        encoding="utf-8",
    )

    fields = _draft(_read_one(path, reader_settings)).fields

    assert fields == {
        "outlet": "Le Soir",
        "title": "Le bon titre",
        "url": "https://example.be/plan",
        "text": BODY,
    }


def test_two_sidecars_are_refused(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(BODY, encoding="utf-8")
    (tmp_path / "plan.meta.json").write_text('{"outlet": "Le Soir"}', encoding="utf-8")
    (tmp_path / "plan.txt.meta.yaml").write_text("outlet: Le Soir\n", encoding="utf-8")

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.INVALID_RECORD
    assert "plan.meta.json" in refusal.message
    assert "plan.txt.meta.yaml" in refusal.message
    assert refusal.payload == BODY


def test_a_malformed_json_sidecar_is_refused(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(BODY, encoding="utf-8")
    (tmp_path / "plan.txt.meta.json").write_text(
        '{\n  "outlet": "Le Soir",\n  "url": \n}\n', encoding="utf-8"
    )

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.INVALID_RECORD
    assert "plan.txt.meta.json" in refusal.message
    assert "not valid JSON at line 4" in refusal.message
    assert refusal.payload == BODY


def test_a_sidecar_that_is_not_a_mapping_is_refused(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(BODY, encoding="utf-8")
    (tmp_path / "plan.meta.json").write_text('["Le Soir"]', encoding="utf-8")

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.INVALID_RECORD
    assert "plan.meta.json" in refusal.message
    assert "not a list" in refusal.message


def test_malformed_front_matter_is_refused_with_its_line(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    text = "---\ntitle: Zone euro\noutlet: Le Soir: édition de Bruxelles\n---\n" + BODY
    path.write_text(text, encoding="utf-8")

    refusal = _refusal(_read_one(path, reader_settings, display_name="depeches/plan.txt"))

    assert refusal.reason is RefusalReason.INVALID_RECORD
    assert "depeches/plan.txt" in refusal.message
    assert "not valid YAML at line 3" in refusal.message
    assert "quote" in refusal.message  # how to fix it
    assert refusal.payload == text


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("---\ntitle: Zone euro\n", "no closing '---' line"),
        ("---\n- Zone euro\n- Le Soir\n---\n", "must be a mapping of fields"),
        ("---\nJuste une phrase.\n---\n", "must be a mapping of fields"),
        ("---\ntext: Autre texte\n---\n", "'text' field"),
        ("---\n2022: Zone euro\n---\n", "field names that are not names"),
    ],
)
def test_unusable_front_matter_is_refused(
    front_matter: str, expected: str, tmp_path: Path, reader_settings: Settings
) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(front_matter + BODY, encoding="utf-8")

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.INVALID_RECORD
    assert str(path) in refusal.message
    assert expected in refusal.message


# -- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig", "utf-32"])
def test_encodings_are_decoded(encoding: str, tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes((FRONT_MATTER + BODY).encode(encoding))  # utf-16/32 and -sig write a BOM

    draft = _draft(_read_one(path, reader_settings))

    assert draft.fields["outlet"] == "Agence France-Presse"  # front matter found after the BOM
    assert draft.fields["section"] == "Économie"
    assert draft.fields["text"] == BODY
    assert "s’accordent" in draft.fields["text"]


def test_latin_1_french_text_is_decoded(tmp_path: Path, reader_settings: Settings) -> None:
    text = BODY.replace("’", "'").replace("–", "-")
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode("latin-1"))

    draft = _draft(_read_one(path, reader_settings))

    assert draft.fields["text"] == text
    assert "touchées" in draft.fields["text"]


def test_bytes_that_no_encoding_reads_are_refused(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    # A UTF-16 byte-order mark, then a lone surrogate: not valid UTF-16.
    path.write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00")

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.UNDECODABLE
    assert str(path) in refusal.message
    assert "UTF-8" in refusal.message  # how to fix it
    assert refusal.payload == repr(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00")


# -- refusals --------------------------------------------------------------------------------


def test_an_image_is_refused_as_binary(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "photo.txt"
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    path.write_bytes(data)

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.BINARY_CONTENT
    assert f"'{path}' is a PNG image, not text" in refusal.message
    assert refusal.payload is not None
    assert refusal.payload.startswith("b'\\x89PNG")
    assert len(refusal.payload) < 300


def test_a_pdf_is_sent_to_the_pdf_reader(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.BINARY_CONTENT
    assert "PDF" in refusal.message
    assert "--format pdf" in refusal.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "is empty"),
        ("  \n\n\t\n", "is empty"),
        ("---\noutlet: Le Soir\n---\n\n   \n", "no article text after its front matter"),
    ],
)
def test_empty_text_is_refused(
    content: str, expected: str, tmp_path: Path, reader_settings: Settings
) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(content, encoding="utf-8")

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.EMPTY_TEXT
    assert str(path) in refusal.message
    assert expected in refusal.message
    assert refusal.payload == content


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    text = FRONT_MATTER + BODY * 20
    path.write_text(text, encoding="utf-8")
    size = path.stat().st_size
    settings = reader_settings.model_copy(update={"max_file_bytes": 2000, "max_rejected_payload_chars": 250})

    refusal = _refusal(_read_one(path, settings))

    assert refusal.reason is RefusalReason.TOO_LARGE
    assert f"{size:,} bytes" in refusal.message
    assert "2,000 bytes" in refusal.message
    assert "PARALLAX_MAX_FILE_BYTES" in refusal.message
    assert refusal.payload is not None
    assert 0 < len(refusal.payload) <= 250
    assert text.startswith(refusal.payload)


def test_a_long_refused_text_is_kept_truncated(tmp_path: Path, reader_settings: Settings) -> None:
    path = tmp_path / "plan.txt"
    text = "---\ntitle: [Zone euro\n---\n" + BODY * 10
    path.write_text(text, encoding="utf-8")

    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.INVALID_RECORD
    assert refusal.payload == text[: reader_settings.max_rejected_payload_chars]


def test_a_missing_file_is_refused(tmp_path: Path, reader_settings: Settings) -> None:
    refusal = _refusal(_read_one(tmp_path / "absent.txt", reader_settings))

    assert refusal.reason is RefusalReason.UNREADABLE_FILE
    assert "absent.txt" in refusal.message
    assert "no such file" in refusal.message


def test_a_directory_is_refused(tmp_path: Path, reader_settings: Settings) -> None:
    refusal = _refusal(_read_one(tmp_path, reader_settings))

    assert refusal.reason is RefusalReason.UNREADABLE_FILE
    assert "directory" in refusal.message


def test_an_unreadable_file_is_refused(
    tmp_path: Path, reader_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod cannot lock out root (tests may run as root in containers), so the OS refusal is faked.
    path = tmp_path / "plan.txt"
    path.write_text(BODY, encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "open", refuse)
    refusal = _refusal(_read_one(path, reader_settings))

    assert refusal.reason is RefusalReason.UNREADABLE_FILE
    assert str(path) in refusal.message
    assert "permission denied" in refusal.message
