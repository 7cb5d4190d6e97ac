"""HTML pages to drafts: the article's main text and metadata, without navigation, ads or footers.

Extraction is trafilatura's (given the page's content, never a URL, so it never fetches). This
module decodes the bytes, adds what trafilatura leaves out (the declared language, a full
publication timestamp) and refuses pages that hold no article, such as section front pages.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parallax.ingest.decoding import BinaryContentError, UndecodableError, decode_bytes
from parallax.ingest.readers.files import payload_of_bytes, read_file_bytes
from parallax.ingest.records import Draft, Provenance, Refusal, RefusalReason
from parallax.shared.config import Settings
from parallax.shared.models import SourceKind

# Browsers look for the charset in the first 1024 bytes; some pages put it a little later.
_CHARSET_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# lxml refuses text that still declares an encoding, and the text is already decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_LANGUAGE_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")
# A link whose text has this many words reads like a headline; this many of them make a list.
_HEADLINE_MIN_WORDS = 4
_INDEX_MIN_HEADLINES = 3
# Full timestamps (trafilatura's date has no time of day); the first one present wins.
_PUBLISHED_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//time[@itemprop='datePublished']/@datetime",
)


def draft_from_html(
    html: bytes | str,
    *,
    provenance: Provenance,
    url: str | None,
    settings: Settings,
    declared_charset: str | None = None,
) -> Draft | Refusal:
    """Extract the article in an HTML page, or refuse the page and say why.

    Steps:
    1. Decode bytes (`declared_charset`, else the page's `<meta charset>`); refuse binary data.
    2. Parse the page and let trafilatura find the main text and the metadata.
    3. Refuse the page if the text is missing or shorter than `settings.min_article_chars`.
    4. Fill the draft: text, title, published, url (canonical, else `url`), outlet (site name,
       else host name), language (`<html lang>`), extra (author, sitename, description, and
       the extractor's name and version).
    """
    import trafilatura

    # 1. Decode.
    text_or_refusal = _decode_page(html, provenance=provenance, settings=settings, charset=declared_charset)
    if isinstance(text_or_refusal, Refusal):
        return text_or_refusal
    page = _XML_DECLARATION.sub("", text_or_refusal, count=1)

    # 2. Parse and extract. Precision over recall: stray navigation or teaser text in an article
    # would be compared as if the outlet had written it about the event.
    tree = trafilatura.load_html(page) if page.strip() else None
    document = (
        trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, favor_precision=True
        )
        if tree is not None
        else None
    )

    # 3. Refuse pages without an article.
    article_text = (getattr(document, "text", None) or "").strip()
    if len(article_text) < settings.min_article_chars or _looks_like_index(document, tree, article_text):
        return _no_article(
            page, provenance=provenance, settings=settings, name=url or provenance.source, found=article_text
        )

    # 4. Fill the draft.
    fields = _metadata_fields(document, tree, url=url)
    fields["text"] = article_text
    return Draft(provenance=provenance, fields=fields)


def read_html_file(
    path: Path, *, settings: Settings, display_name: str | None = None
) -> Iterator[Draft | Refusal]:
    """Read one saved HTML page: one draft, or one refusal (too large, unreadable, no article)."""
    provenance = Provenance(source=display_name or str(path), kind=SourceKind.HTML)
    data_or_refusal = read_file_bytes(path, provenance=provenance, settings=settings)
    if isinstance(data_or_refusal, Refusal):
        yield data_or_refusal
        return
    yield draft_from_html(data_or_refusal, provenance=provenance, url=None, settings=settings)


def declared_charset_of(html: bytes) -> str | None:
    """The charset an HTML (or XHTML) page declares in its first bytes, if any."""
    head = html[:_CHARSET_SNIFF_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def primary_language(tag: str | None) -> str | None:
    """The primary language subtag of a language tag, lowercased: "fr-FR" → "fr"; None if invalid."""
    match = _LANGUAGE_TAG.fullmatch(tag.strip()) if tag else None
    return match.group(1).lower() if match else None


def outlet_from_url(url: str | None) -> str | None:
    """The host name of a URL without a leading "www.", to name an outlet that names nothing else."""
    host = urllib.parse.urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _decode_page(
    html: bytes | str, *, provenance: Provenance, settings: Settings, charset: str | None
) -> str | Refusal:
    if isinstance(html, str):
        return html
    try:
        return decode_bytes(html, declared_charset=charset or declared_charset_of(html))
    except BinaryContentError as error:
        return Refusal(
            provenance=provenance,
            reason=RefusalReason.BINARY_CONTENT,
            message=f"{error}; give an HTML page (save the article from a browser as HTML)",
            payload=payload_of_bytes(html, settings=settings),
        )
    except UndecodableError as error:
        return Refusal(
            provenance=provenance,
            reason=RefusalReason.UNDECODABLE,
            message=f"the page cannot be read as text: {error}",
            payload=payload_of_bytes(html, settings=settings),
        )


def _looks_like_index(document: Any, tree: Any, text: str) -> bool:
    """Whether the page is a list of links to articles (a front, section or tag page).

    Such pages often keep a few teaser sentences after extraction. The sign used: the page links
    to several other articles (links with headline-like text) and their headlines together are
    longer than the extracted text. Pages that declare themselves articles (`og:type`) are
    trusted, so a short article beside a long "most read" list is kept.
    """
    if (document.pagetype or "").lower() == "article":
        return False
    headlines = {
        " ".join(link.text_content().split()) for link in tree.iter("a") if link.get("href", "#") != "#"
    }
    headlines = {headline for headline in headlines if len(headline.split()) >= _HEADLINE_MIN_WORDS}
    return len(headlines) >= _INDEX_MIN_HEADLINES and sum(len(headline) for headline in headlines) > len(text)


def _no_article(page: str, *, provenance: Provenance, settings: Settings, name: str, found: str) -> Refusal:
    if not found:
        what = "it has no main text at all"
    elif len(found) < settings.min_article_chars:
        what = (
            f"its main text has {len(found)} characters, fewer than the {settings.min_article_chars} needed"
        )
    else:
        what = "its text is mostly links to other articles"
    return Refusal(
        provenance=provenance,
        reason=RefusalReason.NO_ARTICLE_TEXT,
        message=f"no article text was found in {name} ({what}). It looks like a navigation, index "
        "or section page, or a page that builds its text with JavaScript; give the address or the "
        "saved HTML of the article itself",
        payload=page[: settings.max_rejected_payload_chars],
    )


def _metadata_fields(document: Any, tree: Any, *, url: str | None) -> dict[str, Any]:
    """The draft fields other than the text, from trafilatura's document and the parsed page."""
    page_url = document.url or url
    host_outlet = outlet_from_url(page_url) or outlet_from_url(url)
    # Without a declared site name trafilatura falls back to the host name; that is no name.
    sitename = document.sitename if document.sitename and document.sitename != host_outlet else None
    fields: dict[str, Any] = {
        "title": document.title,
        "published": _declared_published(tree) or document.date,
        "url": page_url,
        "outlet": sitename or host_outlet,
        "language": _declared_language(tree),
    }
    extra = {
        "author": document.author,
        "sitename": sitename,
        "description": document.description,
        "extractor": _extractor_version(),  # so that texts can be re-extracted when it improves
    }
    fields["extra"] = {key: value for key, value in extra.items() if value}
    return {key: value for key, value in fields.items() if value}


def _extractor_version() -> str:
    import trafilatura

    return f"trafilatura {trafilatura.__version__}"


def _declared_published(tree: Any) -> str | None:
    for xpath in _PUBLISHED_XPATHS:
        values = [str(value).strip() for value in tree.xpath(xpath)]
        if values and values[0]:
            return values[0]
    return None


def _declared_language(tree: Any) -> str | None:
    root = tree.getroottree().getroot()
    declared = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        contents = tree.xpath(
            "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content"
        )
        declared = str(contents[0]) if contents else None
    return primary_language(declared.split(",")[0]) if declared else None
