"""The classroom pages in a real browser (Chromium driven by Playwright), on the real pipeline
and a real database: the demo corpus loaded by `parallax demo`, two hostile articles ingested,
annotated, put in an event and compared by the CLI, the API application of `parallax serve`
serving them once for the whole module.

What a reader does: list the events, open one, switch the highlights, follow an omission or an
aligned passage to its place, compare texts of their own, switch the language, use the keyboard,
print. And the rule for untrusted text: whatever an article (or a reader) writes is shown as
text, never run as markup or script.

Screenshots for the documentation go to test-artifacts/screenshots/ (see `artifacts_dir`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from parallax.cli.api_app import create_api_app
from parallax.cli.main import cli
from parallax.shared.config import Settings
from parallax.shared.testing import ConsoleErrors, serve_wsgi

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

Picture = Callable[..., Path]
Screenshot = Callable[["Page", str], Path]

CORPUS = (
    Path(__file__).parents[1] / "services" / "cli" / "src" / "parallax" / "cli" / "demo_corpus" / "articles"
)
# The demo's real article, and the event its notes are written about.
DEMO_SEED = "rhc-2022-02-03-poutine-macron"
CALL_TITLE = "Tensions en Europe : Poutine et Macron ont discuté des «garanties» de sécurité de la Russie"
CALL_HEADLINES = {
    CALL_TITLE,
    "Macron and Putin speak by phone as tensions over Ukraine persist",
    "Ukraine : nouvel entretien téléphonique entre Emmanuel Macron et Vladimir Poutine",
    "Ukraine : Emmanuel Macron s'entretient de nouveau avec Vladimir Poutine",
    "Macron calls Putin again as France pursues European diplomacy over Ukraine",
    'Putin accuses Kyiv of "provocative" actions in call with Macron',
    "Appel Macron-Poutine : ce que signifie l'accusation du Kremlin contre Kiev",
}
CALL_OUTLETS = {
    "Radio Habana Cuba (RHC)",
    "Demo Wire (constructed)",
    "Demo Herald (constructed)",
    "Demo Kyiv Observer (constructed)",
    "Le Courrier de démonstration (article construit)",
    "Le Quotidien de démonstration (article construit)",
    "L'Hebdo de démonstration (article construit)",
}
BEIJING_TITLE = "Jeux d'hiver : à Pékin, Xi Jinping et Vladimir Poutine affichent une amitié « sans limites »"
BEIJING_OUTLETS = {"Demo Evening Post (constructed)", "La Gazette de démonstration (article construit)"}
LAYERS = ("loaded", "scare", "quote", "reuse")
LAYER_LABELS = {
    "loaded": "Loaded and distancing words",
    "scare": "Scare quotes",
    "quote": "Quotes, coloured by who speaks",
    "reuse": "Passages reused word for word",
}
CHART_NAMES = (
    "Who published when, and who reused whom",
    "Who speaks in each outlet",
    "Outlet by outlet",
)
# A comparison loads spaCy's models the first time (already loaded here by the CLI, but a
# slow machine may still take long).
COMPARE_TIMEOUT_MS = 60_000
PDF_SIGNATURE = b"%PDF-"
# Chromium logs a page answered 400 (the form's problem page) as a failed load.
BAD_REQUEST_LOAD = r"Failed to load resource: the server responded with a status of 400 .*/compare:0\)$"


# --- hostile text: what an article or a reader may write, that must stay text ------------------

PWN_SCRIPT = "<script>window.__pwned=1</script>"
PWN_IMG = '<img src=x onerror="window.__pwned=2">'
PWN_SVG = '"><svg onload="window.__pwned=3">'
PWN_JS_URL = "javascript:window.__pwned=4"
PWN_TEXTAREA = "</textarea><script>window.__pwned=5</script>"
PWN_LINK = '<a href="javascript:window.__pwned=6">click</a>'
PWN_STYLE = "<style>body{display:none}</style>"
TEMPLATE_EXPR = "{{ 7*7 }}"
TEMPLATE_RAW = "{% raw %}"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE, left unterminated on purpose
LONG_WORD = "Brenthaven" * 500  # 5,000 characters without a space
HOSTILE = (
    PWN_SCRIPT,
    PWN_IMG,
    PWN_SVG,
    PWN_JS_URL,
    PWN_TEXTAREA,
    PWN_LINK,
    PWN_STYLE,
    TEMPLATE_EXPR,
    TEMPLATE_RAW,
    RLO,
    LONG_WORD,
)
# Two reports of one made-up council vote, every hostile string in their outlets, titles, texts.
HOSTILE_RECORDS: tuple[dict[str, Any], ...] = (
    {
        "id": "hostile-gazette-2023-05-16-tram",
        "outlet": f"Brenthaven {PWN_SCRIPT} Gazette",
        "title": f"Council approves northern tram line {PWN_IMG} {TEMPLATE_EXPR}",
        # ingest refuses a "javascript:" address (shared/tests/test_schemas.py); a web address
        # can still carry markup in its query
        "url": 'https://example.org/gazette?q="><script>window.__pwned=7</script>',
        "published": "2023-05-16T18:00:00+00:00",
        "language": "en",
        "text": (
            "BRENTHAVEN, May 16 - The Brenthaven city council voted 7 to 4 on Tuesday evening to approve "
            "the northern tram extension, after a four-hour debate. Mayor Alicia Moreno said the vote was "
            f'"a historic step for the city" {PWN_SCRIPT}. Opponents, led by councillor Peter Hale, said '
            f"the project would cost taxpayers far more than the announced 120 million euros {PWN_SVG}.\n\n"
            f"The council also rejected an amendment {TEMPLATE_EXPR} that would have delayed construction "
            f"until 2026 {TEMPLATE_RAW}. Residents of the Northgate district {PWN_IMG} welcomed the "
            f"decision, according to a local residents' association. See {PWN_JS_URL} and {PWN_LINK} "
            f"and {PWN_TEXTAREA} for nothing.\n\n"
            f"The mayor's office said work would start in September {PWN_STYLE}. {RLO}The opposition "
            f"said it would appeal. {LONG_WORD} The line is expected to open in 2028."
        ),
    },
    {
        "id": "hostile-courier-2023-05-16-tram",
        "outlet": f"Valley {PWN_SVG} Courier {TEMPLATE_RAW}",
        "title": f"Brenthaven council backs tram extension {PWN_TEXTAREA} {RLO}despite protests",
        "url": "https://example.org/valley-courier/2023/05/16/brenthaven-tram",
        "published": "2023-05-16T20:00:00+00:00",
        "language": "en",
        "text": (
            "The Brenthaven city council approved the northern tram extension on Tuesday by 7 votes to 4, "
            "after a long debate. Mayor Alicia Moreno called the vote a historic step for the city. "
            "Councillor Peter Hale, who led the opposition, said the project would cost far more than the "
            f"announced 120 million euros {PWN_SCRIPT}.\n\n"
            f"An amendment to delay construction until 2026 was rejected {TEMPLATE_EXPR} {TEMPLATE_RAW}. "
            f"Work is due to start in September {PWN_IMG}, the mayor's office said {PWN_SVG}. "
            f"{PWN_JS_URL} {PWN_TEXTAREA} {PWN_LINK} {PWN_STYLE} {RLO}Residents welcomed the vote.\n\n"
            f"The line is expected to open in 2028. {LONG_WORD}"
        ),
    },
)


@dataclass(frozen=True)
class Site:
    """The classroom served on the module's database."""

    base_url: str
    call_event: str
    hostile_event: str


