"""The comparison of one event: every measurement, with its evidence, in one report.

Steps, for the articles of an event:
1. align their sentences (every other measurement reads the alignment);
2. wording: substitutions in aligned sentences, actor labels per outlet, loaded language;
3. sources: who speaks in each article, the balance of sides, the sources left out;
4. omissions: the content units most others carry and an article lacks;
5. reuse: passages copied between articles, and their likely direction;
6. shape: readability, length, headline against body.

The report is plain JSON; every figure in it sits next to the spans it was counted from.
`membership_key` names what the comparison was computed from: recompute only when it, or
`COMPARISON_VERSION`, changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from parallax.compare.align import Alignment, align
from parallax.compare.article import Article
from parallax.compare.omissions import Omissions, omissions
from parallax.compare.reuse import Reuse, event_reuse
from parallax.compare.shape import Shape, shape
from parallax.compare.sources import Sources, sources
from parallax.compare.wording import Wording, wording

# The version of the whole comparison: raise it whenever a measurement changes, so that
# stored comparisons are recomputed.
COMPARISON_VERSION: Final = "compare.v1"


@dataclass(frozen=True)
class EventComparison:
    """Every measurement of one event."""

    event: str
    articles: tuple[Article, ...]
    alignment: Alignment
    wording: Wording
    sources: Sources
    omissions: Omissions
    reuse: Reuse
    shape: Shape
    version: str = COMPARISON_VERSION

    def to_json(self, *, include_texts: bool = False) -> dict[str, Any]:
        """The report: plain JSON, the texts included when asked (a report read on its own)."""
        return {
            "event": self.event,
            "version": self.version,
            "membership_key": membership_key(self.articles),
            "articles": [_article_json(article, include_texts) for article in self.articles],
            "alignment": alignment_json(self.alignment, self.articles),
            "wording": self.wording.to_json(),
            "sources": self.sources.to_json(),
            "omissions": self.omissions.to_json(),
            "reuse": self.reuse.to_json(),
            "shape": self.shape.to_json(),
        }


def compare_event(event: str, articles: Sequence[Article]) -> EventComparison:
    """Measure how the articles of one event differ, with the evidence (steps in the module doc)."""
    ordered = tuple(sorted(articles, key=_reading_order))
    alignment = align(ordered)
    return EventComparison(
        event=event,
        articles=ordered,
        alignment=alignment,
        wording=wording(ordered, alignment),
        sources=sources(ordered),
        omissions=omissions(ordered, alignment),
        reuse=event_reuse(ordered),
        shape=shape(ordered),
    )


def membership_key(articles: Sequence[Article]) -> str:
    """A digest of what a comparison reads: each article's id, text, headline and annotation version."""
    digest = hashlib.sha256()
    for article in sorted(articles, key=lambda item: item.id):
        for part in (article.id, article.annotation_version, article.title or "", article.text):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
    return digest.hexdigest()


def alignment_json(alignment: Alignment, articles: Sequence[Article]) -> dict[str, Any]:
    """The sentence links of an event, each with the two sentences as evidence."""
    by_id = {article.id: article for article in articles}
    return {
        "links": [
            {
                "first": by_id[link.first].sentence_span(link.first_sentence).to_json(),
                "second": by_id[link.second].sentence_span(link.second_sentence).to_json(),
                "similarity": link.similarity,
                "basis": link.basis,
                "shared": list(link.shared),
            }
            for link in alignment.links
        ]
    }


def _reading_order(article: Article) -> tuple[int, str, str]:
    """Earliest first (undated last), then by outlet and id: the same input, the same report."""
    moment = article.published.isoformat() if article.published else ""
    return (0 if article.published else 1, moment, f"{article.label}\0{article.id}")


def _article_json(article: Article, include_texts: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "outlet": article.outlet,
        "title": article.title,
        "language": article.language,
        "published": article.published.isoformat() if article.published else None,
        "words": sum(1 for word in article.words if any(char.isalnum() for char in word.text)),
        "sentences": len(article.sentences),
    }
    if include_texts:
        data["text"] = article.text
        data["sentence_spans"] = [[sentence.start, sentence.end] for sentence in article.sentences]
    return data
