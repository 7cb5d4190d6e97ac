"""Wording on real news: do the spans Parallax flags as wording fall where BASIL marks lexical bias?

    .venv/bin/python benchmarks/compare_wording.py [--json PATH]

Data: BASIL (../shared/data/basil: 100 events x Fox News, New York Times, HuffPost; real
articles nobody here wrote), annotated by Parallax once and cached (`compare_data.py`). Gold:
BASIL's lexical-bias spans (`bias == "lex"` in spans.jsonl: 478 spans, offsets into the text).

Parallax's spans, by source:
- `loaded`: the loaded and distancing terms of the annotation (the lexicons; body only);
- `substitutions`: both sides of every substitution `wording()` finds in the event's aligned
  sentences;
- `combined`: both.
`scare_quotes` (the annotation's) and everything the wording report shows (loaded terms,
substitutions and scare quotes) are reported apart, for information.

The peer: a sentiment-lexicon tagger that flags every word whose VADER valence (the lexicon
shipped in the vaderSentiment wheel, read by the word, then by its lemma) is at least a
threshold in absolute value; the threshold is chosen on half "a" to maximise the peer's F1
(separately for span and token F1, to be fair to it) and reported on half "b" and on all.
Parallax's one setting that changes its spans (the link similarity from which substitutions
are read, `MIN_LINK_SIMILARITY`) is swept on half "a" the same way and reported; the constant
in `wording.py` is what the figures use.

Scores: span level, by overlap (a predicted span is correct when it overlaps a gold span; a
gold span is found when a predicted span overlaps it), and token level (the annotation's words
of the body; a word is gold or predicted when a span of that kind overlaps it), each precision,
recall and F1, per half ("a", "b") and over all. Halves are BASIL events split by
`cluster_data.half`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cluster_data import SHARED_DATA, half, read_records
from compare_data import events_of

from parallax.compare.align import align
from parallax.compare.article import TEXT, Article
from parallax.compare.wording import (
    MIN_LINK_SIMILARITY,
    article_substitutions,
    links_between,
)

SPANS = SHARED_DATA / "basil" / "spans.jsonl"
# Thresholds tried for the peer: VADER's valences run from -3.9 to 3.4 in steps of 0.1.
PEER_THRESHOLDS = [round(0.5 + 0.1 * k, 1) for k in range(31)]
# Link similarities tried for Parallax's substitutions (alignment keeps links from 0.35).
LINK_SIMILARITIES = [0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8]
SCOPES = ("a", "b", "all")

Span = tuple[int, int]


def gold_spans() -> dict[str, list[Span]]:
    """BASIL's lexical-bias spans by article id (prefixed as compare_data prefixes them)."""
    if not SPANS.is_file():
        raise SystemExit(f"{SPANS} is missing: this benchmark reads BASIL's span annotations")
    gold: dict[str, list[Span]] = defaultdict(list)
    for line in SPANS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["bias"] == "lex":
            gold[f"basil:{row['article_id']}"].append((int(row["start"]), int(row["end"])))
    return dict(gold)


def overlaps(span: Span, others: Sequence[Span]) -> bool:
    """Whether `span` overlaps any of `others` (sorted by start)."""
    start, end = span
    position = bisect_left(others, (end, end))
    return any(other_start < end and start < other_end for other_start, other_end in others[:position])


def _scores(hits: int, total_found: int, found_gold: int, total_gold: int) -> dict[str, float | int]:
    precision = hits / total_found if total_found else 0.0
    recall = found_gold / total_gold if total_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted": total_found,
        "gold": total_gold,
    }


def span_scores(
    articles: Iterable[Article], predicted: Mapping[str, list[Span]], gold: Mapping[str, list[Span]]
) -> dict[str, float | int]:
    """Overlap precision and recall of predicted spans against gold spans, over the articles."""
    correct = found = total_predicted = total_gold = 0
    for article in articles:
        mine = sorted(set(predicted.get(article.id, [])))
        theirs = sorted(gold.get(article.id, []))
        total_predicted += len(mine)
        total_gold += len(theirs)
        correct += sum(overlaps(span, theirs) for span in mine)
        found += sum(overlaps(span, mine) for span in theirs)
    return _scores(correct, total_predicted, found, total_gold)