def _run(url: str, *args: str) -> str:
    """`parallax --database-url URL ARGS…` in this process; its output (fails on a non-zero exit)."""
    result = CliRunner().invoke(cli, ["--database-url", url, *args], catch_exceptions=False)
    assert result.exit_code == 0, f"parallax {' '.join(args)} exited {result.exit_code}:\n{result.output}"
    return result.output


def _event_of(url: str, external_id: str) -> str:
    """The event of the stored article with this external id."""
    from sqlmodel import Session, col, select

    from parallax.shared.db import create_db_engine
    from parallax.shared.models import Article, EventMembership

    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            event = session.exec(
                select(EventMembership.event_id)
                .join(Article, col(Article.id) == EventMembership.article_id)
                .where(Article.external_id == external_id)
            ).first()
    finally:
        engine.dispose()
    assert event is not None, f"{external_id} is in no event"
    return str(event)


@pytest.fixture(scope="module", autouse=True)
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo corpus and two hostile articles through the real pipeline into a fresh SQLite
    database, and the API application serving it, once for the module.

    Autouse, so that it runs before `browser` starts Playwright (whose loop, once running, would
    stand in the way of anything in the CLI that uses asyncio)."""
    folder = tmp_path_factory.mktemp("classroom")
    url = f"sqlite:///{folder / 'parallax.db'}"
    hostile = folder / "hostile.jsonl"
    hostile.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in HOSTILE_RECORDS),
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("PARALLAX_INGEST_WORKERS", "1")
        demo = _run(url, "demo")
        assert "Compared 2 event(s)" in demo, demo
        assert "2 stored" in _run(url, "ingest", str(hostile), "-q")
        _run(url, "annotate", "--stored", "-q")
        assert "2 put in events (1 new events)" in _run(url, "events", "assign", "-q")
        assert "1 compared" in _run(url, "events", "compare")
    call_event = _event_of(url, DEMO_SEED)
    hostile_event = _event_of(url, str(HOSTILE_RECORDS[0]["id"]))
    assert hostile_event == _event_of(url, str(HOSTILE_RECORDS[1]["id"]))
    assert hostile_event != call_event
    app = create_api_app(Settings(database_url=url, api_keys_required=False))
    with serve_wsgi(app) as base_url:
        yield Site(base_url, call_event, hostile_event)


@pytest.fixture
def dialogs(page: Page) -> Iterator[list[str]]:
    """The messages of the dialogs the page opened (each dismissed); none is expected."""
    opened: list[str] = []

    def dismiss(dialog: Any) -> None:
        opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    yield opened
    assert opened == [], f"the page opened dialogs: {opened}"


def _norm(text: str | None) -> str:
    """Text with its white space collapsed and typographic apostrophes made plain."""
    return " ".join((text or "").replace("\u2019", "'").split())


def _demo_record(name: str, record_id: str) -> dict[str, Any]:
    """A record of the demo corpus (its JSON Lines files)."""
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        record: dict[str, Any] = json.loads(line)
        if record["id"] == record_id:
            return record
    raise AssertionError(f"{record_id} is not in {name}")


def _open_event(page: Page, site: Site) -> None:
    """Open the demo event (the Macron–Putin call)."""
    response = page.goto(f"{site.base_url}/events/{site.call_event}")
    assert response is not None
    assert response.status == 200


def _submit(page: Page) -> int:
    """Press the compare button and wait for the answer; its HTTP status."""
    with page.expect_navigation(timeout=COMPARE_TIMEOUT_MS) as navigation:
        page.get_by_role("button", name="Compare", exact=True).click()
    response = navigation.value
    assert response is not None
    return response.status


def _followed(page: Page, link: Locator) -> dict[str, Any]:
    """Click a link to a passage; right after, where it led and what lights up there."""
    href = link.get_attribute("href")
    assert href is not None
    assert href.startswith("#")
    link.click()
    state: dict[str, Any] = page.evaluate(
        """(id) => {
            const anchor = document.getElementById(id);
            const column = anchor && anchor.closest("article.column");
            const scroller = column && column.closest("[data-columns]");
            const box = (element) => {
                const r = element.getBoundingClientRect();
                return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
            };
            return {
                hash: location.hash,
                anchor: Boolean(anchor),
                column: column ? column.id : null,
                focused: document.activeElement === anchor,
                flashed: column ? Array.from(column.querySelectorAll(".flash"), (e) => e.textContent) : [],
                flashedOutside: document.querySelectorAll(".flash").length
                    - (column ? column.querySelectorAll(".flash").length : 0),
                box: anchor ? box(anchor) : null,
                scroller: scroller ? box(scroller) : null,
                viewport: {width: window.innerWidth, height: window.innerHeight},
            };
        }""",
        href[1:],
    )
    state["href"] = href
    return state


def _assert_in_view(state: dict[str, Any]) -> None:
    """The anchor is within the window, and within the visible part of the columns' scroller."""
    box, scroller, viewport = state["box"], state["scroller"], state["viewport"]
    assert 0 <= box["top"] <= viewport["height"], state
    assert 0 <= box["left"] <= viewport["width"], state
    assert scroller["left"] <= box["left"] <= scroller["right"], state


