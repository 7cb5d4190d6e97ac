"""`/v1/feeds`: the RSS and Atom feeds polled for new articles; registered, listed, paused and resumed.

Registering a feed stores it (and its outlet, by name, when that is new); the ingest side
polls the active ones. Pausing and resuming are idempotent: asking twice changes nothing.
Routes parse, call a plain function over a session, answer.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any, Final, Literal

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session, SQLModel, col, select

from parallax.api.app import app_engine, app_settings
from parallax.api.auth import require_scope
from parallax.api.errors import ProblemError
from parallax.api.http import json_body, list_response
from parallax.api.openapi import operation
from parallax.api.pagination import PageRequest, next_page, page_request
from parallax.api.params import LARGEST_ID, PageParameters, parse_query
from parallax.api.schemas import FeedDetail, FeedPage, FeedSummary, OutletRef
from parallax.shared.db import session_scope
from parallax.shared.models import Feed, FeedStatus, Outlet, utc_now

blueprint = Blueprint("feeds", __name__, url_prefix="/v1")

SHORTEST_INTERVAL: Final = 60
LONGEST_INTERVAL: Final = 86_400
DEFAULT_INTERVAL: Final = 900
LONGEST_URL: Final = 2048
LONGEST_OUTLET_NAME: Final = 200

_FEED_KEY: Final = ("int",)
_URL_FIX: Final = (
    "Give the feed's full address, starting with http:// or https://, e.g. https://example.org/rss.xml."
)
_FIXES: Final = {
    "url": _URL_FIX,
    "outlet": f"Give the outlet's name as text of 1 to {LONGEST_OUTLET_NAME} characters, or leave it out.",
    "poll_interval_seconds": f"Give a whole number of seconds from {SHORTEST_INTERVAL} to "
    f"{LONGEST_INTERVAL:,} (one day), or leave it out for {DEFAULT_INTERVAL}.",
}


class FeedRegistration(BaseModel):
    """The body of `POST /v1/feeds`: the feed's address, its outlet and how often to poll it."""

    # Strict: "900" is not a number of seconds and true is not 1; unknown fields are refused
    # so that a misspelt `poll_interval` is not silently ignored.
    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, json_schema_mode_override="validation"
    )

    url: str = Field(
        min_length=1,
        max_length=LONGEST_URL,
        description="The feed's http(s) address; its scheme and host are stored lower-cased.",
        json_schema_extra={"format": "uri"},
    )
    outlet: str | None = Field(
        default=None,
        max_length=LONGEST_OUTLET_NAME,
        description="The outlet to store its articles under, by name (created when new).",
    )
    poll_interval_seconds: int = Field(
        default=DEFAULT_INTERVAL,
        ge=SHORTEST_INTERVAL,
        le=LONGEST_INTERVAL,
        description=f"Seconds between two polls, {SHORTEST_INTERVAL} to {LONGEST_INTERVAL}.",
    )

    @field_validator("url")
    @classmethod
    def _well_formed_url(cls, value: str) -> str:
        return normalised_feed_url(value)

    @field_validator("outlet")
    @classmethod
    def _outlet_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = value.strip()
        if not name:
            raise ValueError("the outlet's name is empty")
        if not _storable(name):
            raise ValueError("the outlet's name holds control characters")
        return name


class FeedQuery(PageParameters):
    """Filters of the feed list."""

    status: Literal["active", "paused", "failing"] | None = Field(
        default=None, description="Only feeds in this state: active, paused or failing."
    )