def token_scores(
    articles: Iterable[Article], predicted: Mapping[str, list[Span]], gold: Mapping[str, list[Span]]
) -> dict[str, float | int]:
    """Precision and recall over the body's words: a word is flagged when a span overlaps it."""
    both = flagged = marked = 0
    for article in articles:
        mine = sorted(set(predicted.get(article.id, [])))
        theirs = sorted(gold.get(article.id, []))
        for word in article.words:
            if not any(char.isalnum() for char in word.text):
                continue
            is_flagged = overlaps((word.start, word.end), mine)
            is_marked = overlaps((word.start, word.end), theirs)
            flagged += is_flagged
            marked += is_marked
            both += is_flagged and is_marked
    return _scores(both, flagged, both, marked)


def loaded_spans(article: Article) -> list[Span]:
    """The annotation's loaded and distancing terms in the body."""
    return [(term.start, term.end) for term in article.loaded if term.field == TEXT]


def scare_quote_spans(article: Article) -> list[Span]:
    """The annotation's scare quotes in the body."""
    return [(quote.start, quote.end) for quote in article.scare_quotes if quote.field == TEXT]


def substitution_spans(
    events: Mapping[str, Sequence[Article]], min_similarity: float
) -> dict[str, list[Span]]:
    """Both sides of every substitution found in each event, by article id."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for articles in events.values():
        alignment = align(articles)
        for k, first in enumerate(articles):
            for second in articles[k + 1 :]:
                if first.language != second.language:
                    continue
                links = links_between(alignment, first.id, second.id)
                for found in article_substitutions(first, second, links, min_similarity=min_similarity):
                    spans[first.id].append((found.first.start, found.first.end))
                    spans[second.id].append((found.second.start, found.second.end))
    return dict(spans)


def vader_lexicon() -> dict[str, float]:
    """VADER's valence lexicon, as the vaderSentiment wheel ships it."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as error:  # the peer is a bench dependency
        raise SystemExit(
            "vaderSentiment is not installed: `make bench` (or "
            "`.venv/bin/pip install -c constraints.txt -r requirements-bench.txt`) installs it"
        ) from error
    return {word: float(value) for word, value in SentimentIntensityAnalyzer().lexicon.items()}


