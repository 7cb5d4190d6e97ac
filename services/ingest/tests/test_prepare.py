"""From draft to storable article: validation, cleaning, language, fingerprints."""

import datetime as dt

import pytest

from parallax.ingest.prepare import PreparedArticle, PrepareOptions, prepare_draft
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.models import SourceKind
from parallax.shared.offsets import OffsetMap

BODY = (
    "Les présidents français et russe ont eu un entretien téléphonique ce jeudi, dans un "
    "contexte de tensions entre l'Occident et la Russie autour de l'Ukraine."
)


def draft(**fields: object) -> Draft:
    return Draft(Provenance("input.jsonl", SourceKind.JSONL, "line 7"), dict(fields))


def prepared(**fields: object) -> PreparedArticle:
    result = prepare_draft(draft(**fields), PrepareOptions())
    assert isinstance(result, PreparedArticle), result
    return result


def refused(options: PrepareOptions | None = None, **fields: object) -> Refusal:
    result = prepare_draft(draft(**fields), options or PrepareOptions())
    assert isinstance(result, Refusal), result
    return result


def test_a_valid_record_is_cleaned_and_fingerprinted() -> None:
    article = prepared(id=12, outlet=" Le  Monde ", text=BODY + "\n", published="2022-02-03")
    assert article.outlet == "Le Monde"
    assert article.external_id == "12"
    assert article.clean_text == BODY
    assert article.original_text == BODY + "\n"
    assert article.published_at == dt.datetime(2022, 2, 3, tzinfo=dt.UTC)
    assert article.language == "fr"
    assert article.language_source == "detected"
    assert article.language_confidence is not None
    assert article.language_confidence > 0.9
    assert len(article.content_hash) == 64
    assert len(article.band_keys) == 8
    assert OffsetMap.from_json(article.offset_map).clean_length == len(BODY)


def test_a_given_language_is_respected() -> None:
    article = prepared(outlet="X", text=BODY, language="EN-gb")
    assert (article.language, article.language_source, article.language_confidence) == ("en", "given", None)


def test_the_seed_article_comes_out_with_title_and_dateline_separated(seed_record: dict[str, str]) -> None:
    article = prepared(**seed_record)
    assert article.title == seed_record["title"]
    assert article.title_span is not None
    assert article.dateline is not None
    assert article.dateline["places"] == ["Moscou", "Paris"]
    assert article.clean_text.startswith("Les présidents français et russe")
    assert "les chefs d'Etat et de gouvernement multiplient les appels" in article.clean_text
    assert article.extra == {"note": seed_record["note"]}


def test_command_line_outlet_overrides_the_record() -> None:
    result = prepare_draft(draft(outlet="A", text=BODY), PrepareOptions(outlet="B"))
    assert isinstance(result, PreparedArticle)
    assert result.outlet == "B"


@pytest.mark.parametrize(
    ("fields", "reason", "words"),
    [
        ({"text": BODY}, RefusalReason.NO_OUTLET, "--outlet"),
        ({"outlet": "X"}, RefusalReason.INVALID_RECORD, "'text' is missing"),
        ({"outlet": "X", "text": 42}, RefusalReason.INVALID_RECORD, "'text' must be text"),
        ({"outlet": "X", "text": BODY, "published": "yesterday"}, RefusalReason.INVALID_RECORD, "ISO-8601"),
        ({"outlet": "X", "text": BODY, "language": "French"}, RefusalReason.INVALID_RECORD, "ISO 639-1"),
        ({"outlet": "X", "text": "   \n "}, RefusalReason.EMPTY_TEXT, "empty"),
        ({"outlet": "X", "text": "Trop court."}, RefusalReason.TEXT_TOO_SHORT, "PARALLAX_MIN_ARTICLE_CHARS"),
        ({"outlet": "X", "text": "\x00\x01\x02binary" * 20}, RefusalReason.BINARY_CONTENT, "binary"),
    ],
)
def test_bad_records_are_refused_with_a_reason_and_a_fix(
    fields: dict[str, object], reason: RefusalReason, words: str
) -> None:
    refusal = refused(**fields)
    assert refusal.reason == reason
    assert words in refusal.message
    assert refusal.provenance.location == "line 7"
    assert refusal.payload is not None  # the record is kept for the user to fix and resend


def test_overlong_texts_are_refused() -> None:
    refusal = refused(PrepareOptions(max_article_chars=100), outlet="X", text=BODY * 3)
    assert refusal.reason == RefusalReason.TEXT_TOO_LONG
    assert "PARALLAX_MAX_ARTICLE_CHARS" in refusal.message


def test_extra_fields_are_kept() -> None:
    article = prepared(outlet="X", text=BODY, event="e1", stance="left")
    assert article.extra == {"event": "e1", "stance": "left"}


def test_a_changed_headline_changes_the_version_but_not_the_content_hash() -> None:
    first = prepared(outlet="X", title="Un titre", text=BODY)
    second = prepared(outlet="X", title="Un autre titre", text=BODY)
    assert first.content_hash == second.content_hash
    assert first.version_hash != second.version_hash
