"""Options several commands share, defined once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def listing_options(what: str) -> Callable[[F], F]:
    """--run, --after, --limit and --json for a command that lists stored rows."""

    def decorate(function: F) -> F:
        for option in reversed(
            [
                click.option(
                    "--run", "run_id", type=int, metavar="ID", help=f"Only {what} of this ingest run."
                ),
                click.option(
                    "--after", "after_id", type=int, metavar="ID", help="Start after this id (paging)."
                ),
                click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True),
                click.option("--json", "as_json", is_flag=True, help="Print JSON on standard output."),
            ]
        ):
            function = option(function)
        return function

    return decorate


def file_run_options(writes: str, *, workers_help: str = "Processes (0 = one per core).") -> Callable[[F], F]:
    """IN.jsonl... arguments, --out, --workers and --quiet for a command that reads article files
    and writes one JSON line per article."""

    def decorate(function: F) -> F:
        for option in reversed(
            [
                click.argument(
                    "inputs",
                    nargs=-1,
                    required=True,
                    type=click.Path(dir_okay=False, allow_dash=True),
                    metavar="IN.jsonl...",
                ),
                click.option(
                    "--out",
                    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
                    default="-",
                    show_default=True,
                    help=f"Where to write {writes} ('-' = standard output).",
                ),
                click.option(
                    "--workers", type=click.IntRange(0, 64), default=0, show_default=True, help=workers_help
                ),
                click.option("-q", "--quiet", is_flag=True, help="No summary on standard error."),
            ]
        ):
            function = option(function)
        return function

    return decorate
