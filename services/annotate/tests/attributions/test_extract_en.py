"""English attributions: each kind, each quote style, and the speech that is not reported."""

import pytest

from parallax.annotate.attributions.extract import extract_attributions
from parallax.annotate.findings import AttributionKind, AttributionWords
from parallax.annotate.pipelines import pipeline_for

LANGUAGE = "en"


def attributions(text: str, *, headline: bool = False) -> list[AttributionWords]:
    """The attributions the extractor finds in `text`, in text order, as words."""
    doc = pipeline_for(LANGUAGE).nlp(text)
    return [
        AttributionWords.of(attribution, text)
        for attribution in extract_attributions(doc, language=LANGUAGE, headline=headline)
    ]


def the_one_about(found: list[AttributionWords], words: str) -> AttributionWords:
    """The single attribution whose content holds `words`; fails when there are none or several."""
    matching = [attribution for attribution in found if words in attribution.text]
    assert len(matching) == 1, f"{len(matching)} attributions hold {words!r}: {found}"
    return matching[0]


def without_that(content: str) -> str:
    """A reported clause without the "that" that may open it."""
    return content.removeprefix("that ")


# --- direct -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quotation",
    ['"We will not back down,"', "“We will not back down,”", "‘We will not back down,’"],
    ids=["straight", "curly", "single"],
)
def test_a_quotation_in_any_style_followed_by_its_tag_is_direct(quotation: str) -> None:
    (found,) = attributions(f"{quotation} the mayor said.")
    assert found.kind == AttributionKind.DIRECT
    assert found.content == (quotation,)
    assert found.source == "the mayor"
    assert found.cue == ("said",)


@pytest.mark.parametrize(
    ("text", "quotation", "source"),
    [
        ("“We will not back down,” said Smith.", "“We will not back down,”", "Smith"),
        ('The mayor said: "We\'re not going anywhere."', '"We\'re not going anywhere."', "The mayor"),
        ("The mayor told reporters, “We’re not going anywhere.”", "“We’re not going anywhere.”", "The mayor"),
    ],
    ids=["inverted-tag", "introduced-by-colon", "introduced-by-comma"],
)
def test_a_quotation_tagged_before_or_with_an_inverted_tag_is_direct(
    text: str, quotation: str, source: str
) -> None:
    found = the_one_about(attributions(text), quotation)
    assert found.kind == AttributionKind.DIRECT
    assert found.content == (quotation,)
    assert found.source == source


def test_a_quotation_inside_a_quotation_belongs_to_the_outer_speaker() -> None:
    text = (
        "The senator told reporters: “My neighbor came up to me and said, ‘Why are you still here?’ "
        "and I had no answer.”"
    )
    (found,) = attributions(text)
    assert found.kind == AttributionKind.DIRECT
    assert found.content == (text[text.index("“") :],)
    assert found.source == "The senator"
    assert "told" in found.cue


def test_a_quotation_over_two_paragraphs_is_one_attribution_with_a_part_per_paragraph() -> None:
    text = (
        "The union warned: “The strike will go on until management agrees to talk.\n\n"
        "“We are ready to stay out for weeks if we have to.”"
    )
    (found,) = attributions(text)
    assert found.kind == AttributionKind.DIRECT
    assert found.content == (
        "“The strike will go on until management agrees to talk.",
        "“We are ready to stay out for weeks if we have to.”",
    )
    assert found.source == "The union"


def test_an_interrupted_quotation_is_one_attribution_with_two_parts() -> None:
    (found,) = attributions("“The economy is strong,” she said, “but wages have not kept up.”")
    assert found.kind == AttributionKind.DIRECT
    assert found.content == ("“The economy is strong,”", "“but wages have not kept up.”")
    assert found.source == "she"
    assert found.cue == ("said",)


# --- mixed and indirect -------------------------------------------------------------------------


def test_a_quoted_fragment_inside_reported_speech_is_mixed() -> None:
    found = the_one_about(
        attributions("The governor said the plan was “dead on arrival” in the state legislature."),
        "“dead on arrival”",
    )
    assert found.kind == AttributionKind.MIXED
    assert without_that(found.text) == "the plan was “dead on arrival” in the state legislature"
    assert found.source == "The governor"
    assert found.cue == ("said",)


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("The minister said that inflation would fall next year.", "inflation would fall next year"),
        (
            "The minister said the economy was recovering faster than expected.",
            "the economy was recovering faster than expected",
        ),
    ],
    ids=["said-that", "bare-said"],
)
def test_a_verb_of_saying_and_its_clause_is_indirect(text: str, clause: str) -> None:
    (found,) = attributions(text)
    assert found.kind == AttributionKind.INDIRECT
    assert without_that(found.text) == clause
    assert found.source == "The minister"
    assert found.cue == ("said",)


def test_a_tag_after_an_unquoted_clause_is_indirect() -> None:
    (found,) = attributions("Inflation will fall next year, the minister said.")
    assert found.kind == AttributionKind.INDIRECT
    assert found.text == "Inflation will fall next year"
    assert found.source == "the minister"
    assert found.cue == ("said",)


# --- reports inside reported words --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        (
            "The campaign says it raised $21 million in January.",
            "it raised $21 million in January",
        ),
        (
            "His press secretary told reporters that Carter believes the email was a mistake.",
            "Carter believes the email was a mistake",
        ),
    ],
    ids=["a-deed", "a-belief"],
)
def test_a_deed_or_belief_inside_reported_words_is_part_of_them(text: str, clause: str) -> None:
    (found,) = attributions(text)
    assert without_that(found.text) == clause


