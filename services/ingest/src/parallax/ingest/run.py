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
from parallax.shared.jobs import recorded_job

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
    trigger: str = "command",
) -> IngestReport:
    """Read, clean and store everything `arguments` names; return what happened.

    Steps:
    1. open a job record (kind `ingest`, started by `trigger`);
    2. expand the arguments into sources and read them into drafts (refusals recorded);
    3. prepare drafts in chunks, in worker processes when there is enough work;
    4. store prepared articles in batches, deciding duplicates and revisions;
    5. close the job record with its counts (failed, with the error, if something raised).
    """
    # 1.
    report = IngestReport()
    with recorded_job(engine, "ingest", sources=list(arguments), trigger=trigger) as job:
        report.run_id = job.id
        # 2.
        chunks = _draft_chunks(
            arguments,
            settings=settings,
            input_format=input_format,
            fetcher=fetcher,
        )
        # 3., 4.
        store_drafts(
            chunks,
            report,
            engine=engine,
            settings=settings,
            outlet=outlet,
            language=language,
            progress=progress,
        )
        # 5.
        job.counts = report.counts()
    return report


def store_drafts(
    chunks: Iterable[list[Draft | Refusal]],
    report: IngestReport,
    *,
    engine: Engine,
    settings: Settings,
    outlet: str | None = None,
    language: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Prepare and store drafts (in chunks) under the job `report.run_id`; refusals recorded and counted."""
    started = time.perf_counter()
    store = ArticleStore(
        engine, near_duplicate_threshold=settings.near_duplicate_threshold, run_id=report.run_id
    )
    options = PrepareOptions.from_settings(settings, outlet=outlet, language=language)
    pending_refusals: list[Refusal] = []

    def refuse(refusal: Refusal) -> None:
        report.add_refusal(refusal)
        pending_refusals.append(refusal)

    def drafts_only() -> Iterator[list[Draft]]:
        for chunk in chunks:
            drafts = []
            for item in chunk:
                if isinstance(item, Refusal):
                    refuse(item)
                else:
                    drafts.append(item)
            yield drafts

    batch: list[PreparedArticle] = []
    # Enough chunks in flight that the workers stay busy while a whole batch is being stored.
    window = _worker_count(settings) * 2 + settings.ingest_batch_size // _CHUNK + 1
    prepared_chunks = _prepare_chunks(
        drafts_only(), options, workers=_worker_count(settings), window=window, engine=engine
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
    report.elapsed_seconds += time.perf_counter() - started
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
) -> Iterator[list[Draft | Refusal]]:
    """Drafts and refusals in chunks of `_CHUNK` drafts, in the order the sources give them."""
    chunk: list[Draft | Refusal] = []
    drafts = 0
    for source in expand_sources(arguments, input_format=input_format):
        if isinstance(source, Refusal):
            chunk.append(source)
            continue
        for item in read_source(source, settings=settings, fetcher=fetcher):
            chunk.append(item)
            if isinstance(item, Refusal):
                continue
            drafts += 1
            if drafts % _CHUNK == 0:
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
