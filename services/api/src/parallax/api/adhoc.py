"""`POST /v1/compare`: compare 2 to 10 articles sent in the request, synchronously.

For classrooms and quick newsroom checks: nothing is stored. The body is checked here (each
problem names its JSON pointer and the fix); the comparison itself (annotation, measurements)
is the pipeline the composition root gave the application; the scores are computed here from
its report, with the profile or weights the request asks for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Final

from flask import Blueprint, current_app
from pydantic import BaseModel, ConfigDict, Field

from parallax.api.app import UnreadableUrlError, app_comparer, app_reader, app_settings
from parallax.api.auth import require_scope
from parallax.api.errors import ProblemError
from parallax.api.http import json_object_body
from parallax.api.openapi import operation
from parallax.api.scores import WeightsError, mean_distance_by_article, pair_distances, weights_for
from parallax.shared.config import Settings

blueprint = Blueprint("adhoc", __name__, url_prefix="/v1")


class CompareArticle(BaseModel):
    """One article of `POST /v1/compare`: its text, and what is known of it."""

    model_config = ConfigDict(json_schema_mode_override="validation")

    text: str | None = Field(
        default=None,
        min_length=40,
        description="The article's full text (40 characters or more); or leave it out and give `url`.",
    )
    title: str | None = None
    outlet: str | None = Field(default=None, description="Who published it (default: Text 1, Text 2 …).")
    language: str | None = Field(default=None, description="ISO 639-1 code; detected when absent.")
    published: str | None = Field(default=None, description="ISO 8601 date or time.")
    id: str | None = Field(default=None, description="Your id for it (default: its position, from 1).")
    url: str | None = Field(
        default=None,
        description="Where the article was published; without `text`, the article is fetched from it.",
    )


class CompareRequest(BaseModel):
    """The body of `POST /v1/compare`."""

    model_config = ConfigDict(json_schema_mode_override="validation")

    articles: list[CompareArticle] = Field(min_length=2, max_length=10)
    profile: str | None = Field(default=None, description="A scoring profile (default: balanced).")
    weights: dict[str, float] | None = Field(
        default=None, description="Weights by component, instead of a profile."
    )


FEWEST_ARTICLES: Final = 2
MOST_ARTICLES: Final = 10
_TEXT_FIELDS: Final = ("id", "outlet", "title", "language", "published", "url")
_WEB_ADDRESS: Final = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)


@blueprint.post("/compare")
@require_scope("read")  # a POST that stores nothing: readers may compare (open in a classroom)
@operation(
    summary="Compare 2 to 10 texts sent in the request",
    tag="compare",
    body=CompareRequest,
    errors=(400, 415, 422, 503),
)
def compare_articles() -> dict[str, Any]:
    """Annotate and compare the articles of the body; answer the report with its pairs' scores."""
    return compare_body(json_object_body('{"articles": [{"text": "…"}, {"text": "…"}]}'))


def compare_body(body: Mapping[str, Any]) -> dict[str, Any]:
    """The comparison of a `POST /v1/compare` body (the classroom's form sends the same): the
    report, its pairs' scores and each article's divergence; a ProblemError saying what to fix."""
    comparer = app_comparer(current_app)
    if comparer is None:
        raise ProblemError(
            503,
            "Service Unavailable",
            "this API process was started without the comparison pipeline",
            fix="Run the API with `parallax serve`, which gives it the pipeline.",
        )
    settings = app_settings(current_app)
    records = compare_request_records(
        body, min_chars=settings.min_article_chars, max_chars=settings.max_article_chars
    )
    weights = _weights(body)
    records = [
        record if "text" in record else _fetched(position, record, settings)
        for position, record in enumerate(records)
    ]
    report = comparer(records)
    pairs = pair_distances(report, weights)
    report["pairs"] = [pair.to_json() for pair in pairs]
    report["divergence"] = mean_distance_by_article(pairs)
    report["weights"] = weights
    return report


def compare_request_records(
    body: Mapping[str, Any], *, min_chars: int, max_chars: int
) -> list[dict[str, Any]]:
    """The articles of a `POST /v1/compare` body as interchange records, or a ProblemError
    naming the first thing wrong (by JSON pointer) and how to fix it."""
    articles = body.get("articles")
    if not isinstance(articles, list):
        raise _invalid(
            "/articles", "the body needs an 'articles' list", 'Send {"articles": [{"text": "…"}, …]}.'
        )
    if not FEWEST_ARTICLES <= len(articles) <= MOST_ARTICLES:
        raise _invalid(
            "/articles",
            f"{len(articles)} articles sent; a comparison takes {FEWEST_ARTICLES} to {MOST_ARTICLES}",
            "Send between 2 and 10 articles; for more, ingest them and read the event's comparison.",
        )
    records = [_record(position, item, min_chars, max_chars) for position, item in enumerate(articles)]
    seen: set[str] = set()
    for position, record in enumerate(records):
        if record["id"] in seen:
            raise _invalid(
                f"/articles/{position}/id",
                f"id {record['id']!r} is used twice",
                "Give each article its own id.",
            )
        seen.add(record["id"])
    return records


