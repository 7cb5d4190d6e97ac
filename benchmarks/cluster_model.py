"""Fit the cluster service's join-or-new model on half of BASIL and ECB+, and write it.

    .venv/bin/python benchmarks/cluster_model.py            # writes services/cluster/.../data/join_model.json

The articles of half "a" of each set (`cluster_data.half`: by BASIL event, by ECB+ topic) are
streamed through the event pool in the order the service would see them (by date, undated
last). Each article is scored against the candidate events the pool's blocking finds, plus its
true event when blocking missed it: a candidate is a positive when it is the article's true
event. The pool is kept right (each article joins its true event: the model learns to judge
pure events, not to repeat its own mistakes). Two logistic models are fitted by Newton's method
with a small L2 penalty: one on every signal (same language) and one on the signals that need
no translation (across languages; fitted on the same pairs with the word signals left out, so
that French and English articles meet through actors, places, figures and dates). Half "b" of
each set is never seen here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cluster_data  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

OUTPUT = HERE.parent / "services" / "cluster" / "src" / "parallax" / "cluster" / "data" / "join_model.json"
PENALTY = 1e-3
# The candidate window: dated events more than a fortnight from an article's date are not
# scored at all (a design choice about what one "event" is, not a fitted figure).
WINDOW_DAYS = 14.0


def time_scale(items: list[tuple[Any, dict[str, Any]]]) -> float:
    """The mean distance in days from a dated article to the mean date of the other dated
    articles of its event: the Laplace scale of `signals.time_evidence`."""
    dates: dict[str, list[int]] = {}
    for features, record in items:
        if features.published is not None:
            dates.setdefault(str(record["event"]), []).append(features.published.toordinal())
    distances = []
    for days in dates.values():
        for number, day in enumerate(days):
            others = days[:number] + days[number + 1 :]
            if others:
                distances.append(abs(day - sum(others) / len(others)))
    if not distances:
        raise SystemExit("no dated event with two articles in the training half: cannot fit the time scale")
    return sum(distances) / len(distances)


def stream_order(items: list[tuple[Any, dict[str, Any]]]) -> list[tuple[Any, dict[str, Any]]]:
    """(features, record) pairs in the order the service sees articles (`pool.stream_order`)."""
    from parallax.cluster.pool import stream_order as by_date

    record_of = {features.id: record for features, record in items}
    return [(features, record_of[features.id]) for features in by_date(f for f, _ in items)]


def training_pairs(
    items: list[tuple[Any, dict[str, Any]]], scale: float, model: Any = None
) -> tuple[list[tuple[dict[str, float], int]], list[tuple[dict[str, float], int]]]:
    """For a stream kept right: (signals, 1 if the candidate is the article's true event) for
    every candidate, and — when `model` ranks them — the decision signals of the best
    candidate with 1 if it is the true event (0 when it is not, or when there is none yet)."""
    from parallax.cluster.model import JoinModel, Logistic
    from parallax.cluster.pool import EventPool
    from parallax.cluster.signals import (
        CROSS_SIGNALS,
        DECISION_SIGNALS,
        MERGE_SIGNALS,
        SIGNALS,
        observe,
    )
    from parallax.cluster.vectors import DocumentFrequencies

    frequencies = DocumentFrequencies()
    for features, _ in items:
        observe(frequencies, features)
    neutral = JoinModel(
        "fitting",
        Logistic(SIGNALS, tuple(0.0 for _ in SIGNALS), 0.0),
        Logistic(CROSS_SIGNALS, tuple(0.0 for _ in CROSS_SIGNALS), 0.0),
        Logistic(DECISION_SIGNALS, tuple(0.0 for _ in DECISION_SIGNALS), 0.0),
        Logistic(MERGE_SIGNALS, tuple(0.0 for _ in MERGE_SIGNALS), 0.0),
        time_scale=scale,
        window_days=WINDOW_DAYS,
    )
    pool = EventPool(model=model or neutral, frequencies=frequencies)
    event_of_gold: dict[str, str] = {}
    pairs: list[tuple[dict[str, float], int]] = []
    decisions: list[tuple[dict[str, float], int]] = []
    for features, record in stream_order(items):
        article = pool.vectors(features)
        gold = str(record["event"])
        true_event = event_of_gold.get(gold)
        candidates = pool.candidates(article)
        if true_event is not None and true_event not in candidates:
            candidates.append(true_event)
        for event_id in candidates:
            signals, _ = pool.signals(article, event_id)
            pairs.append((signals, int(event_id == true_event)))
        if model is not None:
            ranked = pool.ranked(article)
            if ranked:
                rank, event_id, signals, crossing = ranked[0]
                margin = rank - ranked[1][0] if len(ranked) > 1 else rank
                decision = {**signals, "rank": rank, "margin": margin, "crossing": float(crossing)}
                decisions.append((decision, int(event_id == true_event)))
        if true_event is None:  # kept right: the article goes to its true event
            true_event = event_of_gold[gold] = f"e{len(event_of_gold) + 1:06d}"
        pool.restore(features, true_event, 1.0)
    return pairs, decisions


def merge_pairs(items: list[tuple[Any, dict[str, Any]]], model: Any) -> list[tuple[dict[str, float], int]]:
    """Stream the articles through a pool with `model` (its own decisions, mistakes included),
    then walk its events as the merge pass does: the merge signals of each event and its best
    candidate, with 1 when most members of both report the same true event. Merges that are
    right are made, so that later candidates see the events the pass would leave."""
    from collections import Counter

    from parallax.cluster.pool import EventPool
    from parallax.cluster.signals import observe
    from parallax.cluster.vectors import DocumentFrequencies

    frequencies = DocumentFrequencies()
    for features, _ in items:
        observe(frequencies, features)
    pool = EventPool(model=model, frequencies=frequencies)
    gold = {features.id: str(record["event"]) for features, record in items}
    for features, _ in stream_order(items):
        pool.assign(features)

    def majority(members: dict[str, float]) -> str:
        counts = Counter(gold[member] for member in members)
        return max(sorted(counts), key=lambda label: counts[label])

    pairs: list[tuple[dict[str, float], int]] = []
    for event in sorted(pool.events.values(), key=lambda event: (len(event.members), event.id)):
        if event.id not in pool.events:
            continue
        candidate = pool.merge_candidate(event)
        if candidate is None:
            continue
        target_id, signals = candidate
        same = majority(event.members) == majority(pool.events[target_id].members)
        pairs.append((signals, int(same)))
        if same:
            pool.merge(target_id, event.id, 1.0)
    return pairs


def fit(
    pairs: list[tuple[dict[str, float], int]], names: tuple[str, ...], weights: list[float] | None = None
) -> tuple[list[float], float]:
    """Logistic regression by Newton's method (IRLS) with an L2 penalty on the weights, each
    pair counted with its weight (1 when none are given)."""
    import numpy as np

    x = np.array([[signals.get(name, 0.0) for name in names] for signals, _ in pairs], dtype=float)
    y = np.array([label for _, label in pairs], dtype=float)
    w = np.ones(len(y)) if weights is None else np.array(weights, dtype=float)
    x = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], PENALTY * float(w.sum()))
    penalty[-1] = 0.0  # no penalty on the bias
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (w * (p - y)) + penalty * beta
        hessian = (x * (w * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.max(np.abs(step))) < 1e-9:
            break
    return [float(b) for b in beta[:-1]], float(beta[-1])


def balanced(
    groups: list[list[tuple[dict[str, float], int]]],
) -> tuple[list[tuple[dict[str, float], int]], list[float]]:
    """The pairs of every set, weighted so that each set counts as much as the others and,
    within a set, the true pairs as much as the false ones.

    Why: how often an article joins an event depends on the stream (3 articles per event in
    BASIL, 11 in ECB+, who knows how many in a newsroom's feeds). A model fitted on raw counts
    learns the prior of its training streams and says "join" on thin evidence wherever events
    are large. Balanced, its one half is where the evidence is as likely under "same event"
    as under "another": a decision that does not depend on the training streams' density.
    """
    pairs: list[tuple[dict[str, float], int]] = []
    weights: list[float] = []
    total = sum(len(group) for group in groups)
    for group in groups:
        true = sum(label for _, label in group)
        false = len(group) - true
        for signals, label in group:
            share = true if label else false
            pairs.append((signals, label))
            weights.append(total / (2.0 * len(groups) * share))
    return pairs, weights


def main() -> int:
    """Fit on half "a" of BASIL and ECB+ and write the model file."""
    from parallax.cluster.model import JoinModel, Logistic
    from parallax.cluster.signals import CROSS_SIGNALS, DECISION_SIGNALS, MERGE_SIGNALS, SIGNALS

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    streams = {
        name: [(f, r) for f, r in cluster_data.features_of(name) if cluster_data.half(r, name) == "a"]
        for name in ("basil", "ecbplus")
    }
    scale = time_scale([item for items in streams.values() for item in items])
    pairs, pair_weights = balanced([training_pairs(items, scale)[0] for items in streams.values()])
    model: dict[str, Any] = {}
    for key, names in (("same_language", SIGNALS), ("cross_language", CROSS_SIGNALS)):
        weights, bias = fit(pairs, names, pair_weights)
        model[key] = {
            "weights": dict(zip(names, (round(w, 6) for w in weights), strict=True)),
            "bias": round(bias, 6),
        }
    rankers = JoinModel(
        "ranking",
        Logistic(SIGNALS, tuple(model["same_language"]["weights"].values()), model["same_language"]["bias"]),
        Logistic(
            CROSS_SIGNALS, tuple(model["cross_language"]["weights"].values()), model["cross_language"]["bias"]
        ),
        Logistic(DECISION_SIGNALS, tuple(0.0 for _ in DECISION_SIGNALS), 0.0),
        Logistic(MERGE_SIGNALS, tuple(0.0 for _ in MERGE_SIGNALS), 0.0),
        time_scale=scale,
        window_days=WINDOW_DAYS,
    )
    decisions, decision_weights = balanced(
        [training_pairs(items, scale, rankers)[1] for items in streams.values()]
    )
    weights, bias = fit(decisions, DECISION_SIGNALS, decision_weights)
    model["decision"] = {
        "weights": dict(zip(DECISION_SIGNALS, (round(w, 6) for w in weights), strict=True)),
        "bias": round(bias, 6),
    }
    streaming = JoinModel(
        "merging",
        rankers.same_language,
        rankers.cross_language,
        Logistic(DECISION_SIGNALS, tuple(model["decision"]["weights"].values()), model["decision"]["bias"]),
        Logistic(MERGE_SIGNALS, tuple(0.0 for _ in MERGE_SIGNALS), 0.0),
        time_scale=scale,
        window_days=WINDOW_DAYS,
    )
    # the merge pass also sees both sets in one stream: events of one set then meet the other's
    merge_streams = [*streams.values(), [item for items in streams.values() for item in items]]
    merges, merge_weights = balanced([merge_pairs(items, streaming) for items in merge_streams])
    weights, bias = fit(merges, MERGE_SIGNALS, merge_weights)
    model["merge"] = {
        "weights": dict(zip(MERGE_SIGNALS, (round(w, 6) for w in weights), strict=True)),
        "bias": round(bias, 6),
    }
    described = [f"{name} half a: {len(items)} articles" for name, items in streams.items()]
    model = {
        "trained_on": "; ".join(described)
        + f"; {len(pairs)} candidate pairs ({sum(label for _, label in pairs)} true), "
        + f"{len(decisions)} best-candidate decisions ({sum(label for _, label in decisions)} joins), "
        + f"{len(merges)} merge candidates ({sum(label for _, label in merges)} right)",
        **model,
    }
    model = {**model, "time_scale": round(scale, 6), "window_days": WINDOW_DAYS}
    digest = hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:8]
    model = {
        "version": f"join.v3-{digest}",
        "time_scale": round(scale, 6),
        "window_days": WINDOW_DAYS,
        **model,
    }
    arguments.out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(model, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
