"""Plain-language explanations of an article's place in its event, in French and English,
built only from the comparison report's evidence (every sentence says where its numbers come
from: counts of attributions, units, loaded words, shared passages).

"This article quotes gouvernement russe 6 times and gouvernement français never; 3 of 3 other
articles quote gouvernement français."
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any, Final

LANGUAGES: Final = ("en", "fr")

_TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "quotes": "This article quotes {quoted}",
        "times": "{name} {count} time{plural}",
        "never": "{name} never",
        "left_out": "{users} of {others} other articles quote {name}",
        "no_sources": "This article quotes no one.",
        "omissions": "It leaves out {count} thing{plural} that most other articles report; the most widely "
        "reported is carried by {reach} of {others} others: “{example}”",
        "no_omissions": "It leaves out nothing that most other articles report.",
        "loaded": "It uses {rate} loaded or distancing words per 1,000 words, against {mean} on average "
        "in this event ({examples}).",
        "no_loaded": "It uses no loaded or distancing word, against {mean} per 1,000 words on average in "
        "this event.",
        "labels": "It calls {actor} “{own}” where other articles say “{others}”.",
        "reuse": "{share} of its text is shared word for word with {partners}.",
        "and": " and ",
    },
    "fr": {
        "quotes": "Cet article cite {quoted}",
        "times": "{name} {count} fois",
        "never": "{name} jamais",
        "left_out": "{users} des {others} autres articles citent {name}",
        "no_sources": "Cet article ne cite personne.",
        "omissions": "Il laisse de côté {count} élément{plural} que la plupart des autres articles "
        "rapportent ; le plus repris l'est par {reach} des {others} autres : « {example} »",
        "no_omissions": "Il ne laisse de côté rien de ce que rapportent la plupart des autres articles.",
        "loaded": "Il emploie {rate} mots chargés ou de mise à distance pour 1 000 mots, contre {mean} "
        "en moyenne pour cet événement ({examples}).",
        "no_loaded": "Il n'emploie aucun mot chargé ou de mise à distance, contre {mean} pour 1 000 mots "
        "en moyenne pour cet événement.",
        "labels": "Il nomme {actor} « {own} » là où d'autres articles disent « {others} ».",
        "reuse": "{share} de son texte est repris mot pour mot de {partners} ou par eux.",
        "and": " et ",
    },
}
# Words quoted as examples, and the longest example of an omitted unit, in characters.
_EXAMPLES: Final = 3
_EXAMPLE_CHARS: Final = 160


def explain_article(report: Mapping[str, Any], article: str, language: str = "en") -> list[str]:
    """Sentences explaining one article against the others of its event (unknown article: [])."""
    if language not in _TEXTS:
        raise ValueError(f"explanations are written in {', '.join(LANGUAGES)}, not {language!r}")
    ids = [str(a["id"]) for a in report.get("articles") or []]
    if article not in ids:
        return []
    texts = _TEXTS[language]
    names = actor_names(report)
    others = len(ids) - 1
    found = [
        _sources_sentence(report, article, others, names, texts),
        _omissions_sentence(report, article, others, texts),
        _loaded_sentence(report, article, texts, language),
        _labels_sentence(report, article, names, texts),
        _reuse_sentence(report, article, texts, language),
    ]
    return [sentence for sentence in found if sentence]


def actor_names(report: Mapping[str, Any]) -> dict[str, str]:
    """Each actor id of the report by the name the report gives it."""
    return {
        str(actor["actor"]): str(actor.get("name") or actor["actor"])
        for actor in (report.get("wording") or {}).get("actor_labels") or []
    }


def _sources_sentence(
    report: Mapping[str, Any], article: str, others: int, names: Mapping[str, str], texts: Mapping[str, str]
) -> str | None:
    data = ((report.get("sources") or {}).get("by_article") or {}).get(article)
    if not data:
        return None
    speakers = [s for s in data.get("speakers") or [] if s.get("resolved")]
    left_out = data.get("left_out") or []
    if not speakers and not left_out:
        return texts["no_sources"]
    quoted = [
        texts["times"].format(
            name=names.get(s["speaker"], s["speaker"]),
            count=s["attributions"],
            plural="" if s["attributions"] == 1 else "s",
        )
        for s in sorted(speakers, key=lambda s: -int(s["attributions"]))[:2]
    ]
    quoted += [texts["never"].format(name=names.get(s["speaker"], s["speaker"])) for s in left_out[:1]]
    sentence = texts["quotes"].format(quoted=_listed(quoted, texts["and"]))
    for source in left_out[:1]:
        sentence += "; " + texts["left_out"].format(
            users=len(source.get("used_by") or []),
            others=others,
            name=names.get(source["speaker"], source["speaker"]),
        )
    return sentence + "."


def _listed(items: list[str], conjunction: str) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + conjunction + items[-1]


def _omissions_sentence(
    report: Mapping[str, Any], article: str, others: int, texts: Mapping[str, str]
) -> str | None:
    omitted = ((report.get("omissions") or {}).get("by_article") or {}).get(article)
    if omitted is None:
        return None
    if not omitted:
        return texts["no_omissions"]
    first = omitted[0]
    evidence = first.get("evidence") or []
    example = " ".join(str(evidence[0]["text"]).split()) if evidence else ""
    if len(example) > _EXAMPLE_CHARS:
        example = example[: _EXAMPLE_CHARS - 1].rstrip() + "…"
    return texts["omissions"].format(
        count=len(omitted),
        plural="" if len(omitted) == 1 else "s",
        reach=first["reach"],
        others=others,
        example=example,
    )


def _loaded_sentence(
    report: Mapping[str, Any], article: str, texts: Mapping[str, str], language: str
) -> str | None:
    rows = [
        row
        for row in (report.get("wording") or {}).get("densities") or []
        if row.get("article") == article and row.get("category") not in {"scare_quotes", "scare_quote"}
    ]
    if not rows:
        return None
    rate = sum(float(row.get("per_1000") or 0) for row in rows)
    mean = sum(float(row.get("event_mean") or 0) for row in rows)
    words = [str(span["text"]) for row in rows for span in row.get("spans") or []][:_EXAMPLES]
    if rate == 0 and mean == 0:
        return None
    if rate == 0:
        return texts["no_loaded"].format(mean=_number(mean, language))
    quote = "“{}”" if language == "en" else "« {} »"
    return texts["loaded"].format(
        rate=_number(rate, language),
        mean=_number(mean, language),
        examples=", ".join(quote.format(word) for word in words) or "—",
    )


def _labels_sentence(
    report: Mapping[str, Any], article: str, names: Mapping[str, str], texts: Mapping[str, str]
) -> str | None:
    languages = {str(a["id"]): a.get("language") for a in report.get("articles") or []}
    for actor in (report.get("wording") or {}).get("actor_labels") or []:
        # labels are compared within one language: "Russia" and "Russie" are one name
        owners = {
            str(o["owner"]): o["labels"]
            for o in actor.get("by_article") or []
            if languages.get(str(o["owner"])) == languages.get(article)
        }
        own = owners.get(article)
        if not own:
            continue
        # "États-Unis" and "Etats-Unis" are one name written two ways, not two names
        own_names = {_folded(label["expression"]) for label in own}
        elsewhere = sorted(
            {
                _surface(label)
                for owner, labels in owners.items()
                if owner != article
                for label in labels
                if _folded(label["expression"]) not in own_names
            }
        )
        theirs = {_folded(label["expression"]) for o, ls in owners.items() if o != article for label in ls}
        distinctive = [
            _surface(label)
            for label in own
            if label.get("distinctive") and _folded(label["expression"]) not in theirs
        ]
        if distinctive and elsewhere:
            return texts["labels"].format(
                actor=names.get(actor["actor"], actor["actor"]), own=distinctive[0], others=elsewhere[0]
            )
    return None


def _folded(expression: str) -> str:
    """An expression without case, accents or spacing differences."""
    decomposed = unicodedata.normalize("NFKD", expression.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _surface(label: Mapping[str, Any]) -> str:
    """A label as the article writes it (its first occurrence), else its normalised expression."""
    spans = label.get("spans") or []
    return " ".join(str(spans[0]["text"]).split()) if spans else str(label["expression"])


def _reuse_sentence(
    report: Mapping[str, Any], article: str, texts: Mapping[str, str], language: str
) -> str | None:
    data = ((report.get("reuse") or {}).get("by_article") or {}).get(article)
    if not data or not data.get("share"):
        return None
    labels = {str(a["id"]): str(a.get("outlet") or a["id"]) for a in report.get("articles") or []}
    partners = sorted({labels.get(p, p) for p in (*data.get("taken_from", ()), *data.get("taken_by", ()))})
    if not partners:
        partners = sorted(
            {
                labels.get(side["article"], side["article"])
                for passage in (report.get("reuse") or {}).get("passages") or []
                for side in (passage["source"], passage["copy"])
                if article in (passage["source"]["article"], passage["copy"]["article"])
                and side["article"] != article
            }
        )
    share = f"{float(data['share']):.0%}"
    if language == "fr":
        share = share.replace("%", "\u202f%")
    return texts["reuse"].format(share=share, partners=", ".join(partners))


def _number(value: float, language: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "fr" else text