def _assert_inert(page: Page) -> dict[str, Any]:
    """Nothing the page shows came in as markup or ran as script; its state, for more checks."""
    state: dict[str, Any] = page.evaluate(
        """() => ({
            pwned: typeof window.__pwned,
            scripts: Array.from(document.querySelectorAll("script"), (s) => s.getAttribute("src")),
            handlers: Array.from(
                document.querySelectorAll("*"),
                (e) => Array.from(e.attributes).filter((a) => a.name.startsWith("on")).map((a) => a.name),
            ).flat(),
            injected: Array.from(
                document.querySelectorAll("img, iframe, object, embed, style, body link, body meta, base"),
                (e) => e.outerHTML,
            ),
            scriptLinks: Array.from(document.querySelectorAll("a[href], [*|href]"))
                .map((e) => e.getAttribute("href") || e.getAttributeNS("http://www.w3.org/1999/xlink", "href") || "")
                .filter((href) => /^\\s*javascript:/i.test(href)),
            onlySvgInCharts: Array.from(document.querySelectorAll("svg"))
                .every((svg) => svg.closest("figure.chart") !== null),
            bodyShown: getComputedStyle(document.body).display !== "none",
            spilling: Array.from(
                document.querySelectorAll(
                    ".headline, article.column, .omission-list, ul.scores > li, .aligned .passage, table.events td, table.events th"
                ),
                (e) => (e.scrollWidth > e.clientWidth + 1 ? `${e.className || e.tagName}: ${e.scrollWidth} > ${e.clientWidth}` : null),
            ).filter(Boolean),
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
        })"""
    )
    assert state["pwned"] == "undefined", "a hostile text ran as script"
    assert state["scripts"] == ["/classroom/static/classroom.js"], state["scripts"]
    assert state["handlers"] == [], state["handlers"]
    assert state["injected"] == [], state["injected"]
    assert state["scriptLinks"] == [], state["scriptLinks"]
    assert state["onlySvgInCharts"], "an <svg> outside the charts: markup from a text"
    assert state["bodyShown"]
    # the 5,000-character word wraps (or scrolls inside the columns), it does not widen the page
    assert state["scrollWidth"] <= state["innerWidth"] + 1, state
    # and no long word spills out of the box it is in (a headline's card, a column …)
    assert state["spilling"] == [], state["spilling"]
    return state


