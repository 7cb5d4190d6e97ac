"""`parallax cluster`: which event each article of some files reports, in-process, no server."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from parallax.cli.options import file_run_options


@click.command()
@file_run_options(
    "one {id, event} line per article", workers_help="Processes for the annotation (0 = one per core)."
)
def cluster(inputs: Sequence[str], out: str, workers: int, quiet: bool) -> None:
    """Group articles into events: the same event across outlets and languages.

    Reads articles in the interchange format (JSON Lines; several files make one stream),
    annotates them, and assigns each to an event as the cluster service does, in order of
    publication (undated articles last, in file order), then merges the events that turn out
    to be one and splits those that turn out to be two. Writes {"id", "event", "score",
    "started"} per article in input order ("score": the probability it joined with, 1 for
    the article that started an event); the same input always gives the same events.
    Nothing is stored.
    """
    from parallax.annotate.parallel import annotate_in_parallel
    from parallax.cli.annotate import finish_file_run, read_article_records
    from parallax.cluster.features import FeatureError, features_from_annotation
    from parallax.cluster.pool import EventPool, stream_order
    from parallax.cluster.signals import observe
    from parallax.cluster.vectors import DocumentFrequencies

    refused: list[str] = []
    records = list(read_article_records(inputs, refused))
    by_id = {record.id: record for record, _ in records}
    features = []
    for annotation in annotate_in_parallel((article for _, article in records), workers=workers):
        record = by_id[annotation.id]
        try:
            features.append(
                features_from_annotation(record.model_dump(mode="json"), annotation.model_dump(mode="json"))
            )
        except FeatureError as error:
            refused.append(str(error))
    # a batch knows its whole input: every article's words are weighed by the same frequencies
    frequencies = DocumentFrequencies()
    for item in features:
        observe(frequencies, item)
    pool = EventPool(frequencies=frequencies)
    assignments = {a.article_id: a for a in pool.assign_all(stream_order(features))}
    # at the end of a batch, events that turn out to be one are merged and events that turn
    # out to be two are split (the service does it periodically); an article keeps the score
    # it joined with
    pool.merge_until_stable()
    pool.split_pass({item.id: item for item in features})
    with click.open_file(out, "w", encoding="utf-8") as handle:
        for item in features:
            assignment = assignments[item.id]
            line = {
                "id": item.id,
                "event": pool.event_of[item.id],
                "score": round(assignment.score, 4),
                "started": assignment.started,
            }
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    if not quiet:
        click.echo(f"{len(pool.events):,} events.", err=True)
    finish_file_run(len(features), refused, done="clustered", quiet=quiet)