def peer_spans(
    articles: Iterable[Article], lexicon: Mapping[str, float], threshold: float
) -> dict[str, list[Span]]:
    """Every word whose VADER valence (by the word, else its lemma) reaches `threshold` in absolute value."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for article in articles:
        for word in article.words:
            valence = lexicon.get(word.text.lower(), lexicon.get(word.lemma.lower(), 0.0))
            if abs(valence) >= threshold:
                spans[article.id].append((word.start, word.end))
    return dict(spans)


def union(*sources: Mapping[str, list[Span]]) -> dict[str, list[Span]]:
    """The spans of several sources together, by article id."""
    merged: dict[str, list[Span]] = defaultdict(list)
    for source in sources:
        for article_id, spans in source.items():
            merged[article_id].extend(spans)
    return dict(merged)


Scorer = Callable[
    [Iterable[Article], Mapping[str, list[Span]], Mapping[str, list[Span]]], dict[str, float | int]
]
SCORERS: dict[str, Scorer] = {"span": span_scores, "token": token_scores}


def by_scope(
    scopes: Mapping[str, list[Article]], predicted: Mapping[str, list[Span]], gold: Mapping[str, list[Span]]
) -> dict[str, dict[str, dict[str, float | int]]]:
    """Span and token scores of one source of spans, per half and over all."""
    return {
        scope: {level: scorer(articles, predicted, gold) for level, scorer in SCORERS.items()}
        for scope, articles in scopes.items()
    }


def run() -> dict[str, Any]:
    """Score every source of spans and the peer against BASIL's lexical-bias spans."""
    events = events_of("basil")
    halves = {str(record["event"]): half(record, "basil") for record in read_records("basil")}
    scopes = {
        "a": [article for event, articles in events.items() if halves[event] == "a" for article in articles],
        "b": [article for event, articles in events.items() if halves[event] == "b" for article in articles],
        "all": [article for articles in events.values() for article in articles],
    }
    gold = gold_spans()
    everything = scopes["all"]
    loaded = {article.id: loaded_spans(article) for article in everything}
    substitutions = substitution_spans(events, MIN_LINK_SIMILARITY)
    sources = {
        "loaded": loaded,
        "substitutions": substitutions,
        "combined": union(loaded, substitutions),
        "scare_quotes (information)": {article.id: scare_quote_spans(article) for article in everything},
    }
    sources["everything wording reports (information)"] = union(
        sources["combined"], sources["scare_quotes (information)"]
    )
    parallax = {name: by_scope(scopes, spans, gold) for name, spans in sources.items()}

    # Parallax's setting swept on half "a" (the figures above use the constant).
    sweep = {}
    for similarity in LINK_SIMILARITIES:
        found = substitution_spans(events, similarity)
        sweep[str(similarity)] = {
            "substitutions": {level: s(scopes["a"], found, gold) for level, s in SCORERS.items()},
            "combined": {level: s(scopes["a"], union(loaded, found), gold) for level, s in SCORERS.items()},
        }

    # The peer's threshold chosen on half "a", for each level.
    lexicon = vader_lexicon()
    tagged = {threshold: peer_spans(everything, lexicon, threshold) for threshold in PEER_THRESHOLDS}
    peer = {}
    for level, scorer in SCORERS.items():
        curve = {threshold: scorer(scopes["a"], tagged[threshold], gold) for threshold in PEER_THRESHOLDS}
        best = max(PEER_THRESHOLDS, key=lambda threshold: (curve[threshold]["f1"], threshold))
        peer[level] = {
            "threshold": best,
            "scores": {scope: scorer(articles, tagged[best], gold) for scope, articles in scopes.items()},
            "half_a_curve": {str(t): curve[t]["f1"] for t in PEER_THRESHOLDS},
        }
    return {
        "benchmark": "compare_wording",
        "date": dt.date.today().isoformat(),
        "data": "BASIL (../shared/data/basil): 100 events x 3 outlets; gold: spans.jsonl bias == lex",
        "articles": {scope: len(articles) for scope, articles in scopes.items()},
        "gold_spans": {
            scope: sum(len(gold.get(a.id, [])) for a in articles) for scope, articles in scopes.items()
        },
        "min_link_similarity": MIN_LINK_SIMILARITY,
        "parallax": parallax,
        "parallax_half_a_sweep": sweep,
        "peer": {"name": "VADER valence tagger (vaderSentiment 3.3.2 lexicon)", **peer},
    }


def summary(results: Mapping[str, Any]) -> str:
    """A table of F1 (precision / recall) per source, level and scope."""
    lines = [f"{'source':<42} {'level':<6} " + " ".join(f"{scope:>22}" for scope in SCOPES)]

    def row(name: str, level: str, scores: Mapping[str, Mapping[str, Any]]) -> str:
        cells = [
            f"{scores[s]['f1']:.3f} ({scores[s]['precision']:.3f}/{scores[s]['recall']:.3f})" for s in SCOPES
        ]
        return f"{name:<42} {level:<6} " + " ".join(f"{cell:>22}" for cell in cells)

    for name, levels in results["parallax"].items():
        for level in SCORERS:
            lines.append(row(name, level, {scope: levels[scope][level] for scope in SCOPES}))
    for level in SCORERS:
        peer = results["peer"][level]
        lines.append(row(f"peer |v| >= {peer['threshold']}", level, peer["scores"]))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    arguments = parser.parse_args(argv)
    results = run()
    print(summary(results))
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