def test_saying_reported_inside_reported_words_is_an_attribution_of_its_own() -> None:
    found = attributions("The aide said that the senator told donors the race was over.")
    assert [without_that(attribution.text) for attribution in found] == [
        "the senator told donors the race was over",
        "the race was over",
    ]
    assert found[1].source == "the senator"


# --- according to, statements, colons -----------------------------------------------------------


def test_according_to_names_the_source_of_its_clause() -> None:
    (found,) = attributions("According to the police, three people were injured in the crash.")
    assert found.kind == AttributionKind.ACCORDING_TO
    assert found.text == "three people were injured in the crash"
    assert found.source == "the police"
    assert found.cue == ("According to",)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("In a statement, the ministry said the talks would resume on Monday.", "the ministry"),
        ("The ministry said in a statement that the talks would resume on Monday.", "The ministry"),
    ],
    ids=["statement-first", "statement-after-verb"],
)
def test_what_a_statement_says_is_a_statement_attribution(text: str, source: str) -> None:
    (found,) = attributions(text)
    assert found.kind == AttributionKind.STATEMENT
    assert without_that(found.text) == "the talks would resume on Monday"
    assert found.source == source
    assert any("statement" in cue for cue in found.cue)
    assert "said" in found.cue


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Trump on Twitter: “The fake news media is working overtime.”", "Trump on Twitter"),
        ("The White House: “The president will travel to Ohio on Friday.”", "The White House"),
    ],
    ids=["name-and-medium", "institution"],
)
def test_a_noun_phrase_a_colon_and_a_quotation_is_a_colon_attribution(text: str, source: str) -> None:
    (found,) = attributions(text)
    assert found.kind == AttributionKind.COLON
    assert found.content == (text[text.index("“") :],)
    assert found.source == source
    assert found.cue == (":",)


def test_a_headline_name_and_colon_attributes_the_rest_of_the_headline() -> None:
    (found,) = attributions("Graham: Trump's rhetoric is destroying the party", headline=True)
    assert found.kind == AttributionKind.COLON
    assert found.text == "Trump's rhetoric is destroying the party"
    assert found.source == "Graham"
    assert found.cue == (":",)


def test_a_place_and_colon_labels_a_topic_and_is_no_attribution() -> None:
    found = attributions("Orlando: fifty people died in the shooting at the club", headline=True)
    assert [attribution for attribution in found if attribution.kind == AttributionKind.COLON] == []


def test_a_transcript_line_is_its_speaker_talking() -> None:
    found = attributions(
        "The interview went on.\n\nTAPPER: And obviously, you are supporting Donald Trump, are you not?"
    )
    (line,) = [attribution for attribution in found if attribution.kind == AttributionKind.COLON]
    assert line.source == "TAPPER"
    assert line.content == ("And obviously, you are supporting Donald Trump, are you not?",)


def test_a_tally_after_a_name_is_no_transcript_line() -> None:
    found = attributions("The count so far.\n\nClinton: 547.\n\nSanders: 46.")
    assert [attribution for attribution in found if attribution.kind == AttributionKind.COLON] == []


def test_a_post_embedded_as_text_is_its_author_speaking() -> None:
    found = attributions(
        "No one should be above the law, and this announcement is troubling. "
        "pic.twitter.com/Oqct — Paul Ryan (@SpeakerRyan) July 5, 2016"
    )
    (post,) = [attribution for attribution in found if attribution.kind == AttributionKind.COLON]
    assert post.source == "Paul Ryan"
    assert post.content == ("No one should be above the law, and this announcement is troubling",)


# --- floating -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_paragraph", "speaker"),
    [
        ("“The plant will close in March,” the company said.", "the company"),
        ("Smith said the factory would stay open.", "Smith"),
    ],
    ids=["after-direct", "after-indirect"],
)
def test_a_quotation_paragraph_with_no_cue_floats_to_the_last_speaker(
    first_paragraph: str, speaker: str
) -> None:
    floating_quotation = "“We have tried everything to keep it open.”"
    found = attributions(f"{first_paragraph}\n\n{floating_quotation}")
    earlier, floating = found
    assert earlier.source == speaker
    assert floating.kind == AttributionKind.FLOATING
    assert floating.content == (floating_quotation,)
    assert floating.cue == ()
    assert floating.source_span == earlier.source_span


# --- not attributions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "He did not say that the factory would close.",
        "The company never said that the factory would close.",
        "He would say that the factory would close.",
        "He might say that the factory would close.",
        "If he said that the factory would close, workers would strike.",
        "The spokesman declined to say whether the factory would close.",
        "The company plans to announce that the factory will close.",
    ],
)
def test_negated_or_hypothetical_speech_is_no_attribution(text: str) -> None:
    found = attributions(text)
    assert [attribution for attribution in found if "the factory" in attribution.text] == []


def test_a_negated_report_next_to_an_affirmed_one_leaves_only_the_affirmed_one() -> None:
    (found,) = attributions(
        "He did not say that the factory would close, but he said that jobs would be cut."
    )
    assert found.kind == AttributionKind.INDIRECT
    assert without_that(found.text) == "jobs would be cut"
    assert found.source == "he"
