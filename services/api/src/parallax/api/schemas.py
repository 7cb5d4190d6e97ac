"""The API's public documents: what each read route answers, as pydantic models.

Routes build these from stored rows and answer `model_dump(mode="json")`; the OpenAPI
document takes its schemas from the same classes, so what is documented is what is sent.
Times are ISO 8601 in UTC ("2022-02-03T09:01:00Z").
"""

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PublicModel(BaseModel):
    """A document the API answers (read-only, no unknown fields)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Problem(PublicModel):
    """An error (RFC 9457 problem details): what was wrong, in which field, and how to fix it.

    Some problems carry extension members besides these (RFC 9457 section 3.2), e.g.
    `required_scope` on a 401 or 403, `feed_id` on a 409: clients ignore those they do not know.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str
    title: str
    status: int
    detail: str
    field: str | None = Field(default=None, description="The query parameter or JSON pointer at fault.")
    fix: str | None = Field(default=None, description="What to change for the request to succeed.")


class Health(PublicModel):
    """The API answers and its database does."""

    status: str


class OutletRef(PublicModel):
    """An outlet, as other documents name it."""

    id: int
    name: str


class EventSummary(PublicModel):
    """An event as lists show it: what the articles that report it have in common."""

    id: str
    title: str = Field(description="A representative headline.")
    first_published: dt.datetime | None
    last_published: dt.datetime | None
    article_count: int
    outlets: list[str] = Field(description="Names of the outlets that reported it.")
    languages: list[str]
    status: str = Field(description="open, or merged (its articles moved to `merged_into`).")
    merged_into: str | None


class EventArticle(PublicModel):
    """An article of an event, without its text (`GET /v1/articles/{id}` has it)."""

    id: int
    outlet: OutletRef
    title: str | None
    language: str | None
    published: dt.datetime | None
    url: str | None


class EventDetail(EventSummary):
    """An event with its articles, earliest first (undated last)."""

    compared: bool = Field(description="Whether its comparison (and so its scores) is stored.")
    articles: list[EventArticle]


class EventPage(PublicModel):
    """A page of events; `next` is the URL of the following page (null on the last)."""

    items: list[EventSummary]
    next: str | None
    next_cursor: str | None


class ArticleSummary(PublicModel):
    """An article as lists show it."""

    id: int
    outlet: OutletRef
    title: str | None
    language: str | None
    published: dt.datetime | None
    url: str | None
    event_id: str | None = Field(description="The event it reports (null until clustered).")


class ArticleDetail(ArticleSummary):
    """An article with its clean text (the text every measurement's offsets refer to)."""

    text: str


class ArticlePage(PublicModel):
    """A page of articles, most recently published first; `next` as for events."""

    items: list[ArticleSummary]
    next: str | None
    next_cursor: str | None


class OutletSummary(PublicModel):
    """An outlet with how many of its articles are stored."""

    id: int
    name: str
    domain: str | None
    article_count: int


class OutletEvent(PublicModel):
    """An event an outlet covered, with how many of the outlet's articles report it."""

    id: str
    title: str
    last_published: dt.datetime | None
    articles_from_outlet: int


class OutletDetail(OutletSummary):
    """An outlet with the events it covered: the most recent ones here, all through `events_url`."""

    event_count: int
    events: list[OutletEvent]
    events_url: str = Field(description="The paged list of every event it covered.")


class OutletPage(PublicModel):
    """A page of outlets, by name."""

    items: list[OutletSummary]
    next: str | None
    next_cursor: str | None


class Comparison(PublicModel):
    """An event's stored comparison: the compare service's report, with what made it."""

    event_id: str
    comparison_version: str
    article_count: int
    compared_at: dt.datetime
    report: dict[str, Any] = Field(description="Every measurement with the spans it was counted from.")


class ComponentScore(PublicModel):
    """One component's distance in [0, 1] (null when there is nothing to compare) and its evidence."""

    value: float | None
    evidence: dict[str, Any]


class PairScore(PublicModel):
    """The framing distance of two articles: the weighted mean of their components."""

    a: str
    b: str
    distance: float | None
    components: dict[str, ComponentScore]


class OutletMatrix(PublicModel):
    """The mean composite distance between the articles of every two outlets of the event."""

    outlets: list[str]
    distances: list[list[float | None]]


class Scores(PublicModel):
    """Every pair's distance, and each article's mean distance to the others (its divergence)."""

    event_id: str
    profile: str | None = Field(description="The named profile used (null when weights were given).")
    weights: dict[str, float]
    pairs: list[PairScore]
    divergence: dict[str, float | None]
    explanations: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per article, plain-language sentences built from the evidence (in `lang`).",
    )
    matrix: OutletMatrix | None = Field(default=None, description="Mean distance between every two outlets.")


class FeedSummary(PublicModel):
    """A registered RSS or Atom feed as lists show it: where it is, whose, and how its polling goes."""

    id: int
    url: str
    outlet: OutletRef | None = Field(
        description="The outlet its articles are stored under (null: the feed's own)."
    )
    title: str | None = Field(description="The feed's own title, once it has been polled.")
    status: str = Field(
        description="active (polled), paused (not polled), or failing (its last polls failed)."
    )
    poll_interval_seconds: int
    last_polled_at: dt.datetime | None
    consecutive_failures: int


class FeedDetail(FeedSummary):
    """A feed with what its last poll left: the error, if any, and the validators sent back next time."""

    last_error: str | None = Field(description="Why the last poll failed (null when it did not).")
    etag: str | None = Field(description="The ETag the feed last answered (sent in If-None-Match).")
    last_modified: str | None = Field(description="The Last-Modified it last answered.")
    created_at: dt.datetime


class FeedPage(PublicModel):
    """A page of feeds, in the order they were registered; `next` as for events."""

    items: list[FeedSummary]
    next: str | None
    next_cursor: str | None
