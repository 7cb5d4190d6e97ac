"""Outlets across events: the outlet x outlet distance matrix of one event, an outlet's profile
over the events it covered, and its blind spots. Pure functions over comparison reports (and,
for blind spots, which outlets covered which events), so every figure can be traced back.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from parallax.api.scores import PairDistance

# Comparable outlets: those that covered at least this share of the events the outlet covered
# (or of theirs), so that a blind spot is measured against outlets in the same line of news.
COMPARABLE_OVERLAP: Final = 0.2
# A blind spot: an event that at least this share of the comparable outlets covered.
BLIND_SPOT_SHARE: Final = 0.5
# Items listed per part of a profile.
_LISTED: Final = 10


def outlet_matrix(report: Mapping[str, Any], pairs: Sequence[PairDistance]) -> dict[str, Any]:
    """The mean composite distance between the articles of every two outlets of one event."""
    outlet_of = {str(a["id"]): str(a.get("outlet") or a["id"]) for a in report.get("articles") or []}
    outlets = sorted(set(outlet_of.values()))
    found: dict[tuple[str, str], list[float]] = defaultdict(list)
    for pair in pairs:
        if pair.distance is None:
            continue
        one, other = sorted((outlet_of[pair.a], outlet_of[pair.b]))
        found[(one, other)].append(pair.distance)
    matrix: list[list[float | None]] = []
    for one in outlets:
        row: list[float | None] = []
        for other in outlets:
            values = found.get((one, other) if one <= other else (other, one), [])
            row.append(round(sum(values) / len(values), 4) if values else (0.0 if one == other else None))
        matrix.append(row)
    return {"outlets": outlets, "distances": matrix}


def outlet_profile(outlet: str, reports: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Whom an outlet quotes, what it leaves out, its loaded words and whose text it reuses,
    over the event reports given (the outlet's articles in them)."""
    speakers: Counter[str] = Counter()
    sides: Counter[str] = Counter()
    omitted_kinds: Counter[str] = Counter()
    loaded: Counter[str] = Counter()
    reused_from: Counter[str] = Counter()
    events = articles = omissions = 0
    for report in reports:
        own = [str(a["id"]) for a in report.get("articles") or [] if a.get("outlet") == outlet]
        if not own:
            continue
        events += 1
        articles += len(own)
        outlet_of = {str(a["id"]): str(a.get("outlet") or a["id"]) for a in report.get("articles") or []}
        by_article = (report.get("sources") or {}).get("by_article") or {}
        omitted = (report.get("omissions") or {}).get("by_article") or {}
        reuse = (report.get("reuse") or {}).get("by_article") or {}
        for article in own:
            for speaker in (by_article.get(article) or {}).get("speakers") or []:
                speakers[speaker["speaker"]] += int(speaker["attributions"])
                sides[speaker.get("side") or "unknown"] += int(speaker["attributions"])
            for omission in omitted.get(article) or []:
                omissions += 1
                omitted_kinds[omission.get("kind") or "unknown"] += 1
            for source in (reuse.get(article) or {}).get("taken_from") or []:
                reused_from[outlet_of.get(source, source)] += 1
        for row in (report.get("wording") or {}).get("densities") or []:
            if row.get("article") in own and row.get("category") not in {"scare_quotes", "scare_quote"}:
                loaded.update(" ".join(str(span["text"]).lower().split()) for span in row.get("spans") or [])
    total_quotes = sum(speakers.values())
    return {
        "outlet": outlet,
        "events": events,
        "articles": articles,
        "quotes": [
            {"speaker": name, "attributions": count, "share": round(count / total_quotes, 4)}
            for name, count in speakers.most_common(_LISTED)
        ],
        "sides": {side: round(count / total_quotes, 4) for side, count in sides.most_common()}
        if total_quotes
        else {},
        "omissions_per_article": round(omissions / articles, 4) if articles else None,
        "omitted_kinds": dict(omitted_kinds.most_common()),
        "loaded_words": [{"word": word, "count": count} for word, count in loaded.most_common(_LISTED)],
        "reuses_text_of": [
            {"outlet": name, "articles": count} for name, count in reused_from.most_common(_LISTED)
        ],
    }


def blind_spots(outlet: str, coverage: Mapping[str, set[str]]) -> dict[str, Any]:
    """Events that most outlets comparable to `outlet` covered and it did not.

    `coverage` maps each event id to the outlets that have an article in it. Comparable outlets
    share at least `COMPARABLE_OVERLAP` of the smaller of the two outlets' event lists.
    """
    covered = {event for event, outlets in coverage.items() if outlet in outlets}
    events_of: dict[str, set[str]] = defaultdict(set)
    for event, outlets in coverage.items():
        for name in outlets:
            events_of[name].add(event)
    comparable = sorted(
        name
        for name, theirs in events_of.items()
        if name != outlet
        and covered
        and len(theirs & covered) >= COMPARABLE_OVERLAP * min(len(theirs), len(covered))
    )
    spots = []
    for event, outlets in sorted(coverage.items()):
        if event in covered or not comparable:
            continue
        present = sorted(set(comparable) & outlets)
        if len(present) >= BLIND_SPOT_SHARE * len(comparable):
            spots.append({"event": event, "covered_by": present, "of_comparable": len(comparable)})
    return {"outlet": outlet, "comparable_outlets": comparable, "blind_spots": spots}
