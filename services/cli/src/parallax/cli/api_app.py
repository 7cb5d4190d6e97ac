"""The API as the `parallax` command composes it: the Flask application with the in-process
comparison pipeline (annotate, compare) that `POST /v1/compare` runs.

`parallax.api` imports no other service; the command is the composition root (decision 0001),
so this is where the pipeline is handed to the application. Gunicorn loads
`parallax.cli.api_app:create_api_app()`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Engine

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


def read_article_at(url: str, settings: Settings) -> dict[str, Any]:
    """Fetch one web address and read the article there (under the ingest service's fetch
    policy: size and time limits, no private addresses unless the settings allow them)."""
    from parallax.api.app import UnreadableUrlError
    from parallax.ingest.fetch import Fetcher, FetchPolicy
    from parallax.ingest.readers.urls import read_url
    from parallax.ingest.records import Refusal

    found = next(read_url(url, settings=settings, fetcher=Fetcher(FetchPolicy.from_settings(settings))), None)
    if found is None:
        raise UnreadableUrlError(f"{url} holds no article (an empty feed?)")
    if isinstance(found, Refusal):
        raise UnreadableUrlError(found.message)
    fields = dict(found.fields)
    published = fields.get("published")
    if published is not None and not isinstance(published, str):
        fields["published"] = published.isoformat()
    return {key: fields.get(key) for key in ("text", "title", "outlet", "published", "language", "url")}


def ingest_records(
    engine: Engine, settings: Settings, records: Sequence[Mapping[str, Any]], urls: Sequence[str]
) -> dict[str, Any]:
    """Store records (as a JSON Lines batch) or fetch and store URLs through the ingest
    service; the run's counts, new article ids and refusals (the input's place in the request,
    what was wrong and how to fix it)."""
    import json
    import tempfile
    from pathlib import Path

    from parallax.ingest.run import ingest

    with tempfile.TemporaryDirectory(prefix="parallax-api-") as folder:
        arguments: list[str] = list(urls)
        if records:
            batch = Path(folder) / "request.jsonl"
            batch.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
            )
            arguments = [str(batch)]
        report = ingest(arguments, engine=engine, settings=settings, trigger="request")
    send_to_pipeline(settings, report.article_ids)
    return {
        "run_id": report.run_id,
        "counts": report.counts(),
        "article_ids": report.article_ids,
        "refusals": [
            {
                # "line 3" of the batch is the request's third article
                "input": _request_place(
                    refusal.provenance.location, refusal.provenance.source, bool(records)
                ),
                "reason": refusal.reason.value,
                "message": refusal.message,
            }
            for refusal in report.refusals
        ],
    }


def send_to_pipeline(settings: Settings, article_ids: Sequence[int]) -> None:
    """Send new articles to annotation (the workers take them on from there).

    A broker that cannot be reached does not fail the request: the articles are stored, and
    the reconciler sends them once it has been told they waited too long.
    """
    import logging

    from parallax.shared.pipeline import ANNOTATE_ARTICLE

    if not article_ids:
        return
    try:
        app = sending_app(settings.broker_url)
        with app.producer_or_acquire() as producer:
            for article_id in article_ids:
                app.send_task(ANNOTATE_ARTICLE, args=[article_id], producer=producer)
    except Exception:
        logging.getLogger(__name__).warning(
            "the broker did not take %d new articles; the reconciler will send them",
            len(article_ids),
            exc_info=True,
        )


@functools.lru_cache(maxsize=4)
def sending_app(broker_url: str) -> Any:
    """A Celery app that only sends (no tasks registered), one per broker."""
    from parallax.shared.config import Settings
    from parallax.shared.queue import create_celery_app

    return create_celery_app(Settings(broker_url=broker_url))


def _request_place(location: str | None, source: str, batch: bool) -> str:
    if not batch:
        return source
    if location and location.startswith("line "):
        number = location.removeprefix("line ").split()[0]
        if number.isdigit():
            return f"/articles/{int(number) - 1}"
    return location or "/articles"


def create_api_app(settings: Settings | None = None) -> Flask:
    """The API application with the comparison and ingest pipelines."""
    from parallax.api.app import create_app

    return create_app(settings, comparer=compare_records, ingester=ingest_records, reader=read_article_at)
