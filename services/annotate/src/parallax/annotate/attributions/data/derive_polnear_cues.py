"""Derive `cues_en_polnear.yaml`: the verb frames PolNeAR's annotators mark as attributions.

PolNeAR (Newell et al., LREC 2018) annotates every attribution in US election news, attitudes
included ("Pate supported Crist", "voters want a change", "the poll showed a tie"). The hand
lexicon in `cues_en.yaml` holds the verbs of saying, thinking and knowing; this script counts,
on PolNeAR's *train* split only, how often each (verb lemma, complement) pair is the cue of a
gold attribution whose content the complement holds, and keeps the pairs that are one at
least 37 % of the time (and seen at least `MIN_SEEN` times). The dev split is never read: it
is what the quality figures are reported on.

Only lemmas and counts leave the data; no text of PolNeAR is copied. Run it again after
changing the pipeline's parser:

    .venv/bin/python services/annotate/src/parallax/annotate/attributions/data/derive_polnear_cues.py \\
        ../shared/data/polnear/articles.jsonl
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "cues_en_polnear.yaml"
# A (lemma, complement) pair is kept when it is a cue in at least this share of its uses ...
# A candidate raises F1 when its precision exceeds half the F1 reached (Lipton et al. 2014,
# "Thresholding classifiers to maximize F1"); with F1 near 0.74, that is 0.37.
MIN_SHARE = 0.37
# ... and was seen at least this many times (fewer says nothing).
MIN_SEEN = 4


def frames_of(token: Any) -> list[tuple[str, Any]]:
    """The complements a verb token has in the parse, with the token heading each.

    clause, object, infinitive or prep:<preposition> (the object of the preposition).
    """
    frames = []
    for child in token.children:
        if child.i < token.i:
            continue
        if child.dep_ == "ccomp":
            frames.append(("clause", child))
        elif child.dep_ == "dobj":
            frames.append(("object", child))
        elif child.dep_ == "xcomp" and child.pos_ in {"VERB", "AUX"}:
            frames.append(("infinitive", child))
        elif child.dep_ == "prep":
            noun = next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"), None)
            if noun is not None:
                frames.append((f"prep:{child.lower_}", noun))
    return frames


def count(path: Path) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """(uses, uses holding a gold content) of each (lemma, frame) pair on the train split.

    A use counts when the verb is (part of) a gold cue and the complement overlaps the
    content of that same attribution: the complement is what is said, not an adjunct of the
    saying ("announced on Tuesday that …": "Tuesday" is no content).
    """
    from parallax.annotate.annotate import ArticleInput
    from parallax.annotate.attributions.lexicon import load_cue_lexicon
    from parallax.annotate.pipelines import pipeline_for

    nlp = pipeline_for("en").nlp
    lexicon = load_cue_lexicon("en")
    assert lexicon is not None
    seen: Counter[tuple[str, str]] = Counter()
    cued: Counter[tuple[str, str]] = Counter()
    with path.open(encoding="utf-8") as handle:
        records = [r for r in map(json.loads, handle) if r["split"] == "train"]
    for record in records:
        article = ArticleInput.from_text(
            str(record["id"]), record["text"], title=record.get("title"), language="en"
        )
        content_of_cue: dict[int, set[int]] = {}
        for attribution in record["attributions"]:
            gold_content = {
                c for span in attribution.get("content") or [] for c in range(span["start"], span["end"])
            }
            for span in attribution.get("cue") or []:
                for offset in range(span["start"], span["end"]):
                    content_of_cue.setdefault(offset, set()).update(gold_content)
        doc = nlp(article.clean_text)
        for token in doc:
            if token.pos_ != "VERB":
                continue
            start, end = article.offset_map.to_original(token.idx, token.idx + len(token.text))
            content: set[int] = set()
            for offset in range(start, end):
                content |= content_of_cue.get(offset, set())
            for frame, head in frames_of(token):
                key = (lexicon.lemma(token), frame)
                seen[key] += 1
                if content:
                    low, high = head.left_edge.idx, head.right_edge.idx + len(head.right_edge.text)
                    first, last = article.offset_map.to_original(low, high)
                    cued[key] += bool(content & set(range(first, last)))
    return seen, cued


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("polnear", type=Path, help="PolNeAR's articles.jsonl (only its train split is read)")
    args = parser.parse_args()
    seen, cued = count(args.polnear)
    kept = sorted(key for key, uses in seen.items() if uses >= MIN_SEEN and cued[key] / uses >= MIN_SHARE)
    lines = [
        "# Verb frames PolNeAR's annotators mark as attributions, derived from its train split by",
        "# derive_polnear_cues.py (do not edit by hand: run it again). A frame is kept when the verb",
        f"# with that complement is a gold cue in at least {MIN_SHARE:.0%} of its {MIN_SEEN}+ uses.",
        "# Columns: lemma, frame (clause, object, infinitive or prep:<preposition>), uses, as a cue.",
        "version: 1",
        "language: en",
        "frames:",
    ]
    # JSON strings are YAML strings that no YAML reader takes for a boolean ("on", "no")
    lines += [
        f"  - [{json.dumps(lemma)}, {json.dumps(frame)}, {seen[(lemma, frame)]}, {cued[(lemma, frame)]}]"
        for lemma, frame in kept
    ]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(kept)} frames written to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
