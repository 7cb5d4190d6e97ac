"""Tests of the feed reader: RSS and Atom items become drafts from their pages or their own content."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from parallax.ingest.fetch import Fetcher, FetchPolicy
from parallax.ingest.readers.feeds import html_fragment_to_text, read_feed_bytes, read_feed_file
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

if TYPE_CHECKING:
    from ..conftest import LocalWebServer

FALLBACK_PARAGRAPHS = (
    "La Banque centrale européenne a relevé jeudi ses taux directeurs d'un quart de point, "
    "pour la dixième fois consécutive.",
    "Sa présidente a expliqué que l'inflation restait « trop élevée pendant trop longtemps ».",
)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Le Quotidien du Soir - Politique</title>
  <link>{base}/politique</link>
  <description>Toute l'actualité politique</description>
  <language>fr-fr</language>
  <item>
    <title>Grève nationale : appel à manifester jeudi</title>
    <link>{base}/articles/greve</link>
    <guid isPermaLink="false">qds-2024-0305-greve</guid>
    <pubDate>Tue, 05 Mar 2024 13:30:00 GMT</pubDate>
    <dc:creator>Claire Dupont</dc:creator>
    <category>Social</category>
    <category>Retraites</category>
    <description>Les syndicats appellent à manifester.</description>
  </item>
  <item>
    <title>Article retiré</title>
    <link>{base}/articles/missing</link>
    <guid>{base}/articles/missing</guid>
    <pubDate>Tue, 05 Mar 2024 12:00:00 +0100</pubDate>
    <description>Bref.</description>
  </item>
  <item>
    <title>La BCE relève ses taux</title>
    <link>{base}/articles/huge</link>
    <guid isPermaLink="false">qds-2024-0305-bce</guid>
    <pubDate>Tue, 05 Mar 2024 11:00:00 GMT</pubDate>
    <description>La BCE relève ses taux.</description>
    <content:encoded><![CDATA[<p>{fallback_1}</p><p>{fallback_2}</p><script>track()</script>]]></content:encoded>
  </item>
  <item>
    <title>Un serveur trop lent</title>
    <link>{base}/articles/slow</link>
    <description>Rien.</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>The Daily Example: Politics</title>
  <id>urn:uuid:daily-example-politics</id>
  <updated>2024-03-06T10:15:00+01:00</updated>
  <entry>
    <title>Chancellor unveils spending plan</title>
    <link rel="alternate" href="/articles/budget"/>
    <id>tag:dailyexample.test,2024:budget</id>
    <updated>2024-03-06T10:15:00+01:00</updated>
    <author><name>James Hartley</name></author>
  </entry>
  <entry>
    <title>Rail fares to rise again</title>
    <link rel="alternate" href="/articles/gone"/>
    <id>tag:dailyexample.test,2024:fares</id>
    <published>2024-03-06T08:00:00Z</published>
    <updated>2024-03-06T09:00:00Z</updated>
    <content type="html">&lt;p&gt;Rail fares in England will rise by 4.9% in March, the government said,
      the second increase in a year.&lt;/p&gt;&lt;p&gt;Passenger groups called the rise
      &amp;quot;a kick in the teeth&amp;quot;.&lt;/p&gt;</content>
  </entry>
</feed>
"""


@pytest.fixture
def feed_fetcher() -> Fetcher:
    """A fetcher for the local server with a short timeout (one item's page never answers)."""
    return Fetcher(FetchPolicy(timeout_seconds=0.3, max_bytes=200_000, allow_private_addresses=True))


@pytest.fixture
def news_site(
    web_server: LocalWebServer, french_article_html: str, english_article_html: str
) -> LocalWebServer:
    """The local server with the articles the feeds link to (missing ones answer 404)."""
    web_server.add("/articles/greve", french_article_html)
    web_server.add("/articles/budget", english_article_html.encode("cp1252"), content_type="text/html")
    web_server.add("/articles/huge", "<html><body>" + "<p>x</p>" * 40_000 + "</body></html>")
    web_server.add("/articles/slow", french_article_html, delay=5)
    return web_server


def _rss(base: str) -> bytes:
    return RSS.format(
        base=base, fallback_1=FALLBACK_PARAGRAPHS[0], fallback_2=FALLBACK_PARAGRAPHS[1]
    ).encode()


def _read_rss(site: LocalWebServer, settings: Settings, fetcher: Fetcher) -> list[Draft | Refusal]:
    provenance = Provenance(source=site.url("/politique/rss"), kind=SourceKind.FEED)
    return list(
        read_feed_bytes(_rss(site.base_url), provenance=provenance, settings=settings, fetcher=fetcher)
    )


