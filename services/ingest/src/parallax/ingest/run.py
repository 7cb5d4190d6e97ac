"""An ingest run: sources in, articles stored, a report out.

The run streams: readers yield drafts one by one, drafts are prepared in chunks (in worker
processes when there is enough work to share), and prepared articles are stored in batches,
one transaction each. A refused input is recorded and counted; it never stops the run.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.ingest.prepare import (
    PreparedArticle,
    PrepareOptions,
    prepare_drafts,
    prepare_drafts_without_originals,
    restore_originals,
)
from parallax.ingest.records import Draft, Refusal
from parallax.ingest.sources import InputFormat, expand_sources, read_source
from parallax.ingest.store import ArticleStore, Disposition, StoreOutcome
from parallax.shared.config import Settings
from parallax.shared.models import utc_now

if TYPE_CHECKING:
    from parallax.ingest.fetch import Fetcher

# Drafts per unit of work for a worker process: large enough to amortise the hand-off.
_CHUNK = 100
# Refusals kept in memory for the report; all of them are stored in the database.
_REPORTED_REFUSALS = 1000


@dataclass
class IngestReport:
    """What an ingest run did: counts by disposition, refusals by reason, the new article ids."""

    run_id: int | None = None
    stored: int = 0
    copies: int = 0
    duplicates: int = 0
    revisions: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    refusals: list[Refusal] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    elapsed_seconds: float = 0.0

    @property
    def accepted(self) -> int:
        """Inputs that went in one way or another (stored, duplicate or revision)."""
        return self.stored + self.duplicates + self.revisions

    @property
    def rejected_total(self) -> int:
        """Inputs refused, all reasons together."""
        return sum(self.rejected.values())

    def add_outcome(self, outcome: StoreOutcome) -> None:
        """Count one stored article's disposition."""
        if outcome.disposition == Disposition.STORED:
            self.stored += 1
            self.article_ids.append(outcome.article_id)
            if outcome.copy_of_id is not None:
                self.copies += 1
        elif outcome.disposition == Disposition.DUPLICATE:
            self.duplicates += 1
        else:
            self.revisions += 1

    def add_refusal(self, refusal: Refusal) -> None:
        """Count one refused input (and keep its details while the report is small)."""
        self.rejected[refusal.reason.value] += 1
        if len(self.refusals) < _REPORTED_REFUSALS:
            self.refusals.append(refusal)

    def counts(self) -> dict[str, Any]:
        """The counts as plain data (stored on the run row, printed by `--json`)."""
        return {
            "stored": self.stored,
            "copies": self.copies,
            "duplicates": self.duplicates,
            "revisions": self.revisions,
            "rejected": self.rejected_total,
            "rejected_by_reason": dict(sorted(self.rejected.items())),
        }


