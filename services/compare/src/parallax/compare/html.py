"""The comparison report as one HTML page a person reads on its own: the articles side by side.

The page is self-contained (styles and the small script that switches highlights are inline;
no network, nothing to install) and built from the JSON report alone. Every article text is
escaped: untrusted text never runs as markup or script. Highlights are the report's evidence
spans, so what is highlighted is exactly what was counted.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any, Final

from parallax.compare.article import evidence_in

# Longest lists shown in full on the page (the JSON report has them all).
_LISTED: Final = 40
# Highlight layers: the report section an evidence span comes from, and how it is shown.
LAYERS: Final = {
    "loaded": "Loaded and distancing words, scare quotes",
    "substitution": "Words another outlet replaced",
    "quote": "Who speaks (attributions)",
    "reuse": "Reused passages",
    "omitted": "Content some other article leaves out",
}


def render_report(report: Mapping[str, Any]) -> str:
    """The whole report (as `parallax compare` writes it) as a standalone HTML page."""
    events = report.get("events") or []
    body = "\n".join(_event_section(event) for event in events) or "<p>No event to show.</p>"
    refused = report.get("refused") or []
    refused_html = (
        "<section><h2>Left out</h2><ul>"
        + "".join(f"<li>{escape(str(item))}</li>" for item in refused)
        + "</ul></section>"
        if refused
        else ""
    )
    toggles = "".join(
        f'<label class="toggle"><input type="checkbox" checked data-layer="{name}"> '
        f'<span class="hl-{name}">{escape(label)}</span></label>'
        for name, label in LAYERS.items()
    )
    return _PAGE.format(
        version=escape(str(report.get("version", ""))),
        grouped=escape(str(report.get("grouped_by", ""))),
        count=len(events),
        toggles=toggles,
        body=body,
        refused=refused_html,
    )


def _event_section(event: Mapping[str, Any]) -> str:
    articles = event.get("articles") or []
    layers = evidence_layers(event)
    columns = "".join(_article_column(article, layers.get(str(article["id"]), [])) for article in articles)
    headline = next((a.get("title") for a in articles if a.get("title")), None) or event.get("event", "")
    return (
        f'<section class="event" id="event-{escape(str(event.get("event")))}">'
        f"<h2>{escape(str(headline))}</h2>"
        f'<p class="meta">Event {escape(str(event.get("event")))} · {len(articles)} articles</p>'
        f'<div class="columns">{columns}</div>'
        f"{_explanations_html(event, articles)}{_omissions_html(event, articles)}"
        f"{_sources_html(event, articles)}{_labels_html(event)}"
        f"{_substitutions_html(event)}{_reuse_html(event, articles)}"
        "</section>"
    )


def evidence_layers(event: Mapping[str, Any]) -> dict[str, list[tuple[int, int, str]]]:
    """Every evidence span of the event's report by article: (start, end, layer), text field only."""
    found: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    sections = {
        "wording": "loaded",
        "sources": "quote",
        "reuse": "reuse",
        "omissions": "omitted",
    }
    for section, layer in sections.items():
        for path, span in evidence_in(event.get(section)):
            name = layer
            if section == "wording" and any("substitution" in part for part in path):
                name = "substitution"
            elif section == "wording" and any("label" in part for part in path):
                continue  # actor labels are listed, not highlighted: every mention would light up
            elif section == "sources" and not any(part in {"content", "source"} for part in path):
                continue
            elif section == "omissions" and path[:1] != ("by_article",):
                continue  # the units every article carries are not news; what some leave out is
            if span.get("field", "text") != "text":
                continue
            found[str(span["article"])].append((int(span["start"]), int(span["end"]), name))
    return found


