"""Charts for the classroom pages, drawn on the server as inline SVG.

Pure functions from plain data to `Markup`: no JavaScript and no chart library, so the pages
work offline, print, and read out to screen readers (each chart is an `img` named by its
`<title>` and described by its `<desc>`; every mark carries a `<title>` tooltip). Numbers are
written on the marks, so nothing depends on colour alone.

Every string that comes in (labels, titles, tooltips, links) is untrusted: it is stripped of
the characters XML cannot hold and escaped, and a link is kept only when it stays on the site
(it starts with "#" or a single "/"); any other link is dropped, the mark drawn without it.

- heat_map: an outlet x outlet distance matrix, light (0) to dark (1), the number in each cell;
- stacked_bars: who speaks in each outlet, one 100 % bar per outlet, its total at the right;
- timeline: who published when (one lane per article), and who reused whom (arrows).

Sizes are in user units of a viewBox, and the root has its natural width and height (no inline
style: the pages' Content-Security-Policy refuses them); the page's stylesheet lets it shrink
to its container. Text widths are estimated (no font metrics on the server), generously. Marks
carry classes prefixed "chart-" (chart-cell, chart-bar, chart-segment, chart-lane, chart-dot,
chart-link, …): inline SVG shares the page's stylesheet, and the prefix keeps page rules off.
"""

from __future__ import annotations

import hashlib
import math
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from markupsafe import Markup, escape

# Light yellow to dark blue, ColorBrewer YlGnBu (9 classes): lightness falls steadily, so the
# scale reads in greyscale print and for every common colour-vision deficiency.
_SEQUENTIAL: Final = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)
# Okabe & Ito (2008), the colour-blind-safe qualitative palette; yellow late (darkened for the
# page's underlines it would look like the orange), black last, as it hides text. The page's
# stylesheet colours the sides in the same order (--side-0 …).
_OKABE_ITO: Final = ("#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#0072b2", "#d55e00", "#f0e442", "#000000")
_UNKNOWN_KEY: Final = "#999999"
_INK: Final = "#1a1a1a"  # text on white: 17:1
_MUTED: Final = "#4d4d4d"  # secondary text on white: 8.5:1
_GRID: Final = "#d9d9d9"
_LINK_TEXT: Final = "#1a4f9c"  # linked labels, underlined too: 8.3:1 on white
_DOT: Final = "#0072b2"
_ARROW: Final = "#d55e00"
# Black or white text, whichever contrasts more: on any fill one of them reaches at least
# 4.58:1 (the two tie at a luminance of 0.179), above the 4.5:1 WCAG asks of normal text.
_TEXT_DARK: Final = "#000"
_TEXT_LIGHT: Final = "#fff"

