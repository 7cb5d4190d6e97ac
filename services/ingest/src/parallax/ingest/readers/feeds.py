"""RSS and Atom feeds to drafts: each item's linked article, with the feed's metadata on top.

feedparser only ever parses bytes given to it (wrapped in a stream: given a plain string or
bytes it may open a URL or a local file of that name). Each item's page is fetched with the
`Fetcher` and extracted like any page; when that fails but the item carries the article
itself (`content:encoded`, Atom content, a long summary), the feed's copy is used instead.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from parallax.ingest.fetch import Fetcher, FetchError
from parallax.ingest.readers.files import payload_of_bytes, read_file_bytes
from parallax.ingest.readers.html import outlet_from_url, primary_language
from parallax.ingest.readers.urls import draft_from_fetched_page, refusal_from_fetch_error
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_WHITESPACE = re.compile(r"\s+")


def read_feed_bytes(
    body: bytes,
    *,
    provenance: Provenance,
    settings: Settings,
    fetcher: Fetcher,
    base_url: str | None = None,
) -> Iterator[Draft | Refusal]:
    """One draft or refusal per feed item; a single refusal if `body` is not a feed at all.

    `base_url` (where the feed was fetched from, after redirects) resolves relative item links;
    it defaults to `provenance.source` when that is a web address. One bad item never stops
    the others.
    """
    import feedparser

    base = base_url or (provenance.source if provenance.source.startswith(("http://", "https://")) else None)
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base} if base else {})
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        problem = parsed.get("bozo_exception") or "no RSS or Atom elements"
        yield Refusal(
            provenance=provenance,
            reason=RefusalReason.INVALID_FEED,
            message=f"this is not an RSS or Atom feed ({problem}); check that the address is the "
            "feed's (often ending in /rss, /feed or .xml) and not a web page's",
            payload=payload_of_bytes(body, settings=settings),
        )
        return
    feed = _FeedContext(
        title=_clean(parsed.feed.get("title")),
        language=primary_language(parsed.feed.get("language")),
    )
    for number, entry in enumerate(parsed.entries, start=1):
        item = Provenance(source=provenance.source, kind=SourceKind.FEED, location=f"item {number}")
        yield _draft_from_entry(entry, feed=feed, provenance=item, settings=settings, fetcher=fetcher)


def read_feed_file(
    path: Path, *, settings: Settings, fetcher: Fetcher, display_name: str | None = None
) -> Iterator[Draft | Refusal]:
    """Read a feed saved on disk; its items' links are still fetched with `fetcher`."""
    provenance = Provenance(source=display_name or str(path), kind=SourceKind.FEED)
    data = read_file_bytes(path, provenance=provenance, settings=settings)
    if isinstance(data, Refusal):
        yield data
        return
    yield from read_feed_bytes(data, provenance=provenance, settings=settings, fetcher=fetcher)


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed item's content): one line per paragraph or item."""
    parser = _FragmentText()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class _FeedContext:
    """What every item of one feed shares."""

    title: str | None
    language: str | None


def _draft_from_entry(
    entry: Mapping[str, Any],
    *,
    feed: _FeedContext,
    provenance: Provenance,
    settings: Settings,
    fetcher: Fetcher,
) -> Draft | Refusal:
    """The item's page if it yields an article, else the feed's own copy, else a refusal.

    Steps:
    1. Fetch and extract the linked page.
    2. If that failed, fall back on the entry's content when it is long enough.
    3. Lay the entry's metadata over what the page gave.
    """
    link = _clean(entry.get("link"))
    # 1. The linked page.
    page = _page_of(link, provenance=provenance, settings=settings, fetcher=fetcher)
    if isinstance(page, Draft):
        fields = dict(page.fields)
        fields["extra"] = dict(fields.get("extra", {}))
    else:
        # 2. The feed's copy of the article.
        text = _entry_text(entry)
        if len(text) < settings.min_article_chars:
            return Refusal(
                provenance=provenance,
                reason=page.reason,
                message=f"{provenance.location} ({link or 'no link'}): {page.message}; and the feed "
                "item itself carries no article text to use instead",
                payload=_entry_payload(entry, settings=settings),
            )
        fields = {"text": text, "extra": {"text_source": "feed", "fetch_error": page.message}}
    # 3. The entry's metadata.
    _apply_entry_metadata(fields, entry, feed=feed, link=link)
    return Draft(provenance=provenance, fields=fields)


