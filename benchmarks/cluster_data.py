"""The clustering evaluation sets as the cluster service reads them, annotated once and cached.

Sets (read-only, from ../shared/data; never copied into the repository):
- `basil`: BASIL, 100 events x 3 outlets (Fox News, New York Times, HuffPost), 2010–2019, dated;
- `ecbplus`: ECB+, 43 topics of two real events of the same kind each, no dates;
- `bilingual`: Parallax's own French/English fixture set (services/cluster/tests/data/bilingual).

Each article is annotated by Parallax's annotate service (as `parallax cluster` does) and
reduced to the cluster features; the features are cached in benchmarks/.work/ keyed by the
annotator version, so a second run reads them in seconds.

Halves: `half(event_or_topic)` puts each BASIL event and each ECB+ *topic* (both of its
events together, so that the hard negatives stay together) in half "a" or "b" by a hash of its
label; the join model is fitted on half "a" only (`cluster_model.py`) and half "b" is held out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
SHARED_DATA = HERE.parent.parent / "shared" / "data"
BILINGUAL = HERE.parent / "services" / "cluster" / "tests" / "data" / "bilingual" / "articles.jsonl"
SETS = ("basil", "ecbplus", "bilingual")


def source_path(name: str) -> Path:
    """The JSON Lines file of a set."""
    if name == "bilingual":
        return BILINGUAL
    return SHARED_DATA / name / "articles.jsonl"


def read_records(name: str) -> list[dict[str, Any]]:
    """The set's article records with their gold labels, in file order."""
    path = source_path(name)
    if not path.is_file():
        raise SystemExit(f"{path} is missing: the {name} set is needed for this benchmark")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records:
        record["id"] = f"{name}:{record['id']}"
        if record.get("published") in ("None", ""):
            record["published"] = None
        if record.get("outlet") in ("None", ""):
            record["outlet"] = None
    return records


def half(record: dict[str, Any], name: str) -> str:
    """ "a" (fit the model) or "b" (held out), by the event — or, in ECB+, by the topic."""
    label = str(record.get("topic") if name == "ecbplus" else record["event"])
    return "a" if int(hashlib.sha1(f"{name}:{label}".encode()).hexdigest(), 16) % 2 == 0 else "b"


def features_of(name: str, workers: int = 0) -> list[tuple[Any, dict[str, Any]]]:
    """(ArticleFeatures, record) for every article of a set, annotating what is not cached."""
    from parallax.annotate.annotate import annotator_versions
    from parallax.cluster.features import ArticleFeatures

    records = read_records(name)
    version = annotator_versions("en").key() + "|" + annotator_versions("fr").key()
    digest = hashlib.sha256(
        (version + "\0" + source_path(name).read_text(encoding="utf-8")).encode()
    ).hexdigest()[:16]
    cache = WORK / f"cluster-features-{name}-{digest}.jsonl"
    if not cache.is_file():
        WORK.mkdir(exist_ok=True)
        from parallax.cli.cluster import annotated_features

        lines = [json.dumps(_serialisable(asdict(f))) for f in annotated_features(records, workers=workers)]
        cache.write_text("\n".join(lines) + "\n", encoding="utf-8")
    by_id = {record["id"]: record for record in records}
    result = []
    for line in cache.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        if data["published"]:
            import datetime as dt

            data["published"] = dt.date.fromisoformat(data["published"])
        result.append((ArticleFeatures(**data), by_id[data["id"]]))
    return result


def _serialisable(data: dict[str, Any]) -> dict[str, Any]:
    published = data.get("published")
    if published is not None:
        data["published"] = published.isoformat()
    return data
