#!/usr/bin/env python3
"""Checks the French attribution gold set (dev.jsonl and test.jsonl next to this file).

usage: python validate.py [FILE.jsonl ...] [--stats]

With no file given, both dev.jsonl and test.jsonl are checked, together with the split rule:
no id is in both files; the 40 Wikinews articles of the original selection are where that
selection put them (its first 10 by id in dev.jsonl, the other 30 in test.jsonl); and no later
development article (the 2024 extension, see README.md) is one of the original test articles.
Exit status 0 when everything holds, 1 otherwise; each problem is printed on its own line,
prefixed with FILE:LINE.

What is checked (see README.md for the guidelines behind each rule):
  - every line is a JSON object with the article fields and "attributions";
  - ids are unique (across files too), language is "fr";
  - every attribution has "source", "cue", "content" (lists of spans), a known "kind" and at
    most an optional string "note"; content is never empty;
  - every span {"start", "end", "text"} lies inside "text", is not empty, has no outer
    whitespace, and text[start:end] == span["text"]; spans of one role do not overlap;
  - no attribution appears twice in an article (same source, cue and content offsets);
  - the kind agrees with the spans: "direct" content is made of whole quotations only,
    "indirect" content has no quotation marks, "mixed" content has some; "floating" has no
    cue; "according_to", "statement" and "colon" have one, and a "colon" cue includes ":".

Also importable: validate(paths) returns the list of problems, stats(paths) the counts.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FILES = (HERE / "dev.jsonl", HERE / "test.jsonl")

KINDS = frozenset({"direct", "mixed", "indirect", "according_to", "statement", "colon", "floating"})
ARTICLE_KEYS = (
    "id",
    "outlet",
    "title",
    "text",
    "url",
    "published",
    "language",
    "source_licence",
    "attributions",
)
ROLES = ("source", "cue", "content")

# The original selection of 40 Wikinews articles (README.md, "How the articles were chosen"),
# sorted by id: the first 10 became the development set, the other 30 the test set. Articles
# added to the development set later (README.md, "Development set extension") are not listed
# here; they may have any id that is not in test.jsonl.
ORIGINAL_DEV = (
    "winer-fr:2016_01_04-002",
    "winer-fr:2016_01_10-001",
    "winer-fr:2016_02_02-002",
    "winer-fr:2016_02_15-002",
    "winer-fr:2016_03_08-002",
    "winer-fr:2016_05_26-005",
    "winer-fr:2016_06_12-006",
    "winer-fr:2016_06_12-010",
    "winer-fr:2016_06_12-012",
    "winer-fr:2016_07_26-006",
)
ORIGINAL_TEST = (
    "winer-fr:2016_09_01-003",
    "winer-fr:2016_12_08-001",
    "winer-fr:2016_12_18-001",
    "winer-fr:2016_12_29-004",
    "winer-fr:2017_01_21-005",
    "winer-fr:2017_01_22-006",
    "winer-fr:2017_01_27-001",
    "winer-fr:2017_01_28-007",
    "winer-fr:2017_01_29-001",
    "winer-fr:2017_02_08-006",
    "winer-fr:2017_02_10-002",
    "winer-fr:2017_03_12-010",
    "winer-fr:2017_03_22-001",
    "winer-fr:2017_03_25-001",
    "winer-fr:2017_03_26-003",
    "winer-fr:2017_04_04-001",
    "winer-fr:2017_04_12-002",
    "winer-fr:2017_10_05-001",
    "winer-fr:2018_01_18-001",
    "winer-fr:2018_03_08-003",
    "winer-fr:2018_04_17-003",
    "winer-fr:2018_05_22-001",
    "winer-fr:2018_05_24-001",
    "winer-fr:2018_06_23-002",
    "winer-fr:2018_06_24-003",
    "winer-fr:2018_06_25-001",
    "winer-fr:2018_07_30-001",
    "winer-fr:2018_11_19-002",
    "winer-fr:2018_12_10-001",
    "winer-fr:2018_12_11-001",
)
OPENING, CLOSING = "«“", "»”"
QUOTE_MARKS = '«»“”"'


def _is_one_quotation(s: str) -> bool:
    """True if s is a single quotation: opens with a mark, closes with one, and the
    quotation is not closed before the end (nested quotations are allowed)."""
    if not s or s[0] not in OPENING or s[-1] not in CLOSING:
        return False
    depth = 0
    for i, ch in enumerate(s):
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth -= 1
            if depth == 0 and i < len(s) - 1:
                return False
    return depth == 0


def _check_span(sp, text: str, where: str, errors: list[str]) -> tuple[int, int] | None:
    if not isinstance(sp, dict) or set(sp) != {"start", "end", "text"}:
        errors.append(f"{where}: a span must be an object with exactly start, end, text: {sp!r}")
        return None
    start, end, stext = sp["start"], sp["end"], sp["text"]
    if type(start) is not int or type(end) is not int or not isinstance(stext, str):
        errors.append(f"{where}: start/end must be integers and text a string: {sp!r}")
        return None
    if not 0 <= start < end <= len(text):
        errors.append(f"{where}: span [{start}, {end}) is empty or outside the text (length {len(text)})")
        return None
    if text[start:end] != stext:
        errors.append(f"{where}: text[{start}:{end}] is {text[start:end]!r}, span says {stext!r}")
        return None
    if stext != stext.strip():
        errors.append(f"{where}: span {stext!r} has leading or trailing whitespace")
    return start, end


def _check_roles(a: dict, text: str, where: str, errors: list[str]) -> dict[str, tuple] | None:
    offsets = {}
    for role in ROLES:
        spans = a.get(role)
        if not isinstance(spans, list):
            errors.append(f"{where}: {role} must be a list of spans")
            return None
        got = [
            o for k, sp in enumerate(spans) if (o := _check_span(sp, text, f"{where} {role}[{k}]", errors))
        ]
        got.sort()
        for (s1, e1), (s2, e2) in itertools.pairwise(got):
            if s2 < e1:
                errors.append(f"{where}: {role} spans overlap ({s1}-{e1} and {s2}-{e2})")
        offsets[role] = tuple(got)
    return offsets


def _check_kind(a: dict, where: str, errors: list[str]) -> None:
    kind = a.get("kind")
    ctexts = [sp.get("text", "") for sp in a["content"] if isinstance(sp, dict)]
    cue_texts = [sp.get("text", "") for sp in a["cue"] if isinstance(sp, dict)]
    has_marks = any(ch in t for t in ctexts for ch in QUOTE_MARKS)
    problems = {
        "kind direct, but a content span is not one whole quotation": kind == "direct"
        and not all(_is_one_quotation(t) for t in ctexts),
        "kind indirect, but the content contains quotation marks (use mixed)": kind == "indirect"
        and has_marks,
        "kind mixed, but the content contains no quotation marks": kind == "mixed" and not has_marks,
        "kind floating must have no cue": kind == "floating" and bool(cue_texts),
        f"kind {kind} needs a cue": kind in ("according_to", "statement", "colon", "direct", "indirect")
        and not cue_texts,
        "kind colon needs ':' as a cue span": kind == "colon" and ":" not in cue_texts,
    }
    errors.extend(f"{where}: {message}" for message, failed in problems.items() if failed)


def _check_attribution(a: object, text: str, where: str, errors: list[str]) -> dict[str, tuple] | None:
    if not isinstance(a, dict):
        errors.append(f"{where}: an attribution must be an object")
        return None
    extra = set(a) - {"source", "cue", "content", "kind", "note"}
    if extra:
        errors.append(f"{where}: unknown keys {sorted(extra)}")
    if a.get("kind") not in KINDS:
        errors.append(f"{where}: kind {a.get('kind')!r} is not one of {sorted(KINDS)}")
    if "note" in a and not isinstance(a["note"], str):
        errors.append(f"{where}: note must be a string")
    offsets = _check_roles(a, text, where, errors)
    if offsets is None:
        return None
    if not a["content"]:
        errors.append(f"{where}: content is empty")
    else:
        _check_kind(a, where, errors)
    return offsets


def _check_article(d: object, where: str, errors: list[str]) -> str | None:
    """Checks one parsed line; returns its id (or None when it has none)."""
    if not isinstance(d, dict):
        errors.append(f"{where}: not a JSON object")
        return None
    missing = [k for k in ARTICLE_KEYS if k not in d]
    if missing:
        errors.append(f"{where}: missing keys {missing}")
    if not isinstance(d.get("id"), str) or not d["id"]:
        errors.append(f"{where}: id must be a non-empty string")
        return None
    where = f"{where} ({d['id']})"
    if d.get("language") != "fr":
        errors.append(f"{where}: language must be 'fr'")
    text, attributions = d.get("text"), d.get("attributions")
    if not isinstance(text, str) or not text:
        errors.append(f"{where}: text must be a non-empty string")
    elif not isinstance(attributions, list) or not attributions:
        errors.append(f"{where}: attributions must be a non-empty list")
    else:
        seen: dict[tuple, int] = {}
        for k, a in enumerate(attributions):
            offsets = _check_attribution(a, text, f"{where} attribution {k}", errors)
            if offsets is None:
                continue
            key = tuple(offsets[r] for r in ROLES)
            if key in seen:
                errors.append(f"{where}: attribution {k} duplicates attribution {seen[key]}")
            else:
                seen[key] = k
    return str(d["id"])


def validate_file(path: Path | str, errors: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Checks one file; returns (problems, ids in file order)."""
    errors = [] if errors is None else errors
    path = Path(path)
    ids: list[str] = []
    if not path.is_file():
        errors.append(f"{path}: file not found")
        return errors, ids
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{n}"
        if not line.strip():
            errors.append(f"{where}: empty line")
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: not JSON ({e})")
            continue
        article_id = _check_article(d, where, errors)
        if article_id is not None:
            ids.append(article_id)
    return errors, ids


