"""Query parameters, declared as pydantic models and checked into problems naming the fix.

Each list route declares its parameters once, as a `QueryParameters` subclass: the route
validates `request.args` with it (`parse_query`) and the OpenAPI document lists them from
it. Unknown parameters are refused, so that a misspelt filter is not silently ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Final, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from parallax.api.errors import ProblemError

MAX_PAGE_SIZE: Final = 500
# Ids are PostgreSQL `integer` columns: a larger number can name nothing.
LARGEST_ID: Final = 2**31 - 1

Query = TypeVar("Query", bound="QueryParameters")


def _as_utc(moment: dt.datetime) -> dt.datetime:
    """A time without a zone is taken as UTC; every time is compared in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError as error:
        raise ValueError("the time is out of range once converted to UTC") from error


Moment = Annotated[dt.datetime, AfterValidator(_as_utc)]


class QueryParameters(BaseModel):
    """Query parameters of one route; text may not hold NUL characters (no column can)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class PageParameters(QueryParameters):
    """`limit` and `cursor`, shared by every list."""

    limit: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, 1 to {MAX_PAGE_SIZE} (default: the server's page size).",
    )
    cursor: str | None = Field(
        default=None,
        max_length=2000,
        description="The `next_cursor` of the previous page (opaque), to read the page after it.",
    )


def parse_query(model: type[Query], args: Mapping[str, str]) -> Query:
    """The request's query parameters as `model`, or a 400 problem naming the first bad one."""
    try:
        return model.model_validate(dict(args))
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "query"
        raise ProblemError(
            400,
            "Invalid Parameter",
            f"query parameter {name!r}: {first['msg']}",
            field=name,
            fix=_fix_for(model, name, first["type"]),
        ) from error


def _fix_for(model: type[QueryParameters], name: str, kind: str) -> str:
    if kind == "extra_forbidden":
        known = ", ".join(model.model_fields)
        return f"Remove {name!r}; this list takes: {known}."
    field = model.model_fields.get(name)
    if field is not None and field.description:
        return f"Give {name} as: {field.description}"
    return f"Correct or remove {name!r}."
