"""What readers produce: drafts (articles as found, not yet validated) and refusals.

Every reader turns its input into a stream of `Draft | Refusal`. A draft carries the
interchange-format fields it found (`id`, `outlet`, `title`, `text`, `url`, `published`,
`language`, plus any extra); `prepare` validates and cleans it. A refusal says which input
(file and line, or URL) was refused, why (a stable reason code) and how to fix it, and keeps
the input itself so that nothing the user gave is lost.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from parallax.shared.models import SourceKind


class RefusalReason(enum.StrEnum):
    """Stable codes for why an input was refused (stored, counted in reports)."""

    INVALID_JSON = "invalid_json"
    INVALID_RECORD = "invalid_record"
    EMPTY_TEXT = "empty_text"
    TEXT_TOO_SHORT = "text_too_short"
    TEXT_TOO_LONG = "text_too_long"
    BINARY_CONTENT = "binary_content"
    UNDECODABLE = "undecodable"
    NO_ARTICLE_TEXT = "no_article_text"
    NO_OUTLET = "no_outlet"
    UNREADABLE_FILE = "unreadable_file"
    INVALID_FEED = "invalid_feed"
    INVALID_URL = "invalid_url"
    BLOCKED_ADDRESS = "blocked_address"
    UNREACHABLE = "unreachable"
    HTTP_ERROR = "http_error"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    UNSUPPORTED_CONTENT_TYPE = "unsupported_content_type"


@dataclass(frozen=True)
class Provenance:
    """Where an input came from: the file or URL as the user named it, and where inside it."""

    source: str
    kind: SourceKind
    location: str | None = None

    def describe(self) -> str:
        """`source` or `source, location`, for messages."""
        return f"{self.source}, {self.location}" if self.location else self.source


@dataclass(frozen=True)
class Draft:
    """An article as a reader found it; `fields` use the interchange format's names."""

    provenance: Provenance
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """An input that cannot become an article, with the reason and the input itself."""

    provenance: Provenance
    reason: RefusalReason
    message: str
    payload: str | None = None

    def describe(self) -> str:
        """One line for reports: where, and what was wrong."""
        return f"{self.provenance.describe()}: {self.message}"
