"""The classroom pages: the events, one event seen through every outlet's eyes, "compare your
own" and the teacher notes. Thin shells: read the stored comparison (or run the ad-hoc one),
build the view (`classroom.view`), render a template.

The pages are served by the API application itself, on the same read policy as the API, with
a strict Content-Security-Policy: no script or style from anywhere but this server, so even
a text that escaped escaping could not run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from flask import Blueprint, Flask, Response, current_app, make_response, render_template, request, url_for
from sqlmodel import Session, col, select
from werkzeug.exceptions import HTTPException

from parallax.api.app import app_engine
from parallax.api.auth import require_scope
from parallax.api.classroom.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGES,
    choose_language,
    day_only,
    day_words,
    format_number,
    text,
)
from parallax.api.classroom.view import event_view
from parallax.api.errors import ProblemError
from parallax.api.scores import pair_distances
from parallax.shared.models import Article, Event

blueprint = Blueprint(
    "classroom",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/classroom/static",
)

# The seed article of the demo corpus: the teacher notes are written about its event.
DEMO_SEED: Final = "rhc-2022-02-03-poutine-macron"
# Texts the "compare your own" form offers, and how many must be filled in.
FORM_SLOTS: Final = 5
FORM_MINIMUM: Final = 2
EVENTS_LISTED: Final = 200
_SECURITY_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@blueprint.errorhandler(ProblemError)
def problem_page(problem: ProblemError) -> Response:
    """A problem met on a page (a key required, a bad form) as an HTML page saying what to do."""
    unauthorized = 401
    fix = text(page_language(), "keys_fix") if problem.status == unauthorized else problem.fix
    return _error_page(problem.status, problem.detail, fix)


@blueprint.get("/")
def events_page() -> Response:
    """Every event, the most recent first."""
    with Session(app_engine(current_app)) as session:
        events = session.exec(
            select(Event)
            .where(Event.article_count > 0, col(Event.merged_into).is_(None))
            .order_by(col(Event.last_published).desc().nulls_last(), col(Event.id).desc())
            .limit(EVENTS_LISTED)
        ).all()
    return _page("classroom/events.html", events=events)


@blueprint.get("/events/<event_id>")
def event_page(event_id: str) -> Response:
    """One event: its articles side by side, with everything its comparison found."""
    from parallax.api.events import event_comparison, event_detail

    language = page_language()
    with Session(app_engine(current_app)) as session:
        try:
            detail = event_detail(session, event_id)
        except ProblemError as error:
            return _error_page(error.status, text(language, "not_found"), error.fix)
        try:
            report = dict(event_comparison(session, event_id).report)
        except ProblemError:
            return _page("classroom/event.html", detail=detail, view=None)
        ids = [int(a["id"]) for a in report.get("articles") or [] if str(a.get("id", "")).isdigit()]
        rows = session.exec(
            select(Article.id, Article.original_text, Article.url).where(col(Article.id).in_(ids))
        ).all()
    texts = {str(row[0]): row[1] for row in rows}
    urls = {str(row[0]): row[2] for row in rows}
    view = event_view(report, texts, pair_distances(report), language, urls=urls)
    return _page("classroom/event.html", detail=detail, view=view)


@blueprint.route("/compare", methods=["GET", "POST"])
@require_scope("read")  # a form that stores nothing: readers may compare (as POST /v1/compare)
def compare_page() -> Response:
    """The form; on POST, the comparison of the texts given, shown as an event page."""
    from parallax.api.adhoc import compare_body

    form = _form_items(request.form) if request.method == "POST" else _form_items({})
    if request.method == "GET":
        return _page("classroom/compare.html", form=form, problem=None, view=None)
    filled = [item for item in form if item["text"].strip() or item["url"].strip()]
    body = {"articles": [_article_of(item, position) for position, item in enumerate(filled)]}
    try:
        report = compare_body(body)
    except ProblemError as error:
        return _page(
            "classroom/compare.html",
            form=form,
            problem=_problem(error, filled),
            view=None,
            status=error.status,
        )
    texts = {str(a["id"]): str(a.get("text") or "") for a in report.get("articles") or []}
    urls = {str(a["id"]): a.get("url") for a in report.get("articles") or []}
    view = event_view(
        report, texts, pair_distances(report, report.get("weights")), page_language(), urls=urls
    )
    return _page("classroom/compare.html", form=form, problem=None, view=view)


@blueprint.get("/notes")
def notes_page() -> Response:
    """The teacher notes for the demo event (with a link to it when it is loaded)."""
    with Session(app_engine(current_app)) as session:
        from parallax.shared.models import EventMembership

        event_id = session.exec(
            select(EventMembership.event_id)
            .join(Article, col(Article.id) == EventMembership.article_id)
            .where(Article.external_id == DEMO_SEED)
        ).first()
    return _page("classroom/notes.html", demo_event=event_id)


def page_language() -> str:
    """The language of the page being answered (see `i18n.choose_language`)."""
    accepted = dict(request.accept_languages)
    return choose_language(request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE), accepted)


def _page(template: str, *, status: int = 200, **context: Any) -> Response:
    language = page_language()
    other = next(code for code in LANGUAGES if code != language)
    html = render_template(
        template,
        lang=language,
        t=lambda key, **values: text(language, key, **values),
        number=lambda value, digits=2: format_number(value, language, digits),
        switch_url=_with_language(other),
        other_language=other,
        when=lambda moment: _when(moment, language),
        **context,
    )
    response = make_response(html, status)
    response.headers.update(_SECURITY_HEADERS)
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _with_language(language: str) -> str:
    """This page's address in another language (its other query arguments kept)."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(), "lang": language}
    endpoint = request.endpoint if request.endpoint and request.endpoint.startswith("classroom.") else None
    return url_for(endpoint or "classroom.events_page", **values)


