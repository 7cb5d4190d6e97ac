"""Offset-preserving normalisation of what real inputs carry."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.shared.text import normalize


def clean(text: str) -> str:
    return normalize(text)[0]


def assert_maps_back(original: str) -> None:
    cleaned, offset_map = normalize(original)
    for match in re.finditer(r"\S+", cleaned):
        start, end = offset_map.to_original(*match.span())
        source = original[start:end]
        # The original behind a clean word holds that word's letters, in order.
        letters = [ch for ch in match.group() if ch.isalnum()]
        remaining = iter(ch for ch in source if ch.isalnum())
        assert all(any(letter == ch for ch in remaining) for letter in letters), (match.group(), source)


def test_hard_wrapped_lines_join_into_one_paragraph() -> None:
    text = "Les présidents ont eu un entretien téléphonique ce 3\nfévrier, dans un contexte de tensions.\n"
    assert (
        clean(text)
        == "Les présidents ont eu un entretien téléphonique ce 3 février, dans un contexte de tensions."
    )


def test_blank_lines_between_sentences_separate_paragraphs() -> None:
    assert clean("Premier paragraphe.\n\nSecond paragraphe.") == "Premier paragraphe.\n\nSecond paragraphe."


def test_a_page_break_inside_a_sentence_is_joined() -> None:
    text = "les chefs d'Etat et de gouvernement\n\n\n\nmultiplient les appels."
    assert clean(text) == "les chefs d'Etat et de gouvernement multiplient les appels."


def test_a_form_feed_page_break_inside_a_sentence_is_joined() -> None:
    assert (
        clean("les chefs d'Etat\n\f\nmultiplient les appels.") == "les chefs d'Etat multiplient les appels."
    )


def test_line_end_hyphenation_is_undone() -> None:
    assert (
        clean("Les préoccupations sur la sécu-\nrité de la Russie.")
        == "Les préoccupations sur la sécurité de la Russie."
    )


def test_compound_words_keep_their_hyphen_across_lines() -> None:
    assert clean("Ce sera peut-\nêtre la fin.") == "Ce sera peut-être la fin."
    assert clean("les Etats-\nUnis et l'OTAN.") == "les Etats-Unis et l'OTAN."


def test_a_hyphenated_form_seen_elsewhere_in_the_text_decides() -> None:
    text = "Un accord franco-allemand.\n\nUn projet franco-\nallemand de plus."
    assert "franco-allemand de plus" in clean(text)


def test_unusual_spaces_become_plain_spaces() -> None:
    assert clean("100\u202f000 soldats\u00a0; la\u2009fin\t ici") == "100 000 soldats ; la fin ici"


def test_french_quotes_lose_their_inner_spaces_and_are_kept() -> None:
    assert clean("des «\u00a0garanties\u00a0» de sécurité") == "des «garanties» de sécurité"


def test_curly_apostrophes_inside_words_become_straight() -> None:
    assert clean("à l’initiative de l’Ukraine, don’t") == "à l'initiative de l'Ukraine, don't"


def test_curly_double_quotes_are_kept() -> None:
    assert clean("he called it “a war of choice”") == "he called it “a war of choice”"


def test_zero_width_and_control_characters_are_dropped() -> None:
    assert clean("Mos\u200bcou\u00adva\x07 ici") == "Moscouva ici"


def test_ligatures_are_expanded() -> None:
    assert clean("the ofﬁcial ﬂow") == "the official flow"


def test_mojibake_is_repaired_word_by_word() -> None:
    original = "Les prÃ©sidents ont Ã©voquÃ© la sÃ©curitÃ© de lâ€™Ukraine."
    cleaned, offset_map = normalize(original)
    assert cleaned == "Les présidents ont évoqué la sécurité de l'Ukraine."
    start = cleaned.index("sécurité")
    original_start, original_end = offset_map.to_original(start, start + len("sécurité"))
    assert original[original_start:original_end] == "sÃ©curitÃ©"


def test_decomposed_accents_are_composed() -> None:
    assert clean("se\u0301curite\u0301 et re\u0301ponse") == "sécurité et réponse"


def test_one_article_per_line_keeps_its_paragraphs() -> None:
    text = "First paragraph ends here.\nSecond paragraph, quite short.\nThird one.\nFourth."
    assert clean(text).split("\n\n") == [
        "First paragraph ends here.",
        "Second paragraph, quite short.",
        "Third one.",
        "Fourth.",
    ]


def test_in_wrapped_text_a_short_line_ending_a_sentence_ends_the_paragraph() -> None:
    text = (
        "The quick brown fox jumps over the lazy dog and keeps running far\n"
        "away from the farm where it was seen by nobody at all that day,\n"
        "until the night came.\n"
        "Then a new paragraph begins and it also goes on for quite a while\n"
        "before it ends.\n"
    )
    paragraphs = clean(text).split("\n\n")
    assert paragraphs[0].endswith("until the night came.")
    assert paragraphs[1].startswith("Then a new paragraph")


def test_bullets_start_their_own_paragraph() -> None:
    assert clean("Key points:\n- one thing\n- another") == "Key points:\n\n- one thing\n\n- another"


def test_leading_and_trailing_whitespace_is_dropped() -> None:
    assert clean("\n\n  Texte. \n \n") == "Texte."


def test_start_and_end_restrict_the_cleaned_range() -> None:
    original = "HEADLINE\nBody text here.\nFOOTER"
    cleaned, offset_map = normalize(original, start=9, end=24)
    assert cleaned == "Body text here."
    assert offset_map.to_original(0, 4) == (9, 13)


def test_crlf_line_endings() -> None:
    assert clean("Un texte\r\nqui continue.\r\n\r\nSuite.") == "Un texte qui continue.\n\nSuite."


def test_empty_text() -> None:
    cleaned, offset_map = normalize("")
    assert cleaned == ""
    assert offset_map.clean_length == 0


def test_the_seed_article_maps_back_word_by_word(seed_text: str) -> None:
    assert_maps_back(seed_text)


_NEWS_ALPHABET = st.sampled_from(
    [*"abcdeéèàçœ ABCÉ.,;:!?'’«»“”-\n\n\n\t\u00a0\u202f\u2009\u200b\u00ad\f", "Ã©", "â€™", "e\u0301", "ﬁ"]
)


@settings(max_examples=300)
@given(st.lists(_NEWS_ALPHABET, max_size=120).map("".join))
def test_random_texts_map_back_exactly(original: str) -> None:
    cleaned, offset_map = normalize(original)
    assert offset_map.clean_length == len(cleaned)
    assert offset_map.original_length == len(original)
    previous_start = 0
    for position in range(len(cleaned)):
        start, end = offset_map.to_original(position, position + 1)
        assert 0 <= start < end <= len(original)
        assert start >= previous_start  # normalisation never reorders text
        previous_start = start
        if end - start == 1:
            # A character copied or replaced one for one: the original character explains it.
            source = original[start]
            assert cleaned[position] in unicodedata.normalize("NFKC", source) or not source.isalnum()
    if cleaned:
        start, end = offset_map.to_original(0, len(cleaned))
        # Whatever lies outside the whole text's span was only spacing or invisible characters.
        invisible = " \n\t\f\r\u00a0\u202f\u2009\u200b\u00ad"
        assert original[:start].strip(invisible) == ""
        assert original[end:].strip(invisible) == ""


# ftfy is not idempotent on garbage made of several mojibake fragments (it may read the
# repaired word as a new mojibake), so this property is stated for undamaged text.
_UNDAMAGED_ALPHABET = st.sampled_from(
    [*"abcdeéèàçœ ABCÉ.,;:!?'’«»“”-\n\n\n\t\u00a0\u202f\u2009\u200b\u00ad\f", "e\u0301", "ﬁ"]
)


@settings(max_examples=300)
@given(st.lists(_UNDAMAGED_ALPHABET, max_size=120).map("".join))
def test_normalising_twice_changes_nothing_more_than_spacing(original: str) -> None:
    once = clean(original)
    twice = clean(once)
    assert twice.split() == once.split()
