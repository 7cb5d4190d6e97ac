"""`parallax demo`: ingest the bundled demo corpus and show what Parallax made of it."""

from __future__ import annotations

import importlib.resources
import re

import click

from parallax.cli import exit_codes
from parallax.cli.state import CliState

SEED_ID = "rhc-2022-02-03-poutine-macron"
# The sentence that a PDF page break cuts in two in the seed article.
PAGE_BREAK_SENTENCE = re.compile(r"Alors que l'Ukraine est au cœur[^.]*\.")


@click.command()
@click.pass_obj
def demo(state: CliState) -> None:
    """Ingest the demo corpus (a real article and two constructed ones) and show the result.

    Run it twice to see deduplication: the second run stores nothing new.
    """
    from parallax.cli.console import summary_line
    from parallax.ingest.run import ingest as run_ingest
    from parallax.shared.errors import ParallaxError

    corpus = importlib.resources.files("parallax.cli") / "demo_corpus" / "articles"
    with importlib.resources.as_file(corpus) as folder:
        try:
            engine = state.engine()
            report = run_ingest([str(folder)], engine=engine, settings=state.settings())
        except ParallaxError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"Database: {state.settings().database_url}")
    click.echo(summary_line(report))
    for refusal in report.refusals:
        click.echo(f"  refused: {refusal.describe()}")
    click.echo("")
    _show_stored(state)
    click.echo("")
    _show_seed_cleaning(state)
    if report.rejected_total:
        raise SystemExit(exit_codes.FAILURE)


def _show_stored(state: CliState) -> None:
    from parallax.shared.crud import list_articles
    from parallax.shared.db import session_scope

    click.echo("What is stored:")
    with session_scope(state.engine()) as session:
        for article, outlet in list_articles(session=session, limit=100):
            language = article.language or "unknown language"
            if article.language_source == "detected":
                language += f" (detected, {article.language_confidence:.2f})"
            else:
                language += " (as given)"
            revisions = f", {article.revision_count} revision" if article.revision_count else ""
            revisions += "s" if article.revision_count > 1 else ""
            click.echo(f"  [{article.id}] {outlet} · {language} · from {article.source_kind}")
            click.echo(f"      {article.title or '(no headline)'}")
            click.echo(f"      {len(article.clean_text):,} characters of body{revisions}")


def _show_seed_cleaning(state: CliState) -> None:
    from sqlmodel import select

    from parallax.shared.db import session_scope
    from parallax.shared.models import Article
    from parallax.shared.offsets import OffsetMap

    with session_scope(state.engine()) as session:
        seed = session.exec(select(Article).where(Article.external_id == SEED_ID)).first()
        if seed is None:
            return
        click.echo(f"The reference article (id {seed.id}), as received and as cleaned:")
        click.echo(f"  headline found  {seed.title!r}")
        if seed.title_span:
            span = seed.title_span
            click.echo(f"  (from the original's characters {span['start']}–{span['end']}: {span['text']!r})")
        if seed.dateline:
            dateline = seed.dateline
            click.echo(
                f"  dateline kept   {dateline['span']['text']!r} -> places {dateline['places']}, "
                f"agency {dateline['agency']}"
            )
        click.echo(f"  language        {seed.language} (detected, confidence {seed.language_confidence})")
        match = PAGE_BREAK_SENTENCE.search(seed.clean_text)
        if match:
            start, end = OffsetMap.from_json(seed.offset_map).to_original(match.start(), match.end())
            click.echo("  a sentence cut by a page break, rejoined in the clean text:")
            click.echo(f"    clean     {match.group()!r}")
            click.echo(f"    original  {seed.original_text[start:end]!r}  (characters {start}–{end})")
    click.echo("")
    click.echo("Next: parallax articles show ID  ·  parallax ingest PATH|URL…  ·  parallax --help")
