"""The classroom's event view: highlights from evidence spans, escaped text, links that land."""

from __future__ import annotations

import re
from typing import Any

import pytest

from parallax.api.classroom.i18n import choose_language, format_number, side_name, text
from parallax.api.classroom.view import Mark, event_view, highlighted
from parallax.api.scores import pair_distances

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'

TEXT_A = "Le Kremlin affirme que les «garanties» sont provocatrices.\n\nLa Russie a massé 100 000 soldats."
TEXT_B = "The Kremlin said the guarantees were discussed.\n\nRussia has massed 100,000 troops."
TEXT_C = f"A third outlet {HOSTILE} writes about something else entirely, with no numbers."


def _span(article: str, body: str, fragment: str) -> dict[str, Any]:
    start = body.index(fragment)
    return {
        "article": article,
        "field": "text",
        "start": start,
        "end": start + len(fragment),
        "text": fragment,
    }


def _report() -> dict[str, Any]:
    """A report as the compare service writes one, over three short texts."""
    troops_a = _span("a", TEXT_A, "La Russie a massé 100 000 soldats.")
    troops_b = _span("b", TEXT_B, "Russia has massed 100,000 troops.")
    return {
        "event": "e1",
        "articles": [
            {"id": "a", "outlet": "Radio A", "title": "Titre A", "language": "fr", "published": "2022-02-03"},
            {
                "id": "b",
                "outlet": "Wire B",
                "title": "Title B",
                "language": "en",
                "published": "2022-02-03T18:40:00+00:00",
            },
            {"id": "c", "outlet": HOSTILE, "title": HOSTILE, "language": "en", "published": None},
        ],
        "alignment": {
            "links": [{"first": troops_a, "second": troops_b, "similarity": 0.5, "basis": "anchors"}]
        },
        "wording": {
            "actor_labels": [
                {
                    "actor": "person/vladimir-putin",
                    "name": HOSTILE,
                    "by_article": [
                        {
                            "owner": "a",
                            "labels": [
                                {
                                    "expression": "kremlin",
                                    "count": 1,
                                    "distinctive": True,
                                    "spans": [_span("a", TEXT_A, "Kremlin")],
                                }
                            ],
                        },
                        {
                            "owner": "b",
                            "labels": [
                                {
                                    "expression": "kremlin",
                                    "count": 1,
                                    "distinctive": False,
                                    "spans": [_span("b", TEXT_B, "Kremlin")],
                                }
                            ],
                        },
                    ],
                },
                {
                    "actor": "country/ru",
                    "name": "Russie",
                    "by_article": [
                        {
                            "owner": "a",
                            "labels": [
                                {"expression": "russie", "count": 1, "distinctive": False, "spans": []}
                            ],
                        }
                    ],
                },
            ],
            "densities": [
                {
                    "article": "a",
                    "category": "charged",
                    "count": 1,
                    "per_1000": 50.0,
                    "event_mean": 20.0,
                    "spans": [_span("a", TEXT_A, "provocatrices")],
                },
                {
                    "article": "a",
                    "category": "scare_quote",
                    "count": 1,
                    "spans": [_span("a", TEXT_A, "«garanties»")],
                },
            ],
        },
        "sources": {
            "sides": [{"side": "RU", "attributions": 2, "share": 1.0, "articles": ["a", "b"]}],
            "by_article": {
                name: {
                    "article": name,
                    "attributions": 1,
                    "sides": [{"side": "RU", "attributions": 1, "share": 1.0}],
                    "speakers": [
                        {
                            "speaker": "government/ru",
                            "side": "RU",
                            "attributions": 1,
                            "direct": 0,
                            "indirect": 1,
                            "resolved": True,
                            "evidence": [
                                {
                                    "source": _span(name, body, "Kremlin"),
                                    "content": _span(name, body, cue),
                                    "direct": False,
                                }
                            ],
                        }
                    ],
                }
                for name, body, cue in (
                    ("a", TEXT_A, "que les «garanties» sont provocatrices"),
                    ("b", TEXT_B, "the guarantees were discussed"),
                )
            },
        },
        "omissions": {
            "units": [
                {
                    "id": "u1",
                    "kind": "number",
                    "reach": 2,
                    "articles": ["a", "b"],
                    "evidence": {"a": [troops_a], "b": [troops_b]},
                }
            ],
            "by_article": {
                "a": [],
                "b": [],
                "c": [
                    {
                        "article": "c",
                        "unit": "u1",
                        "kind": "number",
                        "reach": 2,
                        "evidence": [troops_a, troops_b],
                    }
                ],
            },
        },
        "reuse": {"passages": [], "by_article": {}},
        "left_out": [],
    }


