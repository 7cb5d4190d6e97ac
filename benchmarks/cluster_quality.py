"""Event clustering quality: Parallax's cluster service against the TF-IDF peer, same run.

    .venv/bin/python benchmarks/cluster_quality.py [--json results/cluster_quality.json]

Sets: BASIL, ECB+, both pooled into one stream, and Parallax's bilingual fixture set; for
BASIL and ECB+ also their held-out half "b" alone (the join model was fitted on half "a":
`cluster_model.py`). Parallax runs as `parallax cluster` does: one configuration for every set,
articles in stream order (by date, undated last), document frequencies from the whole input,
then the merge and split passes.
The peer is scikit-learn TF-IDF + average-linkage agglomerative clustering with its distance
threshold tuned on each set itself (`cluster_peer.py`): what a user would try first, given an
advantage Parallax does not get. Both are scored by ../shared/tools/score_clusters.py
(BCubed and pairwise F1, number of events).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cluster_data  # noqa: E402


def parallax_events(items: list[tuple[Any, dict[str, Any]]]) -> tuple[dict[str, str], float]:
    """Article id -> event id by Parallax (`pool.cluster_batch`, as `parallax cluster`), and
    the milliseconds of CPU per article it took (parse excluded)."""
    from parallax.cluster.pool import cluster_batch

    started = time.process_time()
    pool = cluster_batch([features for features, _ in items])
    return dict(pool.event_of), (time.process_time() - started) * 1000 / max(len(items), 1)


def evaluate(name: str, items: list[tuple[Any, dict[str, Any]]], with_peer: bool) -> dict[str, Any]:
    """Scores of Parallax (and of the tuned peer) on one set."""
    import cluster_peer

    score = cluster_peer.load_scorer().score
    gold = {record["id"]: str(record["event"]) for _, record in items}
    predicted, ms = parallax_events(items)
    result: dict[str, Any] = {
        "set": name,
        "articles": len(items),
        "gold_events": len(set(gold.values())),
        "parallax": {**score(gold, predicted), "ms_per_article": round(ms, 3)},
    }
    if with_peer:
        records = [record for _, record in items]
        threshold, peer_score = cluster_peer.tune_threshold(records, gold)
        result["peer_tuned_on_this_set"] = {"threshold": threshold, **peer_score}
    return result


def main() -> int:
    """Run every set and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--no-peer", action="store_true", help="Parallax only (faster)")
    arguments = parser.parse_args()
    basil, ecb = cluster_data.features_of("basil"), cluster_data.features_of("ecbplus")
    runs = [
        ("basil", basil),
        ("ecbplus", ecb),
        ("pooled", basil + ecb),
        ("basil half b (held out)", [i for i in basil if cluster_data.half(i[1], "basil") == "b"]),
        ("ecbplus half b (held out)", [i for i in ecb if cluster_data.half(i[1], "ecbplus") == "b"]),
    ]
    if cluster_data.BILINGUAL.is_file():
        runs.append(("bilingual", cluster_data.features_of("bilingual")))
    results = []
    for name, items in runs:
        result = evaluate(name, items, with_peer=not arguments.no_peer)
        results.append(result)
        print(_line(result))
    if arguments.json:
        from parallax.cluster.model import shipped_join_model

        arguments.json.write_text(
            json.dumps(
                {
                    "date": dt.date.today().isoformat(),
                    "model": shipped_join_model().version,
                    "results": results,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


def _line(result: dict[str, Any]) -> str:
    mine = result["parallax"]
    text = (
        f"{result['set']:<28} parallax BCubed F1 {mine['bcubed_f1']:.3f} (P {mine['bcubed_p']:.3f} "
        f"R {mine['bcubed_r']:.3f}) pairwise F1 {mine['pairwise_f1']:.3f} events "
        f"{mine['pred_events']}/{result['gold_events']} ({mine['ms_per_article']} ms/article)"
    )
    peer = result.get("peer_tuned_on_this_set")
    if peer:
        text += f" | peer@{peer['threshold']:.2f} {peer['bcubed_f1']:.3f} pairwise {peer['pairwise_f1']:.3f}"
    return text


if __name__ == "__main__":
    raise SystemExit(main())