_FONT: Final = 13
_SMALL_FONT: Final = 12
_TINY_FONT: Final = 11
# How far below the middle of a line its baseline sits (about 0.35 em), for texts centred on a mark.
_FONT_DROP: Final = 5
_SMALL_DROP: Final = 4
_PAD: Final = 8
_LABEL_CHARS: Final = 28
_LEGEND_CHARS: Final = 44  # legend items have a line each when they need it
_SANS: Final = "system-ui, sans-serif"
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Characters XML 1.0 cannot carry at all (C0 controls but tab and newlines, lone surrogates,
# the two non-characters at the end of the BMP).
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHART_ID_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class HeatCell:
    """One cell of a heat map: its value in [0, 1] (None when not measurable) and its words."""

    value: float | None
    text: str
    title: str
    href: str | None = None


@dataclass(frozen=True)
class BarSegment:
    """One part of a stacked bar: a legend key and a count, with its tooltip."""

    key: str
    value: float
    title: str


@dataclass(frozen=True)
class BarRow:
    """One stacked bar (an outlet) and the segments it is made of."""

    label: str
    segments: Sequence[BarSegment]
    href: str | None = None


@dataclass(frozen=True)
class TimelinePoint:
    """One article on the timeline: its outlet, when it was published (None when unknown)."""

    key: str
    label: str
    moment: datetime | None
    detail: str
    href: str | None = None
    # Written next to the dot instead of the time: for a moment known only to the day, which
    # is then drawn hollow (its place on the axis is the start of that day).
    when: str | None = None


@dataclass(frozen=True)
class TimelineLink:
    """An arrow from an earlier article to one that reuses it."""

    source: str
    target: str
    title: str


# -- the heat map ------------------------------------------------------------------------------

_CELL_H: Final = 34
_CELL_MIN_W: Final = 46
_CELL_GAP: Final = 2


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
    *,
    title: str,
    description: str,
    scale_low: str,
    scale_high: str,
    missing: str | None = None,
    chart_id: str | None = None,
) -> Markup:
    """A matrix of values in [0, 1] (outlet x outlet distances) as an SVG heat map.

    Cells go from light (0) to dark (1) with their text written in black or white, whichever
    contrasts more; unmeasurable cells (value None, or NaN) are hatched grey and say "–".
    Values outside [0, 1] are clamped. `missing`, when given, labels the hatch in the legend.
    `cells` holds one sequence per row, one cell per column (ValueError otherwise).

    1. Check the shape; with no row or no column, the chart is its title and description.
    2. Measure the labels and the cell texts: they set the margins and the cell width.
    3. Draw the column labels (turned 45° when wider than a cell), the row labels, the cells.
    4. Draw the legend under the matrix: the scale from `scale_low` to `scale_high`.
    """
    cid = _chart_id(chart_id, "heat", title, description, *rows, *columns)
    # 1.
    if len(cells) != len(rows) or any(len(row) != len(columns) for row in cells):
        raise ValueError(
            f"heat_map got {len(rows)} row labels and {len(columns)} column labels but cells of shape "
            f"{[len(row) for row in cells]}; give one row of cells per row label, one cell per column"
        )
    if not rows or not columns:
        return _empty_chart(cid, title, description)
    # 2.
    row_w = max(_text_width(_shorten(label), _FONT) for label in rows)
    column_w = max(_text_width(_shorten(label), _FONT) for label in columns)
    cell_w = math.ceil(
        max(_CELL_MIN_W, *(_text_width(c.text, _SMALL_FONT) + 12 for row in cells for c in row))
    )
    turned = column_w > cell_w - 6
    left = math.ceil(_PAD + row_w + 10)
    top = math.ceil(_PAD + (column_w * 0.71 + _FONT + 4 if turned else _FONT + 8))
    overhang = max(0.0, column_w * 0.71 - cell_w / 2) if turned else max(0.0, column_w / 2 - cell_w / 2)
    # 3.
    parts = [_heat_defs(cid)]
    parts.append(_column_labels(columns, left=left, top=top, cell_w=cell_w, turned=turned))
    parts.append(_row_labels(rows, x=left - 10, top=top))
    parts.append(Markup('<g font-size="{}" text-anchor="middle" fill="{}">').format(_SMALL_FONT, _TEXT_DARK))
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            parts.append(_heat_cell(cid, cell, x=left + j * cell_w, y=top + i * _CELL_H, width=cell_w))
    parts.append(Markup("</g>"))
    # 4.
    legend_y = top + len(rows) * _CELL_H + 14
    legend, legend_right = _heat_legend(
        cid, bar_x=left, y=legend_y, low=scale_low, high=scale_high, missing=missing
    )
    parts.append(legend)
    width = max(left + len(columns) * cell_w + overhang + _PAD, legend_right + _PAD)
    return _svg(cid, width, legend_y + 16 + _PAD, title, description, Markup("").join(parts))


def _heat_defs(cid: str) -> Markup:
    """The legend's gradient and the hatch of unmeasurable cells."""
    stops = Markup("").join(
        Markup('<stop offset="{}" stop-color="{}"/>').format(_num(i / (len(_SEQUENTIAL) - 1)), colour)
        for i, colour in enumerate(_SEQUENTIAL)
    )
    return Markup(
        '<defs><linearGradient id="{cid}-scale">{stops}</linearGradient>'
        '<pattern id="{cid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#efefef"/>'
        '<path d="M0 0V6" stroke="#b3b3b3" stroke-width="2"/></pattern></defs>'
    ).format(cid=cid, stops=stops)


def _column_labels(columns: Sequence[str], *, left: float, top: float, cell_w: float, turned: bool) -> Markup:
    """The column labels above the matrix, turned 45° up to the right when they are wide."""
    y = top - 8
    parts = [Markup('<g text-anchor="{}">').format("start" if turned else "middle")]
    for j, label in enumerate(columns):
        x = left + j * cell_w + cell_w / 2
        turn = Markup(' transform="rotate(-45 {} {})"').format(_num(x), _num(y)) if turned else Markup("")
        parts.append(
            Markup('<text x="{}" y="{}"{}>{}</text>').format(_num(x), _num(y), turn, _label_text(label))
        )
    parts.append(Markup("</g>"))
    return Markup("").join(parts)


def _row_labels(rows: Sequence[str], *, x: float, top: float) -> Markup:
    """The row labels at the left of the matrix, right-aligned against it."""
    parts = [Markup('<g text-anchor="end">')]
    for i, label in enumerate(rows):
        y = top + i * _CELL_H + _CELL_H / 2 + _FONT_DROP
        parts.append(Markup('<text x="{}" y="{}">{}</text>').format(_num(x), _num(y), _label_text(label)))
    parts.append(Markup("</g>"))
    return Markup("").join(parts)


def _heat_cell(cid: str, cell: HeatCell, *, x: float, y: float, width: float) -> Markup:
    """One cell: its fill, its number, its tooltip; a link when it has a safe one."""
    value = cell.value
    if value is None or math.isnan(value):
        fill, ink, text = f"url(#{cid}-hatch)", _TEXT_DARK, "–"
    else:
        fill = heat_colour(value)
        ink, text = text_colour_on(fill), cell.text
    body = Markup(
        '<title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}"{}>{}</text>'
    ).format(
        _clean(cell.title),
        _num(x),
        _num(y),
        _num(width - _CELL_GAP),
        _CELL_H - _CELL_GAP,
        fill,
        _num(x + (width - _CELL_GAP) / 2),
        _num(y + (_CELL_H - _CELL_GAP) / 2 + _SMALL_DROP),
        Markup("") if ink == _TEXT_DARK else Markup(' fill="{}"').format(ink),
        _clean(text),
    )
    return _linked(body, cell.href, css_class="chart-cell")


def _heat_legend(
    cid: str, *, bar_x: float, y: float, low: str, high: str, missing: str | None
) -> tuple[Markup, float]:
    """The scale under the matrix: low text, the gradient bar (under the matrix's left edge
    when the low text fits before it), high text, then the hatch's swatch when it has a label.
    Returns the legend and its right edge."""
    low_text, high_text = _shorten(low, 40), _shorten(high, 40)
    baseline = y + 6 + _SMALL_DROP
    bar_x = max(bar_x, math.ceil(_PAD + _text_width(low_text, _SMALL_FONT) + 6))
    high_x = bar_x + 160 + 6
    right = high_x + _text_width(high_text, _SMALL_FONT)
    parts = [
        Markup('<g class="chart-legend" font-size="{}">').format(_SMALL_FONT),
        Markup('<text x="{}" y="{}" text-anchor="end">{}</text>').format(
            _num(bar_x - 6), _num(baseline), _label_text(low, 40)
        ),
        Markup('<rect x="{}" y="{}" width="160" height="12" fill="url(#{}-scale)" stroke="{}"/>').format(
            _num(bar_x), _num(y), cid, _MUTED
        ),
        Markup('<text x="{}" y="{}">{}</text>').format(_num(high_x), _num(baseline), _label_text(high, 40)),
    ]
    if missing:
        swatch_x = right + 18
        parts.append(
            Markup('<rect x="{}" y="{}" width="18" height="12" fill="url(#{}-hatch)" stroke="{}"/>').format(
                _num(swatch_x), _num(y), cid, _MUTED
            )
        )
        parts.append(
            Markup('<text x="{}" y="{}">{}</text>').format(
                _num(swatch_x + 24), _num(baseline), _label_text(missing, 40)
            )
        )
        right = swatch_x + 24 + _text_width(_shorten(missing, 40), _SMALL_FONT)
    parts.append(Markup("</g>"))
    return Markup("").join(parts), right


def heat_colour(value: float) -> str:
    """The fill of a heat-map value: light yellow at 0 to dark blue at 1 (clamped)."""
    position = min(1.0, max(0.0, value)) * (len(_SEQUENTIAL) - 1)
    index = min(int(position), len(_SEQUENTIAL) - 2)
    share = position - index
    lower, upper = _rgb(_SEQUENTIAL[index]), _rgb(_SEQUENTIAL[index + 1])
    mixed = (round(a + (b - a) * share) for a, b in zip(lower, upper, strict=True))
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


# -- the stacked bars --------------------------------------------------------------------------

_ROW_H: Final = 30
_BAR_H: Final = 20
_BAR_W: Final = 440


def stacked_bars(
    rows: Sequence[BarRow],
    *,
    legend: Sequence[tuple[str, str]],
    title: str,
    description: str,
    unit: str,
    chart_id: str | None = None,
) -> Markup:
    """One horizontal 100 % bar per row, its segments stacked, its total written at the right.

    `legend` lists (key, label) pairs: the keys get the Okabe-Ito colours in that order and the
    segments of every bar are stacked in that order, so the same speaker sits at the same place
    in every bar; keys not in the legend come last, in grey. Segments are split by white lines,
    and their count is written inside when it fits. A row without a count shows an empty bar and
    "0 <unit>". Negative or non-finite counts are refused (ValueError).

    1. Check the counts; with no row, the chart is its title and description.
    2. Give every key a colour, and lay the legend out on lines above the bars.
    3. Draw each bar: label at the left, segments, outline, total at the right.
    """
    cid = _chart_id(chart_id, "bars", title, description, *(row.label for row in rows))
    # 1.
    for row in rows:
        for segment in row.segments:
            if not math.isfinite(segment.value) or segment.value < 0:
                raise ValueError(
                    f"stacked_bars: row {row.label!r}, key {segment.key!r} has the count {segment.value}; "
                    "counts must be finite and 0 or more"
                )
    if not rows:
        return _empty_chart(cid, title, description)
    # 2.
    colours: dict[str, str] = {}
    for key, _ in legend:
        colours.setdefault(key, _OKABE_ITO[len(colours) % len(_OKABE_ITO)])
    unknown = list(dict.fromkeys(s.key for row in rows for s in row.segments if s.key not in colours))
    entries, listed = [], set()
    for key, label in legend:
        if key not in listed:
            entries.append((colours[key], label))
            listed.add(key)
    if unknown:
        entries.append((_UNKNOWN_KEY, ", ".join(unknown)))
    label_w = max(_text_width(_shorten(row.label), _FONT) for row in rows)
    totals = [_num(sum(s.value for s in row.segments)) + " " + unit for row in rows]
    total_w = max(_text_width(_shorten(total, 40), _FONT) for total in totals)
    bar_x = math.ceil(_PAD + label_w + 10)
    width = bar_x + _BAR_W + 10 + total_w + _PAD
    legend_markup, legend_h = _bar_legend(entries, x=bar_x, y=_PAD, right=width - _PAD)
    # 3.
    order = {key: i for i, key in enumerate(colours)}
    top = _PAD + legend_h + 8
    parts = [legend_markup]
    for i, (row, total) in enumerate(zip(rows, totals, strict=True)):
        segments = sorted(row.segments, key=lambda s: order.get(s.key, len(order)))
        parts.append(
            _bar_row(row, segments, colours, total=total, label_x=bar_x - 10, bar_x=bar_x, y=top + i * _ROW_H)
        )
    return _svg(cid, width, top + len(rows) * _ROW_H + _PAD, title, description, Markup("").join(parts))


def _bar_legend(
    entries: Sequence[tuple[str, str]], *, x: float, y: float, right: float
) -> tuple[Markup, float]:
    """The legend's swatches and labels, wrapped onto as many lines as they need. Returns the
    legend and its height."""
    parts = [Markup('<g class="chart-legend" font-size="{}">').format(_SMALL_FONT)]
    line, cursor = 0, x
    for colour, label in entries:
        item_w = 18 + _text_width(_shorten(label, _LEGEND_CHARS), _SMALL_FONT)
        if cursor > x and cursor + item_w > right:
            line, cursor = line + 1, x
        top = y + line * 20
        parts.append(
            Markup(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}" stroke="{}"/>'
                '<text x="{}" y="{}">{}</text>'
            ).format(
                _num(cursor),
                _num(top),
                colour,
                _MUTED,
                _num(cursor + 18),
                _num(top + 6 + _SMALL_DROP),
                _label_text(label, _LEGEND_CHARS),
            )
        )
        cursor += item_w + 16
    parts.append(Markup("</g>"))
    return Markup("").join(parts), (line + 1) * 20 if entries else 0


def _bar_row(
    row: BarRow,
    segments: Sequence[BarSegment],
    colours: dict[str, str],
    *,
    total: str,
    label_x: float,
    bar_x: float,
    y: float,
) -> Markup:
    """One bar: its label, its segments (each its share of the row's total), outline, total."""
    bar_y = y + (_ROW_H - _BAR_H) / 2
    baseline = y + _ROW_H / 2 + _FONT_DROP
    count = sum(s.value for s in segments)
    parts = [
        Markup('<text x="{}" y="{}" text-anchor="end"{}>{}</text>').format(
            _num(label_x), _num(baseline), _link_style(row.href), _label_text(row.label)
        )
    ]
    start = 0.0
    for segment in segments if count > 0 else ():
        if segment.value == 0:
            continue  # nothing to show, and a zero-wide rectangle would still draw its outline
        share = segment.value / count * _BAR_W
        parts.append(_bar_segment(segment, colours, x=bar_x + start, y=bar_y, width=share))
        start += share
    parts.append(
        Markup(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}"/>'
            '<text x="{}" y="{}">{}</text>'
        ).format(
            _num(bar_x),
            _num(bar_y),
            _BAR_W,
            _BAR_H,
            _MUTED,
            _num(bar_x + _BAR_W + 10),
            _num(baseline),
            _label_text(total, 40),
        )
    )
    return _linked(Markup("").join(parts), row.href, css_class="chart-bar")


def _bar_segment(segment: BarSegment, colours: dict[str, str], *, x: float, y: float, width: float) -> Markup:
    """One segment, split from the next by a white line, its count inside when it fits."""
    fill = colours.get(segment.key, _UNKNOWN_KEY)
    value = _num(segment.value)
    inside = Markup("")
    if width >= _text_width(value, _SMALL_FONT) + 8:
        inside = Markup('<text x="{}" y="{}" fill="{}" text-anchor="middle" font-size="{}">{}</text>').format(
            _num(x + width / 2),
            _num(y + _BAR_H / 2 + _SMALL_DROP),
            text_colour_on(fill),
            _SMALL_FONT,
            value,
        )
    return Markup(
        '<g class="chart-segment"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
        'stroke="#ffffff" stroke-width="1.5"/>{}</g>'
    ).format(_clean(segment.title), _num(x), _num(y), _num(width), _BAR_H, fill, inside)


# -- the timeline ------------------------------------------------------------------------------

_LANE_H: Final = 26
_PLOT_W: Final = 560
_DOT_R: Final = 5
_TWO_DAYS: Final = 2 * 86400
# Tick steps in seconds, from 5 minutes to a year; the smallest whose labels do not collide.
_TICK_STEPS: Final = (
    300,
    600,
    900,
    1800,
    3600,
    2 * 3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
    30 * 86400,
    91 * 86400,
    365 * 86400,
)


def timeline(
    points: Sequence[TimelinePoint],
    *,
    links: Sequence[TimelineLink],
    title: str,
    description: str,
    undated: str,
    time_zone_label: str = "UTC",
    month_names: Sequence[str] = _MONTHS,
    chart_id: str | None = None,
) -> Markup:
    """Articles on a time axis, one lane each in order of publication, with arrows from an
    article to those that reuse it.

    Times are drawn in UTC (`time_zone_label` is what the axis calls it) and written from
    `month_names` (12 short names; English by default), never from the server's locale. Ticks
    say "3 Feb 19:40" when the articles span two days or less, "3 Feb" otherwise. Undated
    articles are listed after, under the `undated` heading, with their detail. Arrows whose
    ends are unknown or undated are left out. A naive datetime is refused (ValueError).

    1. Sort the dated points (stable, so equal times keep the caller's order); no point at all
       makes the chart its title and description.
    2. Fix the time scale: pad the span (an hour either side when it is nil) and pick the ticks.
    3. Draw the lanes and ticks, the arrows, then the dots on top; then the undated lanes.
    """
    cid = _chart_id(chart_id, "timeline", title, description, *(p.key for p in points))
    # 1.
    if len(month_names) != 12:
        raise ValueError(f"timeline: month_names has {len(month_names)} names; give 12, January first")
    dated = sorted(
        ((_epoch(p.key, p.moment), p) for p in points if p.moment is not None), key=lambda pair: pair[0]
    )
    later = [p for p in points if p.moment is None]
    if not points:
        return _empty_chart(cid, title, description)
    label_w = max(_text_width(_shorten(p.label), _FONT) for p in points)
    plot_x = math.ceil(_PAD + label_w + 14)
    parts: list[Markup] = []
    y, right = float(_PAD), float(plot_x + _PLOT_W)
    if dated:
        # 2.
        scale = _TimeScale([t for t, _ in dated], x=plot_x, width=_PLOT_W, months=month_names)
        # 3. (the time beside each dot may overhang the axis on the right)
        right += max(_text_width(scale.words(t, with_time=True), _TINY_FONT) for t, _ in dated) + _DOT_R + 6
        parts.append(
            _time_lanes(
                scale, dated, links, cid=cid, label_x=plot_x - 14, y=y, right=right, zone=time_zone_label
            )
        )
        y += len(dated) * _LANE_H + 58
    if later:
        parts.append(_undated_lanes(later, heading=undated, label_x=plot_x - 14, plot_x=plot_x, y=y))
        y += (len(later) + 1) * _LANE_H + 4
    return _svg(cid, right + _PAD, y + _PAD, title, description, Markup("").join(parts))


class _TimeScale:
    """Seconds since the epoch to x, and the ticks of the axis with their words."""

    def __init__(self, times: Sequence[float], *, x: float, width: float, months: Sequence[str]) -> None:
        first, last = min(times), max(times)
        span = last - first
        pad = max(span * 0.06, 1800.0) if span else 3600.0
        self.low, self.high = first - pad, last + pad
        self.x, self.width, self.months = x, width, months
        self.with_time = span <= _TWO_DAYS
        self.with_year = (
            datetime.fromtimestamp(self.low, UTC).year != datetime.fromtimestamp(self.high, UTC).year
        )
        self.step = self._step()

    def at(self, moment: float) -> float:
        """Where a moment falls on the axis."""
        return self.x + (moment - self.low) / (self.high - self.low) * self.width

    def ticks(self) -> list[float]:
        """The moments of the ticks: whole multiples of the step, within the padded span."""
        first = math.ceil(self.low / self.step) * self.step
        return [float(t) for t in range(int(first), int(self.high) + 1, self.step)]

    def words(self, moment: float, *, with_time: bool | None = None, with_year: bool | None = None) -> str:
        """A moment as "3 Feb 19:40" (with the year when asked or when the span crosses one)."""
        when = datetime.fromtimestamp(moment, UTC)
        text = f"{when.day} {self.months[when.month - 1]}"
        if self.with_year if with_year is None else with_year:
            text += f" {when.year}"
        if self.with_time if with_time is None else with_time:
            text += f" {when.hour:02d}:{when.minute:02d}"
        return text

    def _step(self) -> int:
        label_w = _text_width(self.words(self.low), _SMALL_FONT) + 18
        most = max(2, int(self.width // label_w))
        for step in _TICK_STEPS:
            if (self.high - self.low) / step <= most:
                return step
        return _TICK_STEPS[-1] * math.ceil((self.high - self.low) / _TICK_STEPS[-1] / most)


def _time_lanes(
    scale: _TimeScale,
    dated: Sequence[tuple[float, TimelinePoint]],
    links: Sequence[TimelineLink],
    *,
    cid: str,
    label_x: float,
    y: float,
    right: float,
    zone: str,
) -> Markup:
    """The dated lanes: banding, grid and axis, the arrows, then a labelled dot per article."""
    bottom = y + len(dated) * _LANE_H
    parts = [
        Markup(
            '<defs><marker id="{}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
            'markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
            '<path d="M0 0L10 5L0 10z" fill="{}"/></marker></defs>'
        ).format(cid, _ARROW)
    ]
    for i in range(1, len(dated), 2):
        parts.append(
            Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="#f2f4f7"/>').format(
                _PAD, _num(y + i * _LANE_H), _num(right - _PAD), _LANE_H
            )
        )
    parts.append(Markup('<g class="chart-axis" font-size="{}" text-anchor="middle">').format(_SMALL_FONT))
    for tick in scale.ticks():
        x = _num(scale.at(tick))
        parts.append(
            Markup(
                '<path d="M{x} {top}V{bottom}" stroke="{grid}"/><path d="M{x} {bottom}v5" stroke="{muted}"/>'
                '<text x="{x}" y="{label}" fill="{muted}">{words}</text>'
            ).format(
                x=x,
                top=_num(y),
                bottom=_num(bottom),
                grid=_GRID,
                muted=_MUTED,
                label=_num(bottom + 20),
                words=_clean(scale.words(tick)),
            )
        )
    parts.append(
        Markup(
            '<path d="M{} {}H{}" stroke="{}"/><text x="{}" y="{}" text-anchor="end" fill="{}">{}</text></g>'
        ).format(
            _num(scale.x),
            _num(bottom),
            _num(scale.x + scale.width),
            _MUTED,
            _num(scale.x + scale.width),
            _num(bottom + 38),
            _MUTED,
            _label_text(zone, 20),
        )
    )
    where: dict[str, tuple[float, float]] = {}
    for i, (moment, point) in enumerate(dated):
        where.setdefault(point.key, (scale.at(moment), y + i * _LANE_H + _LANE_H / 2))
    parts.extend(
        _arrow(cid, where[link.source], where[link.target], link.title, within=(scale.x, y, bottom))
        for link in links
        if link.source in where and link.target in where and link.source != link.target
    )
    for i, (moment, point) in enumerate(dated):
        parts.append(_dated_lane(scale, moment, point, label_x=label_x, y=y + i * _LANE_H))
    return Markup("").join(parts)


def _dated_lane(
    scale: _TimeScale, moment: float, point: TimelinePoint, *, label_x: float, y: float
) -> Markup:
    """One article's lane: its outlet at the left, a dot at its time with the time written after."""
    x, middle = scale.at(moment), y + _LANE_H / 2
    body = Markup(
        '<title>{}</title><text x="{}" y="{}" text-anchor="end"{}>{}</text>'
        '<circle class="chart-dot" cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="{}"/>'
        '<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>'
    ).format(
        _clean(f"{point.label}, {point.when or scale.words(moment, with_time=True, with_year=True)}: ")
        + _clean(point.detail),
        _num(label_x),
        _num(middle + _FONT_DROP),
        _link_style(point.href),
        _label_text(point.label),
        _num(x),
        _num(middle),
        _DOT_R,
        "#ffffff" if point.when else _DOT,
        _DOT if point.when else "#ffffff",
        2 if point.when else 1.5,
        _num(x + _DOT_R + 4),
        _num(middle + _SMALL_DROP),
        _TINY_FONT,
        _MUTED,
        _clean(point.when or scale.words(moment, with_time=True)),
    )
    return _linked(body, point.href, css_class="chart-lane")


def _arrow(
    cid: str,
    start: tuple[float, float],
    end: tuple[float, float],
    title: str,
    *,
    within: tuple[float, float, float],
) -> Markup:
    """A curved arrow between two dots, stopping short of both so the head stays visible, and
    bowing no further than the plot's left edge and the lanes' top and bottom (`within`)."""
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1)
    if length == 0:
        return Markup("")
    # Bow the curve by a share of its length, so arrows between close dots still show, and to
    # the lower left of a later article: lanes go in time order, so the dots run from top left
    # to bottom right with their times written at their right, and the lower left is empty.
    bow = min(60.0, max(16.0, length * 0.4))
    cx = (x1 + x2) / 2 - (y2 - y1) / length * bow
    cy = (y1 + y2) / 2 + (x2 - x1) / length * bow
    left, top, bottom = within
    cx, cy = max(cx, left), min(max(cy, top), bottom)
    x1, y1 = _toward((x1, y1), (cx, cy), _DOT_R + 1)
    x2, y2 = _toward((x2, y2), (cx, cy), _DOT_R + 2)
    path = f"M{_num(x1)} {_num(y1)}Q{_num(cx)} {_num(cy)} {_num(x2)} {_num(y2)}"
    return Markup(
        '<g class="chart-link" fill="none"><title>{}</title>'
        '<path d="{}" stroke="transparent" stroke-width="9"/>'
        '<path d="{}" stroke="{}" stroke-width="1.6" marker-end="url(#{}-arrow)"/></g>'
    ).format(_clean(title), path, path, _ARROW, cid)


def _toward(point: tuple[float, float], other: tuple[float, float], distance: float) -> tuple[float, float]:
    """The point `distance` away from `point` in the direction of `other`."""
    dx, dy = other[0] - point[0], other[1] - point[1]
    length = math.hypot(dx, dy) or 1.0
    return point[0] + dx / length * distance, point[1] + dy / length * distance


def _undated_lanes(
    points: Sequence[TimelinePoint], *, heading: str, label_x: float, plot_x: float, y: float
) -> Markup:
    """The articles without a date: a heading, then a lane each with a hollow dot and the detail."""
    parts = [
        Markup('<text x="{}" y="{}" font-weight="bold">{}</text>').format(
            _PAD, _num(y + _LANE_H / 2 + _FONT_DROP), _label_text(heading, 60)
        )
    ]
    detail_chars = max(8, int(_PLOT_W / (_FONT * 0.6)) - 4)
    for i, point in enumerate(points, start=1):
        middle = y + i * _LANE_H + _LANE_H / 2
        body = Markup(
            '<title>{}</title><text x="{}" y="{}" text-anchor="end"{}>{}</text>'
            '<circle class="chart-undated" cx="{}" cy="{}" r="{}" fill="#ffffff" stroke="{}" '
            'stroke-width="1.5" stroke-dasharray="2 2"/><text x="{}" y="{}" fill="{}">{}</text>'
        ).format(
            _clean(f"{point.label}, {heading}: {point.detail}"),
            _num(label_x),
            _num(middle + _FONT_DROP),
            _link_style(point.href),
            _label_text(point.label),
            _num(plot_x + _DOT_R + 2),
            _num(middle),
            _DOT_R,
            _DOT,
            _num(plot_x + 2 * _DOT_R + 10),
            _num(middle + _FONT_DROP),
            _MUTED,
            _label_text(point.detail, detail_chars),
        )
        parts.append(_linked(body, point.href, css_class="chart-lane"))
    return Markup("").join(parts)


def _epoch(key: str, moment: datetime) -> float:
    """A moment in seconds since the epoch; a moment without a time zone is refused."""
    if moment.utcoffset() is None:
        raise ValueError(
            f"timeline: article {key!r} has a moment without a time zone ({moment}); "
            "pass an aware datetime, e.g. with tzinfo=UTC"
        )
    return moment.timestamp()


# -- shared pieces -----------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """The WCAG 2 relative luminance of a "#rrggbb" (or "#rgb") colour, from 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two "#rrggbb" (or "#rgb") colours, from 1 to 21."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour_on(fill: str) -> str:
    """Black or white, whichever contrasts more with the fill (at least 4.58:1 on any fill)."""
    dark, light = contrast_ratio(fill, _TEXT_DARK), contrast_ratio(fill, _TEXT_LIGHT)
    return _TEXT_DARK if dark >= light else _TEXT_LIGHT


def _rgb(colour: str) -> tuple[int, int, int]:
    """The channels of a "#rgb" or "#rrggbb" colour."""
    digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _svg(cid: str, width: float, height: float, title: str, description: str, body: Markup) -> Markup:
    """The root element: an image named by its title, described by its description, at its
    natural size (the page's stylesheet lets it shrink to its container: no inline style,
    which the pages' Content-Security-Policy refuses)."""
    w, h = _num(math.ceil(width)), _num(math.ceil(height))
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" id="{cid}" role="img" aria-labelledby="{cid}-title" '
        'aria-describedby="{cid}-desc" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'font-family="{font}" font-size="{size}" fill="{ink}">'
        '<title id="{cid}-title">{title}</title>'
        '<desc id="{cid}-desc">{description}</desc>{body}</svg>'
    ).format(
        cid=cid,
        w=w,
        h=h,
        font=_SANS,
        size=_FONT,
        ink=_INK,
        title=_clean(title),
        description=_clean(description),
        body=body,
    )


def _empty_chart(cid: str, title: str, description: str) -> Markup:
    """A chart with nothing to draw: its title and description written out, as a message."""
    lines = textwrap.wrap(_clean(description), 80) or [""]
    parts = [
        Markup('<text x="{}" y="{}" font-weight="bold">{}</text>').format(
            _PAD, _PAD + _FONT, _label_text(title, 80)
        )
    ]
    for i, line in enumerate(lines):
        parts.append(
            Markup('<text x="{}" y="{}" fill="{}">{}</text>').format(
                _PAD, _PAD + _FONT + 20 * (i + 1), _MUTED, line
            )
        )
    height = _PAD + _FONT + 20 * len(lines) + _PAD + 4
    width = max(300.0, *(_text_width(line, _FONT) for line in [*lines, _shorten(title, 80)])) + 2 * _PAD
    return _svg(cid, width, height, title, description, Markup("").join(parts))


def _linked(body: Markup, href: str | None, *, css_class: str) -> Markup:
    """The mark inside a link when its address stays on the site, else inside a plain group."""
    safe = safe_href(href)
    if safe is None:
        return Markup('<g class="{}">{}</g>').format(css_class, body)
    return Markup('<a class="{}" href="{}">{}</a>').format(css_class, safe, body)


def safe_href(href: str | None) -> str | None:
    """The link when it stays on this site: a fragment ("#pair-3-5") or a path ("/events/4").
    Anything else — another scheme ("javascript:"), another host ("//evil.example", "/\\evil"),
    a control character a browser would drop — gives None."""
    if not href or any(ord(c) < 0x20 or ord(c) == 0x7F for c in href) or _NOT_XML.search(href):
        return None
    if href[0] not in "#/" or href.startswith(("//", "/\\")):
        return None
    return _clean(href)  # a plain str, so it is escaped even when it came in as Markup


def _link_style(href: str | None) -> Markup:
    """Linked labels are blue and underlined, so the link does not rest on colour alone."""
    if safe_href(href) is None:
        return Markup("")
    return Markup(' fill="{}" text-decoration="underline"').format(_LINK_TEXT)


def _label_text(label: str, limit: int = _LABEL_CHARS) -> Markup:
    """A label's text, cut with an ellipsis past `limit` characters, the whole in a tooltip."""
    full = _clean(label)
    short = _shorten(full, limit)
    if short == full:
        return escape(full)
    return Markup("<title>{}</title>{}").format(full, short)


def _shorten(text: str, limit: int = _LABEL_CHARS) -> str:
    text = _clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _clean(text: str) -> str:
    """The text without the characters XML cannot carry (escaping happens on insertion)."""
    return _NOT_XML.sub("", text)


def _text_width(text: str, size: float) -> float:
    """An estimate of the width of a text in a sans-serif font: wide characters count double."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def _num(value: float) -> str:
    """A coordinate or count with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _chart_id(chart_id: str | None, kind: str, *words: str) -> str:
    """The id that the chart's title and description hang on: the caller's, made safe for an
    id and a URL fragment, or one derived from the chart's words (the same chart, the same id)."""
    if chart_id:
        safe = _CHART_ID_UNSAFE.sub("-", chart_id)
        return safe if safe[0].isalpha() else f"chart-{safe}"
    digest = hashlib.sha256("\x1f".join((kind, *words)).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{kind}-{digest[:10]}"