def _column_texts(page: Page) -> list[str]:
    return page.locator("article.column").evaluate_all("(columns) => columns.map((c) => c.textContent)")


def _assert_shown_literally(page: Page, records: tuple[dict[str, Any], ...]) -> None:
    """Each record's outlet, title and hostile strings are in its column as the very text given."""
    columns = page.locator("article.column")
    assert columns.count() == len(records)
    texts = _column_texts(page)
    for position, record in enumerate(records):
        column = columns.nth(position)
        assert column.locator("header .outlet").text_content() == record["outlet"]
        assert column.locator("header h3").text_content() == record["title"]
        for hostile in HOSTILE:
            assert hostile in record["text"]
            assert hostile in texts[position], f"{hostile[:60]!r} is not shown as text in column {position}"
    everything = page.locator("main").text_content() or ""
    assert TEMPLATE_EXPR in everything
    assert "window.__pwned=1" in everything


# --- the events, and one event ----------------------------------------------------------------


def test_events_list_then_open_the_call(
    page: Page, site: Site, screenshot: Screenshot, picture: Picture
) -> None:
    from playwright.sync_api import expect

    response = page.goto(f"{site.base_url}/")

    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    rows = page.locator("table.events tbody tr")
    expect(rows).to_have_count(3)  # the call, the Beijing meeting, the hostile council vote
    call = rows.filter(has=page.get_by_role("link", name=CALL_TITLE, exact=True))
    beijing = rows.filter(has=page.get_by_role("link", name=BEIJING_TITLE, exact=True))
    expect(call).to_have_count(1)
    expect(beijing).to_have_count(1)
    call_cells = call.locator("td")
    expect(call_cells.nth(0)).to_have_text("7")
    assert set(call_cells.nth(1).inner_text().split(", ")) == CALL_OUTLETS
    expect(call_cells.nth(2)).to_have_text("en, fr")
    expect(call_cells.nth(3)).to_have_text("3 Feb 2022")
    beijing_cells = beijing.locator("td")
    expect(beijing_cells.nth(0)).to_have_text("2")
    assert set(beijing_cells.nth(1).inner_text().split(", ")) == BEIJING_OUTLETS
    expect(beijing_cells.nth(2)).to_have_text("en, fr")
    # the most recent event first: the council vote (2023), the meeting (4 Feb), the call (3 Feb)
    assert rows.nth(1).locator("th a").inner_text() == BEIJING_TITLE
    assert rows.nth(2).locator("th a").inner_text() == CALL_TITLE
    screenshot(page, "events")
    picture(page, "events")

    page.get_by_role("link", name=CALL_TITLE, exact=True).click()

    expect(page).to_have_url(f"{site.base_url}/events/{site.call_event}")
    expect(page.get_by_role("heading", level=1)).to_have_text(CALL_TITLE)
    expect(page.locator("main > p.meta")).to_contain_text("7 articles from 7 outlets")


def test_event_page_reports_no_errors(
    page: Page, site: Site, screenshot: Screenshot, picture: Picture
) -> None:
    """The demo event, everything on it; and not one error in the browser's console (strict)."""
    from playwright.sync_api import expect

    _open_event(page, site)

    columns = page.locator("article.column")
    expect(columns).to_have_count(7)
    assert columns.evaluate_all("(cs) => cs.map((c) => c.id)") == [f"c{n}" for n in range(7)]
    outlets = {
        (text or "").strip() for text in page.locator("article.column header .outlet").all_text_contents()
    }
    assert outlets == CALL_OUTLETS
    headlines = page.locator("ol.headlines > li.headline")
    expect(headlines).to_have_count(7)
    assert {(t or "").strip() for t in headlines.locator("a").all_text_contents()} == CALL_HEADLINES
    # each headline leads to its own column
    for position in range(7):
        href = headlines.nth(position).locator("a").get_attribute("href")
        assert href is not None
        expect(page.locator(href)).to_have_count(1)
        assert (
            headlines.nth(position).locator(".outlet").text_content()
            == page.locator(f"{href} header .outlet").text_content()
        )
    expect(page.get_by_role("heading", name="The articles side by side", level=2)).to_be_visible()
    # the three charts: images named by their titles
    for name in CHART_NAMES:
        chart = page.get_by_role("img", name=name, exact=True)
        expect(chart).to_have_count(1)
        expect(chart).to_be_visible()
        assert chart.evaluate("(svg) => svg.tagName.toLowerCase()") == "svg"
        assert (chart.locator("title").first.text_content() or "").strip() == name
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 200
        assert box["height"] > 50
    expect(page.locator("svg#timeline circle, svg#timeline a")).not_to_have_count(0)
    # the naming table and the scores, with sentences explaining them
    expect(page.locator("table.naming tbody tr")).not_to_have_count(0)
    scores = page.locator("ul.scores > li")
    expect(scores).to_have_count(7)
    for position in range(7):
        expect(scores.nth(position).locator(".score")).to_contain_text(re.compile(r"divergence \d\.\d\d"))
        expect(scores.nth(position).locator("ul > li")).not_to_have_count(0)
    screenshot(page, "event")
    picture(page, "event")
    # (the `page` fixture fails this test on any console or page error)


