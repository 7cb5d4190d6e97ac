"""`parallax articles list|show`: what is stored."""

from __future__ import annotations

from typing import Any

import click

from parallax.cli import exit_codes
from parallax.cli.options import listing_options
from parallax.cli.state import CliState


@click.group()
def articles() -> None:
    """List and show stored articles."""


@articles.command("list")
@click.option("--outlet", metavar="NAME", help="Only this outlet's articles.")
@click.option("--language", metavar="CODE", help="Only articles in this language.")
@click.option("--stage", help="Only articles at this pipeline stage (ingested, annotated …).")
@listing_options("articles")
@click.pass_obj
def list_command(
    state: CliState,
    outlet: str | None,
    language: str | None,
    stage: str | None,
    run_id: int | None,
    after_id: int | None,
    limit: int,
    as_json: bool,
) -> None:
    """List stored articles, oldest first (page with --after LAST_ID)."""
    from parallax.cli.console import print_json, print_table
    from parallax.shared.crud import list_articles
    from parallax.shared.db import session_scope

    with session_scope(state.engine()) as session:
        rows = list_articles(
            session=session,
            outlet=outlet,
            language=language,
            stage=stage,
            run_id=run_id,
            after_id=after_id,
            limit=limit,
        )
        records = [_summary(article, outlet_name) for article, outlet_name in rows]
    if as_json:
        print_json(records)
        return
    if not records:
        click.echo("No articles match. Add some with: parallax ingest PATH|URL…")
        return
    print_table(
        None,
        ["id", "outlet", "lang", "published", "chars", "rev", "title"],
        [
            [
                r["id"],
                r["outlet"],
                r["language"] or "?",
                (r["published"] or "")[:10],
                f"{r['chars']:,}",
                r["revisions"] or "",
                _shorten(r["title"] or "(no title)", 70),
            ]
            for r in records
        ],
    )
    if len(records) == limit:
        click.echo(f"More: parallax articles list --after {records[-1]['id']}")


@articles.command("show")
@click.argument("article_id", type=int)
@click.option("--original", is_flag=True, help="Print the original text as received, not the clean text.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@click.pass_obj
def show_command(state: CliState, article_id: int, original: bool, as_json: bool) -> None:
    """Show one article: metadata, headline, dateline, revisions and text."""
    from parallax.cli.console import print_json
    from parallax.shared.crud import get_article, list_revisions
    from parallax.shared.db import session_scope

    with session_scope(state.engine()) as session:
        found = get_article(article_id, session=session)
        if found is None:
            click.echo(f"No article {article_id}. List them with: parallax articles list", err=True)
            raise SystemExit(exit_codes.FAILURE)
        article, outlet_name = found
        revisions = list_revisions(article_id, session=session)
        record = {
            **article.model_dump(mode="json"),
            "outlet": outlet_name,
            "revisions": [
                r.model_dump(mode="json", exclude={"original_text", "clean_text"}) for r in revisions
            ],
        }
    if as_json:
        print_json(record)
        return
    _print_article(record, original=original)


def _summary(article: Any, outlet_name: str) -> dict[str, Any]:
    return {
        "id": article.id,
        "outlet": outlet_name,
        "title": article.title,
        "language": article.language,
        "language_confidence": article.language_confidence,
        "published": article.published_at.isoformat() if article.published_at else None,
        "url": article.url,
        "chars": len(article.clean_text),
        "revisions": article.revision_count,
        "copy_of": article.copy_of_id,
        "stage": article.stage,
        "source": article.source_uri,
    }


def _print_article(record: dict[str, Any], *, original: bool) -> None:
    language = record["language"] or "unknown"
    if record["language_source"] == "detected":
        language += f" (detected, confidence {record['language_confidence']:.2f})"
    lines = [
        f"Article {record['id']} — {record['outlet']}",
        f"  title      {record['title'] or '(none)'}",
        f"  published  {record['published_at'] or 'unknown'}",
        f"  language   {language}",
        f"  url        {record['url'] or '—'}",
        f"  source     {record['source_uri']} ({record['source_kind']})",
        f"  stage      {record['stage']} ({record['status']})",
    ]
    if record["dateline"]:
        dateline = record["dateline"]
        lines.append(
            f"  dateline   {dateline['span']['text']!r} (places: {', '.join(dateline['places']) or '—'})"
        )
    if record["copy_of_id"]:
        lines.append(f"  copy of    article {record['copy_of_id']} (the same text, another outlet)")
    for revision in record["revisions"]:
        lines.append(
            f"  revision {revision['revision']}: {revision['title'] or '(no title)'} "
            f"(similarity {revision['similarity']:.3f}, {revision['created_at'][:19]})"
        )
    click.echo("\n".join(lines))
    click.echo("")
    click.echo(record["original_text"] if original else record["clean_text"])


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@articles.command("retry")
@click.argument("article_ids", type=int, nargs=-1)
@click.option("--all-failed", is_flag=True, help="Every failed or quarantined article.")
@click.pass_obj
def retry_command(state: CliState, article_ids: tuple[int, ...], all_failed: bool) -> None:
    """Send failed or quarantined articles through their stage again (after fixing the cause)."""
    from parallax.shared.pipeline import TASK_FOR_STAGE
    from parallax.shared.stages import release

    if not article_ids and not all_failed:
        raise click.UsageError("give article ids, or --all-failed")
    released = release(state.engine(), None if all_failed else list(article_ids))
    if not released:
        click.echo("No failed article among those.")
        raise SystemExit(exit_codes.FAILURE if article_ids else 0)
    from parallax.cli.worker_app import create_worker_app

    app = create_worker_app(state.settings())
    for article_id, stage in released:
        task = TASK_FOR_STAGE.get(stage)
        if task is not None:
            app.send_task(task, args=[article_id])
    click.echo(f"Sent {len(released)} articles again: {', '.join(str(i) for i, _ in released)}")
