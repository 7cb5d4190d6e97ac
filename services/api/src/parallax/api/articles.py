"""`/v1/articles`: articles by outlet, language, event and publication time; one with its text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from flask import Blueprint, Response, current_app, request
from pydantic import Field
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from parallax.api.app import app_engine, app_ingester, app_settings
from parallax.api.auth import require_scope
from parallax.api.errors import ProblemError
from parallax.api.http import json_object_body, list_response
from parallax.api.openapi import operation
from parallax.api.pagination import PageRequest, after_newest_first, newest_first, next_page, page_request
from parallax.api.params import LARGEST_ID, Moment, PageParameters, parse_query
from parallax.api.schemas import ArticleDetail, ArticlePage, ArticleSummary, OutletRef
from parallax.shared.models import Article, EventMembership, Outlet

blueprint = Blueprint("articles", __name__, url_prefix="/v1")

_ARTICLE_KEY: Final = ("moment", "int")


class ArticleQuery(PageParameters):
    """Filters of the article list (every one optional; together they all apply)."""

    outlet: int | None = Field(
        default=None, ge=1, le=LARGEST_ID, description="An outlet id (see /v1/outlets)."
    )
    language: str | None = Field(
        default=None, min_length=2, max_length=16, description="A language code, e.g. fr."
    )
    event: str | None = Field(
        default=None, min_length=1, max_length=40, description="An event id (see /v1/events), e.g. e000042."
    )
    since: Moment | None = Field(
        default=None, description="Published at or after this time (ISO 8601; UTC when no zone)."
    )
    until: Moment | None = Field(default=None, description="Published before this time (ISO 8601).")


def _listed() -> Any:
    """Articles with their outlet and event (none until clustered)."""
    return (
        select(Article, Outlet, EventMembership.event_id)
        .join(Outlet, col(Outlet.id) == Article.outlet_id)
        .outerjoin(EventMembership, col(EventMembership.article_id) == Article.id)
    )


def articles_page(
    session: Session, query: ArticleQuery, page: PageRequest
) -> tuple[list[ArticleSummary], bool]:
    """A page of articles, most recently published first (undated last), and whether more follow."""
    conditions: list[ColumnElement[bool]] = []
    if query.outlet is not None:
        conditions.append(col(Article.outlet_id) == query.outlet)
    if query.language is not None:
        conditions.append(col(Article.language) == query.language)
    if query.event is not None:
        conditions.append(col(EventMembership.event_id) == query.event)
    if query.since is not None:
        conditions.append(col(Article.published_at) >= query.since)
    if query.until is not None:
        conditions.append(col(Article.published_at) < query.until)
    moment, identity = col(Article.published_at), col(Article.id)
    if page.after is not None:
        conditions.append(after_newest_first(moment, identity, page.after))
    statement = _listed().where(*conditions).order_by(*newest_first(moment, identity)).limit(page.limit + 1)
    rows = session.exec(statement).all()
    items = [article_summary(article, outlet, event_id) for article, outlet, event_id in rows[: page.limit]]
    return items, len(rows) > page.limit


def article_summary(article: Article, outlet: Outlet, event_id: str | None) -> ArticleSummary:
    """An article row (with its outlet and event) as lists show it."""
    return ArticleSummary(
        id=article.id or 0,
        outlet=OutletRef(id=outlet.id or 0, name=outlet.name),
        title=article.title,
        language=article.language,
        published=article.published_at,
        url=article.url,
        event_id=event_id,
    )


def article_detail(session: Session, article_id: int) -> ArticleDetail:
    """One article with its clean text; 404 when there is none."""
    row = None
    if article_id <= LARGEST_ID:
        row = session.exec(_listed().where(col(Article.id) == article_id)).first()
    if row is None:
        raise ProblemError(
            404,
            "Not Found",
            f"there is no article {article_id}",
            field="article_id",
            fix="Take an id from GET /v1/articles or from an event's articles.",
        )
    article, outlet, event_id = row
    summary = article_summary(article, outlet, event_id)
    return ArticleDetail(**summary.model_dump(), text=article.clean_text)


@blueprint.get("/articles")
@require_scope("read")
@operation(
    summary="Articles, most recently published first",
    tag="articles",
    query=ArticleQuery,
    response=ArticlePage,
    csv=True,
    errors=(400,),
)
def list_articles() -> Response | dict[str, Any]:
    """Articles filtered by outlet, language, event and publication time; pages follow with
    `cursor`. CSV with `Accept: text/csv`."""
    query = parse_query(ArticleQuery, request.args)
    default_limit = app_settings(current_app).api_page_size
    page = page_request(request.args, limit=query.limit, default_limit=default_limit, key=_ARTICLE_KEY)
    with Session(app_engine(current_app)) as session:
        items, more = articles_page(session, query, page)
    last_key = (items[-1].published, items[-1].id) if more else None
    next_url, cursor = next_page(request.path, request.args, last_key=last_key)
    document = ArticlePage(items=items, next=next_url, next_cursor=cursor)
    return list_response(document, ArticleSummary, items, next_url)


@blueprint.get("/articles/<int:article_id>")
@require_scope("read")
@operation(summary="One article with its text", tag="articles", response=ArticleDetail, errors=(404,))
def get_article(article_id: int) -> dict[str, Any]:
    """The article's clean text, title, outlet, language, publication time, URL and event."""
    with Session(app_engine(current_app)) as session:
        return article_detail(session, article_id).model_dump(mode="json")


