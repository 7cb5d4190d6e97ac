"""Framing distances between the articles of an event, from its stored comparison report.

The compare service measures; this module judges, and only from the report (the JSON that
`parallax compare` writes and the compare service stores): changing weights never re-runs any
NLP. Every component is a distance in [0, 1] between two articles, or None when the report
holds nothing to compare it on, and carries the evidence it was computed from (spans, units,
shares), so a number can always be traced back to the text.

Components, for articles a and b:
- omissions: Jaccard distance between the content units each carries;
- sources: total variation between the shares of their attributions by side;
- speakers: Jaccard distance between the canonical speakers each quotes;
- loaded: relative difference of their loaded-language rates (per 1,000 words);
- labels: mean Jaccard distance between the expressions each uses for the actors both name;
- substitutions: substitutions per aligned sentence pair between the two;
- coverage: the share of their sentences with no counterpart in the other;
- reuse: how little of them is shared text (1 when none).

The composite is the weighted mean of the components that have a value, the weights
renormalised over them; weights come from a named profile or from the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Final

# Named weight profiles. "balanced" weighs every component alike; the others lean on one
# family of evidence. None is validated yet as the best: see docs/scores.md.
PROFILES: Final[dict[str, dict[str, float]]] = {
    "balanced": {
        "omissions": 1.0,
        "sources": 1.0,
        "speakers": 1.0,
        "loaded": 1.0,
        "labels": 1.0,
        "substitutions": 1.0,
        "coverage": 1.0,
        "reuse": 1.0,
    },
    "sources": {"sources": 2.0, "speakers": 2.0, "omissions": 1.0},
    "wording": {"loaded": 2.0, "labels": 2.0, "substitutions": 1.0},
}
DEFAULT_PROFILE: Final = "balanced"
# Evidence items listed per component (the report has them all).
_EVIDENCE_LISTED: Final = 10


class WeightsError(ValueError):
    """Weights that cannot be used; the message says which and how to fix them."""


@dataclass(frozen=True, slots=True)
class ComponentValue:
    """One component's distance between two articles, with what it was computed from."""

    value: float | None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The component as reports show it."""
        return {
            "value": None if self.value is None else round(self.value, 4),
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class PairDistance:
    """The framing distance between two articles of one event, by component and composite."""

    a: str
    b: str
    distance: float | None
    components: dict[str, ComponentValue]

    def to_json(self) -> dict[str, Any]:
        """The pair as `parallax compare` reports carry it."""
        return {
            "a": self.a,
            "b": self.b,
            "distance": None if self.distance is None else round(self.distance, 4),
            "components": {name: component.to_json() for name, component in self.components.items()},
        }


def weights_for(profile: str | None = None, weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """The weights of a named profile, or the caller's own (unknown components or negative
    weights are refused with the list of what is allowed)."""
    if weights is None:
        name = profile or DEFAULT_PROFILE
        if name not in PROFILES:
            raise WeightsError(f"unknown profile {name!r}; choose one of {', '.join(sorted(PROFILES))}")
        return dict(PROFILES[name])
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        raise WeightsError(f"unknown components {unknown}; weights may name {', '.join(COMPONENTS)}")
    negative = sorted(name for name, weight in weights.items() if weight < 0)
    if negative:
        raise WeightsError(f"weights must be 0 or more; {negative} are negative")
    if not any(weight > 0 for weight in weights.values()):
        raise WeightsError("at least one weight must be above 0")
    return dict(weights)


def pair_distances(
    report: Mapping[str, Any], weights: Mapping[str, float] | None = None
) -> list[PairDistance]:
    """The framing distance of every two articles of one event report, in the report's order."""
    chosen = weights_for(weights=weights) if weights is not None else weights_for()
    view = _ReportView(report)
    pairs = []
    for a, b in combinations(view.article_ids, 2):
        components = {name: compute(view, a, b) for name, compute in COMPONENTS.items()}
        pairs.append(PairDistance(a, b, composite(components, chosen), components))
    return pairs


def composite(components: Mapping[str, ComponentValue], weights: Mapping[str, float]) -> float | None:
    """The weighted mean of the components that have a value (None when none has)."""
    total = sum(weights.get(name, 0.0) for name, part in components.items() if part.value is not None)
    if total == 0:
        return None
    return (
        sum(
            weights.get(name, 0.0) * part.value for name, part in components.items() if part.value is not None
        )
        / total
    )


