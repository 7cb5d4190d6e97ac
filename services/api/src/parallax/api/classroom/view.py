"""What one event's classroom page shows, built from its comparison report alone.

Pure: the report (as the compare service stores it, or as `POST /v1/compare` answers it), the
articles' texts, the framing distances and a language in; plain data and escaped HTML out. No
Flask, no database. Every highlight is one of the report's evidence spans, so what the page
marks is exactly what was counted; every text that came from an article is escaped.

Steps of `event_view`:
1. the articles in reading order, each with its position (`c0`, `c1` …: the page's own ids,
   since an article id sent to `POST /v1/compare` is the caller's text);
2. each article's body, cut at the bounds of its evidence spans, each piece marked with the
   layers covering it (loaded words, scare quotes, quotes by side, reused text) and anchored
   where an omitted unit or an aligned passage starts, so links can lead there;
3. the sections around the columns: aligned passages, omissions with links to where the others
   say it, actor names, who speaks, scores with explanations, the outlet matrix, the timeline.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from markupsafe import Markup, escape

from parallax.api.classroom import charts
from parallax.api.classroom.i18n import day_only, day_words, format_number, side_name, text
from parallax.api.explain import actor_names, explain_article
from parallax.api.profiles import outlet_matrix
from parallax.api.scores import COMPONENTS, PairDistance, mean_distance_by_article

# Highlight layers a reader switches on and off, in the order of the switches.
LAYERS: Final = ("loaded", "scare", "quote", "reuse")
# Aligned passages listed (the most alike first), and actors in the naming table.
ALIGNED_LISTED: Final = 12
ACTORS_LISTED: Final = 12
# Characters of an omitted unit quoted in its list entry.
EXCERPT_CHARS: Final = 220
# Side colours: the stylesheet's side-0 … side-7 classes and the charts share this order.
SIDE_COLOURS: Final = 8
_SCARE: Final = frozenset({"scare_quote", "scare_quotes"})
_TOKEN: Final = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlight or anchor over characters [start, end) of an article's text."""

    start: int
    end: int
    classes: tuple[str, ...] = ()
    title: str | None = None
    anchor: str | None = None


@dataclass(frozen=True, slots=True)
class PassageRef:
    """A passage of one article, and the link to it in the article's column."""

    column: str
    outlet: str
    text: str
    href: str


@dataclass(frozen=True, slots=True)
class Omission:
    """A unit most others report and this article does not, with where they say it."""

    kind: str
    reach: str
    excerpt: str
    sources: tuple[PassageRef, ...]


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who speaks in one article, and how often."""

    name: str
    side: str
    side_class: str
    attributions: int
    direct: int
    indirect: int


@dataclass(slots=True)
class ArticleView:
    """One column of the page."""

    column: str
    id: str
    outlet: str
    title: str
    language: str
    published: dt.datetime | None
    words: int
    url: str | None
    body: Markup
    divergence: str
    explanations: list[str]
    omissions: list[Omission] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Two passages that report the same thing."""

    first: PassageRef
    second: PassageRef
    similarity: str


@dataclass(frozen=True, slots=True)
class Label:
    """One way an article names an actor."""

    text: str
    count: int
    distinctive: bool


@dataclass(frozen=True, slots=True)
class NamingRow:
    """An actor, and the names each article gives it (by column; empty: not named)."""

    actor: str
    cells: tuple[tuple[Label, ...], ...]


@dataclass(frozen=True, slots=True)
class PairRow:
    """One pair of articles: its composite distance and each component."""

    first: str
    second: str
    distance: str
    components: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class SideKey:
    """A side of the sources as the legend shows it."""

    side: str
    name: str
    css: str


@dataclass(slots=True)
class EventView:
    """Everything one event's page shows."""

    language: str
    articles: list[ArticleView]
    aligned: list[AlignedPair]
    naming: list[NamingRow]
    sides: list[SideKey]
    pairs: list[PairRow]
    left_out: list[str]
    timeline: Markup
    who_speaks: Markup
    matrix: Markup


