"""`parallax compare`: how the articles of each event differ, with the evidence, in-process."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import click


@click.command()
@click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True), metavar="IN.jsonl..."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    required=True,
    help="Where to write the report (JSON; '-' = standard output).",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write a report a person can read on its own: the articles side by side.",
)
@click.option(
    "--group-by",
    "group_by",
    metavar="FIELD",
    help="Take the events from this field of the records (e.g. a gold 'event') instead of clustering.",
)
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=0,
    show_default=True,
    help="Processes for the annotation (0 = one per core).",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary on standard error.")
def compare(
    inputs: Sequence[str], out: str, html_path: str | None, group_by: str | None, workers: int, quiet: bool
) -> None:
    """Compare the articles of each event: wording, sources, omissions, reuse, shape.

    Reads articles in the interchange format (JSON Lines; several files make one stream),
    annotates them, groups them into events (by clustering, as `parallax cluster` does, or by
    --group-by FIELD), and writes one report: per event, every measurement with the spans of
    the texts it was counted from (the texts are in the report, so it stands on its own),
    and every two articles' framing distance with its components ("pairs").
    Nothing is stored. A record that cannot be read, or lacks the --group-by field, is
    reported on standard error and left out; the others are compared.
    """
    from parallax.api.explain import explain_article
    from parallax.api.scores import event_pairs_json
    from parallax.cli.annotate import annotate_records, finish_file_run, read_article_records
    from parallax.compare.article import articles_from
    from parallax.compare.comparison import COMPARISON_VERSION, compare_event

    refused: list[str] = []
    records = _unique([record for record, _ in read_article_records(inputs, refused)], refused)
    annotations = annotate_records(records, workers=workers)
    events = _grouped(records, group_by, refused) if group_by else _clustered(records, annotations, refused)
    report_events = []
    for event_id, members in events.items():
        event_report = compare_event(event_id, articles_from(members, annotations)).to_json(
            include_texts=True
        )
        # the API's framing distances, from the measurements alone (profile "balanced")
        event_report["pairs"] = event_pairs_json(event_report)
        event_report["explanations"] = {
            str(article["id"]): explain_article(event_report, str(article["id"]), "en")
            for article in event_report["articles"]
        }
        report_events.append(event_report)
    report = {
        "version": COMPARISON_VERSION,
        "grouped_by": group_by or "cluster",
        "events": report_events,
        "refused": refused,
    }
    with click.open_file(out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    if html_path:
        from parallax.compare.html import render_report

        with open(html_path, "w", encoding="utf-8") as handle:
            handle.write(render_report(report))
    compared = sum(len(event["articles"]) for event in report_events)
    if not quiet:
        click.echo(f"{len(report_events):,} events.", err=True)
    finish_file_run(compared, refused, done="compared", quiet=quiet)


def _unique(records: list[dict[str, Any]], refused: list[str]) -> list[dict[str, Any]]:
    """Records with distinct ids: a second record with an id already seen is refused."""
    seen: set[str] = set()
    kept = []
    for record in records:
        article_id = str(record["id"])
        if article_id in seen:
            refused.append(
                f"article {article_id}: a second record with this id; give each article its own id"
            )
            continue
        seen.add(article_id)
        kept.append(record)
    return kept


def _grouped(
    records: Sequence[dict[str, Any]], field: str, refused: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Records by the value of one of their fields, in order of first appearance."""
    events: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        value = record.get(field)
        if value in (None, ""):
            refused.append(
                f"article {record['id']}: no {field!r} field to group by; "
                "add it, or leave --group-by out to cluster"
            )
            continue
        events.setdefault(str(value), []).append(record)
    return events


def _clustered(
    records: Sequence[dict[str, Any]], annotations: Mapping[str, Mapping[str, Any]], refused: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """Records by the event the cluster service puts them in, in order of first appearance."""
    from parallax.cluster.features import FeatureError, features_from_annotation
    from parallax.cluster.pool import cluster_batch

    features = []
    by_id = {}
    for record in records:
        try:
            features.append(features_from_annotation(record, annotations[str(record["id"])]))
        except FeatureError as error:
            refused.append(str(error))
            continue
        by_id[str(record["id"])] = record
    pool = cluster_batch(features)
    events: dict[str, list[dict[str, Any]]] = {}
    for item in features:
        events.setdefault(pool.event(pool.event_of[item.id]).id, []).append(by_id[item.id])
    return events
