"""Cursor pagination: opaque cursors over a stable sort key, with a `next` link.

A page ends with the sort key of its last item; the cursor carries that key and a
fingerprint of the filters it was made for (so a cursor cannot be replayed on another
query), base64url-encoded JSON. A page is read with a keyset condition ("after this key"),
never an offset, so pages stay consistent and cheap however deep a client reads.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.elements import ColumnElement

from parallax.api.errors import ProblemError

# What each value of a sort key is: a time (ISO 8601, or null when undated), an id, a name.
KeyPart = Literal["moment", "int", "str"]
_PAGING_PARAMETERS: Final = frozenset({"cursor", "limit"})
_CURSOR_FIX: Final = (
    "Use the `next_cursor` (or `next` link) of the previous page as given, with the same "
    "filters; or leave `cursor` out to start from the first page."
)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """How many items to read, and the sort key to read after (None: from the first)."""

    limit: int
    after: tuple[Any, ...] | None


def page_request(
    args: Mapping[str, str], *, limit: int | None, default_limit: int, key: Sequence[KeyPart]
) -> PageRequest:
    """The page a request asks for; a cursor that cannot be read is a 400 problem."""
    token = args.get("cursor")
    after = decode_cursor(token, query=query_fingerprint(args), key=key) if token else None
    return PageRequest(limit or default_limit, after)


def query_fingerprint(args: Mapping[str, str]) -> str:
    """A short hash of the request's filters (every parameter but the paging ones)."""
    filters = sorted((name, value) for name, value in args.items() if name not in _PAGING_PARAMETERS)
    return hashlib.sha256(json.dumps(filters).encode()).hexdigest()[:16]


def encode_cursor(after: Sequence[Any], *, query: str) -> str:
    """The opaque cursor for the page after the item whose sort key is `after`."""
    values = [value.isoformat() if isinstance(value, dt.datetime) else value for value in after]
    raw = json.dumps({"after": values, "query": query}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, *, query: str, key: Sequence[KeyPart]) -> tuple[Any, ...]:
    """The sort key a cursor carries, checked against the filters and the key's shape."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        content = json.loads(raw)
        if content["query"] != query:
            raise _bad_cursor("the cursor was made for other filters")
        values = content["after"]
        if not isinstance(values, list) or len(values) != len(key):
            raise _bad_cursor("the cursor does not fit this list")
        return tuple(_key_value(value, part) for value, part in zip(values, key, strict=True))
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise _bad_cursor("the cursor cannot be read") from error


def _key_value(value: Any, part: KeyPart) -> Any:
    if part == "moment":
        if value is None:
            return None
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("cursor time without a zone")
        return moment
    expected = int if part == "int" else str
    if not isinstance(value, expected) or isinstance(value, bool):
        raise ValueError(f"cursor value {value!r} is not a {part}")
    return value


def _bad_cursor(detail: str) -> ProblemError:
    return ProblemError(400, "Invalid Cursor", detail, field="cursor", fix=_CURSOR_FIX)


def after_newest_first(
    moment: Mapped[Any], identity: Mapped[Any], after: tuple[Any, ...]
) -> ColumnElement[bool]:
    """Rows after `after` = (time or None, id) in the order newest first, undated last, then
    id descending (the order of `newest_first`)."""
    last_moment, last_id = after
    if last_moment is None:
        return sa.and_(moment.is_(None), identity < last_id)
    return sa.or_(
        moment < last_moment,
        sa.and_(moment == last_moment, identity < last_id),
        moment.is_(None),
    )


def newest_first(moment: Mapped[Any], identity: Mapped[Any]) -> list[Any]:
    """The ORDER BY of lists by time: newest first, undated last, ties by id descending."""
    return [moment.desc().nulls_last(), identity.desc()]


def next_page(
    path: str, args: Mapping[str, str], *, last_key: Sequence[Any] | None
) -> tuple[str | None, str | None]:
    """The `next` link (path and query) and cursor after a page ending at `last_key`
    (None, None when the page is the last)."""
    if last_key is None:
        return None, None
    cursor = encode_cursor(last_key, query=query_fingerprint(args))
    query = {name: value for name, value in args.items() if name != "cursor"}
    query["cursor"] = cursor
    return f"{path}?{urlencode(query)}", cursor