def _article_column(article: Mapping[str, Any], spans: Sequence[tuple[int, int, str]]) -> str:
    text = str(article.get("text") or "")
    published = article.get("published") or "date unknown"
    return (
        f'<article class="column" lang="{escape(str(article.get("language") or ""))}">'
        f'<header><p class="outlet">{escape(str(article.get("outlet") or article["id"]))}</p>'
        f"<h3>{escape(str(article.get('title') or ''))}</h3>"
        f'<p class="meta">{escape(str(published))} · {escape(str(article.get("language")))} · '
        f"{article.get('words', 0)} words</p></header>"
        f'<div class="text">{highlighted(text, spans)}</div></article>'
    )


def highlighted(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """The text escaped, with each stretch wrapped in the classes of the layers covering it."""
    bounds = {0, len(text)}
    for start, end, _ in spans:
        if 0 <= start < end <= len(text):
            bounds.update((start, end))
    points = sorted(bounds)
    pieces = []
    for start, end in itertools.pairwise(points):
        layers = sorted({name for s, e, name in spans if s <= start and end <= e})
        chunk = escape(text[start:end]).replace("\n\n", "<br><br>")
        if layers:
            classes = " ".join(f"hl-{name}" for name in layers)
            pieces.append(f'<span class="{classes}">{chunk}</span>')
        else:
            pieces.append(chunk)
    return "".join(pieces)


def _label(articles: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    return {str(a["id"]): str(a.get("outlet") or a["id"]) for a in articles}


def _explanations_html(event: Mapping[str, Any], articles: Sequence[Mapping[str, Any]]) -> str:
    """Each article in plain words, when the report carries explanations."""
    names = _label(articles)
    explained = event.get("explanations") or {}
    items = [
        f"<h4>{escape(names.get(str(article_id), str(article_id)))}</h4>"
        f"<ul>{''.join(f'<li>{escape(str(sentence))}</li>' for sentence in sentences)}</ul>"
        for article_id, sentences in explained.items()
        if sentences
    ]
    return f"<h3>In plain words</h3>{''.join(items)}" if items else ""


def _omissions_html(event: Mapping[str, Any], articles: Sequence[Mapping[str, Any]]) -> str:
    names = _label(articles)
    by_article = (event.get("omissions") or {}).get("by_article") or {}
    items = []
    for article_id, omitted in by_article.items():
        if not omitted:
            continue
        rows = []
        for omission in omitted[:5]:
            where = [
                f"<li><b>{escape(names.get(str(span['article']), str(span['article'])))}</b>: "
                f"{escape(str(span['text']))}</li>"
                for _, span in evidence_in(omission)
            ]
            rows.append(
                f"<li><details><summary>carried by {escape(_reach(omission))}</summary>"
                f"<ul>{''.join(where)}</ul></details></li>"
            )
        items.append(
            f"<h4>{escape(names.get(article_id, article_id))} leaves out</h4><ol>{''.join(rows)}</ol>"
        )
    return f"<h3>What each article leaves out</h3>{''.join(items)}" if items else ""


def _reach(omission: Mapping[str, Any]) -> str:
    reach = omission.get("reach")
    share = omission.get("share")
    if isinstance(share, int | float):
        return f"{reach} articles ({share:.0%} of the others)"
    return f"{reach} articles"


def _sources_html(event: Mapping[str, Any], articles: Sequence[Mapping[str, Any]]) -> str:
    names = _label(articles)
    per_article = (event.get("sources") or {}).get("by_article") or {}
    rows = []
    for article_id, data in per_article.items():
        speakers = data.get("speakers") or []
        listed = ", ".join(
            f"{escape(str(item['speaker']))} ×{item['attributions']}"
            for item in speakers
            if isinstance(item, Mapping)
        )
        rows.append(
            f"<tr><th scope=row>{escape(names.get(article_id, article_id))}</th><td>{listed or '—'}</td></tr>"
        )
    if not rows:
        return ""
    header = "<tr><th>Article</th><th>Speakers (attributions)</th></tr>"
    return f"<h3>Who speaks</h3><table>{header}{''.join(rows)}</table>"


def _labels_html(event: Mapping[str, Any]) -> str:
    rows = []
    for actor in (event.get("wording") or {}).get("actor_labels") or []:
        cells = "; ".join(
            f"<b>{escape(str(owner['owner']))}</b>: "
            + ", ".join(_label_text(label) for label in owner["labels"])
            for owner in actor.get("by_outlet") or []
        )
        rows.append(
            f"<tr><th scope=row>{escape(str(actor.get('name') or actor['actor']))}</th><td>{cells}</td></tr>"
        )
    if not rows:
        return ""
    return f"<h3>How each outlet names each actor</h3><table>{''.join(rows)}</table>"


def _label_text(label: Mapping[str, Any]) -> str:
    text = f"{escape(str(label['expression']))} ×{label['count']}"
    return f"<mark>{text}</mark>" if label.get("distinctive") else text


def _substitutions_html(event: Mapping[str, Any]) -> str:
    rows = [
        f"<li>“{escape(str(item['first_terms']))}” ({escape(', '.join(item['first_outlets']))}) ↔ "
        f"“{escape(str(item['second_terms']))}” ({escape(', '.join(item['second_outlets']))})"
        f" ×{item['count']}</li>"
        for item in ((event.get("wording") or {}).get("substitution_counts") or [])[:_LISTED]
    ]
    return f"<h3>Words one outlet replaces with another's</h3><ul>{''.join(rows)}</ul>" if rows else ""


def _reuse_html(event: Mapping[str, Any], articles: Sequence[Mapping[str, Any]]) -> str:
    names = _label(articles)
    passages = (event.get("reuse") or {}).get("passages") or []
    rows = []
    for passage in passages:
        source, copy = passage["source"], passage["copy"]
        arrow = "→" if passage.get("direction") == "by_time" else "↔"
        rows.append(
            f"<li><b>{escape(names.get(str(source['article']), ''))}</b> {arrow} "
            f"<b>{escape(names.get(str(copy['article']), ''))}</b> ({passage.get('words')} words): "
            f"{escape(str(copy['text']))}</li>"
        )
    return f"<h3>Reused passages</h3><ul>{''.join(rows)}</ul>" if rows else ""


_PAGE: Final = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parallax comparison</title>
<style>
body{{font:15px/1.5 system-ui,sans-serif;margin:1rem 2rem;color:#1b1b1b;background:#fff}}
h1{{font-size:1.4rem}} h2{{font-size:1.25rem;margin-top:2rem}} h3{{font-size:1.05rem}}
.meta{{color:#555;font-size:.85rem;margin:.2rem 0}}
.columns{{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(18rem,1fr);gap:1rem;overflow-x:auto}}
.column{{border:1px solid #ccc;border-radius:4px;padding:.6rem .8rem;max-height:80vh;overflow-y:auto}}
.column h3{{margin:.2rem 0}} .outlet{{font-weight:700;margin:0}}
.text{{white-space:normal}}
.hl-loaded{{background:#ffd6a5}} .hl-substitution{{background:#caffbf;text-decoration:underline}}
.hl-quote{{background:#d0e4ff}} .hl-reuse{{outline:2px dashed #7b2cbf}} .hl-omitted{{background:#ffc6ff}}
body.off-loaded .text .hl-loaded,body.off-substitution .text .hl-substitution,body.off-quote .text .hl-quote,
body.off-omitted .text .hl-omitted{{background:none;text-decoration:none}}
body.off-reuse .text .hl-reuse{{outline:none}}
.toggle{{margin-right:1rem;white-space:nowrap}}
table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}}
@media print{{.columns{{grid-auto-flow:row}} .column{{max-height:none}} .toggles{{display:none}}}}
</style></head>
<body>
<h1>Parallax: how the outlets differ</h1>
<p class="meta">Comparison {version} · events by {grouped} · {count} events. Every highlight is a span the
measurements were counted from; Parallax measures, it does not judge.</p>
<p class="toggles">{toggles}</p>
{body}
{refused}
<script>
for (const box of document.querySelectorAll('input[data-layer]')) {{
  box.addEventListener('change',
    () => document.body.classList.toggle('off-' + box.dataset.layer, !box.checked));
}}
</script>
</body></html>
"""
