"""Tests of feed polling: a real feed server on 127.0.0.1, conditional requests, duplicates,
backoff after failures, paused feeds, and the order of due feeds."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from parallax.ingest.fetch import FetchedDocument, Fetcher, FetchPolicy
from parallax.ingest.polling import JOB_KIND, claim_due_feeds, due_feeds, next_poll_at, poll_feed
from parallax.shared.config import Settings
from parallax.shared.models import Article, Feed, FeedStatus, IngestRun, JobStatus, Outlet, RejectedInput

if TYPE_CHECKING:
    from .conftest import LocalWebServer, RecordedRequest

SettingsFor = Callable[..., Settings]

T0 = dt.datetime(2025, 3, 5, 12, 0, tzinfo=dt.UTC)
INTERVAL = 900
FEED_PATH = "/rss.xml"
ETAG = '"courier-feed-v1"'
LAST_MODIFIED = "Wed, 05 Mar 2025 11:45:00 GMT"

STORIES = (
    (
        "/news/ferry-terminal",
        "Harbour authority approves new ferry terminal",
        "Wed, 05 Mar 2025 09:00:00 GMT",
        (
            "The harbour authority approved plans for a new ferry terminal on Tuesday evening, "
            "ending a dispute that had delayed the project for almost three years.",
            "The terminal will replace the ageing pier on the east quay and is expected to handle "
            "twice as many passengers once the summer timetable begins next year.",
            "Local residents had objected to the height of the proposed building, but the "
            "authority said the final design had been lowered by four metres after consultation.",
            "Construction is due to begin in the autumn and the operator said services would "
            "continue from the old pier until the new terminal opens.",
        ),
    ),
    (
        "/news/parking-vote",
        "Council delays vote on city centre parking charges",
        "Wed, 05 Mar 2025 10:30:00 GMT",
        (
            "Councillors postponed a vote on higher parking charges in the city centre after "
            "shop owners presented a petition signed by more than four thousand people.",
            "The proposal would raise the hourly rate in the main car parks by a third and "
            "extend paid parking into the evening on weekdays and Saturdays.",
            "Traders argue that the change would drive shoppers to out-of-town retail parks, "
            "while the council says the money is needed to maintain roads and bus shelters.",
            "The vote is now expected at the next full council meeting in April, after a "
            "review of how other towns in the region have set their charges.",
        ),
    ),
    (
        "/news/coastal-path",
        "Storm damage closes coastal path for repairs",
        "Wed, 05 Mar 2025 11:15:00 GMT",
        (
            "A two-mile stretch of the coastal path north of the town has been closed after last "
            "weekend's storm washed away part of the cliff edge near the lighthouse.",
            "Rangers said walkers had been seen climbing over the barriers and warned that the "
            "ground close to the new edge could give way without notice.",
            "A diversion along the lane behind the farms has been signposted, adding about "
            "twenty minutes to the walk between the harbour and the beach at Kettle Cove.",
            "Repairs will need specialist contractors and are unlikely to be finished before "
            "the Easter holidays, the county council said in a statement on Monday.",
        ),
    ),
)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
  <title>The Harbour Courier - Local news</title>
  <link>{base}/news</link>
  <description>News from the harbour and the town</description>
  <language>en-gb</language>
{items}
</channel>
</rss>
"""

