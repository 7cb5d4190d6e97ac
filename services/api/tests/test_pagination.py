"""Cursors: opaque, bound to the filters they were made for, refused with the fix when they
cannot be read; keyset pages newest first with the undated last."""

import datetime as dt

import pytest

from parallax.api.errors import ProblemError
from parallax.api.pagination import decode_cursor, encode_cursor, next_page, page_request, query_fingerprint

MOMENT = dt.datetime(2022, 2, 3, 9, tzinfo=dt.UTC)


def test_a_cursor_carries_the_sort_key_back() -> None:
    query = query_fingerprint({"language": "fr"})
    token = encode_cursor([MOMENT, 42], query=query)
    assert decode_cursor(token, query=query, key=("moment", "int")) == (MOMENT, 42)
    assert decode_cursor(encode_cursor([None, 7], query=query), query=query, key=("moment", "int")) == (
        None,
        7,
    )


def test_the_fingerprint_ignores_paging_but_not_filters() -> None:
    assert query_fingerprint({"language": "fr", "limit": "5", "cursor": "x"}) == query_fingerprint(
        {"language": "fr"}
    )
    assert query_fingerprint({"language": "fr"}) != query_fingerprint({"language": "en"})


@pytest.mark.parametrize(
    ("token", "detail"),
    [
        ("not base64 at all!", "cannot be read"),
        (encode_cursor([MOMENT, 1], query="other"), "other filters"),
        (encode_cursor([MOMENT], query=query_fingerprint({})), "does not fit"),
        (encode_cursor(["yesterday", 1], query=query_fingerprint({})), "cannot be read"),
        (encode_cursor(["2022-02-03T09:00:00", 1], query=query_fingerprint({})), "cannot be read"),
        (encode_cursor([MOMENT, "1"], query=query_fingerprint({})), "cannot be read"),
        (encode_cursor([MOMENT, True], query=query_fingerprint({})), "cannot be read"),
    ],
)
def test_a_bad_cursor_is_a_400_problem_on_the_cursor(token: str, detail: str) -> None:
    with pytest.raises(ProblemError) as raised:
        decode_cursor(token, query=query_fingerprint({}), key=("moment", "int"))
    assert raised.value.status == 400
    assert raised.value.field == "cursor"
    assert detail in raised.value.detail
    assert raised.value.fix


def test_a_page_request_defaults_its_limit_and_reads_its_cursor() -> None:
    assert page_request({}, limit=None, default_limit=50, key=("str",)).limit == 50
    token = encode_cursor(["Reuters"], query=query_fingerprint({}))
    request = page_request({"cursor": token, "limit": "2"}, limit=2, default_limit=50, key=("str",))
    assert request.after == ("Reuters",)
    assert request.limit == 2


def test_the_next_link_keeps_the_filters_and_replaces_the_cursor() -> None:
    link, cursor = next_page("/v1/events", {"language": "fr", "cursor": "old"}, last_key=(MOMENT, "e1"))
    assert link is not None
    assert cursor is not None
    assert link.startswith("/v1/events?language=fr&cursor=")
    assert "old" not in link
    assert next_page("/v1/events", {}, last_key=None) == (None, None)
