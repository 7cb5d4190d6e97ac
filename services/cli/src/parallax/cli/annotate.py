"""`parallax annotate`: the shell around `parallax.annotate` — for files, or for stored articles."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from parallax.cli import exit_codes
from parallax.cli.state import CliState

if TYPE_CHECKING:
    from parallax.annotate.annotate import ArticleInput


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True), metavar="[IN.jsonl...]")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    show_default=True,
    help="Where to write one JSON annotation per article ('-' = standard output).",
)
@click.option("--stored", is_flag=True, help="Annotate the articles stored in the database instead of files.")
@click.option(
    "--id", "article_ids", type=int, multiple=True, metavar="ID", help="With --stored: only this article."
)
@click.option(
    "--force", is_flag=True, help="With --stored: annotate again even when the annotation is current."
)
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=0,
    show_default=True,
    help="Processes (0 = one per core).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary on standard error.")
@click.pass_obj
def annotate(
    state: CliState,
    inputs: Sequence[str],
    out: str,
    stored: bool,
    article_ids: Sequence[int],
    force: bool,
    workers: int,
    quiet: bool,
) -> None:
    """Annotate articles: sentences, tokens, actors, loaded language, scare quotes, readability.

    With files (JSON Lines in the interchange format), writes one JSON object per article
    with every span as offsets into its `text` exactly as given; nothing is stored. With
    --stored, annotates the articles in the database that have no current annotation.
    """
    if stored:
        _annotate_stored(state, article_ids or None, force=force, quiet=quiet)
        return
    if not inputs:
        raise click.UsageError("give one or more IN.jsonl files (or '-'), or --stored")
    _annotate_files(inputs, out=out, workers=workers, quiet=quiet)


def _annotate_files(inputs: Sequence[str], *, out: str, workers: int, quiet: bool) -> None:
    from parallax.annotate.parallel import annotate_in_parallel

    refused: list[str] = []
    written = 0
    articles = read_articles(inputs, refused)
    with click.open_file(out, "w", encoding="utf-8") as handle:
        for annotation in annotate_in_parallel(articles, workers=workers):
            handle.write(annotation.model_dump_json() + "\n")
            written += 1
    finish_file_run(written, refused, done="annotated", quiet=quiet)


def finish_file_run(written: int, refused: list[str], *, done: str, quiet: bool) -> None:
    """Report what a file run refused and did, and exit with its code (failure, partial)."""
    for message in refused:
        click.echo(f"refused: {message}", err=True)
    if not quiet:
        click.echo(f"{written:,} articles {done}, {len(refused):,} refused.", err=True)
    if written == 0:
        raise SystemExit(exit_codes.FAILURE)
    if refused:
        raise SystemExit(exit_codes.PARTIAL)


def annotate_records(records: Sequence[Mapping[str, Any]], *, workers: int = 0) -> dict[str, dict[str, Any]]:
    """Interchange records annotated (over `workers` processes, 0 = one per core): each
    annotation in its stored form (JSON), by article id, in the order of the records.

    A record without a language is taken as English; its publication date is read from an
    ISO date or date-time.
    """
    from parallax.annotate.annotate import ArticleInput
    from parallax.annotate.parallel import annotate_in_parallel
    from parallax.compare.article import published_of

    inputs = (
        ArticleInput.from_text(
            str(record["id"]),
            str(record["text"]),
            title=record.get("title"),
            language=record.get("language") or "en",
            published=(moment.date() if (moment := published_of(record.get("published"))) else None),
        )
        for record in records
    )
    annotated = {
        annotation.id: annotation.model_dump(mode="json")
        for annotation in annotate_in_parallel(inputs, workers=workers)
    }
    return {str(record["id"]): annotated[str(record["id"])] for record in records}


def read_articles(inputs: Sequence[str], refused: list[str]) -> Iterator[ArticleInput]:
    """Interchange records as articles to annotate; bad records are reported, not fatal."""
    for _, article in read_article_records(inputs, refused):
        yield article


def read_article_records(
    inputs: Sequence[str], refused: list[str]
) -> Iterator[tuple[dict[str, Any], ArticleInput]]:
    """Each good interchange record (as JSON, its language filled in) with the article to
    annotate made of it; bad records are reported in `refused`, not fatal.

    Nothing is stored, so an outlet is not required: a record without one (absent or null,
    as in ECB+) keeps `"outlet": None` rather than a made-up name that every such article
    would share."""
    from pydantic import ValidationError

    from parallax.annotate.annotate import ArticleInput
    from parallax.ingest.language import detect_language
    from parallax.ingest.readers.jsonl import read_jsonl_lines
    from parallax.ingest.records import Refusal
    from parallax.shared.config import Settings
    from parallax.shared.schemas import ArticleIn, describe_validation_error

    settings = Settings()
    for name in inputs:
        try:
            handle: IO[bytes] = sys.stdin.buffer if name == "-" else Path(name).open("rb")  # noqa: SIM115
        except OSError as error:
            refused.append(f"{name}: cannot read the file: {error.strerror}")
            continue
        with handle:
            for item in read_jsonl_lines(handle, source=name, settings=settings):
                if isinstance(item, Refusal):
                    refused.append(item.describe())
                    continue
                outlet = item.fields.get("outlet")
                try:
                    # the schema wants an outlet; one stands in for validation only
                    record = ArticleIn.model_validate({**item.fields, "outlet": outlet or "(none)"})
                except ValidationError as error:
                    refused.append(f"{item.provenance.describe()}: {describe_validation_error(error)}")
                    continue
                language = record.language or detect_language(record.text).code
                if record.id is None:
                    record.id = item.provenance.describe()
                record.language = language
                as_json = record.model_dump(mode="json")
                as_json["outlet"] = record.outlet if outlet else None
                yield (
                    as_json,
                    ArticleInput.from_text(
                        record.id,
                        record.text,
                        title=record.title,
                        language=language,
                        published=record.published.date() if record.published else None,
                    ),
                )


def _annotate_stored(state: CliState, article_ids: Sequence[int] | None, *, force: bool, quiet: bool) -> None:
    from parallax.annotate.store import annotate_stored
    from parallax.cli.console import progress_counter
    from parallax.shared.errors import ParallaxError

    try:
        with progress_counter("Annotating", enabled=not quiet and sys.stderr.isatty()) as advance:
            report = annotate_stored(article_ids, engine=state.engine(), force=force, progress=advance)
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{report.annotated:,} annotated, {report.up_to_date:,} already up to date, "
        f"{len(report.failed):,} failed, {len(report.missing):,} not found."
    )
    for article_id, reason in report.failed.items():
        click.echo(f"  article {article_id}: {reason}", err=True)
    if report.missing:
        click.echo(f"  no such article: {', '.join(map(str, report.missing))}", err=True)
    if report.failed or report.missing:
        raise SystemExit(exit_codes.PARTIAL if report.annotated or report.up_to_date else exit_codes.FAILURE)
