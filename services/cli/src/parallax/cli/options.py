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