def test_highlight_switches(page: Page, site: Site, screenshot: Screenshot, picture: Picture) -> None:
    from playwright.sync_api import expect

    _open_event(page, site)
    view = page.locator("[data-event-view]")
    # one mark per layer whose look depends on that layer alone, and the properties that show it
    probes = {
        "loaded": ("mark.hl-loaded:not(.hl-reuse)", ("background-color", "box-shadow")),
        "scare": ("mark.hl-scare", ("outline-style",)),
        "quote": ("mark.hl-quote:not(.hl-source)", ("text-decoration-line",)),
        "source": ("mark.hl-source", ("text-decoration-line", "font-weight")),
        "reuse": ("mark.hl-reuse", ("background-image",)),
    }
    off = {
        "background-color": {"rgba(0, 0, 0, 0)", "transparent"},
        "box-shadow": {"none"},
        "outline-style": {"none"},
        "text-decoration-line": {"none"},
        "font-weight": {"400"},
        "background-image": {"none"},
    }
    layer_of = {"loaded": "loaded", "scare": "scare", "quote": "quote", "source": "quote", "reuse": "reuse"}
    for layer in LAYERS:  # not vacuous: every layer marks something in the demo event
        assert page.locator(f"article.column mark.hl-{layer}").count() > 0, f"no {layer} mark"
    assert page.locator("article.column mark.hl-quote[class*='side-']").count() > 0
    assert page.locator("article.column mark.hl-source").count() > 0

    def look(probe: str) -> dict[str, str]:
        selector, properties = probes[probe]
        mark = page.locator(f"article.column {selector}").first
        return mark.evaluate(
            "(m, names) => Object.fromEntries(names.map((n) => [n, getComputedStyle(m).getPropertyValue(n)]))",
            list(properties),
        )

    shown = {probe: look(probe) for probe in probes}
    for probe, values in shown.items():
        for name, value in values.items():
            assert value not in off[name], f"{probe} mark shows nothing while its layer is on: {name}={value}"

    for layer in LAYERS:
        box = page.get_by_role("checkbox", name=LAYER_LABELS[layer], exact=True)
        assert box.get_attribute("data-layer") == layer
        expect(box).to_be_checked()

        box.uncheck()

        expect(view).to_have_class(re.compile(rf"(^|\s)hide-{layer}(\s|$)"))
        for probe in probes:
            now = look(probe)
            if layer_of[probe] == layer:
                for name, value in now.items():
                    assert value in off[name], f"{layer} off, yet its {probe} mark has {name}={value}"
            else:  # the other layers keep their look
                assert now == shown[probe], f"{layer} off changed the {probe} mark"

        box.check()

        expect(view).not_to_have_class(re.compile(rf"(^|\s)hide-{layer}(\s|$)"))
        assert {probe: look(probe) for probe in probes} == shown

    for layer in LAYERS:
        page.locator(f'input[data-layer="{layer}"]').uncheck()
    for layer in LAYERS:
        expect(view).to_have_class(re.compile(rf"(^|\s)hide-{layer}(\s|$)"))
    screenshot(page, "event-highlights-off")
    page.locator('input[data-layer="quote"]').check()
    picture(page, "event-quotes-only", at="#articles-title")
    for layer in LAYERS:
        page.locator(f'input[data-layer="{layer}"]').check()
    assert {probe: look(probe) for probe in probes} == shown


def test_follow_an_omission_to_its_source(
    page: Page, site: Site, screenshot: Screenshot, picture: Picture
) -> None:
    _open_event(page, site)
    link = page.locator("a.to-source").first
    assert link.count() == 1, "the demo event shows no omission"
    # the article that leaves it out: the omission lists follow the columns' order
    lists = page.locator(".omissions > .omission-list")
    position = link.evaluate(
        "(a) => Array.from(document.querySelectorAll('.omissions > .omission-list')).indexOf(a.closest('.omission-list'))"
    )
    omitting = f"c{position}"
    assert (
        lists.nth(position).locator("h3").text_content()
        == page.locator(f"#{omitting} header .outlet").text_content()
    )
    quoted = _norm(link.locator("xpath=ancestor::li[1]").locator("blockquote").text_content()).rstrip("…")
    assert quoted

    state = _followed(page, link)

    assert state["hash"] == state["href"]
    assert state["anchor"], f"no element with the id of {state['href']}"
    assert state["column"] is not None
    assert state["column"] != omitting, "the link leads into the very article that leaves it out"
    assert state["href"].startswith(f"#{state['column']}-")
    assert state["focused"]
    assert state["flashed"], "nothing lights up where the link leads"
    assert state["flashedOutside"] == 0
    flashed = _norm("".join(state["flashed"]))
    assert flashed
    assert flashed.startswith(quoted), (quoted, flashed)  # the first link is where the quote is from
    _assert_in_view(state)
    screenshot(page, "omission-followed")
    picture(page, "omission-followed")


