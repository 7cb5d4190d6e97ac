"""`parallax events assign|list|show|merge|split`: the stored events, and their maintenance."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from parallax.cli import exit_codes
from parallax.cli.state import CliState

if TYPE_CHECKING:
    from parallax.shared.models import Article, Event, EventMembership


@click.group()
def events() -> None:
    """Put stored articles in events, list and show the events, merge and split them."""


@events.command("assign")
@click.option("--id", "article_ids", type=int, multiple=True, metavar="ID", help="Only this article.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on standard error.")
@click.pass_obj
def assign_command(state: CliState, article_ids: Sequence[int], quiet: bool) -> None:
    """Put the stored, annotated articles that are in no event yet in their events.

    The same as the cluster service's workers do, one writer at a time; an article already in
    an event stays where it is. Annotate first: parallax annotate --stored.
    """
    from parallax.cli.console import progress_counter
    from parallax.cluster.store import cluster_stored
    from parallax.shared.errors import ParallaxError

    try:
        with progress_counter("Clustering", enabled=not quiet and sys.stderr.isatty()) as advance:
            report = cluster_stored(article_ids or None, engine=state.engine(), progress=advance)
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{report.clustered:,} put in events ({report.started:,} new events), "
        f"{report.already_clustered:,} already in one, {len(report.failed):,} failed, "
        f"{len(report.not_ready):,} not annotated, {len(report.missing):,} not found."
    )
    for article_id, reason in report.failed.items():
        click.echo(f"  article {article_id}: {reason}", err=True)
    if report.not_ready:
        click.echo(f"  not annotated (or failed): {_ids(report.not_ready)}", err=True)
    if report.missing:
        click.echo(f"  no such article: {_ids(report.missing)}", err=True)
    if report.failed or report.missing or report.not_ready:
        done = report.clustered or report.already_clustered
        raise SystemExit(exit_codes.PARTIAL if done else exit_codes.FAILURE)


@events.command("list")
@click.option(
    "--status",
    type=click.Choice(["open", "merged", "all"]),
    default="open",
    show_default=True,
    help="Which events: those holding articles, those merged into another, or both.",
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON on standard output.")
@click.pass_obj
def list_command(state: CliState, status: str, limit: int, as_json: bool) -> None:
    """List stored events, the most recently reported first."""
    from parallax.cli.console import print_json, print_table
    from parallax.cluster.store import list_events
    from parallax.shared.db import session_scope

    with session_scope(state.engine()) as session:
        records = [
            event_record(event)
            for event in list_events(session=session, status=None if status == "all" else status, limit=limit)
        ]
    if as_json:
        print_json(records)
        return
    if not records:
        click.echo("No events. Put annotated articles in events with: parallax events assign")
        return
    print_table(
        None,
        ["id", "articles", "outlets", "lang", "dates", "title"],
        [
            [
                r["id"] + ("" if r["status"] == "open" else f" → {r['merged_into']}"),
                r["article_count"],
                len(r["outlets"]),
                ", ".join(r["languages"]),
                _dates(r),
                r["title"] or "(no headline)",
            ]
            for r in records
        ],
    )


@events.command("compare")
@click.argument("event_ids", nargs=-1, metavar="[EVENT_ID]...")
@click.option("--force", is_flag=True, help="Compare again even when the stored comparison is current.")
@click.pass_obj
def compare_command(state: CliState, event_ids: Sequence[str], force: bool) -> None:
    """Compare stored events (all when none is named): wording, sources, omissions, reuse, shape.

    The same as the compare service's workers do: an event whose stored comparison is current
    (same articles, texts, annotations and comparison version) is left alone unless --force.
    """
    from parallax.compare.store import compare_stored
    from parallax.shared.errors import ParallaxError

    try:
        report = compare_stored(list(event_ids) or None, engine=state.engine(), force=force)
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{len(report.compared):,} compared, {len(report.up_to_date):,} already up to date, "
        f"{len(report.missing):,} not found."
    )
    for event_id, left_out in report.left_out.items():
        for article_id, reason in left_out.items():
            click.echo(f"  event {event_id}, article {article_id} left out: {reason}", err=True)
    if report.missing:
        click.echo(f"  no such event: {', '.join(report.missing)}", err=True)
        raise SystemExit(exit_codes.PARTIAL if report.compared or report.up_to_date else exit_codes.FAILURE)


@events.command("show")
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="Print the event and its articles as JSON.")
@click.pass_obj
def show_command(state: CliState, event_id: str, as_json: bool) -> None:
    """Show one event: what it sums up, and its articles with their join probabilities."""
    from parallax.cli.console import print_json
    from parallax.cluster.store import event_articles, get_event
    from parallax.shared.db import session_scope

    with session_scope(state.engine()) as session:
        event = get_event(event_id, session=session)
        if event is None:
            click.echo(f"No event {event_id}. List them with: parallax events list", err=True)
            raise SystemExit(exit_codes.FAILURE)
        record = event_record(event, event_articles(event_id, session=session))
    if as_json:
        print_json(record)
        return
    click.echo("\n".join(describe_event(record)))


def describe_event(record: dict[str, Any]) -> list[str]:
    """An event and its articles as lines for a person (shared with the demo)."""
    lines = [f"Event {record['id']} — {record['title'] or '(no headline)'}"]
    if record["status"] != "open":
        lines.append(f"  merged into {record['merged_into']}: parallax events show {record['merged_into']}")
        return lines
    lines.append(
        f"  {record['article_count']} articles · {_dates(record)} · "
        f"languages {', '.join(record['languages']) or '?'}"
    )
    lines.append(f"  outlets    {', '.join(record['outlets'])}")
    if record["split_from"]:
        lines.append(f"  split from {record['split_from']}")
    for article in record.get("articles", []):
        how = "started it" if article["started"] else f"joined, p={article['score']:.2f}"
        lines.append(
            f"  [{article['id']}] {article['outlet']} · {article['language'] or '?'} · "
            f"{(article['published'] or 'undated')[:10]} · {how}"
        )
        lines.append(f"      {article['title'] or '(no headline)'}")
    return lines


@events.command("merge")
@click.pass_obj
def merge_command(state: CliState) -> None:
    """Merge the events that turn out to be one, then split those that turn out to be two
    (the service's maintenance pass, run now)."""
    from parallax.cluster.store import merge_stored, split_pass_stored
    from parallax.shared.errors import ParallaxError

    try:
        merges = merge_stored(engine=state.engine())
        splits = split_pass_stored(engine=state.engine())
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    if not merges and not splits:
        click.echo("No events to merge or split.")
        return
    for merge in merges:
        click.echo(
            f"Merged {merge.absorbed} ({_articles(len(merge.moved))}) into {merge.kept}, p={merge.score:.2f}"
        )
    for split in splits:
        click.echo(
            f"Split {split.event}: {_articles(len(split.moved))} to the new event {split.into} "
            f"(p one event {split.score:.2f})"
        )


def _articles(count: int) -> str:
    return f"{count} article{'s' if count != 1 else ''}"


@events.command("split")
@click.argument("event_id")
@click.option(
    "--group",
    "groups",
    multiple=True,
    required=True,
    metavar="ID,ID,...",
    help="Article ids that make one event; give every article of the event in one --group.",
)
@click.pass_obj
def split_command(state: CliState, event_id: str, groups: Sequence[str]) -> None:
    """Divide an event that is several: the first group keeps its id, each other one is a new event."""
    from parallax.cluster.store import split_stored
    from parallax.shared.errors import ParallaxError

    parsed = [_article_ids(group) for group in groups]
    try:
        ids = split_stored(event_id, parsed, engine=state.engine())
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Split {event_id} into {len(ids)} events:")
    for new_id, group in zip(ids, parsed, strict=True):
        click.echo(f"  {new_id}: articles {_ids(group)}")


def _article_ids(group: str) -> list[int]:
    try:
        return [int(part) for part in group.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(
            f"{group!r} is not a list of article ids; write them like 12,15,31", param_hint="--group"
        ) from None


def event_record(
    event: Event, articles: Sequence[tuple[EventMembership, Article, str]] | None = None
) -> dict[str, Any]:
    """An event (and, when given, its articles with their memberships) as plain data."""
    record: dict[str, Any] = {
        "id": event.id,
        "title": event.title,
        "status": event.status,
        "merged_into": event.merged_into,
        "split_from": event.split_from,
        "article_count": event.article_count,
        "outlets": event.outlets,
        "languages": event.languages,
        "first_published": event.first_published.isoformat() if event.first_published else None,
        "last_published": event.last_published.isoformat() if event.last_published else None,
        "algorithm_version": event.algorithm_version,
        "model_version": event.model_version,
    }
    if articles is not None:
        record["articles"] = [
            {
                "id": article.id,
                "outlet": outlet,
                "language": article.language,
                "published": article.published_at.isoformat() if article.published_at else None,
                "title": article.title,
                "score": round(membership.score, 4),
                "started": membership.started,
            }
            for membership, article, outlet in articles
        ]
    return record


def _dates(record: dict[str, Any]) -> str:
    first, last = (
        record[name][:10] if record[name] else None for name in ("first_published", "last_published")
    )
    if first is None or last is None:
        return "undated"
    return first if first == last else f"{first} to {last}"


def _ids(numbers: Sequence[int]) -> str:
    return ", ".join(map(str, numbers))