def validate(paths=None) -> list[str]:
    """Checks the given files (default: dev.jsonl and test.jsonl); returns the problems."""
    default = paths is None
    paths = [Path(p) for p in (DEFAULT_FILES if default else paths)]
    errors: list[str] = []
    owner: dict[str, str] = {}
    per_file: dict[str, list[str]] = {}
    for p in paths:
        _, ids = validate_file(p, errors)
        per_file[p.name] = ids
        for i in ids:
            if i in owner:
                errors.append(f"{p.name}: id {i} already appears in {owner[i]}")
            else:
                owner[i] = p.name
    if default and "dev.jsonl" in per_file and "test.jsonl" in per_file:
        errors.extend(_check_split(per_file["dev.jsonl"], per_file["test.jsonl"]))
    return errors


def _check_split(dev: list[str], test: list[str]) -> list[str]:
    """The split rule (ids in both files are reported by validate() itself)."""
    problems = []
    if max(ORIGINAL_DEV) > min(ORIGINAL_TEST):
        problems.append("split: the original development ids must sort before the original test ids")
    dev_ids, test_ids = set(dev), set(test)
    problems.extend(
        f"split: original development article {i} is not in dev.jsonl"
        for i in ORIGINAL_DEV
        if i not in dev_ids
    )
    problems.extend(
        f"split: original test article {i} is not in test.jsonl" for i in ORIGINAL_TEST if i not in test_ids
    )
    problems.extend(
        f"split: development article {i} is an original test article" for i in dev if i in ORIGINAL_TEST
    )
    return problems


def stats(paths=None) -> dict:
    """Counts per file: articles, attributions, attributions by kind."""
    out = {}
    for p in [Path(p) for p in (DEFAULT_FILES if paths is None else paths)]:
        kinds: Counter = Counter()
        n_articles = 0
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                n_articles += 1
                kinds.update(a.get("kind") for a in json.loads(line)["attributions"])
        out[p.name] = {
            "articles": n_articles,
            "attributions": sum(kinds.values()),
            "by_kind": dict(kinds.most_common()),
        }
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    files = [a for a in argv if not a.startswith("--")] or None
    errors = validate(files)
    for e in errors:
        print(e)
    if "--stats" in argv or not errors:
        for name, s in stats(files).items():
            print(f"{name}: {s['articles']} articles, {s['attributions']} attributions, {s['by_kind']}")
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
