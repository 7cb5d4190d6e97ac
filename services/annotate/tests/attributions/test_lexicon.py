"""Cue lexicons: the shipped ones load, and a broken file says what is wrong in it."""

from pathlib import Path

import pytest

from parallax.annotate.attributions.lexicon import CueLexiconError, load_cue_lexicon, read_cue_lexicon


@pytest.mark.parametrize(("language", "code"), [("en", "en"), ("fr", "fr"), ("fr-FR", "fr"), ("EN_us", "en")])
def test_the_shipped_lexicon_of_a_language_loads_by_its_code(language: str, code: str) -> None:
    lexicon = load_cue_lexicon(language)
    assert lexicon is not None
    assert lexicon.language == code
    assert "say" in lexicon.verbs or "dire" in lexicon.verbs


def test_a_language_without_a_lexicon_has_none() -> None:
    assert load_cue_lexicon("de") is None
    assert load_cue_lexicon("../en") is None


def test_english_keeps_only_saying_inside_reported_words_and_french_keeps_all() -> None:
    english, french = load_cue_lexicon("en"), load_cue_lexicon("fr")
    assert english is not None
    assert french is not None
    assert english.nested_reports == "speech"
    assert french.nested_reports == "all"


def test_the_english_lexicon_holds_the_verb_frames_counted_on_polnear_train() -> None:
    english = load_cue_lexicon("en")
    assert english is not None
    learned = [verb for verb in english.verbs.values() if verb.category == "learned"]
    assert learned, "cues_en_polnear.yaml adds verbs the hand lexicon does not list"


MINIMAL = """\
version: 1
language: xx
verbs:
  - category: speech
    frames: [clause]
    lemmas: [tell]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cues_xx.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_lexicon_reads_with_the_defaults(tmp_path: Path) -> None:
    lexicon = read_cue_lexicon(write(tmp_path, MINIMAL))
    assert lexicon.version == "cues_xx.v1"
    assert lexicon.verbs["tell"].frames == frozenset({"clause"})
    assert lexicon.nested_reports == "all"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("language: xx\n", "needs `version`, `language` and `verbs`"),
        (MINIMAL.replace("category: speech", "category: gossip"), "category 'gossip'"),
        (MINIMAL.replace("[clause]", "[sentence]"), "frames ['sentence']"),
        (MINIMAL.replace("[tell]", "[tell, tell]"), "listed twice"),
        (MINIMAL.replace("[tell]", "[tell, on]"), "quote it"),
        (MINIMAL + "nested_reports: some\n", "nested_reports is 'some'"),
    ],
    ids=["no-verbs", "unknown-category", "unknown-frame", "twice", "bare-boolean", "nested-reports"],
)
def test_a_broken_lexicon_says_what_is_wrong(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(CueLexiconError) as raised:
        read_cue_lexicon(write(tmp_path, text))
    assert says in str(raised.value)
