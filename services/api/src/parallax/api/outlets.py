"""`/v1/outlets`: the outlets by name, each with its article count; one with the events it covered."""

from __future__ import annotations

from typing import Any, Final

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, request
from sqlmodel import Session, col, select

from parallax.api.app import app_engine, app_settings
from parallax.api.auth import require_scope
from parallax.api.errors import ProblemError
from parallax.api.http import list_response
from parallax.api.openapi import operation
from parallax.api.pagination import PageRequest, next_page, page_request
from parallax.api.params import LARGEST_ID, PageParameters, parse_query
from parallax.api.profiles import blind_spots, outlet_profile
from parallax.api.schemas import OutletDetail, OutletEvent, OutletPage, OutletSummary
from parallax.shared.models import (
    Article,
    Event,
    EventComparison,
    EventMembership,
    EventStatus,
    Outlet,
    OutletProfile,
    utc_now,
)

blueprint = Blueprint("outlets", __name__, url_prefix="/v1")

_OUTLET_KEY: Final = ("str",)


class OutletQuery(PageParameters):
    """The outlet list takes only `limit` and `cursor`."""


def _article_counts() -> Any:
    """Articles per outlet, as a subquery."""
    return (
        select(col(Article.outlet_id).label("outlet_id"), sa.func.count().label("articles"))
        .group_by(col(Article.outlet_id))
        .subquery()
    )


def outlets_page(session: Session, page: PageRequest) -> tuple[list[OutletSummary], bool]:
    """A page of outlets by name, each with its article count, and whether more follow."""
    counts = _article_counts()
    statement = select(Outlet, sa.func.coalesce(counts.c.articles, 0)).outerjoin(
        counts, counts.c.outlet_id == Outlet.id
    )
    if page.after is not None:
        statement = statement.where(col(Outlet.name) > page.after[0])
    rows = session.exec(statement.order_by(col(Outlet.name)).limit(page.limit + 1)).all()
    items = [outlet_summary(outlet, count) for outlet, count in rows[: page.limit]]
    return items, len(rows) > page.limit


def outlet_summary(outlet: Outlet, article_count: int) -> OutletSummary:
    """An outlet row as lists show it."""
    return OutletSummary(
        id=outlet.id or 0, name=outlet.name, domain=outlet.domain, article_count=article_count
    )


def outlet_or_404(session: Session, outlet_id: int) -> Outlet:
    """The outlet, or a 404 problem saying where ids come from."""
    outlet = session.get(Outlet, outlet_id) if outlet_id <= LARGEST_ID else None
    if outlet is None:
        raise ProblemError(
            404,
            "Not Found",
            f"there is no outlet {outlet_id}",
            field="outlet_id",
            fix="Take an id from GET /v1/outlets.",
        )
    return outlet


def outlet_detail(session: Session, outlet_id: int, *, events_listed: int) -> OutletDetail:
    """An outlet with its article count and the `events_listed` latest events it covered."""
    outlet = outlet_or_404(session, outlet_id)
    article_count = session.exec(
        select(sa.func.count()).select_from(Article).where(col(Article.outlet_id) == outlet_id)
    ).one()
    covered = (
        select(Event, sa.func.count().label("articles"))
        .join(EventMembership, col(EventMembership.event_id) == Event.id)
        .join(Article, col(Article.id) == EventMembership.article_id)
        .where(col(Article.outlet_id) == outlet_id)
        .group_by(col(Event.id))
    )
    event_count = session.exec(select(sa.func.count()).select_from(covered.subquery())).one()
    latest = covered.order_by(col(Event.last_published).desc().nulls_last(), col(Event.id).desc())
    events = [
        OutletEvent(
            id=event.id, title=event.title, last_published=event.last_published, articles_from_outlet=n
        )
        for event, n in session.exec(latest.limit(events_listed)).all()
    ]
    return OutletDetail(
        **outlet_summary(outlet, article_count).model_dump(),
        event_count=event_count,
        events=events,
        events_url=f"/v1/events?outlet={outlet_id}",
    )