# A batch is stored in one request; more is a job for `parallax ingest` or a feed.
LARGEST_BATCH: Final = 1000


@blueprint.post("/articles")
@operation(summary="Store articles (one, a batch, or URLs to fetch)", tag="articles", errors=(400, 413, 503))
def create_articles() -> tuple[dict[str, Any], int]:
    """Store articles sent as `{"article": {...}}`, `{"articles": [...]}` or `{"urls": [...]}`,
    as `parallax ingest` stores them (cleaned, deduplicated, revisions kept). Answers the
    counts, the new article ids and every refused input with its reason; 201 when something
    was stored, 200 when everything was already stored, 400 when everything was refused."""
    ingester = app_ingester(current_app)
    if ingester is None:
        raise ProblemError(
            503,
            "Service Unavailable",
            "this API process was started without the ingest pipeline",
            fix="Run the API with `parallax serve`, which gives it the pipeline.",
        )
    records, urls = article_request(
        json_object_body('{"articles": [{"outlet": "…", "title": "…", "text": "…"}]}')
    )
    report = ingester(app_engine(current_app), app_settings(current_app), records, urls)
    counts = report["counts"]
    if counts["rejected"] and not (counts["stored"] + counts["duplicates"] + counts["revisions"]):
        raise ProblemError(
            400,
            "Invalid Articles",
            f"all {counts['rejected']} input(s) were refused",
            field="/articles" if records else "/urls",
            fix="See `refusals`: each names its input, what was wrong and how to fix it.",
            extra={"refusals": report["refusals"]},
        )
    if report.get("run_id") is not None:
        report["job"] = f"/v1/jobs/{report['run_id']}"
    return report, 201 if report["article_ids"] else 200


def article_request(body: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The records and URLs of a `POST /v1/articles` body, or a ProblemError naming the field."""
    given = [name for name in ("article", "articles", "urls") if name in body]
    if len(given) != 1:
        raise ProblemError(
            400,
            "Invalid Request",
            "send exactly one of 'article', 'articles' or 'urls'",
            field="",
            fix='Send {"article": {...}}, {"articles": [...]} or {"urls": ["https://…"]}.',
        )
    name = given[0]
    items = [body[name]] if name == "article" else body[name]
    if not isinstance(items, list) or not items:
        raise ProblemError(
            400,
            "Invalid Request",
            f"'{name}' must be a non-empty list",
            field=f"/{name}",
            fix=f"Send at least one item in '{name}'.",
        )
    if len(items) > LARGEST_BATCH:
        raise ProblemError(
            413,
            "Batch Too Large",
            f"{len(items):,} items sent; a request stores at most {LARGEST_BATCH:,}",
            field=f"/{name}",
            fix="Split the batch, or use `parallax ingest` for whole files.",
        )
    if name == "urls":
        for position, url in enumerate(items):
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise ProblemError(
                    400,
                    "Invalid Request",
                    "a URL must be an http(s) address",
                    field=f"/urls/{position}",
                    fix='Send "https://…".',
                )
        return [], [str(url) for url in items]
    for position, item in enumerate(items):
        if not isinstance(item, Mapping):
            pointer = "/article" if name == "article" else f"/articles/{position}"
            raise ProblemError(
                400,
                "Invalid Request",
                "an article must be a JSON object",
                field=pointer,
                fix='Send {"outlet": "…", "title": "…", "text": "…"}.',
            )
    return [dict(item) for item in items], []
