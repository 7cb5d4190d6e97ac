"""`parallax cluster`: which event each article of some files reports, in-process, no server."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from parallax.cli.options import file_run_options

if TYPE_CHECKING:
    from parallax.cluster.features import ArticleFeatures


@click.command()
@file_run_options(
    "one {id, event, score} line per article", workers_help="Processes for the annotation (0 = one per core)."
)
def cluster(inputs: Sequence[str], out: str, workers: int, quiet: bool) -> None:
    """Group articles into events: the same event across outlets and languages.

    Reads articles in the interchange format (JSON Lines; several files make one stream),
    annotates them, and assigns each to an event as the cluster service does, in order of
    publication (undated articles last, in file order), then merges the events that turn out
    to be one and splits those that turn out to be two. Writes {"id", "event", "score"} per
    article in input order ("score": the probability it joined with, 1 for the article that
    started an event); the same input always gives the same events. Nothing is stored.
    """
    from parallax.cli.annotate import finish_file_run, read_article_records
    from parallax.cluster.pool import cluster_batch

    refused: list[str] = []
    records = [record for record, _ in read_article_records(inputs, refused)]
    features = annotated_features(records, workers=workers, refused=refused)
    pool = cluster_batch(features)
    with click.open_file(out, "w", encoding="utf-8") as handle:
        for item in features:
            event = pool.event(pool.event_of[item.id])
            line = {"id": item.id, "event": event.id, "score": round(event.members[item.id], 4)}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    if not quiet:
        click.echo(f"{len(set(pool.event_of.values())):,} events.", err=True)
    finish_file_run(len(features), refused, done="clustered", quiet=quiet)


def annotated_features(
    records: Sequence[Mapping[str, Any]], *, workers: int = 0, refused: list[str] | None = None
) -> list[ArticleFeatures]:
    """Interchange records annotated (over `workers` processes, 0 = one per core) and read as
    the clustering reads them, in the order given: what `parallax cluster` clusters.

    A record the clustering cannot read is reported in `refused` and left out; without
    `refused`, its `FeatureError` is raised. A record without a language is taken as English.
    """
    from parallax.cli.annotate import annotate_records
    from parallax.cluster.features import FeatureError, features_from_annotation

    annotations = annotate_records(records, workers=workers)
    by_id = {str(record["id"]): record for record in records}
    features = []
    for article_id, annotation in annotations.items():
        try:
            features.append(features_from_annotation(by_id[article_id], annotation))
        except FeatureError as error:
            if refused is None:
                raise
            refused.append(str(error))
    return features