def _when(moment: dt.datetime | None, language: str) -> str:
    """A date (and time, in UTC) as the page's language writes it; the day alone at midnight
    UTC, which is how a date without a time is stored."""
    if moment is None:
        return text(language, "undated")
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    day = day_words(utc, language)
    return day if day_only(utc) else f"{day}, {utc:%H:%M} UTC"


def _error_page(status: int, message: str, fix: str | None) -> Response:
    return _page("classroom/error.html", status=status, message=message, fix=fix)


def _form_items(form: Mapping[str, str]) -> list[dict[str, str]]:
    """The form's slots as the reader filled them (kept to be shown again: nothing is lost)."""
    return [
        {name: str(form.get(f"{name}{n}", "")) for name in ("text", "url", "outlet", "title")}
        for n in range(1, FORM_SLOTS + 1)
    ]


def _article_of(item: Mapping[str, str], position: int) -> dict[str, Any]:
    article: dict[str, Any] = {"id": str(position + 1)}
    if item["text"].strip():
        article["text"] = item["text"]
    elif item["url"].strip():
        article["url"] = item["url"].strip()
    for name in ("outlet", "title"):
        if item[name].strip():
            article[name] = item[name].strip()
    return article


def _problem(error: ProblemError, filled: list[dict[str, str]]) -> dict[str, str | None]:
    """A problem of `POST /v1/compare` as the form reader understands it (which text, what to do)."""
    detail, fix = error.detail, error.fix
    field = error.field or ""
    if field == "/articles" and len(filled) < FORM_MINIMUM:
        language = page_language()
        return {"detail": text(language, "form_too_few"), "fix": text(language, "form_too_few_fix")}
    if field.startswith("/articles/"):
        position = field.split("/")[2]
        if position.isdigit():
            detail = f"{text(page_language(), 'text_n', n=int(position) + 1)}: {detail}"
    return {"detail": detail, "fix": fix}


def init_app(app: Flask) -> None:
    """Answer an unknown address outside the API with an HTML page in the reader's language
    (the API's own addresses keep their problem details)."""
    from parallax.api.errors import http_problem

    def not_found(error: HTTPException) -> Response:
        if request.path.startswith("/v1/") or not request.accept_mimetypes.accept_html:
            return http_problem(error)
        return _error_page(404, text(page_language(), "not_found"), None)

    app.register_error_handler(404, not_found)