def test_rss_items_become_drafts_or_refusals_one_by_one(
    news_site: LocalWebServer, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    results = _read_rss(news_site, fetch_settings, feed_fetcher)

    assert [type(result) for result in results] == [Draft, Refusal, Draft, Refusal]
    assert [result.provenance.location for result in results] == ["item 1", "item 2", "item 3", "item 4"]
    assert {result.provenance.kind for result in results} == {SourceKind.FEED}
    assert {result.provenance.source for result in results} == {news_site.url("/politique/rss")}


def test_rss_item_takes_the_page_text_and_the_feed_metadata(
    news_site: LocalWebServer, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    draft = _read_rss(news_site, fetch_settings, feed_fetcher)[0]

    assert isinstance(draft, Draft)
    fields = draft.fields
    assert "Les principales centrales syndicales ont appelé mardi" in fields["text"]
    assert "Accueil" not in fields["text"]
    assert fields["title"] == "Grève nationale : appel à manifester jeudi"  # the feed's, not the page's
    assert fields["published"] == "2024-03-05T13:30:00+00:00"
    assert fields["url"] == news_site.url("/articles/greve")  # the item's link …
    # … and the page's canonical address beside it.
    assert fields["extra"]["canonical_url"] == (
        "https://www.quotidien-du-soir.example/politique/2024/03/05/greve-nationale"
    )
    assert fields["id"] == "qds-2024-0305-greve"
    assert fields["outlet"] == "Le Quotidien du Soir - Politique"
    assert fields["language"] == "fr"
    assert fields["extra"]["sitename"] == "Le Quotidien du Soir"
    assert fields["extra"]["author"] == "Claire Dupont"
    assert fields["extra"]["tags"] == ["Social", "Retraites"]
    assert "text_source" not in fields["extra"]


def test_rss_item_whose_page_is_missing_is_refused(
    news_site: LocalWebServer, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    refusal = _read_rss(news_site, fetch_settings, feed_fetcher)[1]

    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.HTTP_ERROR
    assert refusal.message.startswith(f"item 2 ({news_site.url('/articles/missing')}): ")
    assert "404 Not Found" in refusal.message
    assert "carries no article text" in refusal.message
    assert refusal.payload is not None
    assert '"title": "Article retiré"' in refusal.payload


def test_rss_item_too_large_to_fetch_falls_back_on_its_content(
    news_site: LocalWebServer, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    draft = _read_rss(news_site, fetch_settings, feed_fetcher)[2]

    assert isinstance(draft, Draft)
    assert draft.fields["text"] == "\n".join(FALLBACK_PARAGRAPHS)
    assert draft.fields["extra"]["text_source"] == "feed"
    assert "larger than the limit" in draft.fields["extra"]["fetch_error"]
    assert draft.fields["title"] == "La BCE relève ses taux"
    assert draft.fields["outlet"] == "Le Quotidien du Soir - Politique"
    assert draft.fields["id"] == "qds-2024-0305-bce"
    assert draft.fields["language"] == "fr"  # the feed's language, the page being unread


def test_rss_item_whose_server_times_out_is_refused(
    news_site: LocalWebServer, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    refusal = _read_rss(news_site, fetch_settings, feed_fetcher)[3]

    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.UNREACHABLE
    assert "did not answer in time" in refusal.message


def test_atom_entries_with_relative_links(
    news_site: LocalWebServer, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    provenance = Provenance(source="politics.atom", kind=SourceKind.FEED)

    budget, fares = read_feed_bytes(
        ATOM.encode(),
        provenance=provenance,
        settings=fetch_settings,
        fetcher=feed_fetcher,
        base_url=news_site.url("/feeds/politics.atom"),
    )

    assert isinstance(budget, Draft)
    assert "The Chancellor set out a £20bn spending plan" in budget.fields["text"]
    assert budget.fields["url"] == news_site.url("/articles/budget")
    assert budget.fields["published"] == "2024-03-06T09:15:00+00:00"
    assert budget.fields["outlet"] == "The Daily Example: Politics"
    assert budget.fields["language"] == "en"
    assert budget.fields["extra"]["author"] == "James Hartley"
    assert isinstance(fares, Draft)
    assert fares.fields["text"] == (
        "Rail fares in England will rise by 4.9% in March, the government said, the second increase "
        'in a year.\nPassenger groups called the rise "a kick in the teeth".'
    )
    assert fares.fields["published"] == "2024-03-06T08:00:00+00:00"  # published wins over updated
    assert fares.fields["extra"]["text_source"] == "feed"
    assert "404" in fares.fields["extra"]["fetch_error"]


def test_an_html_page_is_not_a_feed(
    french_article_html: str, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    provenance = Provenance(source="https://example.test/", kind=SourceKind.FEED)

    [refusal] = read_feed_bytes(
        french_article_html.encode(), provenance=provenance, settings=fetch_settings, fetcher=feed_fetcher
    )

    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.INVALID_FEED
    assert "not an RSS or Atom feed" in refusal.message
    assert refusal.payload == french_article_html[: fetch_settings.max_rejected_payload_chars]


@pytest.mark.parametrize("body", [b"", b"\x00\x01\x02 binary", b"<rss><channel><title>Cut short"])
def test_broken_or_empty_input_is_an_invalid_feed(
    body: bytes, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    provenance = Provenance(source="feed.xml", kind=SourceKind.FEED)

    [refusal] = read_feed_bytes(body, provenance=provenance, settings=fetch_settings, fetcher=feed_fetcher)

    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.INVALID_FEED


def test_feedparser_never_fetches_or_opens_what_the_body_names(
    news_site: LocalWebServer, fetch_settings: Settings, feed_fetcher: Fetcher, tmp_path: Path
) -> None:
    # Given a bare string, feedparser would fetch a URL or open a file of that name.
    news_site.add("/feed.xml", _rss(news_site.base_url), content_type="application/rss+xml")
    saved = tmp_path / "feed.xml"
    saved.write_bytes(_rss(news_site.base_url))
    provenance = Provenance(source="feed.xml", kind=SourceKind.FEED)

    for body in (news_site.url("/feed.xml").encode(), str(saved).encode()):
        [refusal] = read_feed_bytes(
            body, provenance=provenance, settings=fetch_settings, fetcher=feed_fetcher
        )
        assert isinstance(refusal, Refusal)
        assert refusal.reason is RefusalReason.INVALID_FEED
    assert news_site.requests == []


def test_an_empty_feed_yields_nothing(fetch_settings: Settings, feed_fetcher: Fetcher) -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    provenance = Provenance(source="feed.xml", kind=SourceKind.FEED)

    assert (
        list(read_feed_bytes(body, provenance=provenance, settings=fetch_settings, fetcher=feed_fetcher))
        == []
    )


def test_item_without_link_uses_its_content(fetch_settings: Settings, feed_fetcher: Fetcher) -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Agence</title><item>'
        "<title>Dépêche</title><description>&lt;p&gt;Le Parlement a adopté mercredi soir le projet de "
        "loi sur l'énergie, par 320 voix contre 210.&lt;/p&gt;</description></item></channel></rss>"
    ).encode()
    provenance = Provenance(source="agence.xml", kind=SourceKind.FEED)

    [draft] = read_feed_bytes(body, provenance=provenance, settings=fetch_settings, fetcher=feed_fetcher)

    assert isinstance(draft, Draft)
    assert draft.fields["text"].startswith("Le Parlement a adopté mercredi soir")
    assert draft.fields["outlet"] == "Agence"
    assert draft.fields["extra"]["fetch_error"] == "the item has no link to an article"
    assert "url" not in draft.fields


def test_read_feed_file(
    news_site: LocalWebServer, fetch_settings: Settings, feed_fetcher: Fetcher, tmp_path: Path
) -> None:
    path = tmp_path / "politique.rss"
    path.write_bytes(_rss(news_site.base_url))

    results = list(
        read_feed_file(path, settings=fetch_settings, fetcher=feed_fetcher, display_name="politique.rss")
    )

    assert [type(result) for result in results] == [Draft, Refusal, Draft, Refusal]
    assert results[0].provenance == Provenance(
        source="politique.rss", kind=SourceKind.FEED, location="item 1"
    )


def test_read_feed_file_refuses_a_missing_file(
    tmp_path: Path, fetch_settings: Settings, feed_fetcher: Fetcher
) -> None:
    [refusal] = read_feed_file(tmp_path / "missing.rss", settings=fetch_settings, fetcher=feed_fetcher)

    assert isinstance(refusal, Refusal)
    assert refusal.reason is RefusalReason.UNREADABLE_FILE


def test_html_fragment_to_text() -> None:
    fragment = (
        "<p>First paragraph with <b>bold</b> and a <a href='#'>link</a>.</p>"
        "<script>var x = 1;</script><p>Second&nbsp;paragraph,<br>with a line break.</p>"
        "<ul><li>one</li><li>two</li></ul>"
        "<figure><img src='a.jpg'><figcaption>Photo: AFP</figcaption></figure>"
    )

    assert html_fragment_to_text(fragment) == (
        "First paragraph with bold and a link.\nSecond paragraph,\nwith a line break.\none\ntwo"
    )
