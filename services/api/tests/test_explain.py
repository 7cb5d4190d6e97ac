"""Explanations in English and French, built from the report's evidence: whom an article
quotes and whom it leaves out, what it omits, its loaded words against the event, how it names
an actor where others of its language name it otherwise, how much it shares word for word."""

from typing import Any

import pytest

from parallax.api.explain import explain_article


def report() -> dict[str, Any]:
    names = [("seed", "fr"), ("gazette", "fr"), ("wire", "en")]
    return {
        "articles": [{"id": name, "outlet": name.title(), "language": lang} for name, lang in names],
        "sources": {
            "by_article": {
                "seed": {
                    "speakers": [
                        {"speaker": "government/ru", "resolved": True, "attributions": 3},
                        {"speaker": "person/x", "resolved": True, "attributions": 1},
                    ],
                    "left_out": [{"speaker": "government/fr", "used_by": ["gazette", "wire"]}],
                },
                "gazette": {"speakers": [], "left_out": []},
            }
        },
        "omissions": {
            "by_article": {
                "seed": [
                    {
                        "reach": 2,
                        "evidence": [
                            {"text": "Selon l'Élysée, les deux présidents sont convenus d'une désescalade."}
                        ],
                    }
                ],
                "gazette": [],
            }
        },
        "wording": {
            "densities": [
                {
                    "article": "seed",
                    "category": "distancing_verb",
                    "per_1000": 4.75,
                    "event_mean": 1.25,
                    "spans": [{"text": "martèle"}],
                },
            ],
            "actor_labels": [
                {
                    "actor": "government/ua",
                    "name": "gouvernement ukrainien",
                    "by_article": [
                        {
                            "owner": "seed",
                            "labels": [{"expression": "autorités de kiev", "distinctive": True}],
                        },
                        {
                            "owner": "gazette",
                            "labels": [{"expression": "gouvernement ukrainien", "distinctive": False}],
                        },
                        {"owner": "wire", "labels": [{"expression": "kyiv government", "distinctive": True}]},
                    ],
                },
                {"actor": "government/ru", "name": "gouvernement russe", "by_article": []},
                {"actor": "government/fr", "name": "gouvernement français", "by_article": []},
            ],
        },
        "reuse": {
            "by_article": {"seed": {"share": 0.25, "taken_from": ["wire"], "taken_by": []}},
            "passages": [],
        },
    }


def test_the_english_explanation_tells_each_measurement_with_its_numbers() -> None:
    sentences = explain_article(report(), "seed", "en")
    assert sentences[0] == (
        "This article quotes gouvernement russe 3 times, person/x 1 time and gouvernement français never; "
        "2 of 2 other articles quote gouvernement français."
    )
    assert "leaves out 1 thing" in sentences[1]
    assert "“Selon l'Élysée" in sentences[1]
    assert sentences[2] == (
        "It uses 4.8 loaded or distancing words per 1,000 words, against 1.2 on average in this event (“martèle”)."
    )
    assert (
        sentences[3]
        == "It calls gouvernement ukrainien “autorités de kiev” where other articles say “gouvernement ukrainien”."
    )
    assert sentences[4] == "25% of its text is shared word for word with Wire."


def test_the_french_explanation_and_articles_with_nothing_to_say() -> None:
    french = explain_article(report(), "seed", "fr")
    assert french[0].startswith(
        "Cet article cite gouvernement russe 3 fois, person/x 1 fois et gouvernement français jamais"
    )
    assert "4,8 mots chargés" in french[2]
    assert french[4].startswith("25\u202f% de son texte")
    quiet = explain_article(report(), "gazette", "en")
    assert quiet == ["This article quotes no one.", "It leaves out nothing that most other articles report."]
    assert explain_article(report(), "nobody", "en") == []
    with pytest.raises(ValueError, match="not 'de'"):
        explain_article(report(), "seed", "de")


def test_a_name_written_with_other_accents_or_case_is_not_another_name() -> None:
    data = report()
    data["wording"]["actor_labels"] = [
        {
            "actor": "country/us",
            "name": "États-Unis",
            "by_article": [
                {
                    "owner": "seed",
                    "labels": [
                        {
                            "expression": "etats-unis",
                            "distinctive": True,
                            "spans": [{"text": "Etats-Unis"}],
                        }
                    ],
                },
                {"owner": "gazette", "labels": [{"expression": "états-unis", "distinctive": False}]},
            ],
        },
        {
            "actor": "person/emmanuel-macron",
            "name": "Emmanuel Macron",
            "by_article": [
                {
                    "owner": "seed",
                    "labels": [
                        {
                            "expression": "président de la république",
                            "distinctive": True,
                            "spans": [{"text": "président de la\nRépublique"}],
                        }
                    ],
                },
                {
                    "owner": "gazette",
                    "labels": [{"expression": "macron", "distinctive": False, "spans": [{"text": "Macron"}]}],
                },
            ],
        },
    ]
    sentences = explain_article(data, "seed", "en")
    assert (
        "It calls Emmanuel Macron “président de la République” where other articles say “Macron”."
        in sentences
    )
    assert not [sentence for sentence in sentences if "États-Unis" in sentence]