def event_view(
    report: Mapping[str, Any],
    texts: Mapping[str, str],
    pairs: Sequence[PairDistance],
    language: str,
    *,
    urls: Mapping[str, str | None] | None = None,
) -> EventView:
    """The page of one event: its report, the text of each article (by the report's ids), the
    framing distances of its pairs, in `language` ("en" or "fr")."""
    records = [a for a in report.get("articles") or [] if str(a["id"]) in texts]
    columns = {str(a["id"]): f"c{position}" for position, a in enumerate(records)}
    outlets = {str(a["id"]): str(a.get("outlet") or a["id"]) for a in records}
    sides = _sides(report, language)
    side_css = {key.side: key.css for key in sides}
    names = actor_names(report)
    marks = _marks(report, columns, outlets, side_css, names, language)
    divergence = mean_distance_by_article(pairs)
    articles = [
        ArticleView(
            column=columns[article_id],
            id=article_id,
            outlet=outlets[article_id],
            title=str(record.get("title") or ""),
            language=str(record.get("language") or ""),
            published=published_of(record.get("published")),
            words=int(record.get("words") or 0),
            url=(urls or {}).get(article_id),
            body=highlighted(texts[article_id], marks.get(article_id, [])),
            divergence=_score(divergence.get(article_id), language),
            explanations=explain_article(report, article_id, language),
            omissions=_omissions(report, article_id, columns, outlets, texts, language),
            speakers=_speakers(report, article_id, side_css, names, language),
        )
        for article_id, record in ((str(r["id"]), r) for r in records)
    ]
    return EventView(
        language=language,
        articles=articles,
        aligned=_aligned(report, columns, outlets, texts, language),
        naming=_naming(report, [a.id for a in articles], names),
        sides=sides,
        pairs=_pair_rows(pairs, outlets, language),
        left_out=[str(item) for item in report.get("left_out") or []],
        timeline=_timeline(report, articles, columns, outlets, language),
        who_speaks=_who_speaks(report, articles, sides, language),
        matrix=_matrix(report, pairs, language),
    )


def published_of(value: Any) -> dt.datetime | None:
    """A report's publication time as an aware datetime (None when absent or unreadable)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def token(value: str) -> str:
    """`value` reduced to characters safe in an HTML id and a CSS class."""
    return _TOKEN.sub("_", value)


def speaker_name(speaker: str, names: Mapping[str, str]) -> str:
    """A speaker id of the report in words ("unresolved:les autorités" -> "les autorités")."""
    if speaker in names:
        return names[speaker]
    return speaker.split(":", 1)[1] if speaker.startswith("unresolved:") else speaker


# --- 2. the highlighted bodies ---------------------------------------------------------------


def highlighted(body: str, marks: Sequence[Mark]) -> Markup:
    """`body` escaped, each stretch covered by marks wrapped in their classes and titles, an
    empty anchor where a mark with an anchor starts; paragraph breaks kept as line breaks."""
    bounds = {0, len(body)}
    usable = [m for m in marks if 0 <= m.start < m.end <= len(body)]
    for mark in usable:
        bounds.update((mark.start, mark.end))
    points = sorted(bounds)
    starting: dict[int, list[Mark]] = defaultdict(list)
    for mark in usable:
        starting[mark.start].append(mark)
    ordered = sorted(usable, key=lambda m: m.start)
    wraps = "\n\n" in body  # hard-wrapped text (a PDF's lines): single line breaks are not breaks
    parts: list[str] = []
    active: list[Mark] = []
    anchored: set[str] = set()  # one passage may be aligned with several: one anchor for it
    next_mark = 0
    for start, end in itertools.pairwise(points):
        while next_mark < len(ordered) and ordered[next_mark].start <= start:
            active.append(ordered[next_mark])
            next_mark += 1
        active = [m for m in active if m.end > start]
        for mark in starting.get(start, ()):
            if mark.anchor and mark.anchor not in anchored:
                anchored.add(mark.anchor)
                parts.append(f'<span class="anchor" id="{escape(mark.anchor)}" tabindex="-1"></span>')
        parts.append(_piece(body[start:end], active, wraps))
    return Markup("".join(parts))


def _piece(stretch: str, covering: Sequence[Mark], wraps: bool) -> str:
    inner = _lines(str(escape(stretch)), wraps)
    classes = sorted({name for mark in covering for name in mark.classes})
    if not classes:
        return inner
    titles = list(dict.fromkeys(m.title for m in covering if m.title))
    title = f' title="{escape("; ".join(titles))}"' if titles else ""
    tag = "mark" if any(name.startswith("hl-") for name in classes) else "span"
    return f'<{tag} class="{" ".join(classes)}"{title}>{inner}</{tag}>'


def _lines(escaped: str, wraps: bool) -> str:
    if wraps:
        escaped = re.sub(r"\n[ \t]*\n\s*", "<br><br>", escaped)
        return escaped.replace("\n", " ")
    return escaped.replace("\n", "<br>")


# A span of the report with what to mark it with (classes, title, anchor).
_Marking = tuple[Mapping[str, Any], dict[str, Any]]


def _marks(
    report: Mapping[str, Any],
    columns: Mapping[str, str],
    outlets: Mapping[str, str],
    side_css: Mapping[str, str],
    names: Mapping[str, str],
    language: str,
) -> dict[str, list[Mark]]:
    """Every highlight and anchor of the event, by article id (text spans of shown articles)."""
    found: dict[str, list[Mark]] = defaultdict(list)
    layers = (
        _wording_marks(report, language),
        _quote_marks(report, side_css, names, language),
        _reuse_marks(report, outlets, language),
        _unit_anchors(report, columns),
        _passage_anchors(report, columns),
    )
    for layer in layers:
        for span, options in layer:
            article = str(span.get("article"))
            if article in columns and span.get("field", "text") == "text":
                found[article].append(Mark(int(span["start"]), int(span["end"]), **options))
    return found


def _wording_marks(report: Mapping[str, Any], language: str) -> Iterator[_Marking]:
    for row in (report.get("wording") or {}).get("densities") or []:
        category = str(row.get("category"))
        if category in _SCARE:
            options = {"classes": ("hl-scare",), "title": text(language, "scare_title")}
        else:
            kind = text(language, f"category_{category}")
            options = {"classes": ("hl-loaded",), "title": text(language, "loaded_title", category=kind)}
        for span in row.get("spans") or []:
            yield span, options


def _quote_marks(
    report: Mapping[str, Any], side_css: Mapping[str, str], names: Mapping[str, str], language: str
) -> Iterator[_Marking]:
    """Each attribution's content and source, coloured by the side of its speaker."""
    for data in ((report.get("sources") or {}).get("by_article") or {}).values():
        for speaker in data.get("speakers") or []:
            side = str(speaker.get("side") or "unknown")
            css, side_words = side_css.get(side, "side-other"), side_name(language, side)
            who = speaker_name(str(speaker["speaker"]), names)
            for item in speaker.get("evidence") or []:
                kind = text(language, "direct" if item.get("direct") else "indirect")
                if item.get("content"):
                    title = text(language, "quote_title", speaker=who, side=side_words, kind=kind)
                    yield item["content"], {"classes": ("hl-quote", css), "title": title}
                if item.get("source"):
                    title = text(language, "source_title", speaker=who, side=side_words)
                    yield item["source"], {"classes": ("hl-source", css), "title": title}


