"""Reuse: a copied passage is found with its boundaries, through light edits; two independent
reports of one event share none."""

from parallax.compare.reuse import SHORTEST_PASSAGE, shared_passages, words_of

WIRE = (
    "Le dialogue concret portant sur la situation autour de l'Ukraine ainsi que sur les questions "
    "liées à l'initiative russe au sujet des garanties juridiquement contraignantes pour la Russie "
    "a été poursuivi, rapporte dans un communiqué le Kremlin, dans la soirée."
)
BEFORE = "Les présidents français et russe se sont parlé jeudi au téléphone. "
AFTER = " Le président français devait ensuite appeler le chancelier allemand."


def test_a_copied_passage_is_found_with_its_boundaries_on_both_sides() -> None:
    source = "Moscou, 3 février. " + WIRE + " Fin de la dépêche."
    copy = BEFORE + WIRE + AFTER
    [match] = shared_passages(words_of(source), words_of(copy))
    assert source[match.first_start : match.first_end] == WIRE[: WIRE.rindex(".")]
    assert copy[match.second_start : match.second_end] == WIRE[: WIRE.rindex(".")]
    assert match.similarity == 1.0


def test_light_edits_do_not_hide_a_copy() -> None:
    edited = (
        WIRE.replace("concret", "constructif")
        .replace("ainsi que sur", "et sur")
        .replace("l'Ukraine", "l’Ukraine")
        .replace("rapporte", "a indiqué")
    )
    copy = BEFORE + edited + AFTER
    [match] = shared_passages(words_of(WIRE), words_of(copy))
    assert match.similarity < 1.0
    assert copy[match.second_start : match.second_end].startswith("Le dialogue constructif")
    assert copy[match.second_start : match.second_end].endswith("dans la soirée")


def test_two_independent_reports_of_one_event_share_no_passage() -> None:
    kremlin = (
        "Vladimir Poutine a de nouveau attiré l'attention d'Emmanuel Macron sur les déclarations "
        "et actions provocatrices des autorités de Kiev, selon le communiqué de la présidence russe."
    )
    elysee = (
        "Emmanuel Macron a fait part à Vladimir Poutine de sa vive préoccupation et a appelé à la "
        "désescalade, a indiqué l'Élysée à l'issue de l'entretien téléphonique."
    )
    assert shared_passages(words_of(kremlin), words_of(elysee)) == []


def test_a_shared_phrase_shorter_than_a_passage_is_not_reuse() -> None:
    phrase = "les accords de Minsk signés en 2015"  # seven words: quoted by everyone, copied by none
    assert len(phrase.split()) < SHORTEST_PASSAGE
    first = f"Moscou accuse Kiev de ne pas respecter {phrase} et menace de riposter."
    second = f"Paris veut relancer {phrase} lors d'une réunion au format Normandie."
    assert shared_passages(words_of(first), words_of(second)) == []


def test_two_outlets_quoting_one_speaker_do_not_copy_each_other() -> None:
    quote = (
        "«Le dialogue concret portant sur la situation autour de l'Ukraine et sur les garanties "
        "juridiquement contraignantes pour la Russie a été poursuivi»"
    )
    first = f"Selon le Kremlin, {quote}, a indiqué Moscou jeudi soir."
    second = f"Dans un communiqué, la présidence russe affirme que {quote}. Paris n'a pas commenté."
    assert shared_passages(words_of(first), words_of(second)) == []


def test_a_copy_that_drops_or_adds_a_word_near_its_end_is_followed_to_the_end() -> None:
    edited = WIRE.replace("dans un communiqué le Kremlin", "dans un long communiqué le Kremlin").replace(
        "poursuivi, rapporte", "poursuivi rapporte"
    )
    copy = BEFORE + edited.replace("la soirée", "la soirée de jeudi") + AFTER
    [match] = shared_passages(words_of(WIRE), words_of(copy))
    assert copy[match.second_start : match.second_end].endswith("dans la soirée")
    assert WIRE[match.first_start : match.first_end].endswith("dans la soirée")


def test_one_speaker_quoted_by_two_outlets_in_mixed_quote_styles_is_not_reuse() -> None:
    statement = (
        "I find this new law disturbing, particularly at a time when more and more states and people "
        "are embracing civil rights for everyone"
    )
    follow_up = "Our state will join other states and cities in opposing this law and ban state travel"
    first = f'The governor acted on Monday. “{statement}," Inslee said in a statement. "{follow_up}."'
    second = f'Other states followed. "{statement}," Inslee said in a statement. “{follow_up}.”'
    assert shared_passages(words_of(first), words_of(second)) == []
    # the same words as narrative, in both, are a copy
    assert shared_passages(
        words_of(f"{statement}. {follow_up}."), words_of(f"Earlier: {statement}. {follow_up}.")
    )
