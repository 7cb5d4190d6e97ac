"""Reuse detection on planted copies: are copied passages found, with their boundaries?

    .venv/bin/python benchmarks/compare_reuse.py [--json PATH] [--seed N]

Data: the 300 BASIL articles of ../shared/data/basil (100 events x Fox News, New York Times,
HuffPost; real articles nobody here wrote). For each event, a passage of two to four
consecutive sentences of one article (the source) is planted, lightly edited, into another
article of the same event (the copy), between two of its sentences. Light edits, each word
with probability 0.08: the word dropped, or replaced by another word of the copy; quote marks
restyled; "said" / "says" swapped. The gold is the planted passage's characters in the copy
and the passage's characters in the source.

Figures:
- character precision, recall and F1 of the passages `shared_passages` reports, on the copy
  side and on the source side, over every planted pair (the issue's bar: F1 at least 0.9);
- on the untouched pairs of the same events (every two articles of an event, as published),
  how many pairs show any reuse, and how many characters: the same-event articles are
  independent reports, so what is found there is either a shared quotation or a false alarm.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from parallax.compare.reuse import shared_passages, words_of

BASIL = Path(__file__).resolve().parents[2] / "shared" / "data" / "basil" / "articles.jsonl"
SEED = 6
EDIT_RATE = 0.08
_SENTENCE_END = re.compile(r"(?<=[.!?\"”’])\s+(?=[A-Z“\"])")


def sentences_of(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans (enough to pick whole sentences to plant)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b - a > 20]


def edited(passage: str, vocabulary: Sequence[str], rng: random.Random) -> str:
    """The passage with light edits (see the module's docstring)."""
    words = passage.split(" ")
    out = []
    for word in words:
        roll = rng.random()
        if roll < EDIT_RATE / 2:
            continue  # dropped
        if roll < EDIT_RATE:
            out.append(rng.choice(vocabulary))
            continue
        out.append({"said": "says", "says": "said"}.get(word, word))
    text = " ".join(out)
    parts = text.split('"')
    if len(parts) % 2 == 1:  # straight quotes in pairs: restyle them as curly ones
        text = "".join(part + ("“" if k % 2 == 0 else "”") for k, part in enumerate(parts[:-1])) + parts[-1]
    return text


def plant(source: str, copy: str, rng: random.Random) -> tuple[str, tuple[int, int], tuple[int, int]] | None:
    """The copy with a passage of the source planted in it, the passage's span in the new copy
    and its span in the source; None when either article is too short."""
    source_sentences, copy_sentences = sentences_of(source), sentences_of(copy)
    if len(source_sentences) < 5 or len(copy_sentences) < 3:
        return None
    length = rng.randint(2, 4)
    first = rng.randrange(0, len(source_sentences) - length)
    start, end = source_sentences[first][0], source_sentences[first + length - 1][1]
    passage = edited(source[start:end], copy.split(), rng)
    cut = copy_sentences[rng.randrange(1, len(copy_sentences))][0]
    planted = copy[:cut] + passage + " " + copy[cut:]
    return planted, (cut, cut + len(passage)), (start, end)


def character_scores(
    gold: Iterable[tuple[int, int]], found: Iterable[tuple[int, int]]
) -> tuple[int, int, int]:
    """Characters in both, in the gold only, in what was found only."""
    gold_chars = {i for a, b in gold for i in range(a, b)}
    found_chars = {i for a, b in found for i in range(a, b)}
    return len(gold_chars & found_chars), len(gold_chars - found_chars), len(found_chars - gold_chars)


def f1(hits: int, missed: int, extra: int) -> dict[str, float]:
    precision = hits / (hits + extra) if hits + extra else 1.0
    recall = hits / (hits + missed) if hits + missed else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(score, 4)}


def run(seed: int) -> dict[str, Any]:
    """Plant one passage per event and score what is found; scan the untouched pairs."""
    if not BASIL.exists():
        raise SystemExit(f"BASIL is not at {BASIL}: this benchmark reads ../shared/data/basil")
    by_event: dict[str, list[dict[str, Any]]] = {}
    for line in BASIL.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_event.setdefault(str(record["event"]), []).append(record)
    rng = random.Random(seed)
    copy_totals, source_totals = [0, 0, 0], [0, 0, 0]
    planted_pairs, seconds = 0, 0.0
    for event in sorted(by_event):
        articles = sorted(by_event[event], key=lambda record: str(record["id"]))
        source, copy = rng.sample(articles, 2)
        made = plant(source["text"], copy["text"], rng)
        if made is None:
            continue
        planted, copy_gold, source_gold = made
        started = time.perf_counter()
        matches = shared_passages(words_of(source["text"]), words_of(planted))
        seconds += time.perf_counter() - started
        planted_pairs += 1
        for totals, gold, found in (
            (copy_totals, copy_gold, [(m.second_start, m.second_end) for m in matches]),
            (source_totals, source_gold, [(m.first_start, m.first_end) for m in matches]),
        ):
            for k, value in enumerate(character_scores([gold], found)):
                totals[k] += value
    untouched = with_reuse = flagged_chars = total_chars = 0
    examples = []
    for event in sorted(by_event):
        for one, other in combinations(sorted(by_event[event], key=lambda r: str(r["id"])), 2):
            matches = shared_passages(words_of(one["text"]), words_of(other["text"]))
            untouched += 1
            total_chars += len(other["text"])
            if matches:
                with_reuse += 1
                flagged_chars += sum(m.second_end - m.second_start for m in matches)
                examples.extend(other["text"][m.second_start : m.second_end] for m in matches[:1])
    return {
        "benchmark": "compare_reuse",
        "date": dt.date.today().isoformat(),
        "data": "BASIL (../shared/data/basil/articles.jsonl), one planted passage per event",
        "seed": seed,
        "edit_rate": EDIT_RATE,
        "planted_pairs": planted_pairs,
        "copy_side": f1(*copy_totals),
        "source_side": f1(*source_totals),
        "ms_per_pair": round(1000 * seconds / max(planted_pairs, 1), 3),
        "untouched_pairs": untouched,
        "untouched_pairs_with_reuse": with_reuse,
        "untouched_flagged_character_share": round(flagged_chars / max(total_chars, 1), 5),
        "untouched_examples": examples[:5],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path, help="write the results here too")
    arguments = parser.parse_args(argv)
    results = run(arguments.seed)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