TEXTS = {"a": TEXT_A, "b": TEXT_B, "c": TEXT_C}


def test_highlighted_text_is_escaped_and_marked_where_the_spans_are() -> None:
    body = "one <b>two</b> three"
    html = str(highlighted(body, [Mark(4, 14, ("hl-loaded",), "loaded <word>")]))
    assert (
        html == 'one <mark class="hl-loaded" title="loaded &lt;word&gt;">&lt;b&gt;two&lt;/b&gt;</mark> three'
    )


def test_overlapping_marks_cut_the_text_into_pieces_carrying_every_layer() -> None:
    html = str(highlighted("abcdef", [Mark(0, 4, ("hl-quote",)), Mark(2, 6, ("hl-loaded",), anchor="c0-u1")]))
    assert html == (
        '<mark class="hl-quote">ab</mark><span class="anchor" id="c0-u1" tabindex="-1"></span>'
        '<mark class="hl-loaded hl-quote">cd</mark><mark class="hl-loaded">ef</mark>'
    )


def test_marks_outside_the_text_are_ignored() -> None:
    assert str(highlighted("abc", [Mark(2, 9, ("hl-loaded",)), Mark(-1, 2, ("hl-loaded",))])) == "abc"


def test_hard_wrapped_lines_are_joined_and_paragraphs_kept() -> None:
    assert str(highlighted("a line\ncut\n\nnext", [])) == "a line cut<br><br>next"
    assert str(highlighted("one\ntwo", [])) == "one<br>two"


def test_the_view_highlights_each_layer_from_the_reports_evidence() -> None:
    view = event_view(_report(), TEXTS, pair_distances(_report()), "en")
    first = str(view.articles[0].body)
    assert '<mark class="hl-loaded hl-quote side-0"' in first
    assert re.search(r'<mark class="[^"]*hl-scare[^"]*"[^>]*>«garanties»</mark>', first)
    assert '<mark class="hl-source side-0"' in first
    assert "government/ru speaks (Russia)" in first  # the quote's title names speaker and side


def test_every_omission_links_to_an_anchor_in_the_article_that_reports_it() -> None:
    view = event_view(_report(), TEXTS, pair_distances(_report()), "en")
    third = view.articles[2]
    assert [o.reach for o in third.omissions] == ["reported by 2 of 2 other articles"]
    bodies = "".join(str(a.body) for a in view.articles)
    for source in third.omissions[0].sources:
        assert f'id="{source.href[1:]}"' in bodies
    assert {source.outlet for source in third.omissions[0].sources} == {"Radio A", "Wire B"}


def test_aligned_passages_link_to_where_they_start() -> None:
    view = event_view(_report(), TEXTS, pair_distances(_report()), "fr")
    (pair,) = view.aligned
    bodies = "".join(str(a.body) for a in view.articles)
    assert f'id="{pair.first.href[1:]}"' in bodies
    assert f'id="{pair.second.href[1:]}"' in bodies
    assert pair.similarity == "similarité 0,50"


def test_the_naming_table_keeps_actors_two_articles_name() -> None:
    view = event_view(_report(), TEXTS, pair_distances(_report()), "en")
    assert [row.actor for row in view.naming] == [HOSTILE]
    first, second, third = view.naming[0].cells
    assert first[0].distinctive
    assert not second[0].distinctive
    assert third == ()


