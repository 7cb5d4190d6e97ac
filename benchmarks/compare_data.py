"""The sets the compare benchmarks read, annotated once and cached.

BASIL (../shared/data/basil: 100 events x 3 outlets, real articles nobody here wrote) is read
with its gold events; each article is annotated by Parallax's annotate service, and the
annotation JSON is cached in benchmarks/.work/ keyed by the annotator version and the set's
bytes, so a second run reads it in seconds. The comparison itself does no NLP.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from cluster_data import WORK, read_records, source_path


def annotations_of(name: str, workers: int = 0) -> dict[str, dict[str, Any]]:
    """The stored-form annotation (JSON) of every article of a set, by article id."""
    from parallax.annotate.annotate import annotator_versions

    records = read_records(name)
    version = annotator_versions("en").key() + "|" + annotator_versions("fr").key()
    digest = hashlib.sha256(
        (version + "\0" + source_path(name).read_text(encoding="utf-8")).encode()
    ).hexdigest()[:16]
    cache = WORK / f"annotations-{name}-{digest}.jsonl"
    if not cache.is_file():
        from parallax.annotate.annotate import ArticleInput
        from parallax.annotate.parallel import annotate_in_parallel
        from parallax.compare.article import published_of

        WORK.mkdir(exist_ok=True)
        inputs = (
            ArticleInput.from_text(
                record["id"],
                record["text"],
                title=record.get("title"),
                language=record.get("language") or "en",
                published=(moment.date() if (moment := published_of(record.get("published"))) else None),
            )
            for record in records
        )
        lines = [annotation.model_dump_json() for annotation in annotate_in_parallel(inputs, workers=workers)]
        cache.write_text("\n".join(lines) + "\n", encoding="utf-8")
    annotations = {}
    for line in cache.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        annotations[data["id"]] = data
    return annotations


def events_of(name: str, workers: int = 0) -> dict[str, list[Any]]:
    """The set's gold events, each the list of its articles (parallax.compare Article), in file order."""
    from parallax.compare.article import Article

    annotations = annotations_of(name, workers)
    events: dict[str, list[Any]] = defaultdict(list)
    for record in read_records(name):
        events[str(record["event"])].append(Article.from_record(record, annotations[record["id"]]))
    return dict(events)
