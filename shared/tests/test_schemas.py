"""The interchange format: validation with messages that name the field and the fix."""

import datetime as dt

import pytest
from pydantic import ValidationError

from parallax.shared.schemas import ArticleIn, Span, describe_validation_error


def problems(**fields: object) -> str:
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate(fields)
    return describe_validation_error(caught.value)


def test_the_interchange_fields_and_extras() -> None:
    article = ArticleIn.model_validate(
        {
            "id": 7,
            "outlet": "Le Monde",
            "title": None,
            "text": "t",
            "url": None,
            "published": "2022-02-03T18:30:00+01:00",
            "language": "FR",
            "event": "e1",
        }
    )
    assert article.id == "7"
    assert article.published == dt.datetime(2022, 2, 3, 17, 30, tzinfo=dt.UTC)
    assert article.language == "fr"
    assert article.extra_fields == {"event": "e1"}


def test_bare_dates_are_midnight_utc_and_naive_times_are_utc() -> None:
    assert ArticleIn(outlet="X", text="t", published="2022-02-03").published == dt.datetime(
        2022, 2, 3, tzinfo=dt.UTC
    )  # type: ignore[arg-type]
    naive = ArticleIn(outlet="X", text="t", published="2022-02-03T10:00:00")  # type: ignore[arg-type]
    assert naive.published == dt.datetime(2022, 2, 3, 10, tzinfo=dt.UTC)


def test_messages_name_the_field_and_the_fix() -> None:
    assert problems(text="t") == "field 'outlet' is missing"
    assert problems(outlet="", text="t") == "field 'outlet' is empty"
    assert "use e.g. 2022-02-03" in problems(outlet="X", text="t", published="hier")
    assert "ISO 639-1" in problems(outlet="X", text="t", language="français")
    assert problems(outlet="X", text=["a"]) == "field 'text' must be text, not list"


def test_spans_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="before its start"):
        Span(start=5, end=2, text="")


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "data:text/html,<b>x</b>", "news/page.html", "//x.org/a"]
)
def test_only_a_web_address_is_taken_as_the_articles_url(address: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ArticleIn(outlet="Demo", text="Some text.", url=address)
    assert "is not a web address; give an http:// or https:// address" in describe_validation_error(
        raised.value
    )


def test_a_web_address_is_kept_as_given_and_an_empty_one_is_none() -> None:
    assert (
        ArticleIn(outlet="Demo", text="x", url=" HTTPS://example.org/a?b=1 ").url
        == "HTTPS://example.org/a?b=1"
    )
    assert ArticleIn(outlet="Demo", text="x", url="").url is None