def _reuse_marks(report: Mapping[str, Any], outlets: Mapping[str, str], language: str) -> Iterator[_Marking]:
    for passage in (report.get("reuse") or {}).get("passages") or []:
        first, second = passage["source"], passage["copy"]
        for own, other in ((first, second), (second, first)):
            partner = outlets.get(str(other["article"]), str(other["article"]))
            yield own, {"classes": ("hl-reuse",), "title": text(language, "reuse_title", partner=partner)}


def _unit_anchors(report: Mapping[str, Any], columns: Mapping[str, str]) -> Iterator[_Marking]:
    """The passages of each content unit (what omission links light up), anchored at the first.

    Pieces of one unit or passage share the class `part-<name>`, and its anchor in column N is
    `cN-<name>`: the page's script lights up the parts an anchor names."""
    for unit in (report.get("omissions") or {}).get("units") or []:
        part = f"part-{token(str(unit['id']))}"
        for article, spans in (unit.get("evidence") or {}).items():
            for position, span in enumerate(spans):
                anchor = unit_anchor(columns, str(article), str(unit["id"])) if position == 0 else None
                yield span, {"classes": ("part", part), "anchor": anchor}


def _passage_anchors(report: Mapping[str, Any], columns: Mapping[str, str]) -> Iterator[_Marking]:
    """Each aligned passage, anchored where it starts, its pieces named for the links to light up."""
    for link in (report.get("alignment") or {}).get("links") or []:
        for span in (link["first"], link["second"]):
            anchor = passage_anchor(columns, span)
            yield span, {"classes": ("part", "part-" + anchor.split("-", 1)[1]), "anchor": anchor}


def unit_anchor(columns: Mapping[str, str], article: str, unit: str) -> str:
    """The id of the place in an article's column where it reports a unit."""
    return f"{columns.get(article, 'x')}-{token(unit)}"


def passage_anchor(columns: Mapping[str, str], span: Mapping[str, Any]) -> str:
    """The id of the place in an article's column where a passage starts."""
    return f"{columns.get(str(span.get('article')), 'x')}-p{int(span['start'])}-{int(span['end'])}"


# --- 3. the sections -----------------------------------------------------------------------


