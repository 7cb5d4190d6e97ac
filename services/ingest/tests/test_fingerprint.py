"""Fingerprints: near-copies share MinHash band keys, different articles do not."""

import itertools
import json
from pathlib import Path

from parallax.ingest.fingerprint import content_hash, minhash_signature, near_duplicate_keys, text_similarity

TEXT = (
    "French President Emmanuel Macron and Russian President Vladimir Putin spoke by telephone "
    "on Thursday, as European governments sought to ease tensions over Russia's military "
    "build-up near Ukraine. The Kremlin said the two leaders discussed the situation around "
    "Ukraine and Russia's demand for legally binding security guarantees."
)


def test_content_hash_is_sha256_of_the_clean_text() -> None:
    assert content_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_keys_are_stable_signed_64_bit_integers() -> None:
    keys = near_duplicate_keys(TEXT)
    assert keys == near_duplicate_keys(TEXT)
    assert len(keys) == 8
    assert all(-(2**63) <= key < 2**63 for key in keys)


def test_a_typo_fix_keeps_most_band_keys() -> None:
    fixed = TEXT.replace("telephone", "phone")
    assert set(near_duplicate_keys(TEXT)) & set(near_duplicate_keys(fixed))
    assert text_similarity(TEXT, fixed) > 0.95


def test_short_and_empty_texts_have_signatures() -> None:
    assert len(minhash_signature("")) == 64
    assert len(near_duplicate_keys("Oui.")) == 8


def test_articles_of_the_same_event_from_different_outlets_share_no_keys(shared_data: Path) -> None:
    with (shared_data / "basil" / "articles.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    by_event: dict[str, list[str]] = {}
    for record in records:
        by_event.setdefault(record["event"], []).append(record["text"])
    shared = total = 0
    for texts in by_event.values():
        for first, second in itertools.combinations(texts, 2):
            total += 1
            shared += bool(set(near_duplicate_keys(first)) & set(near_duplicate_keys(second)))
    assert total == 300
    assert shared == 0