ITEM = """  <item>
    <title>{title}</title>
    <link>{base}{path}</link>
    <guid isPermaLink="true">{base}{path}</guid>
    <pubDate>{published}</pubDate>
    <description>{lede}</description>
  </item>"""

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{title} | The Harbour Courier</title>
<meta property="og:site_name" content="The Harbour Courier">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
</head>
<body>
<header><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a> |
<a href="/whats-on">What's on</a></nav></header>
<div class="advert">ADVERTISEMENT</div>
<main><article>
<h1>{title}</h1>
<p class="byline">By Morgan Ellis, local affairs reporter</p>
{paragraphs}
</article>
<aside class="most-read"><h2>Most read</h2><ul>
<li><a href="/news/1">Lifeboat crew called out twice in one night</a></li>
<li><a href="/news/2">New bakery opens on the high street</a></li></ul></aside>
</main>
<footer>Copyright © The Harbour Courier. Terms. Privacy notice. Contact us.</footer>
</body></html>
"""


def rss(base: str) -> str:
    """The feed, its items linking to the stories on the server at `base`."""
    items = "\n".join(
        ITEM.format(title=title, base=base, path=path, published=published, lede=paragraphs[0])
        for path, title, published, paragraphs in STORIES
    )
    return RSS.format(base=base, items=items)


@pytest.fixture
def site(web_server: LocalWebServer) -> LocalWebServer:
    """The local server with the three story pages (the feed is added by each test)."""
    for path, title, _, paragraphs in STORIES:
        body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        web_server.add(path, PAGE.format(title=title, paragraphs=body))
    return web_server


def serve_feed(site: LocalWebServer, *, validators: bool = True) -> str:
    """Serve the feed at FEED_PATH (with ETag and Last-Modified, or neither); its URL."""
    site.add(
        FEED_PATH,
        rss(site.base_url),
        content_type="application/rss+xml; charset=utf-8",
        headers={"Last-Modified": LAST_MODIFIED} if validators else None,
        etag=ETAG if validators else None,
    )
    return site.url(FEED_PATH)


@pytest.fixture
def settings(engine: Engine, settings_for: SettingsFor) -> Settings:
    """Settings that reach the local server quickly; a feed fails after three failures."""
    return settings_for(
        engine,
        fetch_allow_private_addresses=True,
        fetch_timeout_seconds=2.0,
        feed_failing_after=3,
        feed_max_backoff_seconds=86_400,
    )


def register(
    engine: Engine,
    url: str,
    *,
    outlet: str | None = None,
    status: FeedStatus = FeedStatus.ACTIVE,
    poll_interval_seconds: int = INTERVAL,
    last_polled_at: dt.datetime | None = None,
    consecutive_failures: int = 0,
    created_at: dt.datetime = T0 - dt.timedelta(days=1),
) -> int:
    """Store a feed (and its outlet) as registering it does; its id."""
    with Session(engine) as session:
        outlet_id = None
        if outlet is not None:
            row = Outlet(name=outlet)
            session.add(row)
            session.flush()
            outlet_id = row.id
        feed = Feed(
            url=url,
            outlet_id=outlet_id,
            status=status,
            poll_interval_seconds=poll_interval_seconds,
            last_polled_at=last_polled_at,
            consecutive_failures=consecutive_failures,
            created_at=created_at,
        )
        session.add(feed)
        session.commit()
        assert feed.id is not None
        return feed.id


def feed_row(engine: Engine, feed_id: int) -> Feed:
    with Session(engine) as session:
        feed = session.get(Feed, feed_id)
    assert feed is not None
    return feed


def job_row(engine: Engine, job_id: int | None) -> IngestRun:
    with Session(engine) as session:
        job = session.get(IngestRun, job_id)
    assert job is not None
    return job


def count(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def feed_requests(site: LocalWebServer) -> list[RecordedRequest]:
    return [request for request in site.requests if request.path == FEED_PATH]


def set_status(engine: Engine, feed_id: int, status: FeedStatus) -> None:
    with engine.begin() as connection:
        connection.execute(sa.update(Feed).where(col(Feed.id) == feed_id).values(status=status.value))


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/rss.xml"


# -- next_poll_at: the schedule of one feed ------------------------------------------------------


def schedule(**values: Any) -> Feed:
    defaults: dict[str, Any] = {
        "url": "https://example.org/rss.xml",
        "poll_interval_seconds": INTERVAL,
        "created_at": T0 - dt.timedelta(days=1),
    }
    return Feed(**{**defaults, **values})


@pytest.mark.parametrize(
    ("failures", "wait_seconds"),
    [(0, 900), (1, 1800), (2, 3600), (3, 7200), (6, 57_600), (7, 86_400), (40, 86_400)],
)
def test_a_failing_feed_waits_twice_as_long_after_each_failure_up_to_the_cap(
    failures: int, wait_seconds: int
) -> None:
    feed = schedule(last_polled_at=T0, consecutive_failures=failures)
    settings = Settings(_env_file=None, feed_max_backoff_seconds=86_400)

    assert next_poll_at(feed, settings) == T0 + dt.timedelta(seconds=wait_seconds)


def test_the_cap_never_shortens_a_feeds_own_interval() -> None:
    feed = schedule(last_polled_at=T0, poll_interval_seconds=7200, consecutive_failures=0)
    settings = Settings(_env_file=None, feed_max_backoff_seconds=3600)

    assert next_poll_at(feed, settings) == T0 + dt.timedelta(hours=2)


def test_a_feed_never_polled_is_due_since_it_was_registered_and_a_paused_one_never() -> None:
    settings = Settings(_env_file=None)

    assert next_poll_at(schedule(created_at=T0), settings) == T0
    assert next_poll_at(schedule(status=FeedStatus.PAUSED, last_polled_at=T0), settings) is None


# -- poll_feed against the local server ----------------------------------------------------------


def test_first_poll_stores_the_items_and_records_a_succeeded_job(
    engine: Engine, settings: Settings, site: LocalWebServer
) -> None:
    feed_id = register(engine, serve_feed(site), outlet="Harbour Courier")

    outcome = poll_feed(feed_id, engine=engine, settings=settings, now=T0)

    assert outcome.status == "polled"
    assert outcome.error is None
    assert len(outcome.article_ids) == 3
    assert outcome.counts["items"] == 3
    assert outcome.counts["stored"] == 3
    assert outcome.next_poll_at == T0 + dt.timedelta(seconds=INTERVAL)
    with Session(engine) as session:
        articles = session.exec(select(Article).order_by(col(Article.id))).all()
        outlet = session.exec(select(Outlet).where(Outlet.name == "Harbour Courier")).one()
    assert [article.id for article in articles] == outcome.article_ids
    assert [article.title for article in articles] == [title for _, title, _, _ in STORIES]
    assert [article.url for article in articles] == [site.url(path) for path, _, _, _ in STORIES]
    # The outlet the feed was registered under wins over the feed's own title.
    assert {article.outlet_id for article in articles} == {outlet.id}
    assert {article.ingest_run_id for article in articles} == {outcome.job_id}
    for article, (_, _, _, paragraphs) in zip(articles, STORIES, strict=True):
        assert paragraphs[0] in article.clean_text
        assert paragraphs[-1] in article.clean_text
    job = job_row(engine, outcome.job_id)
    assert (job.kind, job.status, job.trigger) == (JOB_KIND, JobStatus.SUCCEEDED, "schedule")
    assert job.sources == [site.url(FEED_PATH)]
    assert job.counts["stored"] == 3
    assert job.error is None
    assert job.finished_at is not None
    feed = feed_row(engine, feed_id)
    assert (feed.etag, feed.last_modified) == (ETAG, LAST_MODIFIED)
    assert feed.last_polled_at == T0
    assert (feed.status, feed.consecutive_failures, feed.last_error) == (FeedStatus.ACTIVE, 0, None)
    assert "application/rss+xml" in feed_requests(site)[0].headers["accept"]


def test_second_poll_is_conditional_gets_304_and_stores_nothing(
    engine: Engine, settings: Settings, site: LocalWebServer
) -> None:
    feed_id = register(engine, serve_feed(site), outlet="Harbour Courier")
    poll_feed(feed_id, engine=engine, settings=settings, now=T0)
    requests_after_first = len(site.requests)

    later = T0 + dt.timedelta(seconds=INTERVAL)
    outcome = poll_feed(feed_id, engine=engine, settings=settings, now=later, trigger="request")

    assert outcome.status == "not_modified"
    assert outcome.article_ids == []
    assert outcome.next_poll_at == later + dt.timedelta(seconds=INTERVAL)
    second = site.requests[requests_after_first:]
    assert [request.path for request in second] == [FEED_PATH]  # no item page fetched again
    assert second[0].headers["if-none-match"] == ETAG
    assert second[0].headers["if-modified-since"] == LAST_MODIFIED
    assert count(engine, Article) == 3
    job = job_row(engine, outcome.job_id)
    assert (job.kind, job.status, job.trigger) == (JOB_KIND, JobStatus.SUCCEEDED, "request")
    assert job.counts == {"not_modified": 1}
    feed = feed_row(engine, feed_id)
    # The 304 repeated the ETag only; the stored Last-Modified still holds.
    assert (feed.etag, feed.last_modified) == (ETAG, LAST_MODIFIED)
    assert feed.last_polled_at == later


def test_a_feed_without_validators_polled_twice_stores_nothing_new(
    engine: Engine, settings: Settings, site: LocalWebServer
) -> None:
    # No outlet registered: the items' outlet is the feed's title, the same at every poll.
    feed_id = register(engine, serve_feed(site, validators=False))
    first = poll_feed(feed_id, engine=engine, settings=settings, now=T0)

    second = poll_feed(feed_id, engine=engine, settings=settings, now=T0 + dt.timedelta(seconds=INTERVAL))

    assert len(first.article_ids) == 3
    assert second.status == "polled"
    assert second.article_ids == []
    assert (second.counts["stored"], second.counts["duplicates"], second.counts["revisions"]) == (0, 3, 0)
    assert count(engine, Article) == 3
    assert all("if-none-match" not in request.headers for request in feed_requests(site))
    with Session(engine) as session:
        assert session.exec(select(Outlet.name)).all() == ["The Harbour Courier - Local news"]
    assert (feed_row(engine, feed_id).etag, feed_row(engine, feed_id).last_modified) == (None, None)


def test_a_failing_feed_backs_off_turns_failing_and_a_success_resets_it(
    engine: Engine, settings: Settings, site: LocalWebServer
) -> None:
    site.add(FEED_PATH, "<h1>Internal Server Error</h1>", status=500)
    feed_id = register(engine, site.url(FEED_PATH))

    # 1. Three failures in a row: each wait twice the one before; failing at the third.
    now = T0
    waits = []
    for failures in (1, 2, 3):
        outcome = poll_feed(feed_id, engine=engine, settings=settings, now=now)
        assert outcome.status == "failed"
        assert outcome.counts == {"failures": failures, "reason": "http_error", "transient": True}
        assert outcome.next_poll_at is not None
        waits.append(outcome.next_poll_at - now)
        feed = feed_row(engine, feed_id)
        assert feed.consecutive_failures == failures
        assert feed.last_polled_at == now
        assert feed.status == (FeedStatus.FAILING if failures >= 3 else FeedStatus.ACTIVE)
        now = outcome.next_poll_at
    assert waits == [dt.timedelta(seconds=seconds) for seconds in (1800, 3600, 7200)]
    feed = feed_row(engine, feed_id)
    assert feed.last_error is not None
    assert "500 Internal Server Error" in feed.last_error
    assert "try again later" in feed.last_error
    assert "less often after each failure" in feed.last_error
    job = job_row(engine, outcome.job_id)
    assert (job.kind, job.status, job.error) == (JOB_KIND, JobStatus.FAILED, feed.last_error)
    assert job.counts["failures"] == 3
    assert job.finished_at is not None
    # 2. The failing feed is due only once its longer wait is over.
    assert due_feeds(engine, settings=settings, now=now - dt.timedelta(seconds=1)) == []
    assert due_feeds(engine, settings=settings, now=now) == [feed_id]
    # 3. The server recovers: failures forgotten, active again, the normal interval.
    serve_feed(site)
    outcome = poll_feed(feed_id, engine=engine, settings=settings, now=now)
    assert outcome.status == "polled"
    assert len(outcome.article_ids) == 3
    assert outcome.next_poll_at == now + dt.timedelta(seconds=INTERVAL)
    feed = feed_row(engine, feed_id)
    assert (feed.status, feed.consecutive_failures, feed.last_error) == (FeedStatus.ACTIVE, 0, None)


def test_an_unreachable_feed_is_a_recorded_transient_failure_not_an_exception(
    engine: Engine, settings: Settings
) -> None:
    feed_id = register(engine, closed_port_url())

    outcome = poll_feed(feed_id, engine=engine, settings=settings, now=T0)

    assert outcome.status == "failed"
    assert outcome.counts == {"failures": 1, "reason": "unreachable", "transient": True}
    assert outcome.error is not None
    assert "could not connect" in outcome.error
    assert outcome.next_poll_at == T0 + dt.timedelta(seconds=2 * INTERVAL)
    assert job_row(engine, outcome.job_id).status == JobStatus.FAILED
    assert feed_row(engine, feed_id).last_error == outcome.error


def test_a_body_that_is_not_a_feed_is_a_failure_saying_what_to_do(
    engine: Engine, settings: Settings, site: LocalWebServer
) -> None:
    site.add(FEED_PATH, PAGE.format(title="The Harbour Courier", paragraphs="<p>Welcome.</p>"))
    feed_id = register(engine, site.url(FEED_PATH))

    outcome = poll_feed(feed_id, engine=engine, settings=settings, now=T0)

    assert outcome.status == "failed"
    assert outcome.counts == {"failures": 1, "reason": "invalid_feed", "transient": False}
    assert outcome.error is not None
    assert "did not answer with a feed" in outcome.error
    assert "check that the address is the feed's" in outcome.error
    assert feed_row(engine, feed_id).last_error == outcome.error
    assert job_row(engine, outcome.job_id).status == JobStatus.FAILED
    # The page is the feed's failure, not an input to keep: nothing stored, nothing rejected.
    assert (count(engine, Article), count(engine, RejectedInput)) == (0, 0)


def test_a_paused_feed_is_never_due_and_never_fetched(
    engine: Engine, settings: Settings, site: LocalWebServer
) -> None:
    feed_id = register(engine, serve_feed(site), status=FeedStatus.PAUSED, last_polled_at=T0)

    assert due_feeds(engine, settings=settings, now=T0 + dt.timedelta(days=30)) == []
    outcome = poll_feed(feed_id, engine=engine, settings=settings, now=T0 + dt.timedelta(days=30))

    assert (outcome.status, outcome.job_id, outcome.next_poll_at) == ("skipped", None, None)
    assert outcome.error is not None
    assert "paused" in outcome.error
    assert site.requests == []
    assert count(engine, IngestRun) == 0
    assert feed_row(engine, feed_id).last_polled_at == T0


def test_a_missing_feed_is_skipped_with_a_reason(engine: Engine, settings: Settings) -> None:
    outcome = poll_feed(404, engine=engine, settings=settings, now=T0)

    assert (outcome.status, outcome.job_id) == ("skipped", None)
    assert outcome.error is not None
    assert "there is no feed 404" in outcome.error
    assert count(engine, IngestRun) == 0


class PausingFetcher(Fetcher):
    """Fetches for real, but a person pauses the feed while its request is on the way."""

    def __init__(self, policy: FetchPolicy, *, engine: Engine, feed_id: int, feed_url: str) -> None:
        super().__init__(policy)
        self._engine, self._feed_id, self._feed_url = engine, feed_id, feed_url

    def fetch(self, url: str, **options: Any) -> FetchedDocument:
        if url == self._feed_url:
            set_status(self._engine, self._feed_id, FeedStatus.PAUSED)
        return super().fetch(url, **options)


@pytest.mark.parametrize("feed_answers", [200, 500])
def test_a_feed_paused_during_its_poll_stays_paused(
    engine: Engine, settings: Settings, site: LocalWebServer, feed_answers: int
) -> None:
    url = serve_feed(site)
    if feed_answers != 200:
        site.add(FEED_PATH, "unavailable", status=feed_answers, content_type="text/plain")
    feed_id = register(engine, url, consecutive_failures=5, status=FeedStatus.FAILING, last_polled_at=T0)
    fetcher = PausingFetcher(
        FetchPolicy.from_settings(settings), engine=engine, feed_id=feed_id, feed_url=url
    )

    outcome = poll_feed(feed_id, engine=engine, settings=settings, fetcher=fetcher, now=T0)

    assert outcome.status == ("polled" if feed_answers == 200 else "failed")
    assert outcome.next_poll_at is None
    assert feed_row(engine, feed_id).status == FeedStatus.PAUSED


def test_due_feeds_lists_the_feeds_due_the_longest_first(engine: Engine, settings: Settings) -> None:
    hour = dt.timedelta(hours=1)
    never_polled = register(engine, "https://a.example/rss", created_at=T0 - hour)
    polled_long_ago = register(engine, "https://b.example/rss", last_polled_at=T0 - 2 * hour)
    register(engine, "https://c.example/rss", last_polled_at=T0 - dt.timedelta(minutes=10))
    failing_due_now = register(
        engine,
        "https://d.example/rss",
        status=FeedStatus.FAILING,
        consecutive_failures=2,  # waits 4 × 900 s = 1 h
        last_polled_at=T0 - hour,
    )
    register(
        engine,
        "https://e.example/rss",
        status=FeedStatus.FAILING,
        consecutive_failures=3,
        last_polled_at=T0 - hour,
    )
    register(engine, "https://f.example/rss", status=FeedStatus.PAUSED, last_polled_at=T0 - 30 * hour)

    assert due_feeds(engine, settings=settings, now=T0) == [polled_long_ago, never_polled, failing_due_now]


def test_a_due_feed_is_claimed_once_until_its_interval_passes_again(
    engine: Engine, settings: Settings
) -> None:
    hour = dt.timedelta(hours=1)
    never_polled = register(engine, "https://a.example/rss", created_at=T0 - hour)
    polled_long_ago = register(engine, "https://b.example/rss", last_polled_at=T0 - 2 * hour)

    assert claim_due_feeds(engine, settings=settings, now=T0) == [polled_long_ago, never_polled]
    # A second look (the next beat tick, a second beat) while the polls run finds nothing due.
    assert claim_due_feeds(engine, settings=settings, now=T0 + dt.timedelta(seconds=1)) == []
    assert feed_row(engine, never_polled).last_polled_at == T0
    later = T0 + dt.timedelta(seconds=INTERVAL)
    assert sorted(claim_due_feeds(engine, settings=settings, now=later)) == sorted(
        [polled_long_ago, never_polled]
    )