def test_untrusted_names_and_texts_never_become_markup() -> None:
    view = event_view(_report(), TEXTS, pair_distances(_report()), "en")
    produced = "".join(
        [str(a.body) for a in view.articles] + [str(view.timeline), str(view.who_speaks), str(view.matrix)]
    )
    assert "<script" not in produced
    assert "<img" not in produced
    assert "&lt;script&gt;" in produced


def test_articles_get_page_ids_not_the_callers_ids() -> None:
    report = _report()
    view = event_view(report, TEXTS, pair_distances(report), "en")
    assert [a.column for a in view.articles] == ["c0", "c1", "c2"]


def test_articles_without_a_text_are_left_out_of_the_columns() -> None:
    view = event_view(_report(), {"a": TEXT_A, "b": TEXT_B}, pair_distances(_report()), "en")
    assert [a.outlet for a in view.articles] == ["Radio A", "Wire B"]


@pytest.mark.parametrize(
    ("asked", "remembered", "accepted", "chosen"),
    [
        ("fr", "en", {"en": 1.0}, "fr"),
        (None, "fr", {"en": 1.0}, "fr"),
        ("de", None, {"fr-CA": 1.0, "en": 0.5}, "fr"),
        (None, None, {"de": 1.0, "en-GB": 0.8, "fr": 0.9}, "fr"),
        (None, None, {"de": 1.0}, "en"),
    ],
)
def test_the_page_language_is_asked_then_remembered_then_the_browsers(
    asked: str | None, remembered: str | None, accepted: dict[str, float], chosen: str
) -> None:
    assert choose_language(asked, remembered, accepted) == chosen


def test_every_text_exists_in_both_languages() -> None:
    from parallax.api.classroom.i18n import TEXTS as CATALOGUE

    assert set(CATALOGUE["en"]) == set(CATALOGUE["fr"])
    assert text("fr", "words", count=3) == "3 mots"
    assert format_number(0.5, "fr") == "0,50"
    assert side_name("fr", "US") == "États-Unis"
    assert side_name("en", "independent") == "independent sources"


def test_an_aligned_passage_is_anchored_once_and_its_pieces_named_for_the_link() -> None:
    report = _report()
    link = report["alignment"]["links"][0]
    report["alignment"]["links"].append({**link, "similarity": 0.4})  # the same passages twice
    view = event_view(report, TEXTS, pair_distances(report), "en")
    first = str(view.articles[0].body)
    anchor = view.aligned[0].first.href[1:]
    assert first.count(f'id="{anchor}"') == 1
    assert f"part-{anchor.split('-', 1)[1]}" in first


def test_evidence_is_quoted_from_the_articles_own_characters() -> None:
    report = _report()
    for span in report["omissions"]["by_article"]["c"][0]["evidence"]:
        span["text"] = span["text"].replace("a ", "A ")  # the report's copy differs from the text
    view = event_view(report, TEXTS, pair_distances(report), "en")
    excerpts = {source.text for source in view.articles[2].omissions[0].sources}
    assert excerpts == {"La Russie a massé 100 000 soldats.", "Russia has massed 100,000 troops."}


def test_a_date_without_a_time_is_not_drawn_as_midnight() -> None:
    view = event_view(_report(), TEXTS, pair_distances(_report()), "fr")
    timeline = str(view.timeline)
    assert "3 févr. (heure non précisée)" in timeline  # article a: "2022-02-03"
    assert "18:40" in timeline  # article b has its time


def test_the_stylesheet_colours_sides_as_the_charts_do() -> None:
    from pathlib import Path

    from parallax.api.classroom import charts

    stylesheet = (Path(charts.__file__).parent / "static" / "classroom.css").read_text()
    declared = dict(re.findall(r"--side-(\d): (#[0-9a-f]{6})", stylesheet))
    assert [declared[str(n)] for n in range(len(charts._OKABE_ITO))] == list(charts._OKABE_ITO)
