"""Writing prepared articles: exact duplicates, revisions and copies decided in bulk.

A batch of prepared articles is stored in one transaction with a handful of set-based
queries (never one query per article):

- the same headline and clean text from the same outlet is a **duplicate**: stored once;
- a new version from the same outlet is a **revision** of the first article, kept in
  `article_revision` and not stored as a new article: the same body under a new headline,
  the same URL or caller id, or a near-copy (a MinHash band in common, a text similarity at
  or above `near_duplicate_threshold`, published within `_REVISION_WINDOW` of the first);
- the same clean text from another outlet is a new article marked `copy_of` the first
  (republished wire copy is exactly what comparisons must see).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from parallax.ingest.fingerprint import text_similarity
from parallax.ingest.prepare import CLEANING_VERSION, PreparedArticle
from parallax.ingest.records import Refusal
from parallax.shared.models import Stage, Status, utc_now

logger = logging.getLogger(__name__)

# Templated series (sports results, election tallies) reach 0.9 similarity between different
# events; a revision comes out within days of the first version.
_REVISION_WINDOW = dt.timedelta(days=7)
# SQLite accepts 32,766 bound parameters per statement (PostgreSQL 65,535); stay well below.
_IN_CHUNK = 5000


class Disposition(enum.StrEnum):
    """What became of one prepared article."""

    STORED = "stored"
    DUPLICATE = "duplicate"
    REVISION = "revision"


@dataclass(frozen=True)
class StoreOutcome:
    """The disposition of one prepared article and the article it landed on."""

    disposition: Disposition
    article_id: int
    source: str
    location: str | None
    copy_of_id: int | None = None
    similarity: float | None = None


@dataclass
class _Known:
    """Articles of the batch's outlets that a new article could duplicate or revise."""

    by_outlet_version: dict[tuple[int, str], int] = field(default_factory=dict)
    by_outlet_hash: dict[tuple[int, str], int] = field(default_factory=dict)
    first_by_hash: dict[str, int] = field(default_factory=dict)
    by_outlet_url: dict[tuple[int, str], int] = field(default_factory=dict)
    by_outlet_external: dict[tuple[int, str], int] = field(default_factory=dict)
    by_outlet_band: dict[tuple[int, int], set[int]] = field(default_factory=lambda: defaultdict(set))
    texts: dict[int, str] = field(default_factory=dict)
    published: dict[int, dt.datetime | None] = field(default_factory=dict)
    revision_counts: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Plan:
    """Decisions for a batch. New articles get negative placeholder ids until inserted."""

    new_rows: list[tuple[int, PreparedArticle, int, int | None]]  # placeholder, item, outlet, copy_of
    revisions: list[tuple[int, PreparedArticle, float, int]]  # article, item, similarity, number
    outcomes: list[tuple[Disposition, int, PreparedArticle, int | None, float | None]]


def _tables() -> dict[str, sa.Table]:
    import parallax.shared.models  # noqa: F401  (registers the tables)

    return dict(SQLModel.metadata.tables)