class _ReportView:
    """Indexes over one event report, built once for all its pairs."""

    def __init__(self, report: Mapping[str, Any]) -> None:
        self.article_ids = [str(article["id"]) for article in report.get("articles") or []]
        self.sentences = {str(a["id"]): int(a.get("sentences") or 0) for a in report.get("articles") or []}
        omissions = report.get("omissions") or {}
        self.units: dict[str, set[str]] = defaultdict(set)
        self.unit_evidence: dict[str, Any] = {}
        for unit in omissions.get("units") or []:
            self.unit_evidence[unit["id"]] = unit.get("evidence")
            for article in unit.get("articles") or []:
                self.units[str(article)].add(str(unit["id"]))
        sources = (report.get("sources") or {}).get("by_article") or {}
        self.sides = {
            key: {s["side"]: float(s["share"]) for s in value.get("sides") or []}
            for key, value in sources.items()
        }
        self.speakers = {
            key: {s["speaker"] for s in value.get("speakers") or [] if s.get("resolved")}
            for key, value in sources.items()
        }
        wording = report.get("wording") or {}
        self.loaded: dict[str, float] = defaultdict(float)
        self.loaded_spans: dict[str, list[Any]] = defaultdict(list)
        for row in wording.get("densities") or []:
            if row.get("category") in _NOT_LOADED:
                continue
            self.loaded[str(row["article"])] += float(row.get("per_1000") or 0.0)
            self.loaded_spans[str(row["article"])].extend(row.get("spans") or [])
        self.labels: dict[str, dict[str, set[str]]] = defaultdict(dict)
        for actor in wording.get("actor_labels") or []:
            for owner in actor.get("by_article") or []:
                self.labels[str(owner["owner"])][actor["actor"]] = {
                    label["expression"] for label in owner["labels"]
                }
        self.substitutions: dict[frozenset[str], list[Any]] = defaultdict(list)
        for item in wording.get("substitutions") or []:
            self.substitutions[frozenset((item["first"]["article"], item["second"]["article"]))].append(item)
        self.linked: dict[frozenset[str], set[tuple[str, int]]] = defaultdict(set)
        self.links: dict[frozenset[str], int] = defaultdict(int)
        for link in (report.get("alignment") or {}).get("links") or []:
            first, second = link["first"], link["second"]
            key = frozenset((first["article"], second["article"]))
            self.links[key] += 1
            self.linked[key].update(
                {(first["article"], first["start"]), (second["article"], second["start"])}
            )
        reuse = report.get("reuse") or {}
        self.passages: dict[frozenset[str], list[Any]] = defaultdict(list)
        self.reused_chars: dict[tuple[str, str], int] = defaultdict(int)
        for passage in reuse.get("passages") or []:
            source, copy = passage["source"], passage["copy"]
            self.passages[frozenset((source["article"], copy["article"]))].append(passage)
            self.reused_chars[(source["article"], copy["article"])] += int(source["end"]) - int(
                source["start"]
            )
            self.reused_chars[(copy["article"], source["article"])] += int(copy["end"]) - int(copy["start"])
        self.characters = {
            key: int(value.get("characters") or 0) for key, value in (reuse.get("by_article") or {}).items()
        }


# Density rows that are not loaded vocabulary (scare quotes are their own sign).
_NOT_LOADED: Final = frozenset({"scare_quotes", "scare_quote"})


def _omissions(view: _ReportView, a: str, b: str) -> ComponentValue:
    carried_a, carried_b = view.units[a], view.units[b]
    either = carried_a | carried_b
    if not either:
        return ComponentValue(None, {"reason": "no content unit carried by either"})
    apart = sorted(carried_a ^ carried_b)
    return ComponentValue(
        len(apart) / len(either),
        {
            "units_in_both": sorted(carried_a & carried_b),
            "only_in_a": sorted(carried_a - carried_b),
            "only_in_b": sorted(carried_b - carried_a),
            "evidence": {unit: view.unit_evidence.get(unit) for unit in apart[:_EVIDENCE_LISTED]},
        },
    )


def _sources(view: _ReportView, a: str, b: str) -> ComponentValue:
    sides_a, sides_b = view.sides.get(a) or {}, view.sides.get(b) or {}
    if not sides_a or not sides_b:
        return ComponentValue(None, {"reason": "an article has no attribution"})
    names = set(sides_a) | set(sides_b)
    value = 0.5 * sum(abs(sides_a.get(n, 0.0) - sides_b.get(n, 0.0)) for n in names)
    return ComponentValue(value, {"a_sides": sides_a, "b_sides": sides_b})