def test_follow_an_aligned_passage(page: Page, site: Site) -> None:
    _open_event(page, site)
    pair = page.locator("ol.aligned > li").first
    assert pair.count() == 1, "the demo event shows no aligned passage"

    for side in range(2):
        passage = pair.locator(".passage").nth(side)
        link = passage.locator("a.to-passage")
        quoted = _norm(passage.locator("blockquote").text_content())
        assert quoted
        assert (
            link.text_content()
            == page.locator(
                f"#{(link.get_attribute('href') or '#').split('-')[0][1:]} header .outlet"
            ).text_content()
        )

        state = _followed(page, link)

        assert state["hash"] == state["href"]
        assert state["anchor"], f"no element with the id of {state['href']}"
        assert state["href"].startswith(f"#{state['column']}-p")
        assert state["flashedOutside"] == 0
        assert _norm("".join(state["flashed"])) == quoted, (
            f"following {state['href']} lights up {state['flashed']!r}, not the passage {quoted!r}"
        )
        _assert_in_view(state)
        page.evaluate("document.querySelectorAll('.flash').forEach((e) => e.classList.remove('flash'))")


def test_notes_lead_to_the_demo_event(
    page: Page, site: Site, screenshot: Screenshot, picture: Picture
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{site.base_url}/notes")

    expect(page.get_by_role("heading", level=1)).to_have_text("Teacher notes")
    expect(page.locator("nav a[aria-current='page']")).to_have_text("Teacher notes")
    expect(page.locator("main h2")).not_to_have_count(0)
    screenshot(page, "notes")
    picture(page, "notes")
    page.get_by_role("link", name="Open the demo event").click()
    expect(page).to_have_url(f"{site.base_url}/events/{site.call_event}")


# --- compare your own -------------------------------------------------------------------------


def test_compare_two_pasted_texts(page: Page, site: Site, screenshot: Screenshot, picture: Picture) -> None:
    from playwright.sync_api import expect

    herald = _demo_record("demo-call-angles-2022-02-03.jsonl", "demo-herald-2022-02-03-macron-putin-call")
    kyiv = _demo_record(
        "demo-call-angles-2022-02-03.jsonl", "demo-kyiv-observer-2022-02-03-kremlin-accusation"
    )
    page.goto(f"{site.base_url}/compare")
    expect(page.locator("nav a[aria-current='page']")).to_have_text("Compare your own")
    for n, record in enumerate((herald, kyiv), start=1):
        page.locator(f"#text{n}").fill(record["text"])
        page.locator(f"#outlet{n}").fill(record["outlet"])
        page.locator(f"#title{n}").fill(record["title"])

    assert _submit(page) == 200

    result = page.locator("h2#result")
    expect(result).to_have_text("Your comparison")
    expect(result).to_be_focused()
    expect(page.locator("div.problem")).to_have_count(0)
    columns = page.locator("article.column")
    expect(columns).to_have_count(2)
    expect(columns.locator("header .outlet")).to_have_text([herald["outlet"], kyiv["outlet"]])
    expect(columns.locator("header h3")).to_have_text([herald["title"], kyiv["title"]])
    for position, record in enumerate((herald, kyiv)):
        assert _norm(columns.nth(position).locator(".body").text_content()) == _norm(record["text"])
    expect(page.get_by_role("heading", name="Framing scores, and what they mean", level=2)).to_be_visible()
    expect(page.locator("ul.scores > li")).to_have_count(2)
    expect(page.locator("ul.scores > li").first.locator("ul > li")).not_to_have_count(0)
    for name in CHART_NAMES:
        expect(page.get_by_role("img", name=name, exact=True)).to_be_visible()
    assert page.locator("article.column mark").count() > 0
    # nothing typed is lost: the form comes back filled in
    expect(page.locator("#text1")).to_have_value(herald["text"])
    expect(page.locator("#outlet2")).to_have_value(kyiv["outlet"])
    screenshot(page, "compare-result")
    picture(page, "compare-result", at="#result")


def test_compare_one_text_only_keeps_it(page: Page, site: Site, console_errors: ConsoleErrors) -> None:
    from playwright.sync_api import expect

    text = _demo_record("demo-wire-en.jsonl", "demo-wire-2022-02-03-call")["text"]
    page.goto(f"{site.base_url}/compare")
    page.locator("#text1").fill(text)
    page.locator("#outlet1").fill("My own outlet")

    status = _submit(page)

    assert status == 400
    # Chromium reports the 4xx answer itself as a failed load; nothing else may be reported
    console_errors.allow(BAD_REQUEST_LOAD)
    problem = page.get_by_role("alert")
    expect(problem).to_have_count(1)
    assert problem.evaluate("(e) => e.matches('div.problem')")
    expect(problem).to_contain_text("Fill in at least two texts")
    expect(problem).to_be_focused()
    expect(page.locator("#text1")).to_have_value(text)
    expect(page.locator("#outlet1")).to_have_value("My own outlet")
    expect(page.locator("#result")).to_have_count(0)


def test_hostile_pasted_texts_stay_text(page: Page, site: Site, dialogs: list[str]) -> None:
    from playwright.sync_api import expect

    page.goto(f"{site.base_url}/compare")
    for n, record in enumerate(HOSTILE_RECORDS, start=1):
        page.locator(f"#text{n}").fill(record["text"])
        page.locator(f"#outlet{n}").fill(record["outlet"])
        page.locator(f"#title{n}").fill(record["title"])

    assert _submit(page) == 200

    expect(page.locator("h2#result")).to_be_visible()
    _assert_inert(page)
    _assert_shown_literally(page, HOSTILE_RECORDS)
    for n, record in enumerate(HOSTILE_RECORDS, start=1):  # and the form keeps them as typed
        expect(page.locator(f"#text{n}")).to_have_value(record["text"])
        expect(page.locator(f"#outlet{n}")).to_have_value(record["outlet"])
        expect(page.locator(f"#title{n}")).to_have_value(record["title"])
    assert page.title() == "Compare your own · Parallax"


def test_hostile_form_shown_again_after_an_error(
    page: Page, site: Site, dialogs: list[str], console_errors: ConsoleErrors
) -> None:
    from playwright.sync_api import expect

    record = HOSTILE_RECORDS[0]
    page.goto(f"{site.base_url}/compare")
    page.locator("#text1").fill(record["text"])
    page.locator("#outlet1").fill(record["outlet"])
    page.locator("#title1").fill(record["title"])
    page.locator("#outlet2").fill(HOSTILE_RECORDS[1]["outlet"])

    assert _submit(page) == 400

    console_errors.allow(BAD_REQUEST_LOAD)
    expect(page.get_by_role("alert")).to_contain_text("Fill in at least two texts")
    _assert_inert(page)
    expect(page.locator("textarea")).to_have_count(5)
    expect(page.locator("#text1")).to_have_value(record["text"])
    expect(page.locator("#outlet1")).to_have_value(record["outlet"])
    expect(page.locator("#title1")).to_have_value(record["title"])
    expect(page.locator("#outlet2")).to_have_value(HOSTILE_RECORDS[1]["outlet"])
    # the textarea's content did not end early at the "</textarea>" in the text
    assert page.locator("#text1").evaluate("(t) => t.textContent") == record["text"]


def test_hostile_stored_articles_stay_text(page: Page, site: Site, dialogs: list[str]) -> None:
    from playwright.sync_api import expect

    page.goto(f"{site.base_url}/")
    _assert_inert(page)
    row = page.locator("table.events tbody tr").filter(
        has=page.locator(f"a[href='/events/{site.hostile_event}']")
    )
    expect(row.locator("th a")).to_have_text(str(HOSTILE_RECORDS[0]["title"]))
    for record in HOSTILE_RECORDS:
        expect(row.locator("td").nth(1)).to_contain_text(str(record["outlet"]))

    row.locator("th a").click()
    page.wait_for_load_state()  # the click returns once the navigation starts: wait for the styles

    expect(page).to_have_url(f"{site.base_url}/events/{site.hostile_event}")
    expect(page.get_by_role("heading", level=1)).to_have_text(str(HOSTILE_RECORDS[0]["title"]))
    _assert_inert(page)
    _assert_shown_literally(page, HOSTILE_RECORDS)
    assert page.title() == f"{HOSTILE_RECORDS[0]['title']} · Parallax"
    # each article's address is a link to the original, markup in it kept as text
    expect(page.locator("#c0 header a")).to_have_attribute("href", str(HOSTILE_RECORDS[0]["url"]))
    expect(page.locator("#c1 header a")).to_have_attribute("href", str(HOSTILE_RECORDS[1]["url"]))
    # following its links keeps it so
    for link in page.locator("a.to-passage, a.to-source").all()[:4]:
        link.click()
        _assert_inert(page)


# --- language, keyboard, print ----------------------------------------------------------------


def test_switch_the_language(page: Page, site: Site, screenshot: Screenshot, picture: Picture) -> None:
    from playwright.sync_api import expect

    _open_event(page, site)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    language = page.locator("a.language")
    expect(language).to_have_text("Français")

    language.click()

    expect(page).to_have_url(re.compile(rf"/events/{site.call_event}\?lang=fr$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Les articles côte à côte", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Les titres côte à côte", level=2)).to_be_visible()
    expect(page.get_by_role("checkbox", name="Mots chargés et de mise à distance")).to_be_checked()
    expect(page.get_by_role("img", name="Média par média", exact=True)).to_be_visible()
    expect(page.locator("a.language")).to_have_text("English")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("parallax_lang") == "fr"
    screenshot(page, "event-fr")
    picture(page, "event-fr", at="#articles-title")

    page.goto(f"{site.base_url}/")  # no ?lang: the cookie remembers

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Événements")

    page.locator("a.language").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get("parallax_lang") == "en"


@pytest.mark.browser_locale("fr-FR")
def test_a_french_browser_gets_french(page: Page, site: Site, browser: Browser) -> None:
    from playwright.sync_api import expect

    page.goto(f"{site.base_url}/")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Événements")
    _open_event(page, site)
    expect(page.get_by_role("heading", name="Les articles côte à côte", level=2)).to_be_visible()
    assert page.context.cookies() == []  # chosen from Accept-Language, nothing remembered
    # and an English browser gets English
    context = browser.new_context(locale="en-GB")
    try:
        english = context.new_page()
        english.goto(f"{site.base_url}/")
        expect(english.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    ["/", "/events/{call}", "/events/{call}?lang=fr", "/events/{hostile}", "/compare", "/notes", "/nowhere"],
)
def test_pages_have_no_accessibility_violations(
    page: Page, site: Site, console_errors: ConsoleErrors, path: str
) -> None:
    """axe-core (the engine browsers' accessibility audits use), on the WCAG 2.1 A and AA
    rules and its best practices: labels, names, contrast, landmarks, headings, languages."""
    from axe_playwright_python.sync_playwright import Axe

    console_errors.allow(r"status of 404")  # the not-found page is answered with its status
    address = path.format(call=site.call_event, hostile=site.hostile_event)
    page.goto(f"{site.base_url}{address}")
    rules = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": rules}})
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
    ]
    assert violations == []


def test_keyboard(page: Page, site: Site) -> None:
    from playwright.sync_api import expect

    _open_event(page, site)
    view = page.locator("[data-event-view]")

    page.keyboard.press("Tab")

    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to the content")
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()

    def active() -> str:
        return page.evaluate("document.activeElement.dataset.layer || document.activeElement.tagName")

    reached = []
    for _ in range(150):
        page.keyboard.press("Tab")
        reached.append(active())
        if reached[-1] == "loaded":
            break
    assert reached[-1] == "loaded", f"Tab never reaches the highlight switches: {reached}"
    loaded = page.locator('input[data-layer="loaded"]')
    expect(loaded).to_be_focused()

    page.keyboard.press("Space")

    expect(loaded).not_to_be_checked()
    expect(view).to_have_class(re.compile(r"(^|\s)hide-loaded(\s|$)"))

    page.keyboard.press("Space")

    expect(loaded).to_be_checked()
    expect(view).not_to_have_class(re.compile(r"hide-loaded"))
    for layer in LAYERS[1:]:  # the next switches, one Tab each
        page.keyboard.press("Tab")
        assert active() == layer
        page.keyboard.press("Space")
        expect(view).to_have_class(re.compile(rf"(^|\s)hide-{layer}(\s|$)"))
        page.keyboard.press("Space")
        expect(view).not_to_have_class(re.compile(rf"hide-{layer}"))


def test_print(page: Page, site: Site) -> None:
    _open_event(page, site)
    assert page.locator("button[data-print]").is_visible()  # the script offers printing

    page.emulate_media(media="print")

    displays = page.evaluate(
        """() => {
            const display = (selector) => Array.from(document.querySelectorAll(selector),
                (e) => getComputedStyle(e).display);
            return {
                nav: display("header.site nav"),
                language: display("header.site .language"),
                skip: display("a.skip"),
                switches: display("input[data-layer]"),
                actions: display(".actions"),
                footer: display("footer.site"),
                columns: display(".columns"),
                column: display("article.column"),
            };
        }"""
    )
    for hidden in ("nav", "language", "skip", "switches", "actions", "footer"):
        assert displays[hidden], f"no {hidden} on the page"
        assert set(displays[hidden]) == {"none"}, (hidden, displays[hidden])
    assert displays["columns"] == ["block"]
    assert len(displays["column"]) == 7
    assert "none" not in displays["column"]
    # printed one under the other: every column as wide as the page, none beside another
    lefts = page.locator("article.column").evaluate_all(
        "(cs) => cs.map((c) => Math.round(c.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 1, lefts

    pdf = page.pdf(format="A4", print_background=True)  # headless Chromium prints to PDF

    assert pdf.startswith(PDF_SIGNATURE)
    assert len(pdf) > 50_000, len(pdf)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) > 1  # the seven columns take pages
