"""Scare quotes: pairing quotation marks, and telling set-apart words from reported speech."""

from __future__ import annotations

from typing import Any

import pytest

from parallax.annotate.findings import ScareQuote
from parallax.annotate.lexicons.scare_quotes import (
    MAX_WORDS,
    QuotedSpan,
    find_quoted_spans,
    find_scare_quotes,
)


def scare_quotes(nlp: Any, text: str) -> list[str]:
    return [quote.text for quote in find_scare_quotes(nlp(text))]


# --- the reference article ------------------------------------------------------------------------


@pytest.mark.data
def test_seed_body_has_exactly_its_three_scare_quotes(seed_doc: Any) -> None:
    found = find_scare_quotes(seed_doc)
    assert [quote.text for quote in found] == ["«la possibilité»", "«clair»", "«ignoré»"]
    for quote in found:
        assert seed_doc.text[quote.start : quote.end] == quote.text
        assert seed_doc.text[quote.inner_start : quote.inner_end] == quote.text[1:-1]


@pytest.mark.data
def test_seed_headline_scare_quote(seed_title_doc: Any) -> None:
    (quote,) = find_scare_quotes(seed_title_doc)
    start = seed_title_doc.text.index("«garanties»")
    assert quote == ScareQuote(start, start + 11, "«garanties»", start + 1, start + 10)


@pytest.mark.data
def test_seed_kremlin_quotes_are_speech_not_scare_quotes(seed_doc: Any) -> None:
    quoted = [seed_doc.text[q.inner_start : q.inner_end] for q in find_quoted_spans(seed_doc.text)]
    speech = [text for text in quoted if len(text.split()) > MAX_WORDS]
    assert len(speech) == 2
    assert (speech[0][:19], speech[0][-15:]) == ("Le dialogue concret", "a été poursuivi")
    assert (speech[1][:36], speech[1][-5:]) == ("Vladimir Poutine a de nouveau attiré", "Minsk")
    found = [quote.text for quote in find_scare_quotes(seed_doc)]
    assert all(f"«{text}»" not in found for text in speech)


# --- French --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il a qualifié la réforme de «mascarade».", ["«mascarade»"]),
        ("Il a qualifié la réforme de « mascarade ».", ["« mascarade »"]),
        ("Les soi-disant «experts» se taisent.", ["«experts»"]),
        ("Le ‹ régime › a répondu.", ["‹ régime ›"]),
        ("«Non», a répondu le ministre.", []),
        ("«Jamais», répond-il.", []),
        ("Il a répondu : «Non».", []),
        ("Il a répondu «non».", []),
        ("«Nous allons gagner», martèle-t-il.", []),
        ("Il estime que l'armée «viendra».", []),
        ("Il parle d'une «crise sans aucun précédent connu».", []),
        ("L'opération «Barkhane» s'achève.", []),
        ("Le film «Guerre et Paix» ressort.", []),
        ("Il cite le quotidien «Le Monde».", []),
        ("Le groupe autoproclamé «État islamique» a revendiqué l'attaque.", []),
    ],
)
def test_french_scare_quotes(nlp_fr: Any, text: str, expected: list[str]) -> None:
    assert scare_quotes(nlp_fr, text) == expected


def test_spaced_guillemets_keep_the_words_as_inner_span(nlp_fr: Any) -> None:
    (quote,) = find_scare_quotes(nlp_fr("La réforme de « mascarade » passe."))
    assert quote.text == "« mascarade »"
    assert "La réforme de « mascarade » passe."[quote.inner_start : quote.inner_end] == "mascarade"


# --- English ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The so-called “experts” disagreed.", ["“experts”"]),
        ('The so-called "experts" disagreed.', ['"experts"']),
        ("The ‘experts’ disagreed.", ["‘experts’"]),
        ("Trump calls it 'a disgrace' again.", ["'a disgrace'"]),
        # Decision: a short fragment quoted from a speaker is a scare quote, like «clair».
        ("He called it a “war of choice”.", ["“war of choice”"]),
        ('Critics call the "experts," who advise him, partisan.', ['"experts,"']),
        ("“No,” he said.", []),
        ("“Absolutely,” said Smith.", []),
        ("She said: “We will win.”", []),
        ("He said he “will not resign” soon.", []),
        ("He said “no” twice.", []),
        ("The newspaper “Pravda” reported it.", []),
        ("The book “The Art of the Deal” sold well.", []),
        ("Everyone read “The Art of the Deal” that year.", []),
        ("He hosts “Midday with Charlie Sykes” on the radio.", []),
        ("Will there be a “Haley effect” in the state?", ["“Haley effect”"]),
    ],
)
def test_english_scare_quotes(nlp_en: Any, text: str, expected: list[str]) -> None:
    assert scare_quotes(nlp_en, text) == expected


def test_apostrophes_are_not_quotes(nlp_en: Any, nlp_fr: Any) -> None:
    assert scare_quotes(nlp_en, "The players’ union said it didn’t agree, in the ’90s.") == []
    assert scare_quotes(nlp_fr, "L’Ukraine et l’OTAN aujourd’hui.") == []


# --- pairing marks ----------------------------------------------------------------------------------


def test_nested_quotes_are_both_found() -> None:
    text = "Il a dit : «Ces “experts” mentent» hier."
    spans = find_quoted_spans(text)
    assert [(q.marks, text[q.inner_start : q.inner_end]) for q in spans] == [
        ("«»", "Ces “experts” mentent"),
        ("“”", "experts"),
    ]


def test_unpaired_marks_are_ignored_and_paragraphs_forget_them() -> None:
    text = "Un «début sans fin.\n\nPuis «fin» et » seul."
    assert [text[q.start : q.end] for q in find_quoted_spans(text)] == ["«fin»"]


def test_straight_quotes_pair_by_direction() -> None:
    text = 'He said "no" and "yes".'
    assert find_quoted_spans(text) == [
        QuotedSpan(8, 12, 9, 11, '""'),
        QuotedSpan(17, 22, 18, 21, '""'),
    ]


def test_a_closing_mark_forgets_marks_opened_inside() -> None:
    text = "«Il l'a dit 'sans preuve» puis «rien»."
    assert [text[q.inner_start : q.inner_end] for q in find_quoted_spans(text)] == [
        "Il l'a dit 'sans preuve",
        "rien",
    ]