def normalised_feed_url(text: str) -> str:
    """`text` as a feed URL to store: an absolute http(s) URL with a host, scheme and host
    lower-cased, the fragment (never sent to a server) dropped. Raises ValueError saying what
    is wrong."""
    url = text.strip()
    if not _storable(url) or any(char.isspace() for char in url):
        raise ValueError("the URL holds spaces or control characters")
    try:
        parts = urllib.parse.urlsplit(url)
        hostname, port = parts.hostname, parts.port
    except ValueError as error:
        raise ValueError(f"the URL cannot be read ({error})") from error
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        shown = f"the scheme {scheme!r}" if scheme else "no scheme"
        raise ValueError(f"the URL has {shown}; a feed is read over http:// or https://")
    if not hostname:
        raise ValueError("the URL has no host name")
    if parts.username is not None or parts.password is not None:
        # Stored URLs are listed to every reader: a password in one would be published.
        raise ValueError("the URL carries a user name or password; feeds are read without them")
    netloc = hostname if port is None else f"{hostname}:{port}"
    if ":" in hostname:  # an IPv6 address keeps its brackets
        netloc = f"[{hostname}]" + ("" if port is None else f":{port}")
    return urllib.parse.urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def _storable(text: str) -> bool:
    """Whether every database can hold `text`: no NUL or other control character, valid UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(char) < 32 or ord(char) == 127 for char in text)


def registration_from(body: Any) -> FeedRegistration:
    """The request body as a registration, or a 400 problem naming the field (as a JSON
    pointer) and how to fix it."""
    if not isinstance(body, Mapping):
        raise _invalid("", "the body is not a JSON object", 'Send {"url": "https://example.org/rss.xml"}.')
    try:
        return FeedRegistration.model_validate(dict(body))
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            fix = f"Remove {name!r}; a feed takes: {', '.join(FeedRegistration.model_fields)}."
        else:
            fix = _FIXES.get(name, "Correct it, or leave it out.")
        raise _invalid(f"/{name}", f"{name}: {message}", fix) from error


def register_feed(session: Session, registration: FeedRegistration) -> Feed:
    """Store a new feed (and its outlet, when named and new); a 409 problem pointing to the
    feed when its URL is registered already.

    Both inserts skip a row that exists (ON CONFLICT DO NOTHING) rather than fail, so two
    requests registering the same feed or naming the same new outlet at once are safe: the
    second one finds the first one's row.
    """
    outlet_id = outlet_id_for(session, registration.outlet) if registration.outlet else None
    values = {
        "url": registration.url,
        "outlet_id": outlet_id,
        "poll_interval_seconds": registration.poll_interval_seconds,
        "status": FeedStatus.ACTIVE.value,
        "consecutive_failures": 0,
        "created_at": utc_now(),
    }
    inserted = session.execute(
        _insert_unless_exists(session, _table(Feed), "url").values(**values).returning(_table(Feed).c.id)
    ).scalar_one_or_none()
    if inserted is None:
        raise _already_registered(session, registration.url)
    return feed_or_404(session, inserted)


def _already_registered(session: Session, url: str) -> ProblemError:
    existing = session.exec(select(Feed.id).where(Feed.url == url)).one()
    return ProblemError(
        409,
        "Already Registered",
        f"the feed {url} is registered already, as feed {existing}",
        field="/url",
        fix=f"Use feed {existing}: GET /v1/feeds/{existing}; if it is paused, resume it with "
        f"POST /v1/feeds/{existing}/resume.",
        extra={"feed_id": existing, "feed": f"/v1/feeds/{existing}"},
    )


def outlet_id_for(session: Session, name: str) -> int:
    """The id of the outlet named `name`, stored first when there is none."""
    statement = _insert_unless_exists(session, _table(Outlet), "name").values(name=name, created_at=utc_now())
    session.execute(statement)
    return session.exec(select(Outlet.id).where(Outlet.name == name)).one() or 0


def _table(model: type[SQLModel]) -> sa.Table:
    table: sa.Table = SQLModel.metadata.tables[str(model.__tablename__)]
    return table


def _insert_unless_exists(session: Session, table: Any, key: str) -> Any:
    """INSERT … ON CONFLICT (`key`) DO NOTHING, in the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=[key])
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing(index_elements=[key])


def feeds_page(session: Session, query: FeedQuery, page: PageRequest) -> tuple[list[FeedSummary], bool]:
    """A page of feeds in the order they were registered, and whether more follow."""
    statement = select(Feed, Outlet).outerjoin(Outlet, col(Outlet.id) == Feed.outlet_id)
    if query.status is not None:
        statement = statement.where(Feed.status == query.status)
    if page.after is not None:
        statement = statement.where(col(Feed.id) > page.after[0])
    rows = session.exec(statement.order_by(col(Feed.id)).limit(page.limit + 1)).all()
    return [feed_summary(feed, outlet) for feed, outlet in rows[: page.limit]], len(rows) > page.limit


def feed_summary(feed: Feed, outlet: Outlet | None) -> FeedSummary:
    """A feed row (with its outlet) as lists show it."""
    return FeedSummary(
        id=feed.id or 0,
        url=feed.url,
        outlet=None if outlet is None else OutletRef(id=outlet.id or 0, name=outlet.name),
        title=feed.title,
        status=feed.status,
        poll_interval_seconds=feed.poll_interval_seconds,
        last_polled_at=feed.last_polled_at,
        consecutive_failures=feed.consecutive_failures,
    )


def feed_detail(session: Session, feed: Feed) -> FeedDetail:
    """A feed with what its last poll left."""
    outlet = session.get(Outlet, feed.outlet_id) if feed.outlet_id is not None else None
    return FeedDetail(
        **feed_summary(feed, outlet).model_dump(),
        last_error=feed.last_error,
        etag=feed.etag,
        last_modified=feed.last_modified,
        created_at=feed.created_at,
    )