def _record(position: int, item: Any, min_chars: int, max_chars: int) -> dict[str, Any]:
    pointer = f"/articles/{position}"
    if not isinstance(item, Mapping):
        raise _invalid(pointer, "an article must be a JSON object", 'Send {"text": "…", "title": "…"}.')
    text = item.get("text")
    url = item.get("url")
    if text is None and isinstance(url, str) and url.strip():
        if not _WEB_ADDRESS.match(url.strip()):
            raise _invalid(
                f"{pointer}/url",
                f"{url.strip()[:100]!r} is not a web address",
                "Give an address that starts with http:// or https://, or paste the text.",
            )
        text = None  # fetched once every article of the request is known to be well formed
    elif not isinstance(text, str) or len(text.strip()) < min_chars:
        raise _invalid(
            f"{pointer}/text",
            f"the text is missing or shorter than {min_chars} characters",
            "Paste the article's full text, or give its web address as url.",
        )
    elif len(text) > max_chars:
        raise _invalid(
            f"{pointer}/text",
            f"the text is longer than {max_chars:,} characters",
            "Send one article, not a page of them.",
        )
    record: dict[str, Any] = {} if text is None else {"text": text}
    for name in _TEXT_FIELDS:
        value = item.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _invalid(
                f"{pointer}/{name}", f"{name} must be a string", f"Send {name} as text, or leave it out."
            )
        record[name] = value.strip()
    if "published" in record and not _is_date(record["published"]):
        raise _invalid(
            f"{pointer}/published",
            "published is not an ISO date",
            'Use "2022-02-03" or "2022-02-03T20:45:00Z".',
        )
    record.setdefault("id", str(position + 1))
    if "text" in record:
        record.setdefault("outlet", f"Text {position + 1}")
    else:  # the page may say who published it
        record["default_outlet"] = f"Text {position + 1}"
    return record


def _fetched(position: int, record: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The record of an article given by its address, with the text found there (what the
    request says of it wins over what the page says)."""
    reader = app_reader(current_app)
    pointer = f"/articles/{position}/url"
    if reader is None:
        raise ProblemError(
            503,
            "Service Unavailable",
            "this API process was started without the web-address reader",
            field=pointer,
            fix="Paste the text instead, or run the API with `parallax serve`, which gives it the reader.",
        )
    try:
        found = reader(record["url"], settings)
    except UnreadableUrlError as error:
        raise ProblemError(
            422,
            "Unreadable Address",
            str(error),
            field=pointer,
            fix="Check that the address opens the article in a browser, or paste its text instead.",
        ) from error
    text = str(found.get("text") or "")
    if len(text.strip()) < settings.min_article_chars:
        raise ProblemError(
            422,
            "Unreadable Address",
            f"the page at {record['url']} holds no article text ({len(text.strip())} characters found)",
            field=pointer,
            fix="Give the address of the article itself (not a home or list page), or paste its text.",
        )
    merged = {key: value for key, value in found.items() if key in _TEXT_FIELDS and value}
    merged.update({key: value for key, value in record.items() if not key.startswith("default_")})
    merged["text"] = text[: settings.max_article_chars]
    merged.setdefault("outlet", record.get("default_outlet"))
    return merged


def _weights(body: Mapping[str, Any]) -> dict[str, float]:
    profile, weights = body.get("profile"), body.get("weights")
    try:
        if weights is not None:
            if not isinstance(weights, Mapping) or not all(
                isinstance(v, int | float) for v in weights.values()
            ):
                raise WeightsError("weights must map component names to numbers")
            return weights_for(weights={str(k): float(v) for k, v in weights.items()})
        if profile is not None and not isinstance(profile, str):
            raise WeightsError("profile must be a profile's name")
        return weights_for(profile)
    except WeightsError as error:
        field = "/weights" if weights is not None else "/profile"
        raise _invalid(field, str(error), "Leave it out for the 'balanced' profile.") from error


def _is_date(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _invalid(field: str, detail: str, fix: str) -> ProblemError:
    return ProblemError(400, "Invalid Request", detail, field=field, fix=fix)
