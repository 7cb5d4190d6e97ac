"""Plain read functions over the stored tables, shared by the CLI and (later) the API.

Every function takes the session as a keyword argument and returns model objects; paging is
by keyset (`after_id`), which stays fast and stable while rows are being added.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from parallax.shared.models import Article, ArticleRevision, IngestRun, Outlet, RejectedInput


def list_articles(
    *,
    session: Session,
    outlet: str | None = None,
    language: str | None = None,
    stage: str | None = None,
    run_id: int | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> Sequence[tuple[Article, str]]:
    """Articles with their outlet's name, oldest first, filtered and paged by id."""
    query = select(Article, Outlet.name).join(Outlet, col(Outlet.id) == col(Article.outlet_id))
    if outlet is not None:
        query = query.where(Outlet.name == outlet)
    if language is not None:
        query = query.where(Article.language == language)
    if stage is not None:
        query = query.where(Article.stage == stage)
    if run_id is not None:
        query = query.where(Article.ingest_run_id == run_id)
    if after_id is not None:
        query = query.where(col(Article.id) > after_id)
    return session.exec(query.order_by(col(Article.id)).limit(limit)).all()


def get_article(article_id: int, *, session: Session) -> tuple[Article, str] | None:
    """One article with its outlet's name, or None."""
    query = (
        select(Article, Outlet.name)
        .join(Outlet, col(Outlet.id) == col(Article.outlet_id))
        .where(Article.id == article_id)
    )
    return session.exec(query).first()


def list_revisions(article_id: int, *, session: Session) -> Sequence[ArticleRevision]:
    """An article's later versions, in order."""
    query = (
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article_id)
        .order_by(col(ArticleRevision.revision))
    )
    return session.exec(query).all()


def list_rejected(
    *,
    session: Session,
    reason: str | None = None,
    run_id: int | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> Sequence[RejectedInput]:
    """Refused inputs, oldest first, filtered by reason or run and paged by id."""
    query = select(RejectedInput)
    if reason is not None:
        query = query.where(RejectedInput.reason == reason)
    if run_id is not None:
        query = query.where(RejectedInput.ingest_run_id == run_id)
    if after_id is not None:
        query = query.where(col(RejectedInput.id) > after_id)
    return session.exec(query.order_by(col(RejectedInput.id)).limit(limit)).all()


def get_rejected(rejected_id: int, *, session: Session) -> RejectedInput | None:
    """One refused input, or None."""
    return session.get(RejectedInput, rejected_id)


def latest_ingest_run(*, session: Session) -> IngestRun | None:
    """The most recent ingest run, or None."""
    return session.exec(select(IngestRun).order_by(col(IngestRun.id).desc()).limit(1)).first()
