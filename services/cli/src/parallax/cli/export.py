"""`parallax export WHAT --out PATH`: the whole store, for newsrooms and researchers.

Events, articles, comparisons or pair scores are written as JSON Lines (one document a line)
or CSV (flat columns; lists joined with "; "). Rows are read in pages of a fixed size, each
after the last key of the one before (keyset pagination), and written as they come: the
store is never held in memory, whatever its size. The file appears only once it is complete.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

import click

from parallax.cli.state import CliState

if TYPE_CHECKING:
    from sqlmodel import Session

# Rows read per query. Comparisons are whole reports (up to a few megabytes each with their
# evidence), so they come a few at a time.
PAGE_SIZE: Final = 500
COMPARISON_PAGE_SIZE: Final = 20
# A spreadsheet runs a cell starting with one of these as a formula: such text is prefixed
# with a quote so that a headline cannot execute anything where the CSV is opened.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_FORMATS: Final = {"jsonl": "JSON Lines", "csv": "CSV"}


@dataclass(frozen=True, slots=True)
class ExportKind:
    """One thing that can be exported: its rows, its CSV columns (None: JSON Lines only; a
    function, so that nothing is imported before a command runs) and what one row is called."""

    rows: Callable[[Session, Mapping[str, float]], Iterator[dict[str, Any]]]
    columns: Callable[[], tuple[str, ...]] | None
    noun: str


@click.command("export")
@click.argument("what", type=click.Choice(["events", "articles", "comparisons", "scores"]))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    metavar="PATH",
    help="The file to write ('-' = standard output).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(_FORMATS)),
    default="jsonl",
    show_default=True,
    help="JSON Lines (every field, nested as stored) or CSV (flat columns).",
)
@click.option(
    "--profile",
    metavar="NAME",
    help="scores only: the weight profile of the composite distance (default balanced).",
)
@click.pass_obj
def export(state: CliState, what: str, out: str, output_format: str, profile: str | None) -> None:
    """Write every stored WHAT (events, articles, comparisons or scores) to PATH.

    \b
    events       one row per event (open and merged), with its outlets and languages
    articles     one row per article: metadata, event, clean text
    comparisons  one document per compared event: the stored report (JSON Lines only)
    scores       one row per pair of articles per compared event: the composite
                 distance and each component's value, under --profile (default balanced)

    A one-line summary goes to standard error.
    """
    from parallax.shared.errors import ParallaxError

    kind = EXPORTS[what]
    weights = _checked_options(what, kind, output_format, profile)
    try:
        count = write_export(state, kind, weights, Path(out) if out != "-" else None, output_format)
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"cannot write {out}: {error.strerror or error}") from error
    where = "standard output" if out == "-" else out
    scored = f" (profile {profile or 'balanced'})" if what == "scores" else ""
    click.echo(f"Exported {count:,} {kind.noun}{scored} to {where} ({_FORMATS[output_format]}).", err=True)


def _checked_options(
    what: str, kind: ExportKind, output_format: str, profile: str | None
) -> dict[str, float]:
    """The weights to score with; a usage error for a combination that cannot be written."""
    from parallax.api.scores import WeightsError, weights_for

    if output_format == "csv" and kind.columns is None:
        raise click.UsageError(
            f"{what} cannot be written as CSV: a comparison is a nested document (measurements "
            "with their evidence). Use --format jsonl, or export scores for one CSV row per pair."
        )
    if profile is not None and what != "scores":
        raise click.BadParameter(
            "a profile weighs scores; leave it out for other exports", param_hint="--profile"
        )
    try:
        return weights_for(profile)
    except WeightsError as error:
        raise click.BadParameter(str(error), param_hint="--profile") from error


def write_export(
    state: CliState, kind: ExportKind, weights: Mapping[str, float], path: Path | None, output_format: str
) -> int:
    """Write every row of `kind` to `path` (standard output when None); how many were written."""
    from sqlmodel import Session

    with Session(state.engine()) as session, _output(path) as stream:
        rows = kind.rows(session, weights)
        if output_format == "csv" and kind.columns is not None:
            return write_csv(rows, kind.columns(), stream)
        return write_jsonl(rows, stream)


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """A text stream to `path`, renamed into place only when the block succeeds (a failed
    export leaves no half-written file), or standard output."""
    if path is None:
        yield sys.stdout
        return
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_jsonl(rows: Iterable[Mapping[str, Any]], stream: TextIO) -> int:
    """Each row as one JSON line (UTF-8 text as is); how many."""
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: TextIO) -> int:
    """A header, then each row on `columns` (lists joined with "; ", missing cells empty); how many."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
        count += 1
    return count


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: None empty, a list joined, text that a spreadsheet would run quoted."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


# --- Rows, page after page ------------------------------------------------------------------


