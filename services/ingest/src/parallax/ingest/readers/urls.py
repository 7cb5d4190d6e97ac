"""Web addresses to drafts: fetch the URL, then read it as what it turned out to be.

A URL may lead to an article page (HTML), a feed (RSS/Atom, each item becoming an article), a
PDF or plain text. The server's `Content-Type` decides, with a look at the first bytes where
servers are vague (`application/xml`, `application/octet-stream`, no type at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from parallax.ingest.decoding import BinaryContentError, UndecodableError, decode_bytes
from parallax.ingest.fetch import FetchedDocument, Fetcher, FetchError
from parallax.ingest.readers.files import payload_of_bytes
from parallax.ingest.readers.html import draft_from_html, outlet_from_url
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
"""Media types that always mean a feed."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
"""Media types read as web pages."""
# Types servers use for anything; the body's first bytes tell what it really is.
_VAGUE_TYPES = frozenset({None, "application/xml", "text/xml", "application/octet-stream", "text/plain"})
# The root element of a feed, after any BOM, XML declaration, comments, stylesheet or doctype.
_FEED_ROOT = re.compile(
    rb"^(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*<(?:rss|feed|rdf:rdf)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)
_SNIFF_BYTES = 2048


def read_url(url: str, *, settings: Settings, fetcher: Fetcher) -> Iterator[Draft | Refusal]:
    """Fetch `url` and read what it holds: one draft or refusal for a page, one per item for a feed."""
    provenance = Provenance(source=url, kind=SourceKind.URL)
    try:
        document = fetcher.fetch(url)
    except FetchError as error:
        yield refusal_from_fetch_error(error, provenance=provenance)
        return
    if is_feed(document):
        # Imported here because the feed reader uses this module to read each item's page.
        from parallax.ingest.readers.feeds import read_feed_bytes

        yield from read_feed_bytes(
            document.body,
            provenance=Provenance(source=url, kind=SourceKind.FEED),
            settings=settings,
            fetcher=fetcher,
            base_url=document.final_url,
        )
        return
    yield draft_from_fetched_page(document, provenance=provenance, settings=settings)


def is_feed(document: FetchedDocument) -> bool:
    """Whether a fetched document is an RSS or Atom feed, by its type or, if vague, its first bytes."""
    if document.content_type in FEED_TYPES:
        return True
    return document.content_type in _VAGUE_TYPES and bool(_FEED_ROOT.match(document.body[:_SNIFF_BYTES]))


def draft_from_fetched_page(
    document: FetchedDocument, *, provenance: Provenance, settings: Settings
) -> Draft | Refusal:
    """Read one fetched document as a single article (HTML, PDF or plain text), or refuse its type."""
    media_type = _effective_type(document)
    if media_type in HTML_TYPES:
        return draft_from_html(
            document.body,
            provenance=provenance,
            url=document.final_url,
            settings=settings,
            declared_charset=document.charset,
        )
    if media_type == "application/pdf":
        from parallax.ingest.readers.pdf import draft_from_pdf_bytes

        result = draft_from_pdf_bytes(document.body, provenance=provenance, settings=settings)
        return _with_source_defaults(result, document)
    if media_type == "text/plain":
        return _draft_from_plain_text(document, provenance=provenance, settings=settings)
    shown = f"of type {media_type}" if media_type else "with no content type"
    return Refusal(
        provenance=provenance,
        reason=RefusalReason.UNSUPPORTED_CONTENT_TYPE,
        message=f"{document.final_url} is a document {shown}, which Parallax cannot read as an "
        "article; give the address of an HTML page, a PDF, plain text or an RSS/Atom feed",
        payload=document.final_url,
    )


def refusal_from_fetch_error(error: FetchError, *, provenance: Provenance) -> Refusal:
    """The refusal for a failed fetch: its reason and message, with the URL as the kept input."""
    return Refusal(provenance=provenance, reason=error.reason, message=error.message, payload=error.url)


def _effective_type(document: FetchedDocument) -> str | None:
    """The declared media type, or what the first bytes show when the server says little."""
    if document.content_type not in _VAGUE_TYPES or document.content_type == "text/plain":
        return document.content_type
    head = document.body[:_SNIFF_BYTES]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if _HTML_START.match(head):
        return "text/html"
    return document.content_type


def _draft_from_plain_text(
    document: FetchedDocument, *, provenance: Provenance, settings: Settings
) -> Draft | Refusal:
    try:
        text = decode_bytes(document.body, declared_charset=document.charset)
    except BinaryContentError as error:
        return Refusal(
            provenance=provenance,
            reason=RefusalReason.BINARY_CONTENT,
            message=f"{document.final_url} says it is plain text but {error}",
            payload=document.final_url,
        )
    except UndecodableError as error:
        return Refusal(
            provenance=provenance,
            reason=RefusalReason.UNDECODABLE,
            message=f"{document.final_url} cannot be read as text: {error}",
            payload=payload_of_bytes(document.body, settings=settings),
        )
    fields = {"text": text, "url": document.final_url, "outlet": outlet_from_url(document.final_url)}
    return Draft(provenance=provenance, fields={key: value for key, value in fields.items() if value})


def _with_source_defaults(result: Draft | Refusal, document: FetchedDocument) -> Draft | Refusal:
    """A draft from a fetched file, with the URL and its host as outlet where the file gave none."""
    if isinstance(result, Refusal):
        return result
    defaults = {"url": document.final_url, "outlet": outlet_from_url(document.final_url)}
    missing = {key: value for key, value in defaults.items() if value and not result.fields.get(key)}
    return Draft(provenance=result.provenance, fields={**result.fields, **missing}) if missing else result