def _speakers(view: _ReportView, a: str, b: str) -> ComponentValue:
    speakers_a, speakers_b = view.speakers.get(a) or set(), view.speakers.get(b) or set()
    either = speakers_a | speakers_b
    if not either:
        return ComponentValue(None, {"reason": "no resolved speaker in either"})
    return ComponentValue(
        1 - len(speakers_a & speakers_b) / len(either),
        {
            "both": sorted(speakers_a & speakers_b),
            "only_a": sorted(speakers_a - speakers_b),
            "only_b": sorted(speakers_b - speakers_a),
        },
    )


def _loaded(view: _ReportView, a: str, b: str) -> ComponentValue:
    rate_a, rate_b = view.loaded[a], view.loaded[b]
    value = abs(rate_a - rate_b) / (rate_a + rate_b) if rate_a + rate_b else 0.0
    return ComponentValue(
        value,
        {
            "a_per_1000": round(rate_a, 3),
            "b_per_1000": round(rate_b, 3),
            "a_spans": view.loaded_spans[a][:_EVIDENCE_LISTED],
            "b_spans": view.loaded_spans[b][:_EVIDENCE_LISTED],
        },
    )


def _labels(view: _ReportView, a: str, b: str) -> ComponentValue:
    shared = sorted(set(view.labels[a]) & set(view.labels[b]))
    if not shared:
        return ComponentValue(None, {"reason": "no actor named by both"})
    distances = {}
    for actor in shared:
        one, other = view.labels[a][actor], view.labels[b][actor]
        distances[actor] = 1 - len(one & other) / len(one | other)
    differing = {
        actor: {"a": sorted(view.labels[a][actor]), "b": sorted(view.labels[b][actor])}
        for actor, d in distances.items()
        if d > 0
    }
    return ComponentValue(
        sum(distances.values()) / len(distances), {"actors": len(shared), "named_differently": differing}
    )


def _substitutions(view: _ReportView, a: str, b: str) -> ComponentValue:
    key = frozenset((a, b))
    links, found = view.links[key], view.substitutions[key]
    if not links:
        return ComponentValue(None, {"reason": "no aligned sentences"})
    return ComponentValue(
        len(found) / (links + len(found)),
        {"aligned_pairs": links, "substitutions": found[:_EVIDENCE_LISTED]},
    )


def _coverage(view: _ReportView, a: str, b: str) -> ComponentValue:
    total = view.sentences.get(a, 0) + view.sentences.get(b, 0)
    if not total:
        return ComponentValue(None, {"reason": "no sentences"})
    linked = len(view.linked[frozenset((a, b))])
    return ComponentValue(1 - min(linked, total) / total, {"sentences": total, "with_a_counterpart": linked})


def _reuse(view: _ReportView, a: str, b: str) -> ComponentValue:
    passages = view.passages[frozenset((a, b))]
    if not passages:
        return ComponentValue(1.0, {"passages": []})
    shares = [
        view.reused_chars[(a, b)] / view.characters[a] if view.characters.get(a) else 0.0,
        view.reused_chars[(b, a)] / view.characters[b] if view.characters.get(b) else 0.0,
    ]
    return ComponentValue(1 - min(1.0, max(shares)), {"passages": passages[:_EVIDENCE_LISTED]})


COMPONENTS: Final[dict[str, Callable[[_ReportView, str, str], ComponentValue]]] = {
    "omissions": _omissions,
    "sources": _sources,
    "speakers": _speakers,
    "loaded": _loaded,
    "labels": _labels,
    "substitutions": _substitutions,
    "coverage": _coverage,
    "reuse": _reuse,
}


def event_pairs_json(
    report: Mapping[str, Any], weights: Mapping[str, float] | None = None
) -> list[dict[str, Any]]:
    """The report's `pairs`: every two articles with their distance and its components."""
    return [pair.to_json() for pair in pair_distances(report, weights)]


def mean_distance_by_article(pairs: Sequence[PairDistance]) -> dict[str, float | None]:
    """Each article's mean composite distance to the others: its divergence from the event."""
    found: dict[str, list[float]] = defaultdict(list)
    articles: set[str] = set()
    for pair in pairs:
        articles.update((pair.a, pair.b))
        if pair.distance is not None:
            found[pair.a].append(pair.distance)
            found[pair.b].append(pair.distance)
    return {
        article: (sum(found[article]) / len(found[article]) if found[article] else None)
        for article in sorted(articles)
    }
