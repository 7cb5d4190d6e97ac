"""Language detection: French and English apart, a confidence, nothing for too little text."""

from parallax.ingest.language import detect_language


def test_french_and_english() -> None:
    french = detect_language("Les deux dirigeants ont évoqué les préoccupations russes sur la sécurité.")
    english = detect_language("The two leaders discussed Russia's security concerns on Thursday evening.")
    assert (french.code, english.code) == ("fr", "en")
    assert french.confidence > 0.8
    assert english.confidence > 0.8


def test_all_capitals_are_recognised() -> None:
    guess = detect_language("POLICE HAVE MOVED IN AND ARRESTED AT LEAST TWO MEN FROM THE COMMUNITY")
    assert guess.code == "en"


def test_other_languages_are_named_not_taken_for_english() -> None:
    assert detect_language("Президенты России и Франции провели телефонный разговор.").code == "ru"
    assert detect_language("Los presidentes hablaron por teléfono sobre la seguridad europea.").code == "es"


def test_too_little_text_gets_no_language() -> None:
    assert detect_language("OK 12 34").code is None
