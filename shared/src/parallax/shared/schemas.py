"""Interchange types: what goes in and out of the CLI, the API and task messages.

The article interchange format is one JSON object per line:
`{"id", "outlet", "title", "text", "url", "published", "language"}`; extra fields are kept.
Spans are `{"start", "end", "text"}` with character offsets into the text exactly as given.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class Span(BaseModel):
    """A stretch of text, by character offsets into the text exactly as given."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before its start {self.start}")
        return self


class ArticleIn(BaseModel):
    """One article in the interchange format, as a user or a reader hands it to ingest."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=False)

    id: str | None = Field(default=None, description="The caller's own id for the article.")
    outlet: str = Field(min_length=1, description="The outlet that published it.")
    title: str | None = None
    text: str
    url: str | None = None
    published: dt.datetime | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code, e.g. 'fr'.")

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        # Numeric ids are common in exports; keep them, as text.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("outlet", mode="before")
    @classmethod
    def _outlet_name(cls, value: Any) -> Any:
        if isinstance(value, str):
            return " ".join(value.split())
        return value

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: Any) -> Any:
        if value in ("", None):
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            # A bare date: midnight UTC, so it sorts with full timestamps.
            return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=dt.UTC)
        return value

    @field_validator("published", mode="after")
    @classmethod
    def _published_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    @field_validator("url", mode="before")
    @classmethod
    def _web_address(cls, value: Any) -> Any:
        # Pages and API clients link it: only a web address may be stored as one.
        if value in ("", None):
            return None
        if isinstance(value, str):
            value = value.strip()
            if not re.match(r"(?i)^https?://[^\s/?#]+", value):
                raise ValueError(
                    f"{value[:80]!r} is not a web address; give an http:// or https:// address, or null"
                )
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _language_code(cls, value: Any) -> Any:
        if value in ("", None):
            return None
        if isinstance(value, str):
            code = value.strip().lower().replace("_", "-").split("-")[0]
            if not _LANGUAGE_CODE.match(code):
                raise ValueError(f"'{value}' is not a language code; use ISO 639-1 such as 'fr' or 'en'")
            return code
        return value

    @property
    def extra_fields(self) -> dict[str, Any]:
        """Fields beyond the interchange format, kept as they came."""
        return dict(self.model_extra or {})


def describe_validation_error(error: Exception) -> str:
    """One readable sentence per problem in a pydantic ValidationError."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return str(error)
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "record"
        message = item["msg"]
        if item["type"] == "missing":
            message = "is missing"
        elif item["type"] == "string_too_short":
            message = "is empty"
        elif item["type"] == "datetime_from_date_parsing" or item["type"].startswith("datetime"):
            message = (
                f"is not an ISO-8601 date or time ({item.get('input')!r}); "
                "use e.g. 2022-02-03 or 2022-02-03T18:30:00+01:00, or null"
            )
        elif item["type"] == "string_type":
            message = f"must be text, not {type(item.get('input')).__name__}"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(f"field '{field}' {message}")
    return "; ".join(problems)
