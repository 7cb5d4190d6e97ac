"""A whole ingest run: mixed inputs, refusals recorded, the report's counts, parallel preparation."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.ingest.run import ingest
from parallax.shared.config import Settings

SettingsFor = Callable[..., Settings]

ARTICLE = (
    "Emmanuel Macron s'est de nouveau entretenu par téléphone avec Vladimir Poutine, jeudi, dans "
    "le cadre des efforts diplomatiques européens pour éviter une escalade militaire autour de "
    "l'Ukraine. La Russie dément toute intention d'envahir son voisin."
)


def jsonl(path: Path, records: list[object]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8"
    )
    return path


def test_one_bad_item_never_sinks_the_batch(
    engine: Engine, settings_for: SettingsFor, tmp_path: Path
) -> None:
    source = jsonl(
        tmp_path / "batch.jsonl",
        [
            {"id": "1", "outlet": "A", "text": ARTICLE},
            "{not json",
            {"id": "2", "outlet": "A", "text": ""},
            {"id": "3", "outlet": "B", "text": ARTICLE.replace("jeudi", "vendredi")},
            {"id": "1", "outlet": "A", "text": ARTICLE},
        ],
    )
    report = ingest(
        [str(source), str(tmp_path / "missing.txt")], engine=engine, settings=settings_for(engine)
    )
    assert (report.stored, report.duplicates, report.revisions) == (2, 1, 0)
    assert dict(report.rejected) == {"invalid_json": 1, "empty_text": 1, "unreadable_file": 1}
    with engine.connect() as connection:
        rejected = connection.execute(
            sa.text("SELECT source, location, reason FROM rejected_input ORDER BY id")
        ).all()
        run = connection.execute(sa.text("SELECT counts, finished_at FROM ingest_run")).one()
    # Readers refuse as they read, preparation later: the order of records is not the input's.
    assert sorted((tuple(r) for r in rejected), key=str) == sorted(
        [
            (str(source), "line 2", "invalid_json"),
            (str(source), "line 3", "empty_text"),
            (str(tmp_path / "missing.txt"), None, "unreadable_file"),
        ],
        key=str,
    )
    counts = run[0] if isinstance(run[0], dict) else json.loads(run[0])
    assert counts["stored"] == 2
    assert counts["rejected_by_reason"] == {"empty_text": 1, "invalid_json": 1, "unreadable_file": 1}
    assert run[1] is not None


def test_folders_and_globs_are_expanded_and_sidecars_skipped(
    engine: Engine, settings_for: SettingsFor, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    (folder / "fr").mkdir(parents=True)
    (folder / "fr" / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "fr" / "article.txt.meta.json").write_text('{"outlet": "Le Courrier"}', encoding="utf-8")
    (folder / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    jsonl(folder / "more.jsonl", [{"outlet": "B", "text": ARTICLE + " Fin."}])
    report = ingest(
        [str(folder), str(tmp_path / "corpus" / "**" / "*.txt")], engine=engine, settings=settings_for(engine)
    )
    assert (report.stored, report.rejected_total) == (2, 0)
    with engine.connect() as connection:
        outlets = connection.execute(sa.text("SELECT name FROM outlet ORDER BY name")).scalars().all()
    assert outlets == ["B", "Le Courrier"]


def test_a_glob_matching_nothing_is_refused(
    engine: Engine, settings_for: SettingsFor, tmp_path: Path
) -> None:
    report = ingest([str(tmp_path / "*.jsonl")], engine=engine, settings=settings_for(engine))
    assert dict(report.rejected) == {"unreadable_file": 1}
    assert "no file matches" in report.refusals[0].message


def ingest_with_workers(
    source: Path, database: Path, workers: int, settings_for: SettingsFor
) -> tuple[dict[str, Any], list[Any]]:
    from parallax.shared.db import create_db_engine, upgrade_schema

    engine = create_db_engine(f"sqlite:///{database}")
    upgrade_schema(engine)
    try:
        report = ingest([str(source)], engine=engine, settings=settings_for(engine, ingest_workers=workers))
        with engine.connect() as connection:
            hashes = connection.execute(
                sa.text("SELECT external_id, content_hash FROM article ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    return report.counts(), [tuple(row) for row in hashes]


def test_worker_processes_give_the_same_result_as_one_process(
    settings_for: SettingsFor, tmp_path: Path, shared_data: Path
) -> None:
    source = shared_data / "wikinews_fr" / "articles.jsonl"
    parallel = ingest_with_workers(source, tmp_path / "parallel.db", 2, settings_for)
    serial = ingest_with_workers(source, tmp_path / "serial.db", 1, settings_for)
    assert parallel == serial
    assert parallel[0]["stored"] > 1000


def test_articles_keep_their_run_and_source(
    engine: Engine, settings_for: SettingsFor, tmp_path: Path
) -> None:
    source = jsonl(tmp_path / "one.jsonl", [{"outlet": "A", "text": ARTICLE}])
    report = ingest([str(source)], engine=engine, settings=settings_for(engine))
    with engine.connect() as connection:
        run_id, uri, kind = connection.execute(
            sa.text("SELECT ingest_run_id, source_uri, source_kind FROM article")
        ).one()
    assert run_id == report.run_id
    assert uri == f"{source}#line 1"
    assert kind == "jsonl"
