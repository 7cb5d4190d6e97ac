"""The API as the `parallax` command composes it: the Flask application with the in-process
comparison pipeline (annotate, compare) that `POST /v1/compare` runs.

`parallax.api` imports no other service; the command is the composition root (decision 0001),
so this is where the pipeline is handed to the application. Gunicorn loads
`parallax.cli.api_app:create_api_app()`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from parallax.shared.config import Settings


def compare_records(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Annotate a few records in this process and compare them as one event (texts included)."""
    from parallax.cli.annotate import annotate_records
    from parallax.compare.article import articles_from
    from parallax.compare.comparison import compare_event
    from parallax.ingest.language import detect_language

    prepared = [
        {**record, "language": record.get("language") or detect_language(str(record["text"])).code}
        for record in records
    ]
    # One process: starting a pool costs more than annotating a handful of articles.
    annotations = annotate_records(prepared, workers=1)
    return compare_event("adhoc", articles_from(prepared, annotations)).to_json(include_texts=True)


def create_api_app(settings: Settings | None = None) -> Flask:
    """The API application with the comparison pipeline."""
    from parallax.api.app import create_app

    return create_app(settings, comparer=compare_records)