def feed_or_404(session: Session, feed_id: int) -> Feed:
    """The feed `feed_id`; a 404 problem when there is none."""
    feed = session.get(Feed, feed_id) if feed_id <= LARGEST_ID else None
    if feed is None:
        raise ProblemError(
            404,
            "Not Found",
            f"there is no feed {feed_id}",
            field="feed_id",
            fix="Take an id from GET /v1/feeds, or register the feed with POST /v1/feeds.",
        )
    return feed


def set_feed_status(session: Session, feed_id: int, status: FeedStatus) -> Feed:
    """Pause (PAUSED) or resume (ACTIVE) a feed; a feed already so is left as it is.

    Resuming a failing feed makes it active with its failures forgotten (its last error
    stays, for the record): resuming is how a person says "try it again".
    """
    feed = feed_or_404(session, feed_id)
    if feed.status == status:
        return feed
    feed.status = status
    if status == FeedStatus.ACTIVE:
        feed.consecutive_failures = 0
    session.add(feed)
    session.flush()
    return feed


def _invalid(field: str, detail: str, fix: str) -> ProblemError:
    return ProblemError(400, "Invalid Request", detail, field=field, fix=fix)


@blueprint.post("/feeds")
@operation(
    summary="Register a feed to poll",
    tag="feeds",
    body=FeedRegistration,
    response=FeedDetail,
    status=201,
    errors=(400, 409, 415),
)
def create_feed() -> tuple[dict[str, Any], int, dict[str, str]]:
    """Store the feed (and its outlet, by name, when new) to be polled every
    `poll_interval_seconds`. Needs the write scope. 409 when the URL is registered already."""
    registration = registration_from(json_body('{"url": "https://example.org/rss.xml"}'))
    with session_scope(app_engine(current_app)) as session:
        feed = register_feed(session, registration)
        detail = feed_detail(session, feed)
    return detail.model_dump(mode="json"), 201, {"Location": f"/v1/feeds/{detail.id}"}


@blueprint.get("/feeds")
@require_scope("read")
@operation(
    summary="Feeds, in the order they were registered",
    tag="feeds",
    query=FeedQuery,
    response=FeedPage,
    csv=True,
    errors=(400,),
)
def list_feeds() -> Response | dict[str, Any]:
    """The registered feeds, optionally only those `status` active, paused or failing; pages
    follow with `cursor`. CSV with `Accept: text/csv`."""
    query = parse_query(FeedQuery, request.args)
    default_limit = app_settings(current_app).api_page_size
    page = page_request(request.args, limit=query.limit, default_limit=default_limit, key=_FEED_KEY)
    with Session(app_engine(current_app)) as session:
        items, more = feeds_page(session, query, page)
    next_url, cursor = next_page(request.path, request.args, last_key=(items[-1].id,) if more else None)
    return list_response(
        FeedPage(items=items, next=next_url, next_cursor=cursor), FeedSummary, items, next_url
    )


@blueprint.get("/feeds/<int:feed_id>")
@require_scope("read")
@operation(summary="One feed", tag="feeds", response=FeedDetail, errors=(404,))
def get_feed(feed_id: int) -> dict[str, Any]:
    """The feed, its outlet, its state and what its last poll left (error, validators)."""
    with Session(app_engine(current_app)) as session:
        return feed_detail(session, feed_or_404(session, feed_id)).model_dump(mode="json")


@blueprint.post("/feeds/<int:feed_id>/pause")
@operation(summary="Stop polling a feed", tag="feeds", response=FeedDetail, errors=(404,))
def pause_feed(feed_id: int) -> dict[str, Any]:
    """Stop polling the feed until it is resumed (pausing a paused feed changes nothing).
    Needs the write scope."""
    return _with_status(feed_id, FeedStatus.PAUSED)


@blueprint.post("/feeds/<int:feed_id>/resume")
@operation(summary="Poll a paused or failing feed again", tag="feeds", response=FeedDetail, errors=(404,))
def resume_feed(feed_id: int) -> dict[str, Any]:
    """Poll the feed again: a paused or failing feed becomes active, its failures forgotten
    (resuming an active feed changes nothing). Needs the write scope."""
    return _with_status(feed_id, FeedStatus.ACTIVE)


def _with_status(feed_id: int, status: FeedStatus) -> dict[str, Any]:
    with session_scope(app_engine(current_app)) as session:
        feed = set_feed_status(session, feed_id, status)
        return feed_detail(session, feed).model_dump(mode="json")
