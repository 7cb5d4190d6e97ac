"""Query parameters: validated by their model into 400 problems naming the field and the fix;
times without a zone are UTC."""

import datetime as dt

import pytest
from pydantic import Field

from parallax.api.errors import ProblemError
from parallax.api.params import Moment, PageParameters, parse_query


class Filters(PageParameters):
    since: Moment | None = Field(default=None, description="A time (ISO 8601).")
    word: str | None = None


def test_parameters_are_parsed_and_times_are_utc() -> None:
    parsed = parse_query(Filters, {"since": "2022-02-03T10:00", "limit": "3"})
    assert parsed.since == dt.datetime(2022, 2, 3, 10, tzinfo=dt.UTC)
    assert parsed.limit == 3
    paris = parse_query(Filters, {"since": "2022-02-03T10:00:00+01:00"})
    assert paris.since == dt.datetime(2022, 2, 3, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("args", "field", "fix"),
    [
        ({"since": "soon"}, "since", "ISO 8601"),
        ({"since": "0001-01-01T00:00:00+05:00"}, "since", "ISO 8601"),
        ({"limit": "0"}, "limit", "1 to 500"),
        ({"limit": "501"}, "limit", "1 to 500"),
        ({"colour": "red"}, "colour", "this list takes: limit, cursor, since, word"),
        ({"word": "a\x00b"}, "word", "Correct or remove"),
    ],
)
def test_a_bad_parameter_is_a_problem_naming_it_and_the_fix(
    args: dict[str, str], field: str, fix: str
) -> None:
    with pytest.raises(ProblemError) as raised:
        parse_query(Filters, args)
    assert raised.value.status == 400
    assert raised.value.field == field
    assert raised.value.fix is not None
    assert fix in raised.value.fix
