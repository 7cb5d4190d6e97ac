"""The classroom pages' words, in English and French, and how a page picks its language.

The language is, in order: `?lang=` in the address (which the switch links set), the cookie
that switch left, then the browser's Accept-Language; English when none of them says. Texts
are plain format strings: the templates escape what they insert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

LANGUAGES: Final = ("en", "fr")
DEFAULT_LANGUAGE: Final = "en"
LANGUAGE_COOKIE: Final = "parallax_lang"

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "language_name": "English",
        "switch_to": "Français",
        "switch_label": "Lire cette page en français",
        "site": "Parallax classroom",
        "tagline": "One event, seen through every outlet's eyes",
        "skip": "Skip to the content",
        "nav_events": "Events",
        "nav_compare": "Compare your own",
        "nav_notes": "Teacher notes",
        "nav_api": "API",
        "events_title": "Events",
        "events_intro": "Each event gathers the articles that report the same thing, across outlets and "
        "languages. Open one to see how each outlet tells it.",
        "events_none": "No event yet. Run `make demo` (or `parallax demo`) to load the demo corpus.",
        "col_event": "Event",
        "col_outlets": "Outlets",
        "col_languages": "Languages",
        "col_dates": "Dates",
        "col_articles": "Articles",
        "not_compared": "not compared yet",
        "event_articles": "{count} articles from {outlets} outlets",
        "headlines": "The headlines side by side",
        "timeline": "Who published when, and who reused whom",
        "timeline_desc": "Each dot is one article at the time it was published (UTC); an arrow goes "
        "from an article to one that reuses its text.",
        "undated": "date unknown",
        "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "day_only": "{day} (time not given)",
        "sides_legend": "Colours of the speakers' sides",
        "highlights": "Highlights",
        "highlights_help": "Switch each kind of highlight on or off; point at a highlighted passage "
        "to read what it is (the lists below the articles say it too).",
        "layer_loaded": "Loaded and distancing words",
        "layer_scare": "Scare quotes",
        "layer_quote": "Quotes, coloured by who speaks",
        "layer_reuse": "Passages reused word for word",
        "articles": "The articles side by side",
        "articles_scroll": "More than five articles: scroll sideways to see the others.",
        "words": "{count} words",
        "open_original": "original",
        "constructed": "constructed for teaching",
        "aligned": "The same passage, told by two outlets",
        "aligned_intro": "Passages of two articles that report the same thing, matched by the names, "
        "places and numbers they share, most alike first.",
        "aligned_none": "No two passages were matched.",
        "similarity": "similarity {value}",
        "omissions": "What each article leaves out",
        "omissions_intro": "Things most other articles of the event report and this one does not. "
        "Follow a link to read where the others say it.",
        "omits_nothing": "Leaves out nothing that most others report.",
        "omission_reach": "reported by {reach} of {others} other articles",
        "see_where": "where {outlet} says it",
        "kind_claim": "a statement of fact",
        "kind_quote": "a quotation",
        "kind_number": "a figure",
        "naming": "How each outlet names each actor",
        "naming_intro": "The words each article uses for the people, countries and institutions it "
        "names (number of times). In bold: a name only this article uses.",
        "actor": "Actor",
        "not_named": "not named",
        "who_speaks": "Who speaks in each outlet",
        "who_speaks_desc": "Each bar is one article: its attributions (quoted or reported speech) split "
        "by the side of the speaker.",
        "attributions_unit": "attributions",
        "speakers": "Speakers",
        "direct": "direct",
        "indirect": "reported",
        "scores": "Framing scores, and what they mean",
        "scores_intro": "Each article's divergence is its mean framing distance to the others (0: framed "
        "alike, 1: nothing in common), weighing alike what each leaves out, whom it quotes, its "
        "wording and what it shares. The sentences under it say where the number comes from.",
        "divergence": "divergence {value}",
        "no_score": "not measurable",
        "matrix": "Outlet by outlet",
        "matrix_desc": "The mean framing distance between the articles of every two outlets: darker "
        "is more different.",
        "matrix_low": "framed alike (0)",
        "matrix_high": "framed differently (1)",
        "pairs": "Every pair, component by component",
        "component": "Component",
        "distance": "Distance",
        "component_omissions": "what they leave out",
        "component_sources": "sides they quote",
        "component_speakers": "speakers they quote",
        "component_loaded": "loaded words",
        "component_labels": "names for actors",
        "component_substitutions": "words swapped",
        "component_coverage": "passages without counterpart",
        "component_reuse": "text not shared",
        "left_out_articles": "Not compared",
        "measured_not_judged": "Measured, not judged: Parallax counts and aligns; deciding which "
        "account is fair is the reader's work.",
        "compare_title": "Compare your own",
        "compare_intro": "Paste two to five articles (or give their web addresses) and see them side by "
        "side. Nothing you paste is stored.",
        "text_n": "Text {n}",
        "outlet_field": "Outlet (optional)",
        "title_field": "Headline (optional)",
        "url_field": "Web address (instead of the text)",
        "text_field": "Article text",
        "compare_button": "Compare",
        "form_too_few": "Fill in at least two texts (or addresses): a comparison takes two to five.",
        "form_too_few_fix": "Paste a second article about the same event, or give its web address.",
        "compare_error": "The comparison could not be made",
        "compare_how": "What to do",
        "result_title": "Your comparison",
        "notes_title": "Teacher notes",
        "error_title": "Something went wrong",
        "keys_fix": "These pages follow the API's read policy: a classroom server runs with "
        "PARALLAX_API_KEYS_REQUIRED=false (as `make demo` does), which opens reading and keeps "
        "writing behind keys.",
        "not_found": "This page does not exist.",
        "back_to_events": "Back to the events",
        "print": "Print this page",
        "footer": "Parallax measures how articles differ. Its figures are traceable to the passages "
        "highlighted on this page.",
        "side_international": "international bodies",
        "side_official:unknown": "officials (country not given)",
        "side_independent": "independent sources",
        "side_anonymous": "anonymous sources",
        "side_other": "other named speakers",
        "side_unknown": "unknown",
        "loaded_title": "loaded or distancing word ({category})",
        "scare_title": "scare quotes: the outlet keeps its distance from these words",
        "quote_title": "{speaker} speaks ({side}), {kind}",
        "source_title": "who speaks: {speaker} ({side})",
        "reuse_title": "shared word for word with {partner}",
        "category_charged": "charged",
        "category_distancing_verb": "distancing verb",
        "category_framing_phrase": "framing phrase",
        "category_hedge": "hedge",
        "category_intensifier": "intensifier",
        "category_actor_label": "label for an actor",
    },
    "fr": {
        "language_name": "Français",
        "switch_to": "English",
        "switch_label": "Read this page in English",
        "site": "Parallax en classe",
        "tagline": "Un événement, vu par les yeux de chaque média",
        "skip": "Aller au contenu",
        "nav_events": "Événements",
        "nav_compare": "Comparer vos textes",
        "nav_notes": "Notes pour l'enseignant",
        "nav_api": "API",
        "events_title": "Événements",
        "events_intro": "Chaque événement réunit les articles qui rapportent la même chose, d'un média et "
        "d'une langue à l'autre. Ouvrez-en un pour voir comment chaque média le raconte.",
        "events_none": "Aucun événement pour l'instant. Lancez `make demo` (ou `parallax demo`) pour "
        "charger le corpus de démonstration.",
        "col_event": "Événement",
        "col_outlets": "Médias",
        "col_languages": "Langues",
        "col_dates": "Dates",
        "col_articles": "Articles",
        "not_compared": "pas encore comparé",
        "event_articles": "{count} articles de {outlets} médias",
        "headlines": "Les titres côte à côte",
        "timeline": "Qui a publié quand, et qui a repris qui",
        "timeline_desc": "Chaque point est un article, à l'heure de sa publication (UTC) ; une flèche va "
        "d'un article à celui qui reprend son texte.",
        "undated": "date inconnue",
        "months": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
        "day_only": "{day} (heure non précisée)",
        "sides_legend": "Couleurs des camps de qui parle",
        "highlights": "Surlignages",
        "highlights_help": "Activez ou désactivez chaque surlignage ; pointez un passage surligné pour "
        "savoir ce qu'il est (les listes sous les articles le disent aussi).",
        "layer_loaded": "Mots chargés et de mise à distance",
        "layer_scare": "Guillemets de distance",
        "layer_quote": "Citations, colorées selon qui parle",
        "layer_reuse": "Passages repris mot pour mot",
        "articles": "Les articles côte à côte",
        "articles_scroll": "Plus de cinq articles : faites défiler horizontalement pour voir les autres.",
        "words": "{count} mots",
        "open_original": "original",
        "constructed": "construit pour l'enseignement",
        "aligned": "Le même passage, raconté par deux médias",
        "aligned_intro": "Des passages de deux articles qui rapportent la même chose, appariés par les "
        "noms, lieux et nombres qu'ils partagent, les plus proches d'abord.",
        "aligned_none": "Aucun passage n'a été apparié.",
        "similarity": "similarité {value}",
        "omissions": "Ce que chaque article laisse de côté",
        "omissions_intro": "Ce que la plupart des autres articles de l'événement rapportent et que "
        "celui-ci ne dit pas. Suivez un lien pour lire où les autres le disent.",
        "omits_nothing": "Ne laisse de côté rien de ce que la plupart des autres rapportent.",
        "omission_reach": "rapporté par {reach} des {others} autres articles",
        "see_where": "où {outlet} le dit",
        "kind_claim": "un fait rapporté",
        "kind_quote": "une citation",
        "kind_number": "un chiffre",
        "naming": "Comment chaque média nomme chaque acteur",
        "naming_intro": "Les mots de chaque article pour les personnes, pays et institutions qu'il nomme "
        "(nombre de fois). En gras : un nom que seul cet article emploie.",
        "actor": "Acteur",
        "not_named": "pas nommé",
        "who_speaks": "Qui parle dans chaque média",
        "who_speaks_desc": "Chaque barre est un article : ses attributions (paroles citées ou rapportées) "
        "réparties selon le camp de qui parle.",
        "attributions_unit": "attributions",
        "speakers": "Qui parle",
        "direct": "citée",
        "indirect": "rapportée",
        "scores": "Les scores de cadrage, et ce qu'ils veulent dire",
        "scores_intro": "La divergence d'un article est sa distance de cadrage moyenne aux autres (0 : "
        "cadrés pareil, 1 : rien en commun), qui pèse à égalité ce que chacun laisse de côté, qui il "
        "cite, ses mots et ce qu'il partage. Les phrases en dessous disent d'où vient le chiffre.",
        "divergence": "divergence {value}",
        "no_score": "non mesurable",
        "matrix": "Média par média",
        "matrix_desc": "La distance de cadrage moyenne entre les articles de deux médias : plus c'est "
        "foncé, plus ils diffèrent.",
        "matrix_low": "cadrés pareil (0)",
        "matrix_high": "cadrés différemment (1)",
        "pairs": "Chaque paire, composante par composante",
        "component": "Composante",
        "distance": "Distance",
        "component_omissions": "ce qu'ils laissent de côté",
        "component_sources": "camps cités",
        "component_speakers": "personnes citées",
        "component_loaded": "mots chargés",
        "component_labels": "noms des acteurs",
        "component_substitutions": "mots remplacés",
        "component_coverage": "passages sans équivalent",
        "component_reuse": "texte non partagé",
        "left_out_articles": "Non comparés",
        "measured_not_judged": "Mesuré, pas jugé : Parallax compte et aligne ; décider quel récit est "
        "juste reste le travail du lecteur.",
        "compare_title": "Comparer vos textes",
        "compare_intro": "Collez de deux à cinq articles (ou donnez leur adresse web) pour les voir côte à "
        "côte. Rien de ce que vous collez n'est conservé.",
        "text_n": "Texte {n}",
        "outlet_field": "Média (facultatif)",
        "title_field": "Titre (facultatif)",
        "url_field": "Adresse web (à la place du texte)",
        "text_field": "Texte de l'article",
        "compare_button": "Comparer",
        "form_too_few": "Remplissez au moins deux textes (ou adresses) : une comparaison en prend de "
        "deux à cinq.",
        "form_too_few_fix": "Collez un second article sur le même événement, ou donnez son adresse web.",
        "compare_error": "La comparaison n'a pas pu être faite",
        "compare_how": "Que faire",
        "result_title": "Votre comparaison",
        "notes_title": "Notes pour l'enseignant",
        "error_title": "Un problème est survenu",
        "keys_fix": "Ces pages suivent la règle de lecture de l'API : un serveur de classe tourne avec "
        "PARALLAX_API_KEYS_REQUIRED=false (comme `make demo`), ce qui ouvre la lecture et garde "
        "l'écriture derrière des clés.",
        "not_found": "Cette page n'existe pas.",
        "back_to_events": "Retour aux événements",
        "print": "Imprimer cette page",
        "footer": "Parallax mesure en quoi les articles diffèrent. Ses chiffres renvoient aux passages "
        "surlignés sur cette page.",
        "side_international": "organisations internationales",
        "side_official:unknown": "responsables (pays non précisé)",
        "side_independent": "sources indépendantes",
        "side_anonymous": "sources anonymes",
        "side_other": "autres personnes nommées",
        "side_unknown": "inconnu",
        "loaded_title": "mot chargé ou de mise à distance ({category})",
        "scare_title": "guillemets de distance : le média se tient à l'écart de ces mots",
        "quote_title": "{speaker} parle ({side}), parole {kind}",
        "source_title": "qui parle : {speaker} ({side})",
        "reuse_title": "repris mot pour mot avec {partner}",
        "category_charged": "chargé",
        "category_distancing_verb": "verbe de mise à distance",
        "category_framing_phrase": "expression de cadrage",
        "category_hedge": "atténuation",
        "category_intensifier": "intensif",
        "category_actor_label": "désignation d'un acteur",
    },
}

# Countries whose officials speak in the events Parallax has seen, by ISO 3166 code.
COUNTRIES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "RU": "Russia",
        "FR": "France",
        "UA": "Ukraine",
        "US": "United States",
        "PL": "Poland",
        "DE": "Germany",
        "GB": "United Kingdom",
        "CN": "China",
        "TR": "Turkey",
        "BY": "Belarus",
    },
    "fr": {
        "RU": "Russie",
        "FR": "France",
        "UA": "Ukraine",
        "US": "États-Unis",
        "PL": "Pologne",
        "DE": "Allemagne",
        "GB": "Royaume-Uni",
        "CN": "Chine",
        "TR": "Turquie",
        "BY": "Biélorussie",
    },
}


def text(language: str, key: str, **values: object) -> str:
    """The page text `key` in `language`, with `values` put in (English when a text is missing)."""
    texts = TEXTS.get(language, TEXTS[DEFAULT_LANGUAGE])
    template = texts.get(key) or TEXTS[DEFAULT_LANGUAGE].get(key) or key
    return template.format(**values) if values else template


def side_name(language: str, side: str) -> str:
    """A side of the sources ("RU", "independent", …) in words."""
    country = COUNTRIES.get(language, COUNTRIES[DEFAULT_LANGUAGE]).get(side)
    if country is not None:
        return country
    return text(language, f"side_{side}") if f"side_{side}" in TEXTS[DEFAULT_LANGUAGE] else side


def choose_language(asked: str | None, remembered: str | None, accepted: Mapping[str, float]) -> str:
    """The page language: the one asked for in the address, else remembered, else the browser's
    preferred one that the pages are written in (by quality), else English."""
    for choice in (asked, remembered):
        if choice in LANGUAGES:
            return choice
    ranked = sorted(accepted.items(), key=lambda item: -item[1])
    for tag, _quality in ranked:
        primary = tag.split("-")[0].strip().lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def format_number(value: float, language: str, digits: int = 2) -> str:
    """A number as the page's language writes it (a decimal comma in French)."""
    written = f"{value:.{digits}f}"
    return written.replace(".", ",") if language == "fr" else written


def day_words(moment: dt.datetime, language: str, *, year: bool = True) -> str:
    """The day of a moment (in UTC) as the page's language writes it: "3 Feb 2022", "3 févr."."""
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    months = text(language, "months").split()
    return f"{utc.day} {months[utc.month - 1]}" + (f" {utc.year}" if year else "")


def day_only(moment: dt.datetime | None) -> bool:
    """Whether a publication time is known only to the day: stored at midnight UTC exactly, as
    ingest stores a date without a time (a release at midnight reads the same; it is rare)."""
    return moment is not None and moment.astimezone(dt.UTC).time() == dt.time(0, 0)
