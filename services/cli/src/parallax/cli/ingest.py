"""`parallax ingest`: the shell around `parallax.ingest.run.ingest`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from parallax.cli import exit_codes
from parallax.cli.state import CliState

FORMATS = ("auto", "jsonl", "json", "text", "html", "pdf", "feed")


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--outlet", metavar="NAME", help="Outlet of every article read; overrides what the inputs say.")
@click.option("--language", metavar="CODE", help="Language of every article read (e.g. fr); skips detection.")
@click.option(
    "--format",
    "input_format",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="Input format; auto decides per file from its name, then its first bytes.",
)
@click.option(
    "--allow-private-addresses",
    is_flag=True,
    help="Allow fetching URLs on loopback or private networks (e.g. a local test server).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on standard output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only the summary line.")
@click.pass_obj
def ingest(
    state: CliState,
    sources: Sequence[str],
    outlet: str | None,
    language: str | None,
    input_format: str,
    allow_private_addresses: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Read articles, clean them, drop duplicates and store them.

    PATH may be a file, a folder (read recursively), a glob ('news/**/*.html') or '-'
    for JSON Lines on standard input; URL may be an article page or an RSS/Atom feed.
    Formats: JSON Lines in the interchange format, plain text (with a front matter block
    or a NAME.meta.json sidecar), HTML, PDF, RSS and Atom.

    A refused input (bad JSON, empty text, unreachable URL …) is reported with its file
    and line, recorded, and never stops the others.
    """
    from parallax.cli.console import progress_counter, render_ingest_report
    from parallax.ingest.run import ingest as run_ingest
    from parallax.ingest.sources import InputFormat
    from parallax.shared.errors import ParallaxError

    if allow_private_addresses:
        state.overrides["fetch_allow_private_addresses"] = True
    try:
        engine = state.engine()
        show_progress = not (quiet or as_json) and sys.stderr.isatty()
        with progress_counter("Ingesting", enabled=show_progress) as advance:
            report = run_ingest(
                list(sources),
                engine=engine,
                settings=state.settings(),
                input_format=InputFormat(input_format),
                outlet=outlet,
                language=language,
                progress=advance,
            )
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    render_ingest_report(report, as_json=as_json, quiet=quiet)
    if report.accepted == 0:
        raise SystemExit(exit_codes.FAILURE)
    if report.rejected_total:
        raise SystemExit(exit_codes.PARTIAL)
