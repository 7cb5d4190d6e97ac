"""`/v1/events`: events by time, outlet, language or title; one event with its articles; its
stored comparison; its framing scores under a profile or the caller's weights.

Routes parse, call a query, answer; the queries are plain functions over a session.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, Literal

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, request
from pydantic import Field
from sqlmodel import Session, col, select

from parallax.api.app import app_engine, app_settings
from parallax.api.auth import require_scope
from parallax.api.caching import BoundedCache
from parallax.api.errors import ProblemError
from parallax.api.explain import explain_article
from parallax.api.http import csv_columns, csv_response, flatten, list_response, wants_csv
from parallax.api.openapi import operation
from parallax.api.pagination import PageRequest, after_newest_first, newest_first, next_page, page_request
from parallax.api.params import LARGEST_ID, Moment, PageParameters, QueryParameters, parse_query
from parallax.api.profiles import outlet_matrix
from parallax.api.schemas import (
    Comparison,
    EventArticle,
    EventDetail,
    EventPage,
    EventSummary,
    OutletMatrix,
    OutletRef,
    PairScore,
    Scores,
)
from parallax.api.scores import (
    COMPONENTS,
    PROFILES,
    WeightsError,
    mean_distance_by_article,
    pair_distances,
    weights_for,
)
from parallax.shared.models import (
    Article,
    Event,
    EventComparison,
    EventMembership,
    EventStatus,
    Outlet,
)

# Scores kept per process: events x weightings in use (each entry a few kilobytes).
SCORES_CACHED: Final = 2048
# Seconds an event's stored comparison is taken as unchanged without asking the database: a
# busy event's scores cost no query, and a recomputed comparison shows within a second.
IDENTITY_TTL: Final = 1.0

blueprint = Blueprint("events", __name__, url_prefix="/v1")

_EVENT_KEY: Final = ("moment", "str")
_WEIGHT: Final = re.compile(r"^\s*(?P<name>[a-z_]+)\s*:\s*(?P<weight>[0-9]+(?:\.[0-9]+)?)\s*$")
_WEIGHTS_FIX: Final = (
    "Pass weights as name:number pairs separated by commas, e.g. weights=omissions:1,sources:2; "
    f"names: {', '.join(COMPONENTS)}."
)


class EventQuery(PageParameters):
    """Filters of the event list (every one optional; together they all apply)."""

    since: Moment | None = Field(
        default=None, description="Reported at or after this time (ISO 8601; UTC when no zone)."
    )
    until: Moment | None = Field(default=None, description="Reported before this time (ISO 8601).")
    outlet: int | None = Field(
        default=None, ge=1, le=LARGEST_ID, description="An outlet id (see /v1/outlets) that reported it."
    )
    language: str | None = Field(
        default=None, min_length=2, max_length=16, description="A language code (e.g. fr) it was reported in."
    )
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Words its title contains, each of them (case-insensitive).",
    )


class ScoresQuery(QueryParameters):
    """A named weight profile, or the caller's own weights (not both)."""

    profile: str | None = Field(
        default=None,
        max_length=40,
        description=f"A weight profile: {', '.join(PROFILES)} (default balanced).",
    )
    weights: str | None = Field(default=None, max_length=500, description=_WEIGHTS_FIX)
    lang: Literal["en", "fr"] = Field(default="en", description="The language of the explanations: en or fr.")


def events_page(session: Session, query: EventQuery, page: PageRequest) -> tuple[list[EventSummary], bool]:
    """A page of open events, most recently reported first, and whether more follow."""
    statement = select(Event).where(Event.status == EventStatus.OPEN)
    if query.since is not None:
        statement = statement.where(col(Event.last_published) >= query.since)
    if query.until is not None:
        statement = statement.where(col(Event.first_published) < query.until)
    if query.outlet is not None:
        statement = statement.where(_has_member(col(Article.outlet_id) == query.outlet))
    if query.language is not None:
        statement = statement.where(_has_member(col(Article.language) == query.language))
    for word in (query.q or "").split():
        statement = statement.where(col(Event.title).ilike(f"%{_escape_like(word)}%", escape="\\"))
    moment, identity = col(Event.last_published), col(Event.id)
    if page.after is not None:
        statement = statement.where(after_newest_first(moment, identity, page.after))
    statement = statement.order_by(*newest_first(moment, identity)).limit(page.limit + 1)
    rows = session.exec(statement).all()
    return [event_summary(event) for event in rows[: page.limit]], len(rows) > page.limit