def _sides(report: Mapping[str, Any], language: str) -> list[SideKey]:
    """The sides that speak in the event, most heard first, each with its colour class."""
    order = [str(s["side"]) for s in (report.get("sources") or {}).get("sides") or []]
    for data in ((report.get("sources") or {}).get("by_article") or {}).values():
        order.extend(str(s.get("side") or "unknown") for s in data.get("speakers") or [])
    unique = list(dict.fromkeys(order))
    return [
        SideKey(side, side_name(language, side), f"side-{position % SIDE_COLOURS}")
        for position, side in enumerate(unique)
    ]


def _score(value: float | None, language: str) -> str:
    return text(language, "no_score") if value is None else format_number(value, language)


def _characters(span: Mapping[str, Any], texts: Mapping[str, str]) -> str:
    """The characters a span covers in its article's text (the evidence itself), or the text
    the report gives for it when the span does not fit the text."""
    body = texts.get(str(span.get("article")), "")
    start, end = int(span.get("start", 0)), int(span.get("end", 0))
    if 0 <= start < end <= len(body):
        return body[start:end]
    return str(span.get("text") or "")


def _excerpt(value: str) -> str:
    words = " ".join(value.split())
    return words if len(words) <= EXCERPT_CHARS else words[: EXCERPT_CHARS - 1].rstrip() + "…"


def _omissions(
    report: Mapping[str, Any],
    article: str,
    columns: Mapping[str, str],
    outlets: Mapping[str, str],
    texts: Mapping[str, str],
    language: str,
) -> list[Omission]:
    omitted = ((report.get("omissions") or {}).get("by_article") or {}).get(article) or []
    others = len(columns) - 1
    found = []
    for item in omitted:
        evidence = [span for span in item.get("evidence") or [] if str(span.get("article")) in columns]
        if not evidence:
            continue
        sources = tuple(
            PassageRef(
                column=columns[str(span["article"])],
                outlet=outlets[str(span["article"])],
                text=_excerpt(_characters(span, texts)),
                href="#" + unit_anchor(columns, str(span["article"]), str(item["unit"])),
            )
            for span in evidence
        )
        found.append(
            Omission(
                kind=text(language, f"kind_{item.get('kind', 'claim')}"),
                reach=text(language, "omission_reach", reach=item.get("reach", len(sources)), others=others),
                excerpt=sources[0].text,
                sources=sources,
            )
        )
    return found


def _speakers(
    report: Mapping[str, Any],
    article: str,
    side_css: Mapping[str, str],
    names: Mapping[str, str],
    language: str,
) -> list[Speaker]:
    data = ((report.get("sources") or {}).get("by_article") or {}).get(article) or {}
    return [
        Speaker(
            name=speaker_name(str(s["speaker"]), names),
            side=side_name(language, str(s.get("side") or "unknown")),
            side_class=side_css.get(str(s.get("side") or "unknown"), "side-other"),
            attributions=int(s.get("attributions") or 0),
            direct=int(s.get("direct") or 0),
            indirect=int(s.get("indirect") or 0),
        )
        for s in sorted(data.get("speakers") or [], key=lambda s: -int(s.get("attributions") or 0))
    ]


def _aligned(
    report: Mapping[str, Any],
    columns: Mapping[str, str],
    outlets: Mapping[str, str],
    texts: Mapping[str, str],
    language: str,
) -> list[AlignedPair]:
    links = [
        link
        for link in (report.get("alignment") or {}).get("links") or []
        if str(link["first"]["article"]) in columns and str(link["second"]["article"]) in columns
    ]
    links.sort(key=lambda link: -float(link.get("similarity") or 0))

    def ref(span: Mapping[str, Any]) -> PassageRef:
        article = str(span["article"])
        return PassageRef(
            column=columns[article],
            outlet=outlets[article],
            text=" ".join(_characters(span, texts).split()),
            href="#" + passage_anchor(columns, span),
        )

    return [
        AlignedPair(
            first=ref(link["first"]),
            second=ref(link["second"]),
            similarity=text(
                language, "similarity", value=format_number(float(link.get("similarity") or 0), language)
            ),
        )
        for link in links[:ALIGNED_LISTED]
    ]