class ArticleStore:
    """Stores prepared articles and refusals for one ingest run."""

    def __init__(self, engine: Engine, *, near_duplicate_threshold: float, run_id: int | None) -> None:
        self._engine = engine
        self._threshold = near_duplicate_threshold
        self._run_id = run_id
        self._outlet_ids: dict[str, int] = {}
        self._tables = _tables()

    def store_batch(self, items: Sequence[PreparedArticle]) -> list[StoreOutcome]:
        """Store a batch in one transaction; retried once if a concurrent writer got there first."""
        if not items:
            return []
        try:
            return self._store_batch_once(items)
        except sa.exc.IntegrityError:
            # Another ingest stored one of these texts between our reads and our writes;
            # the second attempt reads it and treats it as a duplicate.
            logger.info("concurrent insert detected; retrying the batch")
            self._outlet_ids.clear()
            return self._store_batch_once(items)

    def record_refusals(self, refusals: Iterable[Refusal], *, max_payload_chars: int) -> None:
        """Keep every refused input with its reason, so nothing the user gave is lost."""
        rows = [
            {
                "source": refusal.provenance.source,
                "location": refusal.provenance.location,
                "source_kind": refusal.provenance.kind.value,
                "reason": refusal.reason.value,
                "message": refusal.message,
                "payload": None if refusal.payload is None else refusal.payload[:max_payload_chars],
                "payload_truncated": refusal.payload is not None and len(refusal.payload) > max_payload_chars,
                "ingest_run_id": self._run_id,
                "created_at": utc_now(),
            }
            for refusal in refusals
        ]
        if rows:
            with self._engine.begin() as connection:
                connection.execute(sa.insert(self._tables["rejected_input"]), rows)

    # -- one batch -------------------------------------------------------------------------

    def _store_batch_once(self, items: Sequence[PreparedArticle]) -> list[StoreOutcome]:
        with self._engine.begin() as connection:
            outlet_ids = self._resolve_outlets(connection, {item.outlet for item in items})
            known = self._load_known(connection, items, outlet_ids)
            plan = self._plan(items, outlet_ids, known)
            placeholder_ids = self._insert_articles(connection, plan)
            self._insert_revisions(connection, plan, placeholder_ids)
        return [
            StoreOutcome(
                disposition=disposition,
                article_id=placeholder_ids.get(article_id, article_id),
                source=item.source,
                location=item.location,
                copy_of_id=placeholder_ids.get(copy_of, copy_of) if copy_of is not None else None,
                similarity=similarity,
            )
            for disposition, article_id, item, copy_of, similarity in plan.outcomes
        ]

    def _resolve_outlets(self, connection: Connection, names: set[str]) -> dict[str, int]:
        missing = names - self._outlet_ids.keys()
        if missing:
            outlet = self._tables["outlet"]
            rows = [{"name": name, "created_at": utc_now()} for name in sorted(missing)]
            connection.execute(_insert_ignoring_conflicts(connection, outlet, ["name"]), rows)
            found = connection.execute(
                sa.select(outlet.c.name, outlet.c.id).where(outlet.c.name.in_(missing))
            )
            self._outlet_ids.update({row.name: row.id for row in found})
        return {name: self._outlet_ids[name] for name in names}

    def _load_known(
        self, connection: Connection, items: Sequence[PreparedArticle], outlet_ids: dict[str, int]
    ) -> _Known:
        article = self._tables["article"]
        revision = self._tables["article_revision"]
        keys = self._tables["near_duplicate_key"]
        known = _Known()
        hashes = {item.content_hash for item in items}
        for chunk in _chunks(hashes):
            rows = connection.execute(
                sa.select(article.c.id, article.c.outlet_id, article.c.content_hash, article.c.version_hash)
                .where(article.c.content_hash.in_(chunk))
                .order_by(article.c.id)
            )
            for article_id, outlet_id, digest, version in rows:
                known.by_outlet_hash.setdefault((outlet_id, digest), article_id)
                known.by_outlet_version.setdefault((outlet_id, version), article_id)
                known.first_by_hash.setdefault(digest, article_id)
            rows = connection.execute(
                sa.select(
                    revision.c.article_id,
                    article.c.outlet_id,
                    revision.c.content_hash,
                    revision.c.version_hash,
                )
                .join(article, article.c.id == revision.c.article_id)
                .where(revision.c.content_hash.in_(chunk))
            )
            for article_id, outlet_id, digest, version in rows:
                known.by_outlet_hash.setdefault((outlet_id, digest), article_id)
                known.by_outlet_version.setdefault((outlet_id, version), article_id)
        outlets = set(outlet_ids.values())
        candidates: set[int] = set()
        wanted_pairs = {(outlet_ids[item.outlet], key) for item in items for key in item.band_keys}
        for chunk in _chunks({key for _, key in wanted_pairs}):
            band_rows = connection.execute(
                sa.select(keys.c.article_id, keys.c.outlet_id, keys.c.band_key).where(
                    keys.c.band_key.in_(chunk), keys.c.outlet_id.in_(outlets)
                )
            )
            for article_id, outlet_id, band_key in band_rows:
                # A key shared with another outlet's article of this batch is no revision.
                if (outlet_id, band_key) in wanted_pairs:
                    known.by_outlet_band[(outlet_id, band_key)].add(article_id)
                    candidates.add(article_id)
        urls = {item.url for item in items if item.url}
        externals = {item.external_id for item in items if item.external_id}
        for column, values, index in (
            (article.c.url, urls, known.by_outlet_url),
            (article.c.external_id, externals, known.by_outlet_external),
        ):
            for chunk in _chunks(values):
                same_rows = connection.execute(
                    sa.select(article.c.id, article.c.outlet_id, column)
                    .where(column.in_(chunk), article.c.outlet_id.in_(outlets))
                    .order_by(article.c.id)
                )
                for article_id, outlet_id, value in same_rows:
                    index.setdefault((outlet_id, value), article_id)
                    candidates.add(article_id)
        for chunk in _chunks(candidates):
            rows = connection.execute(
                sa.select(
                    article.c.id, article.c.clean_text, article.c.revision_count, article.c.published_at
                ).where(article.c.id.in_(chunk))
            )
            for article_id, clean_text, revision_count, published_at in rows:
                known.texts[article_id] = clean_text
                known.revision_counts[article_id] = revision_count
                known.published[article_id] = published_at
        return known

    def _plan(self, items: Sequence[PreparedArticle], outlet_ids: dict[str, int], known: _Known) -> _Plan:
        plan = _Plan(new_rows=[], revisions=[], outcomes=[])
        next_placeholder = -1
        for item in items:
            outlet_id = outlet_ids[item.outlet]
            same = known.by_outlet_version.get((outlet_id, item.version_hash))
            if same is not None:
                plan.outcomes.append((Disposition.DUPLICATE, same, item, None, 1.0))
                continue
            target, similarity = self._revision_target(item, outlet_id, known)
            if target is not None:
                number = known.revision_counts.get(target, 0) + 1
                known.revision_counts[target] = number
                known.by_outlet_version[(outlet_id, item.version_hash)] = target
                known.by_outlet_hash.setdefault((outlet_id, item.content_hash), target)
                plan.revisions.append((target, item, similarity, number))
                plan.outcomes.append((Disposition.REVISION, target, item, None, similarity))
                continue
            placeholder = next_placeholder
            next_placeholder -= 1
            copy_of = known.first_by_hash.get(item.content_hash)
            plan.new_rows.append((placeholder, item, outlet_id, copy_of))
            plan.outcomes.append((Disposition.STORED, placeholder, item, copy_of, None))
            self._remember(known, placeholder, item, outlet_id)
        return plan

    def _revision_target(
        self, item: PreparedArticle, outlet_id: int, known: _Known
    ) -> tuple[int | None, float]:
        """The article this item revises, if any, and how similar their texts are."""
        same_body = known.by_outlet_hash.get((outlet_id, item.content_hash))
        if same_body is not None:
            return same_body, 1.0  # the same body under another headline
        # The same URL or the same caller id from the same outlet is the same article,
        # however much its text changed (a live story, a rewritten lede).
        for index, value in ((known.by_outlet_url, item.url), (known.by_outlet_external, item.external_id)):
            if value and (outlet_id, value) in index:
                target = index[(outlet_id, value)]
                return target, round(text_similarity(item.clean_text, known.texts[target]), 4)
        candidates = set().union(
            *(known.by_outlet_band.get((outlet_id, key), set()) for key in item.band_keys)
        )
        best, best_similarity = None, 0.0
        for candidate in sorted(candidates, key=abs):
            if not _within_revision_window(item.published_at, known.published.get(candidate)):
                continue
            similarity = text_similarity(item.clean_text, known.texts[candidate])
            if similarity > best_similarity:
                best, best_similarity = candidate, similarity
        if best is not None and best_similarity >= self._threshold:
            return best, round(best_similarity, 4)
        return None, 0.0

    @staticmethod
    def _remember(known: _Known, article_id: int, item: PreparedArticle, outlet_id: int) -> None:
        known.by_outlet_version[(outlet_id, item.version_hash)] = article_id
        known.by_outlet_hash[(outlet_id, item.content_hash)] = article_id
        known.published[article_id] = item.published_at
        known.first_by_hash.setdefault(item.content_hash, article_id)
        if item.url:
            known.by_outlet_url.setdefault((outlet_id, item.url), article_id)
        if item.external_id:
            known.by_outlet_external.setdefault((outlet_id, item.external_id), article_id)
        for key in item.band_keys:
            known.by_outlet_band[(outlet_id, key)].add(article_id)
        known.texts[article_id] = item.clean_text
        known.revision_counts[article_id] = 0

    def _insert_articles(self, connection: Connection, plan: _Plan) -> dict[int, int]:
        """Insert the new articles in order; returns placeholder -> real id."""
        if not plan.new_rows:
            return {}
        article = self._tables["article"]
        now = utc_now()
        placeholder_ids: dict[int, int] = {}
        # Copies of an article new in this same batch are linked once its id is known.
        rows = [
            _article_row(
                item, outlet_id, copy_of if copy_of is None or copy_of > 0 else None, self._run_id, now
            )
            for _, item, outlet_id, copy_of in plan.new_rows
        ]
        # Plain executemany, then the new ids by the natural key (outlet, content hash):
        # INSERT … RETURNING with guaranteed row order runs one statement per row on SQLite.
        _bulk_insert(connection, article, rows)
        wanted = {
            (outlet_id, item.content_hash): placeholder for placeholder, item, outlet_id, _ in plan.new_rows
        }
        for chunk in _chunks({digest for _, digest in wanted}):
            found = connection.execute(
                sa.select(article.c.id, article.c.outlet_id, article.c.content_hash).where(
                    article.c.content_hash.in_(chunk)
                )
            )
            for article_id, outlet_id, digest in found:
                placeholder = wanted.get((outlet_id, digest))
                if placeholder is not None:
                    placeholder_ids[placeholder] = article_id
        late_copies = [
            {"b_id": placeholder_ids[placeholder], "b_copy": placeholder_ids[copy_of]}
            for placeholder, _, _, copy_of in plan.new_rows
            if copy_of is not None and copy_of < 0
        ]
        if late_copies:
            connection.execute(
                sa.update(article)
                .where(article.c.id == sa.bindparam("b_id"))
                .values(copy_of_id=sa.bindparam("b_copy")),
                late_copies,
            )
        key_rows = [
            {"article_id": placeholder_ids[placeholder], "band_key": key, "outlet_id": outlet_id}
            for placeholder, item, outlet_id, _ in plan.new_rows
            for key in sorted(set(item.band_keys))
        ]
        if key_rows:
            _bulk_insert(connection, self._tables["near_duplicate_key"], key_rows)
        return placeholder_ids

    def _insert_revisions(self, connection: Connection, plan: _Plan, placeholder_ids: dict[int, int]) -> None:
        if not plan.revisions:
            return
        now = utc_now()
        rows = [
            {
                "article_id": placeholder_ids.get(target, target),
                "revision": number,
                "title": item.title,
                "url": item.url,
                "published_at": item.published_at,
                "original_text": item.original_text,
                "clean_text": item.clean_text,
                "content_hash": item.content_hash,
                "version_hash": item.version_hash,
                "similarity": similarity,
                "source_kind": item.source_kind,
                "source_uri": _source_uri(item),
                "ingest_run_id": self._run_id,
                "created_at": now,
            }
            for target, item, similarity, number in plan.revisions
        ]
        _bulk_insert(connection, self._tables["article_revision"], rows)
        latest: dict[int, int] = {}
        for target, _, _, number in plan.revisions:
            article_id = placeholder_ids.get(target, target)
            latest[article_id] = max(latest.get(article_id, 0), number)
        article = self._tables["article"]
        connection.execute(
            sa.update(article)
            .where(article.c.id == sa.bindparam("b_id"))
            .values(revision_count=sa.bindparam("b_count"), updated_at=now),
            [{"b_id": article_id, "b_count": count} for article_id, count in latest.items()],
        )