def _has_member(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """Whether the event has an article meeting `condition`."""
    return sa.exists(
        select(EventMembership.article_id)
        .join(Article, col(Article.id) == EventMembership.article_id)
        .where(EventMembership.event_id == Event.id, condition)
    )


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def event_summary(event: Event) -> EventSummary:
    """An event row as lists show it."""
    return EventSummary(
        id=event.id,
        title=event.title,
        first_published=event.first_published,
        last_published=event.last_published,
        article_count=event.article_count,
        outlets=list(event.outlets),
        languages=list(event.languages),
        status=event.status,
        merged_into=event.merged_into,
    )


def event_detail(session: Session, event_id: str) -> EventDetail:
    """An event with its articles, earliest first (undated last); 404 when there is none."""
    event = _event_or_404(session, event_id)
    rows = session.exec(
        select(Article, Outlet)
        .join(EventMembership, col(EventMembership.article_id) == Article.id)
        .join(Outlet, col(Outlet.id) == Article.outlet_id)
        .where(EventMembership.event_id == event_id)
        .order_by(col(Article.published_at).asc().nulls_last(), col(Article.id))
    ).all()
    compared = session.get(EventComparison, event_id) is not None
    articles = [
        EventArticle(
            id=article.id or 0,
            outlet=OutletRef(id=outlet.id or 0, name=outlet.name),
            title=article.title,
            language=article.language,
            published=article.published_at,
            url=article.url,
        )
        for article, outlet in rows
    ]
    return EventDetail(**event_summary(event).model_dump(), compared=compared, articles=articles)


def _event_or_404(session: Session, event_id: str) -> Event:
    event = session.get(Event, event_id) if "\x00" not in event_id else None
    if event is None:
        raise ProblemError(
            404,
            "Not Found",
            f"there is no event {event_id!r}",
            field="event_id",
            fix="Take an id from GET /v1/events (event ids look like e000042).",
        )
    return event


def event_comparison(session: Session, event_id: str) -> Comparison:
    """The event's stored comparison; 404 (saying why) when the event or its comparison is missing."""
    _event_or_404(session, event_id)
    row = session.get(EventComparison, event_id)
    if row is None:
        raise ProblemError(
            404,
            "Not Compared",
            f"event {event_id!r} has not been compared yet",
            field="event_id",
            fix="Try again later: the compare worker compares an event once its articles are "
            "annotated and clustered (GET /v1/events/{id} says `compared`).",
        )
    return Comparison(
        event_id=row.event_id,
        comparison_version=row.comparison_version,
        article_count=row.article_count,
        compared_at=row.created_at,
        report=dict(row.data),
    )


def parse_weights(text: str) -> dict[str, float]:
    """`omissions:1,sources:2` as weights; a malformed pair is a 400 problem on `weights`."""
    weights: dict[str, float] = {}
    for pair in text.split(","):
        match = _WEIGHT.match(pair)
        if match is None:
            raise ProblemError(
                400,
                "Invalid Parameter",
                f"cannot read weight {pair.strip()!r}",
                field="weights",
                fix=_WEIGHTS_FIX,
            )
        weights[match["name"]] = float(match["weight"])
    return weights


def chosen_weights(query: ScoresQuery) -> tuple[str | None, dict[str, float]]:
    """The profile's name (None for the caller's weights) and the weights to score with."""
    if query.profile is not None and query.weights is not None:
        raise ProblemError(
            400,
            "Invalid Parameter",
            "both a profile and weights were given",
            field="weights",
            fix="Pass either profile=NAME or weights=name:number,…, not both.",
        )
    field = "weights" if query.weights is not None else "profile"
    try:
        if query.weights is not None:
            return None, weights_for(weights=parse_weights(query.weights))
        profile = query.profile or "balanced"
        return profile, weights_for(profile)
    except WeightsError as error:
        raise ProblemError(400, "Invalid Parameter", str(error), field=field, fix=_WEIGHTS_FIX) from error


def event_scores(
    session: Session,
    event_id: str,
    query: ScoresQuery,
    cache: BoundedCache[Scores] | None = None,
    identities: BoundedCache[tuple[str, str, str]] | None = None,
) -> Scores:
    """Every pair's framing distance in the event, and each article's divergence.

    With a `cache`, scores already computed for the same stored comparison and weights are
    reused: only the comparison's identity is read (not its report), so a recomputed
    comparison is a new entry. With `identities`, that identity itself is trusted for
    `IDENTITY_TTL` seconds: a comparison recomputed during that time is served from the next
    second on.
    """
    profile, weights = chosen_weights(query)
    identity = identities.get(event_id) if identities is not None else None
    if identity is None:
        identity = _comparison_identity(session, event_id)
        if identities is not None:
            identities.put(event_id, identity)
    key = (event_id, profile, tuple(sorted(weights.items())), query.lang, identity)
    if cache is not None and (found := cache.get(key)) is not None:
        return found
    comparison = event_comparison(session, event_id)
    pairs = pair_distances(comparison.report, weights)
    scores = Scores(
        event_id=event_id,
        profile=profile,
        weights=weights,
        pairs=[PairScore.model_validate(pair.to_json()) for pair in pairs],
        divergence=mean_distance_by_article(pairs),
        explanations={
            str(article["id"]): explain_article(comparison.report, str(article["id"]), query.lang)
            for article in comparison.report.get("articles") or []
        },
        matrix=OutletMatrix.model_validate(outlet_matrix(comparison.report, pairs)),
    )
    if cache is not None:
        cache.put(key, scores)
    return scores


def _comparison_identity(session: Session, event_id: str) -> tuple[str, str, str]:
    """What names one stored comparison: its version, membership key and time (404s as
    `event_comparison` does when the event or its comparison is missing)."""
    row = session.exec(
        select(
            EventComparison.comparison_version, EventComparison.membership_key, EventComparison.created_at
        ).where(EventComparison.event_id == event_id)
    ).first()
    if row is None:
        event_comparison(session, event_id)  # raises the right 404
        raise AssertionError("unreachable: event_comparison raises when there is no comparison")
    version, membership, created = row
    return version, membership, created.isoformat()


def scores_rows(scores: Scores) -> list[dict[str, Any]]:
    """One CSV row per pair: the two articles, the composite and each component's value."""
    return [
        {
            "a": pair.a,
            "b": pair.b,
            "distance": pair.distance,
            **{name: pair.components[name].value for name in COMPONENTS if name in pair.components},
        }
        for pair in scores.pairs
    ]


def detail_rows(detail: EventDetail) -> list[Mapping[str, Any]]:
    """One CSV row per article of the event."""
    return [
        {"event_id": detail.id, **flatten(article.model_dump(mode="json"))} for article in detail.articles
    ]


def _session() -> Session:
    return Session(app_engine(current_app))


@blueprint.get("/events")
@require_scope("read")
@operation(
    summary="Events, most recently reported first",
    tag="events",
    query=EventQuery,
    response=EventPage,
    csv=True,
    errors=(400,),
)
def list_events() -> Response | dict[str, Any]:
    """Open events, newest first, filtered by time, outlet, language and title words; pages
    follow with `cursor`. CSV with `Accept: text/csv`."""
    query = parse_query(EventQuery, request.args)
    page = page_request(
        request.args, limit=query.limit, default_limit=app_settings(current_app).api_page_size, key=_EVENT_KEY
    )
    with _session() as session:
        events, more = events_page(session, query, page)
    last_key = (events[-1].last_published, events[-1].id) if more else None
    next_url, cursor = next_page(request.path, request.args, last_key=last_key)
    return list_response(
        EventPage(items=events, next=next_url, next_cursor=cursor), EventSummary, events, next_url
    )


@blueprint.get("/events/<event_id>")
@require_scope("read")
@operation(summary="One event with its articles", tag="events", response=EventDetail, csv=True, errors=(404,))
def get_event(event_id: str) -> Response | dict[str, Any]:
    """The event, whether it is compared, and its articles (outlet, title, language, published,
    url). CSV: one row per article."""
    with _session() as session:
        detail = event_detail(session, event_id)
    if wants_csv():
        return csv_response(["event_id", *csv_columns(EventArticle)], detail_rows(detail))
    return detail.model_dump(mode="json")


def identity_cache(app: Flask) -> BoundedCache[tuple[str, str, str]]:
    """The application's short-lived memory of which comparison each event has."""
    cache: BoundedCache[tuple[str, str, str]] | None = app.extensions["parallax"].get("identity_cache")
    if cache is None:
        made = BoundedCache[tuple[str, str, str]](SCORES_CACHED, IDENTITY_TTL)
        cache = app.extensions["parallax"].setdefault("identity_cache", made)
    return cache


def scores_cache(app: Flask) -> BoundedCache[Scores]:
    """The application's cache of computed scores (made on first use)."""
    cache: BoundedCache[Scores] | None = app.extensions["parallax"].get("scores_cache")
    if cache is None:
        cache = app.extensions["parallax"].setdefault("scores_cache", BoundedCache[Scores](SCORES_CACHED))
    return cache


@blueprint.get("/events/<event_id>/comparison")
@require_scope("read")
@operation(summary="An event's stored comparison report", tag="events", response=Comparison, errors=(404,))
def get_comparison(event_id: str) -> dict[str, Any]:
    """The compare service's report of the event: every measurement with its evidence."""
    with _session() as session:
        return event_comparison(session, event_id).model_dump(mode="json")


@blueprint.get("/events/<event_id>/scores")
@require_scope("read")
@operation(
    summary="Framing distances between an event's articles",
    tag="events",
    query=ScoresQuery,
    response=Scores,
    csv=True,
    errors=(400, 404),
)
def get_scores(event_id: str) -> Response | dict[str, Any]:
    """Every pair's composite distance with its components and evidence, and each article's
    divergence, under a named profile or `weights`. CSV: one row per pair."""
    query = parse_query(ScoresQuery, request.args)
    with _session() as session:
        scores = event_scores(
            session, event_id, query, scores_cache(current_app), identity_cache(current_app)
        )
    if wants_csv():
        return csv_response(["a", "b", "distance", *COMPONENTS], scores_rows(scores))
    return scores.model_dump(mode="json")