def keyset_pages(
    session: Session, statement: Any, key: Any, *, page_size: int | None = None
) -> Iterator[Any]:
    """Every row of `statement`, in the order of `key` (unique), read `page_size` at a time,
    each page after the last key of the one before. The session forgets each page's objects
    once it has been yielded, so memory holds one page."""
    page_size = page_size or PAGE_SIZE
    after: Any = None
    while True:
        page = statement if after is None else statement.where(key > after)
        rows = session.exec(page.order_by(key).limit(page_size)).all()
        yield from rows
        if len(rows) < page_size:
            return
        after = _key_of(rows[-1])
        session.expunge_all()


def _key_of(row: Any) -> Any:
    """The sort key of a row: the first column selected (or the row's primary key)."""
    from sqlalchemy import inspect

    if isinstance(row, tuple) or hasattr(row, "_fields"):
        return row[0]
    return inspect(row).identity[0]


def event_rows(session: Session, _weights: Mapping[str, float]) -> Iterator[dict[str, Any]]:
    """Every event (merged ones too), by id, as `parallax events show --json` gives it."""
    from sqlmodel import col, select

    from parallax.cli.events import event_record
    from parallax.shared.models import Event

    for event in keyset_pages(session, select(Event), col(Event.id)):
        yield event_record(event)


def article_rows(session: Session, _weights: Mapping[str, float]) -> Iterator[dict[str, Any]]:
    """Every article, by id: its metadata, its event (null until clustered) and clean text."""
    import sqlalchemy as sa
    from sqlmodel import col

    from parallax.shared.models import Article, EventMembership, Outlet

    statement = (
        sa.select(
            col(Article.id),
            col(Outlet.name),
            col(Article.outlet_id),
            col(Article.title),
            col(Article.url),
            col(Article.published_at),
            col(Article.language),
            col(EventMembership.event_id),
            col(Article.status),
            col(Article.copy_of_id),
            col(Article.revision_count),
            col(Article.source_kind),
            col(Article.content_hash),
            col(Article.clean_text),
        )
        .join(Outlet, col(Outlet.id) == Article.outlet_id)
        .outerjoin(EventMembership, col(EventMembership.article_id) == Article.id)
    )
    for row in keyset_pages(session, statement, col(Article.id)):
        record = dict(zip(ARTICLE_COLUMNS, row, strict=True))
        record["published"] = record["published"].isoformat() if record["published"] else None
        yield record


ARTICLE_COLUMNS: Final = (
    "id",
    "outlet",
    "outlet_id",
    "title",
    "url",
    "published",
    "language",
    "event_id",
    "status",
    "copy_of_id",
    "revision_count",
    "source_kind",
    "content_hash",
    "text",
)


def comparison_rows(session: Session, _weights: Mapping[str, float]) -> Iterator[dict[str, Any]]:
    """Every stored comparison, by event id: the report with what made it."""
    for comparison in _comparisons(session):
        yield {
            "event_id": comparison.event_id,
            "comparison_version": comparison.comparison_version,
            "membership_key": comparison.membership_key,
            "article_count": comparison.article_count,
            "compared_at": comparison.created_at.isoformat(),
            "report": comparison.data,
        }


def score_rows(session: Session, weights: Mapping[str, float]) -> Iterator[dict[str, Any]]:
    """One row per pair of articles per compared event, by event id: the composite distance
    under `weights` and each component's value (as `GET /v1/events/{id}/scores` computes them)."""
    from parallax.api.scores import pair_distances

    for comparison in _comparisons(session):
        report = comparison.data
        outlets = {str(article["id"]): article.get("outlet") for article in report.get("articles") or []}
        for pair in pair_distances(report, weights):
            document = pair.to_json()
            yield {
                "event_id": comparison.event_id,
                "comparison_version": comparison.comparison_version,
                "a": pair.a,
                "a_outlet": outlets.get(pair.a),
                "b": pair.b,
                "b_outlet": outlets.get(pair.b),
                "distance": document["distance"],
                **{name: component["value"] for name, component in document["components"].items()},
            }


def _comparisons(session: Session) -> Iterator[Any]:
    from sqlmodel import col, select

    from parallax.shared.models import EventComparison

    statement = select(EventComparison)
    yield from keyset_pages(session, statement, col(EventComparison.event_id), page_size=COMPARISON_PAGE_SIZE)


def _score_columns() -> tuple[str, ...]:
    from parallax.api.scores import COMPONENTS

    return ("event_id", "comparison_version", "a", "a_outlet", "b", "b_outlet", "distance", *COMPONENTS)


EVENT_COLUMNS: Final = (
    "id",
    "title",
    "status",
    "merged_into",
    "split_from",
    "article_count",
    "outlets",
    "languages",
    "first_published",
    "last_published",
    "algorithm_version",
    "model_version",
)
EXPORTS: Final[dict[str, ExportKind]] = {
    "events": ExportKind(event_rows, lambda: EVENT_COLUMNS, "events"),
    "articles": ExportKind(article_rows, lambda: ARTICLE_COLUMNS, "articles"),
    "comparisons": ExportKind(comparison_rows, None, "comparisons"),
    "scores": ExportKind(score_rows, _score_columns, "pair scores"),
}