def _page_of(
    link: str | None, *, provenance: Provenance, settings: Settings, fetcher: Fetcher
) -> Draft | Refusal:
    if not link:
        return Refusal(
            provenance=provenance,
            reason=RefusalReason.NO_ARTICLE_TEXT,
            message="the item has no link to an article",
        )
    try:
        document = fetcher.fetch(link)
    except FetchError as error:
        return refusal_from_fetch_error(error, provenance=provenance)
    return draft_from_fetched_page(document, provenance=provenance, settings=settings)


def _apply_entry_metadata(
    fields: dict[str, Any], entry: Mapping[str, Any], *, feed: _FeedContext, link: str | None
) -> None:
    """Lay the entry's metadata over the page's (the feed names items more consistently)."""
    extra: dict[str, Any] = fields["extra"]
    title = _clean(entry.get("title"))
    published = _entry_published(entry)
    page_url = fields.get("url")
    if link and page_url and page_url != link:
        # The item's link often carries tracking parameters; the page's canonical address does not.
        extra["canonical_url"] = page_url
    for name, value in (("title", title), ("published", published), ("url", link), ("id", entry.get("id"))):
        if value:
            fields[name] = value
    # The feed's title names the outlet the same way for every item; the page's declared site
    # name varies more between pages of one site (the HTML reader keeps it in extra["sitename"]).
    fields["outlet"] = feed.title or fields.get("outlet") or outlet_from_url(link)
    if feed.language and not fields.get("language"):
        fields["language"] = feed.language
    author = _clean(entry.get("author"))
    if author:
        extra["author"] = author
    tags = [term for tag in entry.get("tags", []) if (term := _clean(tag.get("term")))]
    if tags:
        extra["tags"] = tags
    if not fields["outlet"]:
        del fields["outlet"]
    if not extra:
        del fields["extra"]


def _entry_published(entry: Mapping[str, Any]) -> str | None:
    """The entry's publication (else update) time as ISO-8601 UTC; feedparser parses it to UTC."""
    for key in ("published_parsed", "updated_parsed"):
        parsed: time.struct_time | None = _entry_value(entry, key)
        if parsed is not None:
            return dt.datetime(*parsed[:6], tzinfo=dt.UTC).isoformat()
    return None


def _entry_text(entry: Mapping[str, Any]) -> str:
    """The longest text the entry carries (full content or summary), as plain text."""
    candidates = [*entry.get("content", [])]
    if entry.get("summary"):
        candidates.append({"value": entry["summary"], "type": entry.get("summary_detail", {}).get("type")})
    texts = [
        html_fragment_to_text(value)
        if (candidate.get("type") or "text/html") in _HTML_TYPES
        else value.strip()
        for candidate in candidates
        if (value := candidate.get("value"))
    ]
    return max(texts, key=len, default="")


def _entry_payload(entry: Mapping[str, Any], *, settings: Settings) -> str:
    """The entry as JSON, to keep a refused item in the rejected-input record."""
    kept = {
        key: _entry_value(entry, key)
        for key in ("id", "title", "link", "published", "updated", "author", "summary")
    }
    kept["content"] = [part.get("value") for part in entry.get("content", [])]
    payload = json.dumps({key: value for key, value in kept.items() if value}, ensure_ascii=False)
    return payload[: settings.max_rejected_payload_chars]


def _entry_value(entry: Mapping[str, Any], key: str) -> Any:
    # feedparser's `get` answers a missing "updated…" with "published…" and a DeprecationWarning;
    # its `in` tells the truth.
    return entry[key] if key in entry else None  # noqa: SIM401


def _clean(value: object) -> str | None:
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


class _FragmentText(HTMLParser):
    """Collects the text of an HTML fragment, breaking lines where blocks begin and end."""

    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre"}
    )
    _SKIPPED = frozenset({"script", "style", "figcaption", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Line breaks in the source are not paragraph breaks; only block elements are.
            self.parts.append(_WHITESPACE.sub(" ", data))
