"""`/v1/events`: events by time, outlet, language or title; one event with its articles; its
stored comparison; its framing scores under a profile or the caller's weights.

Routes parse, call a query, answer; the queries are plain functions over a session.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, request
from pydantic import Field
from sqlmodel import Session, col, select

from parallax.api.app import app_engine, app_settings
from parallax.api.auth import require_scope
from parallax.api.errors import ProblemError
from parallax.api.http import csv_columns, csv_response, flatten, list_response, wants_csv
from parallax.api.openapi import operation
from parallax.api.pagination import PageRequest, after_newest_first, newest_first, next_page, page_request
from parallax.api.params import LARGEST_ID, Moment, PageParameters, QueryParameters, parse_query
from parallax.api.schemas import (
    Comparison,
    EventArticle,
    EventDetail,
    EventPage,
    EventSummary,
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


def event_scores(session: Session, event_id: str, query: ScoresQuery) -> Scores:
    """Every pair's framing distance in the event, and each article's divergence."""
    profile, weights = chosen_weights(query)
    comparison = event_comparison(session, event_id)
    pairs = pair_distances(comparison.report, weights)
    return Scores(
        event_id=event_id,
        profile=profile,
        weights=weights,
        pairs=[PairScore.model_validate(pair.to_json()) for pair in pairs],
        divergence=mean_distance_by_article(pairs),
    )


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
        scores = event_scores(session, event_id, query)
    if wants_csv():
        return csv_response(["a", "b", "distance", *COMPONENTS], scores_rows(scores))
    return scores.model_dump(mode="json")
