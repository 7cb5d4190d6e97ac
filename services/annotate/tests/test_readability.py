"""Readability: each language gets its own formulas, and the counts come from the parse."""

import pytest

from parallax.annotate.readability import measure_readability

FRENCH = (
    "Les présidents français et russe ont eu un entretien téléphonique. Ils ont évoqué la "
    "sécurité en Europe. Le dialogue va se poursuivre dans les prochains jours."
)
ENGLISH = "The two presidents spoke by phone. They discussed security in Europe. The talks will go on."


def test_french_uses_the_kandel_moles_flesch_formula() -> None:
    readability = measure_readability(FRENCH, language="fr", sentences=3, words=28)
    assert set(readability.formulas) == {"flesch_reading_ease", "lix", "rix"}
    # Kandel & Moles: 207 - 1.015 x words/sentence - 73.6 x syllables/word.
    import textstat

    textstat.set_lang("fr")
    words_per_sentence = textstat.words_per_sentence(FRENCH)
    expected = 207 - 1.015 * words_per_sentence - 73.6 * textstat.avg_syllables_per_word(FRENCH)
    assert readability.formulas["flesch_reading_ease"] == pytest.approx(expected, abs=0.05)
    assert readability.words_per_sentence == pytest.approx(28 / 3, abs=0.01)


def test_english_gets_the_english_grade_formulas() -> None:
    readability = measure_readability(ENGLISH, language="en", sentences=3, words=16)
    assert {"flesch_reading_ease", "flesch_kincaid_grade", "coleman_liau_index"} <= set(readability.formulas)
    assert readability.syllables_per_word is not None


def test_languages_without_formulas_get_the_letter_based_ones() -> None:
    readability = measure_readability(
        "Ĉi tiu teksto estas en Esperanto. Ĝi estas mallonga.", language="eo", sentences=2, words=9
    )
    assert set(readability.formulas) == {"lix", "rix"}
    assert readability.syllables_per_word is None
