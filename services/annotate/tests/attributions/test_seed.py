"""The reference article: the Kremlin speaks three times, in three ways, and the Élysée never."""

from typing import Any

from parallax.annotate.annotate import ArticleInput, attributions_many


def seed_attributions(seed_record: dict[str, Any]) -> list[dict[str, Any]]:
    article = ArticleInput.from_text(
        seed_record["id"], seed_record["text"], title=seed_record.get("title"), language="fr"
    )
    ((_, found),) = list(attributions_many([article]))
    return found


def test_the_kremlin_is_cited_as_the_russian_government_in_three_forms(seed_record: dict[str, Any]) -> None:
    found = seed_attributions(seed_record)
    kremlin = {
        (attribution["kind"], attribution["source"]["text"], attribution["cue"]["text"])
        for attribution in found
        if attribution["speaker"] == "government/ru" and attribution["source"]
    }
    assert ("according_to", "le Kremlin", "Selon") in kremlin
    assert ("statement", "le Kremlin", "rapporte dans un communiqué") in kremlin
    assert ("statement", "la présidence russe", "Selon le communiqué") in kremlin


def test_every_span_points_into_the_text_as_received(seed_record: dict[str, Any]) -> None:
    text = seed_record["text"]
    for attribution in seed_attributions(seed_record):
        for role in ("content", "source", "cue"):
            span = attribution[role]
            if span is not None:
                assert text[span["start"] : span["end"]] == span["text"]


def test_the_french_government_never_speaks(seed_record: dict[str, Any]) -> None:
    speakers = {attribution["speaker"] for attribution in seed_attributions(seed_record)}
    assert "government/fr" not in speakers
    assert "person/emmanuel-macron" not in speakers