def _naming(
    report: Mapping[str, Any], article_ids: Sequence[str], names: Mapping[str, str]
) -> list[NamingRow]:
    """Actors named by at least two articles, the most widely named first."""
    rows: list[tuple[int, int, NamingRow]] = []
    for actor in (report.get("wording") or {}).get("actor_labels") or []:
        by_owner = {str(o["owner"]): o.get("labels") or [] for o in actor.get("by_article") or []}
        cells = tuple(
            tuple(
                Label(
                    text=_label_text(label),
                    count=int(label.get("count") or 0),
                    distinctive=bool(label.get("distinctive")),
                )
                for label in by_owner.get(article, [])
            )
            for article in article_ids
        )
        named_by = sum(1 for cell in cells if cell)
        if named_by < 2:
            continue
        mentions = sum(label.count for cell in cells for label in cell)
        rows.append(
            (named_by, mentions, NamingRow(names.get(str(actor["actor"]), str(actor["actor"])), cells))
        )
    rows.sort(key=lambda row: (-row[0], -row[1], row[2].actor))
    return [row for _, _, row in rows[:ACTORS_LISTED]]


def _label_text(label: Mapping[str, Any]) -> str:
    spans = label.get("spans") or []
    return " ".join(str(spans[0]["text"]).split()) if spans else str(label.get("expression") or "")


def _pair_rows(pairs: Sequence[PairDistance], outlets: Mapping[str, str], language: str) -> list[PairRow]:
    ordered = sorted(pairs, key=lambda pair: -(pair.distance if pair.distance is not None else -1))
    return [
        PairRow(
            first=outlets.get(pair.a, pair.a),
            second=outlets.get(pair.b, pair.b),
            distance=_score(pair.distance, language),
            components=tuple(
                (
                    text(language, f"component_{name}"),
                    _score(pair.components[name].value if name in pair.components else None, language),
                )
                for name in COMPONENTS
            ),
        )
        for pair in ordered
        if pair.a in outlets and pair.b in outlets
    ]


def _timeline(
    report: Mapping[str, Any],
    articles: Sequence[ArticleView],
    columns: Mapping[str, str],
    outlets: Mapping[str, str],
    language: str,
) -> Markup:
    # No links inside the chart, as in `_who_speaks`.
    points = [
        charts.TimelinePoint(
            key=article.id,
            label=article.outlet,
            moment=article.published,
            detail=article.title,
            when=text(language, "day_only", day=day_words(article.published, language, year=False))
            if article.published is not None and day_only(article.published)
            else None,
        )
        for article in articles
    ]
    links = [
        charts.TimelineLink(
            source=str(source),
            target=str(data["article"]),
            title=text(language, "reuse_title", partner=outlets.get(str(source), str(source))),
        )
        for data in ((report.get("reuse") or {}).get("by_article") or {}).values()
        for source in data.get("taken_from") or []
        if str(source) in columns and str(data.get("article")) in columns
    ]
    return charts.timeline(
        points,
        links=links,
        title=text(language, "timeline"),
        description=text(language, "timeline_desc"),
        undated=text(language, "undated"),
        month_names=text(language, "months").split(),
        chart_id="timeline",
    )


def _who_speaks(
    report: Mapping[str, Any], articles: Sequence[ArticleView], sides: Sequence[SideKey], language: str
) -> Markup:
    by_article = (report.get("sources") or {}).get("by_article") or {}
    rows = []
    for article in articles:
        counts: dict[str, int] = defaultdict(int)
        for speaker in (by_article.get(article.id) or {}).get("speakers") or []:
            counts[str(speaker.get("side") or "unknown")] += int(speaker.get("attributions") or 0)
        segments = [
            charts.BarSegment(key=key.side, value=counts[key.side], title=f"{key.name}: {counts[key.side]}")
            for key in sides
            if counts.get(key.side)
        ]
        # No links inside the chart: an image to screen readers, its links would be unannounced
        # tab stops (the headlines above link to each column).
        rows.append(charts.BarRow(label=article.outlet, segments=segments))
    return charts.stacked_bars(
        rows,
        legend=[(key.side, key.name) for key in sides],
        title=text(language, "who_speaks"),
        description=text(language, "who_speaks_desc"),
        unit=text(language, "attributions_unit"),
        chart_id="who-speaks",
    )


def _matrix(report: Mapping[str, Any], pairs: Sequence[PairDistance], language: str) -> Markup:
    matrix = outlet_matrix(report, pairs)
    outlets: list[str] = matrix["outlets"]
    cells = [
        [
            charts.HeatCell(
                value=value,
                text="–" if value is None else format_number(value, language),
                title=f"{one} / {other}: "
                + (text(language, "no_score") if value is None else format_number(value, language)),
            )
            for other, value in zip(outlets, row, strict=True)
        ]
        for one, row in zip(outlets, matrix["distances"], strict=True)
    ]
    return charts.heat_map(
        outlets,
        outlets,
        cells,
        title=text(language, "matrix"),
        description=text(language, "matrix_desc"),
        scale_low=text(language, "matrix_low"),
        scale_high=text(language, "matrix_high"),
    )