def ingest(
    arguments: Sequence[str],
    *,
    engine: Engine,
    settings: Settings,
    input_format: InputFormat = InputFormat.AUTO,
    outlet: str | None = None,
    language: str | None = None,
    fetcher: Fetcher | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read, clean and store everything `arguments` names; return what happened.

    Steps:
    1. open a run record;
    2. expand the arguments into sources and read them into drafts (refusals recorded);
    3. prepare drafts in chunks, in worker processes when there is enough work;
    4. store prepared articles in batches, deciding duplicates and revisions;
    5. close the run record with its counts.
    """
    started = time.perf_counter()
    # 1.
    run_id = _open_run(engine, list(arguments))
    report = IngestReport(run_id=run_id)
    store = ArticleStore(engine, near_duplicate_threshold=settings.near_duplicate_threshold, run_id=run_id)
    options = PrepareOptions.from_settings(settings, outlet=outlet, language=language)
    pending_refusals: list[Refusal] = []

    def refuse(refusal: Refusal) -> None:
        report.add_refusal(refusal)
        pending_refusals.append(refusal)

    # 2.
    chunks = _draft_chunks(
        arguments, settings=settings, input_format=input_format, fetcher=fetcher, on_refusal=refuse
    )
    # 3. and 4.
    batch: list[PreparedArticle] = []
    # Enough chunks in flight that the workers stay busy while a whole batch is being stored.
    window = _worker_count(settings) * 2 + settings.ingest_batch_size // _CHUNK + 1
    prepared_chunks = _prepare_chunks(
        chunks, options, workers=_worker_count(settings), window=window, engine=engine
    )
    for prepared_chunk in prepared_chunks:
        for item in prepared_chunk:
            if isinstance(item, Refusal):
                refuse(item)
            else:
                batch.append(item)
        if len(batch) >= settings.ingest_batch_size:
            _flush(store, batch, pending_refusals, report, settings, progress)
            batch = []
    _flush(store, batch, pending_refusals, report, settings, progress)
    # 5.
    report.elapsed_seconds = time.perf_counter() - started
    _close_run(engine, run_id, report)
    return report


def _flush(
    store: ArticleStore,
    batch: list[PreparedArticle],
    refusals: list[Refusal],
    report: IngestReport,
    settings: Settings,
    progress: Callable[[int], None] | None,
) -> None:
    for outcome in store.store_batch(batch):
        report.add_outcome(outcome)
    store.record_refusals(refusals, max_payload_chars=settings.max_rejected_payload_chars)
    if progress is not None:
        progress(len(batch) + len(refusals))
    refusals.clear()


def _draft_chunks(
    arguments: Sequence[str],
    *,
    settings: Settings,
    input_format: InputFormat,
    fetcher: Fetcher | None,
    on_refusal: Callable[[Refusal], None],
) -> Iterator[list[Draft]]:
    chunk: list[Draft] = []
    for source in expand_sources(arguments, input_format=input_format):
        if isinstance(source, Refusal):
            on_refusal(source)
            continue
        for item in read_source(source, settings=settings, fetcher=fetcher):
            if isinstance(item, Refusal):
                on_refusal(item)
                continue
            chunk.append(item)
            if len(chunk) == _CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _prepare_chunks(
    chunks: Iterable[list[Draft]], options: PrepareOptions, *, workers: int, window: int, engine: Engine
) -> Iterator[list[PreparedArticle | Refusal]]:
    """Prepare chunks in order; a process pool starts only once a second chunk shows up."""
    iterator = iter(chunks)
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None)
    if second is None or workers <= 1:
        yield prepare_drafts(first, options)
        if second is not None:
            yield prepare_drafts(second, options)
        for chunk in iterator:
            yield prepare_drafts(chunk, options)
        return
    # Forked workers must not inherit open database connections (a child closing a
    # PostgreSQL socket would close the parent's); the pool reopens them on demand.
    engine.dispose()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        in_flight: deque[tuple[list[Draft], Future[list[PreparedArticle | Refusal]]]] = deque()
        for chunk in _chain(first, second, iterator):
            in_flight.append((chunk, pool.submit(prepare_drafts_without_originals, chunk, options)))
            if len(in_flight) > window:
                drafts, future = in_flight.popleft()
                yield restore_originals(drafts, future.result())
        while in_flight:
            drafts, future = in_flight.popleft()
            yield restore_originals(drafts, future.result())


def _chain(first: list[Draft], second: list[Draft], rest: Iterator[list[Draft]]) -> Iterator[list[Draft]]:
    yield first
    yield second
    yield from rest


def _worker_count(settings: Settings) -> int:
    return settings.ingest_workers or os.cpu_count() or 1


def _open_run(engine: Engine, sources: list[str]) -> int:
    from sqlmodel import SQLModel

    table = SQLModel.metadata.tables["ingest_run"]
    with engine.begin() as connection:
        result = connection.execute(
            sa.insert(table).returning(table.c.id),
            {"sources": sources, "started_at": utc_now(), "counts": {}},
        )
        return int(result.scalar_one())


def _close_run(engine: Engine, run_id: int, report: IngestReport) -> None:
    from sqlmodel import SQLModel

    table = SQLModel.metadata.tables["ingest_run"]
    with engine.begin() as connection:
        connection.execute(
            sa.update(table).where(table.c.id == run_id).values(finished_at=utc_now(), counts=report.counts())
        )