@blueprint.get("/outlets")
@require_scope("read")
@operation(
    summary="Outlets, by name", tag="outlets", query=OutletQuery, response=OutletPage, csv=True, errors=(400,)
)
def list_outlets() -> Response | dict[str, Any]:
    """Every outlet with how many of its articles are stored; pages follow with `cursor`.
    CSV with `Accept: text/csv`."""
    query = parse_query(OutletQuery, request.args)
    default_limit = app_settings(current_app).api_page_size
    page = page_request(request.args, limit=query.limit, default_limit=default_limit, key=_OUTLET_KEY)
    with Session(app_engine(current_app)) as session:
        items, more = outlets_page(session, page)
    next_url, cursor = next_page(request.path, request.args, last_key=(items[-1].name,) if more else None)
    document = OutletPage(items=items, next=next_url, next_cursor=cursor)
    return list_response(document, OutletSummary, items, next_url)


@blueprint.get("/outlets/<int:outlet_id>")
@require_scope("read")
@operation(
    summary="One outlet with the events it covered", tag="outlets", response=OutletDetail, errors=(404,)
)
def get_outlet(outlet_id: int) -> dict[str, Any]:
    """The outlet, its article count, how many events it covered and the latest of them
    (a page's worth; `events_url` lists them all)."""
    events_listed = app_settings(current_app).api_page_size
    with Session(app_engine(current_app)) as session:
        return outlet_detail(session, outlet_id, events_listed=events_listed).model_dump(mode="json")


# The events an outlet's profile and blind spots are read over: the most recent ones.
PROFILE_EVENTS: Final = 500


def outlet_profile_document(session: Session, outlet_id: int, *, stored: bool = True) -> dict[str, Any]:
    """The outlet's profile over the latest compared events it covered, and its blind spots
    among the latest events of the store (`PROFILE_EVENTS` each).

    With `stored`, the profile the nightly job last rebuilt is served when there is one
    (`computed_at` says when); otherwise it is computed now.
    """
    outlet = outlet_or_404(session, outlet_id)
    if stored:
        kept = session.get(OutletProfile, outlet_id)
        if kept is not None:
            return {**kept.data, "computed_at": kept.computed_at.isoformat()}
    latest_events = (
        select(Event.id)
        .where(Event.status == EventStatus.OPEN)
        .order_by(col(Event.last_published).desc().nulls_last(), col(Event.id).desc())
        .limit(PROFILE_EVENTS)
        .subquery()
    )
    coverage: dict[str, set[str]] = {}
    rows = session.exec(
        select(EventMembership.event_id, Outlet.name)
        .join(Article, col(Article.id) == EventMembership.article_id)
        .join(Outlet, col(Outlet.id) == Article.outlet_id)
        .where(col(EventMembership.event_id).in_(select(latest_events.c.id)))
    ).all()
    for event_id, name in rows:
        coverage.setdefault(event_id, set()).add(name)
    covered = [event_id for event_id, names in coverage.items() if outlet.name in names]
    reports = [
        dict(data)
        for data in session.exec(
            select(EventComparison.data).where(col(EventComparison.event_id).in_(covered))
        ).all()
    ]
    return {
        "outlet": {"id": outlet.id, "name": outlet.name},
        "profile": outlet_profile(outlet.name, reports),
        "blind_spots": blind_spots(outlet.name, coverage),
        "over_events": len(coverage),
        "computed_at": utc_now().isoformat(),
    }


@blueprint.get("/outlets/<int:outlet_id>/profile")
@require_scope("read")
@operation(summary="An outlet's profile across events, and its blind spots", tag="outlets", errors=(404,))
def get_outlet_profile(outlet_id: int) -> dict[str, Any]:
    """Whom the outlet quotes, what it tends to leave out, its loaded words, whose text it
    reuses (over its compared events), and the events most comparable outlets covered and it
    did not."""
    with Session(app_engine(current_app)) as session:
        return outlet_profile_document(session, outlet_id)
