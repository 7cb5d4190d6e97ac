"""Alignment: sentences telling the same thing are linked, in one language by their words and
across languages by their actors, figures, dates and cognates; a name counts once; sentences
that only name the same people are not linked."""

from parallax.compare.align import align, sentence_profiles
from parallax.compare.article import Article

from .conftest import simple_annotation

ACTORS = {
    "person/emmanuel-macron": ["Emmanuel Macron", "Macron"],
    "person/vladimir-putin": ["Vladimir Putin", "Vladimir Poutine", "Putin", "Poutine"],
    "government/fr": ["Elysee", "Élysée"],
}


def article(article_id: str, text: str, language: str = "en") -> Article:
    record = {"id": article_id, "text": text, "language": language}
    return Article.from_record(record, simple_annotation(article_id, text, language=language, actors=ACTORS))


def test_the_same_sentence_in_other_words_is_linked_to_its_counterpart_only() -> None:
    first = article(
        "a",
        "Emmanuel Macron spoke with Vladimir Putin by telephone on Thursday. "
        "The Elysee said both presidents agreed on the need for urgent de-escalation around Ukraine. "
        "Markets in Paris closed higher.",
    )
    second = article(
        "b",
        "Wheat prices rose sharply in Chicago. "
        "According to the Elysee, the two presidents agreed on the need for de-escalation around Ukraine.",
    )
    alignment = align([first, second])
    links = alignment.between("a", "b")
    assert [(link.first_sentence, link.second_sentence) for link in links] == [(1, 1)]
    assert links[0].basis == "words"
    assert "escalation" in links[0].shared
    assert alignment.counterparts("b", 1)["a"].first_sentence == 1


def test_across_languages_actors_figures_and_cognates_link_a_translation() -> None:
    english = article(
        "en",
        "Russia has massed more than 100,000 troops near the border of Ukraine, the Elysee said. "
        "Emmanuel Macron and Vladimir Putin agreed on the need for de-escalation and security guarantees.",
    )
    french = article(
        "fr",
        "Emmanuel Macron et Vladimir Poutine sont convenus de la nécessité d'une désescalade et de garanties de sécurité. "
        "Selon l'Élysée, la Russie a massé plus de 100 000 soldats près de la frontière de l'Ukraine.",
        "fr",
    )
    links = align([english, french]).between("en", "fr")
    assert {(link.first_sentence, link.second_sentence) for link in links} == {(0, 1), (1, 0)}
    assert all(link.basis == "anchors" for link in links)
    by_sentence = {link.first_sentence: link for link in links}
    assert any(item.startswith("#100") for item in by_sentence[0].shared)
    assert any(item.startswith("~security~") for item in by_sentence[1].shared)


def test_a_name_counts_once_and_sharing_names_alone_is_no_link() -> None:
    [profile] = sentence_profiles(article("a", "Emmanuel Macron called Vladimir Putin."))
    assert profile.lemmas.count("&person/emmanuel-macron") == 1
    assert not {"emmanuel", "macron"} & set(profile.lemmas)
    first = article(
        "a", "Emmanuel Macron and Vladimir Putin discussed fishing quotas in the Baltic during lunch."
    )
    second = article(
        "b", "Emmanuel Macron will meet Vladimir Putin next spring to inaugurate a museum exhibition."
    )
    assert align([first, second]).links == ()