def _article_row(
    item: PreparedArticle, outlet_id: int, copy_of: int | None, run_id: int | None, now: Any
) -> dict[str, Any]:
    return {
        "external_id": item.external_id,
        "outlet_id": outlet_id,
        "title": item.title,
        "url": item.url,
        "published_at": item.published_at,
        "language": item.language,
        "language_confidence": item.language_confidence,
        "language_source": item.language_source,
        "original_text": item.original_text,
        "clean_text": item.clean_text,
        "offset_map": item.offset_map,
        "title_span": item.title_span,
        "dateline": item.dateline,
        "extra": item.extra,
        "content_hash": item.content_hash,
        "version_hash": item.version_hash,
        "copy_of_id": copy_of,
        "source_kind": item.source_kind,
        "source_uri": _source_uri(item),
        "normalizer_version": CLEANING_VERSION,
        "stage": Stage.INGESTED.value,
        "status": Status.OK.value,
        "status_reason": None,
        "revision_count": 0,
        "ingest_run_id": run_id,
        "created_at": now,
        "updated_at": now,
    }


def _within_revision_window(first: dt.datetime | None, second: dt.datetime | None) -> bool:
    if first is None or second is None:
        return True
    return abs(first - second) <= _REVISION_WINDOW


def _source_uri(item: PreparedArticle) -> str:
    return f"{item.source}#{item.location}" if item.location else item.source


def _bulk_insert(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows through the driver's executemany, with each column's own type conversion.

    The same statement and conversions SQLAlchemy would use, without its per-row parameter
    bookkeeping, which costs several times the insert itself on wide rows.
    """
    columns = list(rows[0])
    dialect = connection.dialect
    converters = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    )
    values = [
        tuple(
            convert(row[name]) if convert is not None else row[name]
            for name, convert in zip(columns, converters, strict=True)
        )
        for row in rows
    ]
    connection.exec_driver_sql(statement, values)


def _insert_ignoring_conflicts(connection: Connection, table: sa.Table, keys: list[str]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, in the dialect at hand."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=keys)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing(index_elements=keys)


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == _IN_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch
