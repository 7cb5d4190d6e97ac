"""Server-made SVG charts for the classroom pages: well-formed XML, an accessible image (title,
description), one mark per datum with its text and tooltip, readable cell text (WCAG contrast),
hostile strings rendered inert, and sensible output for no data, one datum and many."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from parallax.api.classroom.charts import (
    BarRow,
    BarSegment,
    HeatCell,
    TimelineLink,
    TimelinePoint,
    heat_colour,
    heat_map,
    safe_href,
    stacked_bars,
    text_colour_on,
    timeline,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_TEXTS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "]]><!-- & &amp; &#0;",
)
HOSTILE_HREFS = (
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
)
OKABE_ITO = ("#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#0072b2", "#d55e00", "#f0e442", "#000000")
T0 = datetime(2025, 2, 3, 19, 40, tzinfo=UTC)


# -- helpers: an independent WCAG computation and an XML reading of the charts ------------------


def luminance(colour: str) -> float:
    digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def parse(chart: Markup) -> ET.Element:
    assert isinstance(chart, Markup)
    return ET.fromstring(str(chart))


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def texts(element: ET.Element) -> list[str]:
    """The visible words of the <text> elements (not their <title> tooltips), in order."""
    return [(t.text or "") + "".join(child.tail or "" for child in t) for t in element.iter(f"{SVG}text")]


def title_of(element: ET.Element) -> str:
    found = element.find(f"{SVG}title")
    assert found is not None
    return found.text or ""


def view_box(root: ET.Element) -> tuple[float, float]:
    _, _, width, height = (float(n) for n in (root.get("viewBox") or "").split())
    return width, height


def assert_inert(root: ET.Element) -> None:
    """No script, no foreign content, no event handler, no link that leaves the site."""
    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}foreignObject", "script")
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name.endswith("href"):
                assert value.startswith(("#", "/")), value
                assert not value.startswith("//")


def assert_accessible(root: ET.Element, title: str, description: str) -> None:
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_element = root.find(f"{SVG}title")
    desc_element = root.find(f"{SVG}desc")
    assert title_element is not None
    assert desc_element is not None
    assert root.get("aria-labelledby") == title_element.get("id")
    assert root.get("aria-describedby") == desc_element.get("id")
    assert title_element.text == title
    assert desc_element.text == description
    assert root.get("font-family") == "system-ui, sans-serif"
    assert root.get("style") is None  # the pages' Content-Security-Policy refuses inline styles
    width, height = view_box(root)
    assert width > 0
    assert height > 0
    assert (float(root.get("width") or 0), float(root.get("height") or 0)) == (width, height)


def matrix(names: list[str], *, href: bool = True) -> list[list[HeatCell]]:
    return [
        [
            HeatCell(
                value=abs(i - j) / max(1, len(names) - 1),
                text=f"{abs(i - j) / max(1, len(names) - 1):.2f}",
                title=f"{a} vs {b}: distance {abs(i - j) / max(1, len(names) - 1):.2f}",
                href=f"#pair-{i}-{j}" if href else None,
            )
            for j, b in enumerate(names)
        ]
        for i, a in enumerate(names)
    ]


def heat(names: list[str], **options: Any) -> Markup:
    return heat_map(
        names,
        names,
        matrix(names),
        title="Framing distances",
        description="How far apart each two outlets tell the event.",
        scale_low="0 alike",
        scale_high="1 far apart",
        **options,
    )


LEGEND = [("RU", "Russian officials"), ("UA", "Ukrainian officials"), ("FR", "French officials")]


def bars(rows: list[BarRow], **options: Any) -> Markup:
    return stacked_bars(
        rows,
        legend=LEGEND,
        title="Who speaks in each outlet",
        description="Attributions by side.",
        unit="attributions",
        **options,
    )


def point(
    key: str, minutes: float | None, label: str | None = None, href: str | None = None
) -> TimelinePoint:
    moment = None if minutes is None else T0 + timedelta(minutes=minutes)
    return TimelinePoint(key, label or f"Outlet {key}", moment, f"Headline {key}", href)


def draw_timeline(
    points: list[TimelinePoint], links: list[TimelineLink] | None = None, **options: Any
) -> Markup:
    return timeline(
        points,
        links=links or [],
        title="Who published when",
        description="Each dot is an article.",
        undated="date unknown",
        **options,
    )


# -- the heat map ------------------------------------------------------------------------------


def test_heat_map_is_an_accessible_image_with_one_cell_per_pair() -> None:
    names = ["RHC", "Demo Wire", "Le Monde"]
    root = parse(heat(names))
    assert_accessible(root, "Framing distances", "How far apart each two outlets tell the event.")
    cells = with_class(root, "chart-cell")
    assert len(cells) == 9
    assert [cell.tag for cell in cells] == [f"{SVG}a"] * 9
    assert cells[1].get("href") == "#pair-0-1"
    assert title_of(cells[1]) == "RHC vs Demo Wire: distance 0.50"
    assert texts(cells[1]) == ["0.50"]
    assert [texts(cell)[0] for cell in cells[:3]] == ["0.00", "0.50", "1.00"]
    words = texts(root)
    for name in names:
        assert words.count(name) == 2  # once as a row label, once as a column label
    assert "0 alike" in words
    assert "1 far apart" in words


def test_heat_map_colours_darken_with_the_value() -> None:
    lightness = [luminance(heat_colour(step / 20)) for step in range(21)]
    assert lightness == sorted(lightness, reverse=True)
    assert lightness[0] > 0.9
    assert lightness[-1] < 0.05
    assert heat_colour(-0.5) == heat_colour(0)
    assert heat_colour(7) == heat_colour(1)


@pytest.mark.parametrize("value", [0, 0.25, 0.5, 0.75, 1])
def test_heat_map_cell_text_contrasts_with_its_fill(value: float) -> None:
    root = parse(
        heat_map(
            ["a"],
            ["b"],
            [[HeatCell(value, f"{value:.2f}", "a vs b")]],
            title="t",
            description="d",
            scale_low="0",
            scale_high="1",
        )
    )
    (cell,) = with_class(root, "chart-cell")
    rect, text = cell.find(f"{SVG}rect"), cell.find(f"{SVG}text")
    assert rect is not None
    assert text is not None
    # The text's colour is its own or, when it has none, that of the cells' group.
    group = next(g for g in root.iter(f"{SVG}g") if cell in list(g))
    ink = text.get("fill") or group.get("fill")
    assert ink is not None
    assert rect.get("fill") == heat_colour(value)
    assert contrast(rect.get("fill") or "", ink) >= 4.5


def test_heat_map_text_colour_keeps_contrast_across_the_whole_scale() -> None:
    ratios = [
        contrast(heat_colour(step / 200), text_colour_on(heat_colour(step / 200))) for step in range(201)
    ]
    assert min(ratios) >= 4.5


def test_heat_map_unmeasurable_cell_is_hatched_and_says_dash() -> None:
    cells = [[HeatCell(None, "n/a", "a vs b: not measurable"), HeatCell(float("nan"), "nan", "a vs c")]]
    root = parse(
        heat_map(["a"], ["b", "c"], cells, title="t", description="d", scale_low="0", scale_high="1")
    )
    for cell in with_class(root, "chart-cell"):
        rect = cell.find(f"{SVG}rect")
        assert rect is not None
        fill = rect.get("fill") or ""
        assert fill.startswith("url(#")
        assert fill.endswith("-hatch)")
        assert root.find(f".//{SVG}pattern[@id='{fill[5:-1]}']") is not None
        assert texts(cell) == ["–"]
    assert title_of(with_class(root, "chart-cell")[0]) == "a vs b: not measurable"


def test_heat_map_long_labels_are_cut_and_kept_whole_in_a_tooltip() -> None:
    long = "The Very Long Name of a Regional Newspaper Group"
    root = parse(heat([long, "RHC"]))
    cut = [t for t in root.iter(f"{SVG}text") if (t.find(f"{SVG}title") is not None)]
    assert len(cut) == 2  # its row label and its column label
    for text in cut:
        assert title_of(text) == long
        (shown,) = texts(text)
        assert shown.endswith("…")
        assert len(shown) <= 28
        assert long.startswith(shown[:-1])
    # Column labels wider than a cell are turned.
    assert any("rotate(-45" in (t.get("transform") or "") for t in root.iter(f"{SVG}text"))


def test_heat_map_of_ten_outlets_is_compact() -> None:
    names = [f"Outlet number {i}" for i in range(10)]
    chart = str(heat(names))
    assert len(chart.encode()) < 25_000
    assert len(with_class(parse(Markup(chart)), "chart-cell")) == 100
    numbers = re.findall(r'(?:x|y|width|height|cx|cy|d)="([^"]*)"', chart)
    assert all(not re.search(r"\.\d{3}", number) for number in numbers)


def test_heat_map_grows_with_its_rows_and_takes_one() -> None:
    one = parse(heat(["RHC"]))
    assert len(with_class(one, "chart-cell")) == 1
    twelve = parse(heat([f"O{i}" for i in range(12)]))
    assert len(with_class(twelve, "chart-cell")) == 144
    assert view_box(twelve)[1] > view_box(one)[1] + 11 * 30


def test_heat_map_without_rows_says_its_title_and_description() -> None:
    for rows, columns in (([], []), (["a"], [])):
        root = parse(
            heat_map(
                rows,
                columns,
                [[] for _ in rows],
                title="Framing distances",
                description="Nothing compared yet.",
                scale_low="0",
                scale_high="1",
            )
        )
        assert_accessible(root, "Framing distances", "Nothing compared yet.")
        assert texts(root) == ["Framing distances", "Nothing compared yet."]
        assert not with_class(root, "chart-cell")


def test_heat_map_refuses_cells_that_do_not_match_the_labels() -> None:
    with pytest.raises(ValueError, match="one row of cells per row label"):
        heat_map(
            ["a", "b"], ["a", "b"], matrix(["a"]), title="t", description="d", scale_low="0", scale_high="1"
        )


def test_chart_ids_are_stable_unique_and_safe() -> None:
    assert str(heat(["a", "b"])) == str(heat(["a", "b"]))
    first, second = parse(heat(["a", "b"])), parse(heat(["a", "c"]))
    assert first.get("id") != second.get("id")
    root = parse(heat(["a"], chart_id='x" onload="alert(1)'))
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", root.get("id") or "")
    assert_inert(root)
    assert parse(heat(["a"], chart_id="distances")).get("aria-labelledby") == "distances-title"


# -- hostile strings ---------------------------------------------------------------------------


@pytest.mark.parametrize("href", ["#pair-1-2", "/events/4/pairs/1-2", "/", "#"])
def test_links_that_stay_on_the_site_are_kept(href: str) -> None:
    assert safe_href(href) == href


@pytest.mark.parametrize("href", [*HOSTILE_HREFS, "", None, "events/4"])
def test_links_that_leave_the_site_are_dropped(href: str | None) -> None:
    assert safe_href(href) is None


def hostile_charts(text: str, href: str) -> list[Markup]:
    cell = HeatCell(0.4, text, text, href)
    return [
        heat_map(
            [text, "b"],
            [text, "b"],
            [[cell, cell], [cell, cell]],
            title=text,
            description=text,
            scale_low=text,
            scale_high=text,
            missing=text,
            chart_id=text,
        ),
        stacked_bars(
            [BarRow(text, [BarSegment(text, 3, text), BarSegment("RU", 1, text)], href)],
            legend=[(text, text), ("RU", text)],
            title=text,
            description=text,
            unit=text,
            chart_id=text,
        ),
        timeline(
            [
                TimelinePoint(text, text, T0, text, href),
                TimelinePoint("b", text, T0 + timedelta(hours=1), text, href),
                TimelinePoint("c", text, None, text, href),
            ],
            links=[TimelineLink(text, "b", text)],
            title=text,
            description=text,
            undated=text,
            time_zone_label=text,
            month_names=[text] * 12,
            chart_id=text,
        ),
    ]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
@pytest.mark.parametrize("href", HOSTILE_HREFS)
def test_hostile_strings_come_out_as_inert_text(text: str, href: str) -> None:
    for chart in hostile_charts(text, href):
        assert "<script" not in chart
        assert "<img" not in chart
        root = parse(chart)
        assert_inert(root)
        assert not list(root.iter(f"{SVG}a"))  # every link was hostile, so none is left
        assert root.find(f"{SVG}title") is not None
        assert (root.find(f"{SVG}title").text or "") == text  # type: ignore[union-attr]
        # The hostile string is there, as words a reader sees, not as markup.
        assert any(text in "".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_quotes_in_a_kept_link_stay_inside_its_attribute() -> None:
    href = '#x" onmouseover="alert(1)'
    for chart in hostile_charts("label", href):
        root = parse(chart)
        assert_inert(root)
        links = list(root.iter(f"{SVG}a"))
        assert links
        assert {a.get("href") for a in links} == {href}


def test_links_are_kept_when_they_stay_on_the_site() -> None:
    charts = hostile_charts("<b>label</b>", "/events/4?a=1&b=2")
    for chart in charts:
        assert "&amp;b=2" in chart
        root = parse(chart)
        assert_inert(root)
        hrefs = {a.get("href") for a in root.iter(f"{SVG}a")}
        assert hrefs == {"/events/4?a=1&b=2"}


# -- the stacked bars --------------------------------------------------------------------------


def test_stacked_bars_draw_a_full_bar_per_row_in_legend_order() -> None:
    rows = [
        BarRow(
            "RHC",
            [
                BarSegment("UA", 1, "Kyiv: 1"),
                BarSegment("RU", 6, "Kremlin: 6"),
                BarSegment("FR", 1, "Paris: 1"),
            ],
            href="#outlet-rhc",
        ),
        BarRow("Demo Wire", [BarSegment("FR", 2, "Paris: 2"), BarSegment("UA", 2, "Kyiv: 2")]),
    ]
    root = parse(bars(rows))
    assert_accessible(root, "Who speaks in each outlet", "Attributions by side.")
    rows_drawn = with_class(root, "chart-bar")
    assert len(rows_drawn) == 2
    assert rows_drawn[0].tag == f"{SVG}a"
    assert rows_drawn[0].get("href") == "#outlet-rhc"
    assert rows_drawn[1].tag == f"{SVG}g"
    segments = with_class(rows_drawn[0], "chart-segment")
    assert [title_of(s) for s in segments] == ["Kremlin: 6", "Kyiv: 1", "Paris: 1"]
    rects = [s.find(f"{SVG}rect") for s in segments]
    assert [r.get("fill") for r in rects if r is not None] == list(OKABE_ITO[:3])
    widths = [float(r.get("width") or 0) for r in rects if r is not None]
    assert sum(widths) == pytest.approx(440, abs=0.05)
    assert widths[0] / widths[1] == pytest.approx(6, rel=0.01)
    xs = [float(r.get("x") or 0) for r in rects if r is not None]
    assert xs == sorted(xs)
    assert all(r.get("stroke") == "#ffffff" for r in rects if r is not None)  # white separators
    assert "8 attributions" in texts(rows_drawn[0])
    assert "4 attributions" in texts(rows_drawn[1])
    assert texts(segments[0]) == ["6"]
    legend = texts(with_class(root, "chart-legend")[0])
    assert legend == ["Russian officials", "Ukrainian officials", "French officials"]


def test_stacked_bars_write_counts_only_where_they_fit() -> None:
    rows = [BarRow("RHC", [BarSegment("RU", 200, "Kremlin"), BarSegment("UA", 1, "Kyiv")])]
    (row,) = with_class(parse(bars(rows)), "chart-bar")
    wide, narrow = with_class(row, "chart-segment")
    assert texts(wide) == ["200"]
    assert texts(narrow) == []
    assert title_of(narrow) == "Kyiv"


def test_stacked_bars_counts_contrast_with_every_colour() -> None:
    legend = [(f"k{i}", f"key {i}") for i in range(8)]
    rows = [BarRow("all", [BarSegment(f"k{i}", 5, "t") for i in range(8)] + [BarSegment("zz", 5, "t")])]
    root = parse(stacked_bars(rows, legend=legend, title="t", description="d", unit="u"))
    segments = with_class(root, "chart-segment")
    assert len(segments) == 9
    for segment in segments:
        rect, text = segment.find(f"{SVG}rect"), segment.find(f"{SVG}text")
        assert rect is not None
        assert text is not None
        assert contrast(rect.get("fill") or "", text.get("fill") or "") >= 4.5


def test_stacked_bars_leave_out_zero_counts() -> None:
    rows = [BarRow("RHC", [BarSegment("RU", 0, "Kremlin: 0"), BarSegment("UA", 3, "Kyiv: 3")])]
    (row,) = with_class(parse(bars(rows)), "chart-bar")
    segments = with_class(row, "chart-segment")
    assert [title_of(s) for s in segments] == ["Kyiv: 3"]
    rect = segments[0].find(f"{SVG}rect")
    assert rect is not None
    assert rect.get("width") == "440"


def test_stacked_bars_give_unknown_keys_grey_and_list_them() -> None:
    rows = [BarRow("RHC", [BarSegment("XX", 2, "unknown"), BarSegment("RU", 1, "Kremlin")])]
    root = parse(bars(rows))
    segments = with_class(root, "chart-segment")
    assert [title_of(s) for s in segments] == ["Kremlin", "unknown"]
    rect = segments[1].find(f"{SVG}rect")
    assert rect is not None
    assert rect.get("fill") == "#999999"
    assert texts(with_class(root, "chart-legend")[0])[-1] == "XX"


def test_stacked_bars_show_an_empty_outline_for_a_row_without_counts() -> None:
    rows = [BarRow("Le Monde", []), BarRow("RHC", [BarSegment("RU", 0, "none")])]
    root = parse(bars(rows))
    for row in with_class(root, "chart-bar"):
        assert not with_class(row, "chart-segment")
        assert "0 attributions" in texts(row)
        outline = [r for r in row.iter(f"{SVG}rect") if r.get("fill") == "none"]
        assert len(outline) == 1
        assert outline[0].get("width") == "440"


def test_stacked_bars_grow_with_their_rows_and_say_when_there_is_none() -> None:
    one = parse(bars([BarRow("RHC", [BarSegment("RU", 1, "t")])]))
    many = parse(bars([BarRow(f"Outlet {i}", [BarSegment("RU", i, "t")]) for i in range(14)]))
    assert len(with_class(many, "chart-bar")) == 14
    assert view_box(many)[1] >= view_box(one)[1] + 13 * 30
    empty = parse(bars([]))
    assert_accessible(empty, "Who speaks in each outlet", "Attributions by side.")
    assert texts(empty) == ["Who speaks in each outlet", "Attributions by side."]


@pytest.mark.parametrize("count", [-1, float("nan"), float("inf")])
def test_stacked_bars_refuse_impossible_counts(count: float) -> None:
    with pytest.raises(ValueError, match="counts must be finite and 0 or more"):
        bars([BarRow("RHC", [BarSegment("RU", count, "t")])])


# -- the timeline ------------------------------------------------------------------------------


def lane_labels(root: ET.Element) -> list[str]:
    return [texts(lane)[0] for lane in with_class(root, "chart-lane")]


def dot_xs(root: ET.Element) -> list[float]:
    return [float(dot.get("cx") or 0) for dot in with_class(root, "chart-dot")]


def test_timeline_puts_articles_in_time_order_with_a_dot_each() -> None:
    points = [point("c", 300), point("a", 0, href="#article-a"), point("b", 90)]
    root = parse(draw_timeline(points))
    assert_accessible(root, "Who published when", "Each dot is an article.")
    assert lane_labels(root) == ["Outlet a", "Outlet b", "Outlet c"]
    xs = dot_xs(root)
    assert len(xs) == 3
    assert xs[0] < xs[1] < xs[2]
    # Equal gaps in time are equal gaps on the axis.
    assert (xs[2] - xs[1]) / (xs[1] - xs[0]) == pytest.approx(210 / 90, rel=0.01)
    lanes = with_class(root, "chart-lane")
    assert lanes[0].tag == f"{SVG}a"
    assert lanes[0].get("href") == "#article-a"
    assert title_of(lanes[0]) == "Outlet a, 3 Feb 2025 19:40: Headline a"
    assert "3 Feb 19:40" in texts(lanes[0])


def test_timeline_reads_other_time_zones_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    points = [
        TimelinePoint("late", "Late", datetime(2025, 2, 3, 21, 0, tzinfo=paris), "x"),  # 20:00 UTC
        TimelinePoint("early", "Early", datetime(2025, 2, 3, 19, 30, tzinfo=UTC), "y"),
    ]
    root = parse(draw_timeline(points))
    assert lane_labels(root) == ["Early", "Late"]
    assert "3 Feb 20:00" in texts(with_class(root, "chart-lane")[1])


def test_timeline_ticks_say_hours_within_two_days_and_dates_beyond() -> None:
    hours = parse(draw_timeline([point("a", 0), point("b", 600)]))
    hour_ticks = texts(with_class(hours, "chart-axis")[0])
    assert hour_ticks[-1] == "UTC"
    assert len(hour_ticks) >= 3
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d\d:\d\d", tick) for tick in hour_ticks[:-1])
    days = parse(draw_timeline([point("a", 0), point("b", 60 * 24 * 20)], time_zone_label="TU"))
    day_ticks = texts(with_class(days, "chart-axis")[0])
    assert day_ticks[-1] == "TU"
    assert len(day_ticks) >= 3
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", tick) for tick in day_ticks[:-1])


def test_timeline_writes_months_in_the_names_it_is_given() -> None:
    french = [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ]
    root = parse(draw_timeline([point("a", 0)], month_names=french))
    assert "3 févr. 19:40" in texts(root)
    with pytest.raises(ValueError, match="give 12"):
        draw_timeline([point("a", 0)], month_names=french[:11])


@pytest.mark.parametrize("count", [1, 4])
def test_timeline_of_one_moment_does_not_divide_by_zero(count: int) -> None:
    root = parse(
        draw_timeline([point(str(i), 0) for i in range(count)], [TimelineLink("0", str(count - 1), "t")])
    )
    xs = dot_xs(root)
    assert len(xs) == count
    assert len(set(xs)) == 1
    width, _ = view_box(root)
    assert 0 < xs[0] < width
    assert texts(with_class(root, "chart-axis")[0])  # ticks around the moment
    assert len(with_class(root, "chart-link")) == (1 if count > 1 else 0)


def test_timeline_draws_arrows_between_dated_articles_it_knows() -> None:
    points = [point("a", 0), point("b", 30), point("c", 60), point("u", None)]
    links = [
        TimelineLink("a", "b", "b reuses 42 % of a"),
        TimelineLink("a", "c", "c reuses 10 % of a"),
        TimelineLink("a", "u", "to an undated article"),
        TimelineLink("a", "nobody", "to an unknown article"),
        TimelineLink("a", "a", "to itself"),
    ]
    root = parse(draw_timeline(points, links))
    arrows = with_class(root, "chart-link")
    assert [title_of(arrow) for arrow in arrows] == ["b reuses 42 % of a", "c reuses 10 % of a"]
    marker = root.find(f".//{SVG}marker")
    assert marker is not None
    for arrow in arrows:
        drawn = [p for p in arrow.iter(f"{SVG}path") if p.get("marker-end")]
        assert len(drawn) == 1
        assert drawn[0].get("marker-end") == f"url(#{marker.get('id')})"
        assert "Q" in (drawn[0].get("d") or "")  # curved


def test_timeline_lists_undated_articles_after_the_dated_ones() -> None:
    points = [
        point("u1", None, "Undated one"),
        point("a", 0),
        point("u2", None, "Undated two"),
        point("b", 5),
    ]
    root = parse(draw_timeline(points))
    assert lane_labels(root) == ["Outlet a", "Outlet b", "Undated one", "Undated two"]
    assert len(with_class(root, "chart-dot")) == 2
    assert len(with_class(root, "chart-undated")) == 2
    words = texts(root)
    assert "date unknown" in words
    assert words.index("date unknown") < words.index("Undated one")
    assert "Headline u1" in words  # the detail is written out for undated articles
    only_undated = parse(draw_timeline([point("u", None)]))
    assert not with_class(only_undated, "chart-axis")
    assert not with_class(only_undated, "chart-dot")
    assert lane_labels(only_undated) == ["Outlet u"]


def test_timeline_grows_with_its_articles_and_says_when_there_is_none() -> None:
    one = parse(draw_timeline([point("a", 0)]))
    many = parse(draw_timeline([point(str(i), i * 17) for i in range(15)]))
    assert len(with_class(many, "chart-dot")) == 15
    assert view_box(many)[1] >= view_box(one)[1] + 14 * 25
    empty = parse(draw_timeline([]))
    assert_accessible(empty, "Who published when", "Each dot is an article.")
    assert texts(empty) == ["Who published when", "Each dot is an article."]


def test_timeline_refuses_moments_without_a_time_zone() -> None:
    naive = TimelinePoint("a", "RHC", datetime(2025, 2, 3, 19, 40), "x")  # no tzinfo
    with pytest.raises(ValueError, match="without a time zone"):
        draw_timeline([naive])


# -- any input: well-formed XML ----------------------------------------------------------------

words = st.text(max_size=40)
hrefs = st.one_of(st.none(), words, words.map(lambda w: "#" + w), words.map(lambda w: "/" + w))


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(words, min_size=0, max_size=5),
    values=st.lists(
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), min_size=25, max_size=25
    ),
    text=words,
    href=hrefs,
    counts=st.lists(st.floats(min_value=0, max_value=1e9), max_size=5),
    minutes=st.lists(st.one_of(st.none(), st.integers(-(10**6), 10**6)), max_size=5),
)
def test_any_labels_and_values_make_well_formed_inert_svg(
    labels: list[str],
    values: list[float | None],
    text: str,
    href: str | None,
    counts: list[float],
    minutes: list[int | None],
) -> None:
    cells = [
        [HeatCell(values[i * 5 + j], text, text, href) for j in range(len(labels))]
        for i in range(len(labels))
    ]
    charts = [
        heat_map(
            labels, labels, cells, title=text, description=text, scale_low=text, scale_high=text, missing=text
        ),
        stacked_bars(
            [BarRow(label, [BarSegment(label, count, text) for count in counts], href) for label in labels],
            legend=[(label, text) for label in labels[:2]],
            title=text,
            description=text,
            unit=text,
        ),
        timeline(
            [
                point(str(i), m, label or text, href)
                for i, (m, label) in enumerate(zip(minutes, labels, strict=False))
            ],
            links=[TimelineLink("0", str(i), text) for i in range(len(minutes))],
            title=text,
            description=text,
            undated=text,
        ),
    ]
    for chart in charts:
        root = parse(chart)
        assert root.get("role") == "img"
        assert_inert(root)
