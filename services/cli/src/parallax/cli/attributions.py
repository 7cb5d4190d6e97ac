"""`parallax attributions`: who speaks in each article of a file, as JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from parallax.cli.options import file_run_options


@click.command()
@file_run_options("one JSON object per article")
def attributions(inputs: Sequence[str], out: str, workers: int, quiet: bool) -> None:
    """Extract every attribution: who says (or thinks) what, with source, cue and speaker.

    Reads articles in the interchange format (JSON Lines) and writes, per article,
    {"id", "attributions": [{"kind", "content", "source", "cue", "speaker", "source_type"}]}
    with spans as offsets into its `text` exactly as given. Nothing is stored.
    """
    from parallax.annotate.parallel import attributions_in_parallel
    from parallax.cli.annotate import finish_file_run, read_articles

    refused: list[str] = []
    written = 0
    with click.open_file(out, "w", encoding="utf-8") as handle:
        for article_id, records in attributions_in_parallel(read_articles(inputs, refused), workers=workers):
            handle.write(json.dumps({"id": article_id, "attributions": records}, ensure_ascii=False) + "\n")
            written += 1
    finish_file_run(written, refused, done="read", quiet=quiet)
