"""Terminal output: progress, tables and reports (rich, loaded only when a command prints)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from parallax.ingest.run import IngestReport

_SHOWN_REFUSALS = 20


@contextmanager
def progress_counter(label: str, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A progress display on standard error counting processed items; a no-op when disabled."""
    if not enabled:
        yield lambda _count: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} items"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda count: progress.advance(task, count)


def print_json(data: Any) -> None:
    """Machine-readable output: one JSON document on standard output."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table on standard output (plain when not a terminal)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    Console(soft_wrap=False).print(table)


def render_ingest_report(report: IngestReport, *, as_json: bool, quiet: bool) -> None:
    """Print what an ingest run did, as JSON or for a person."""
    if as_json:
        print_json(
            {
                "run_id": report.run_id,
                **report.counts(),
                "article_ids": report.article_ids,
                "refusals": [
                    {
                        "source": refusal.provenance.source,
                        "location": refusal.provenance.location,
                        "reason": refusal.reason.value,
                        "message": refusal.message,
                    }
                    for refusal in report.refusals
                ],
                "elapsed_seconds": round(report.elapsed_seconds, 3),
            }
        )
        return
    click.echo(summary_line(report))
    if quiet or not report.rejected_total:
        return
    click.echo("Refused, by reason:")
    for reason, count in sorted(report.rejected.items(), key=lambda item: -item[1]):
        click.echo(f"  {reason:<26} {count:>6,}")
    click.echo("First refusals:" if report.rejected_total > _SHOWN_REFUSALS else "Refusals:")
    for refusal in report.refusals[:_SHOWN_REFUSALS]:
        click.echo(f"  {refusal.describe()}")
    click.echo(f"All of them, with their inputs: parallax rejected list --run {report.run_id}")


def summary_line(report: IngestReport) -> str:
    """One line: what was stored, skipped and refused, and how fast."""
    parts = [f"{report.stored:,} stored"]
    if report.copies:
        parts[0] += f" ({report.copies:,} republished from another outlet)"
    parts.append(f"{report.duplicates:,} duplicate{'s' if report.duplicates != 1 else ''}")
    parts.append(f"{report.revisions:,} revision{'s' if report.revisions != 1 else ''}")
    parts.append(f"{report.rejected_total:,} refused")
    rate = ""
    total = report.accepted + report.rejected_total
    if report.elapsed_seconds >= 1 and total:
        rate = f" in {report.elapsed_seconds:.1f} s ({total / report.elapsed_seconds:,.0f} items/s)"
    return f"Ingest run {report.run_id}: " + ", ".join(parts) + rate + "."
