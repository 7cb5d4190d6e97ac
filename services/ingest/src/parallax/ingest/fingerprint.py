"""Fingerprints of a clean text: an exact content hash, and MinHash band keys for near-copies.

Near-copies (the same article re-published with a changed headline or a typo fixed) share
most of their text. A one-permutation MinHash over 8-byte shingles anchored at word starts
gives 64 values; 8 bands of 8 values each become 8 band keys. Two texts whose shingle sets
have Jaccard similarity 0.9 share at least one key with probability 0.99, texts at 0.5 with
probability 0.03, so candidates are found by an index lookup and then verified exactly.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import Indel

FINGERPRINT_VERSION = "minhash-oph-64x8.v1"

_BUCKET_BITS = 6  # 64 buckets
_BANDS = 8
_ROWS = (1 << _BUCKET_BITS) // _BANDS
_EMPTY = np.uint64((1 << (64 - _BUCKET_BITS)) - 1)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SPACE = ord(" ")
_NEWLINE = ord("\n")
_BYTE_OFFSETS = np.arange(8)
_BUCKET_IDS = np.arange(1 << _BUCKET_BITS, dtype=np.uint64)


def content_hash(clean_text: str) -> str:
    """SHA-256 of the clean text (hex): equal for texts that differ only in what cleaning removes."""
    return hashlib.sha256(clean_text.encode("utf-8")).hexdigest()


def version_hash(title: str | None, clean_text: str) -> str:
    """SHA-256 of headline and clean body: a changed headline makes a new version of the same body."""
    return hashlib.sha256(f"{title or ''}\n\n{clean_text}".encode()).hexdigest()


def near_duplicate_keys(clean_text: str) -> list[int]:
    """The text's 8 MinHash band keys, as signed 64-bit integers (storable in BIGINT)."""
    signature = minhash_signature(clean_text)
    keys = []
    for band in range(_BANDS):
        chunk = signature[band * _ROWS : (band + 1) * _ROWS]
        digest = hashlib.blake2b(chunk.tobytes() + bytes([band]), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def minhash_signature(clean_text: str) -> NDArray[np.uint64]:
    """One-permutation MinHash (64 values) of the text's word-anchored 8-byte shingles."""
    # Clean texts have single spaces and "\n\n" between paragraphs: both separate words.
    data = np.frombuffer((" " + clean_text.lower() + " " * 8).encode("utf-8"), np.uint8)
    head = data[: len(data) - 8]
    # Anchor shingles at word starts, so an inserted character shifts nothing downstream.
    starts = np.flatnonzero((head == _SPACE) | (head == _NEWLINE)) + 1
    shingles = data[starts[:, None] + _BYTE_OFFSETS].view(np.uint64).ravel()
    hashed = shingles * _MIX
    hashed ^= hashed >> np.uint64(29)
    hashed *= _MIX
    # Sorting by hash sorts by bucket (the top bits) and then by value: each bucket's
    # minimum is the first entry of its run.
    ordered = np.sort(hashed)
    bucket_of = ordered >> np.uint64(64 - _BUCKET_BITS)
    firsts = np.searchsorted(bucket_of, _BUCKET_IDS)
    signature = np.full(1 << _BUCKET_BITS, _EMPTY, dtype=np.uint64)
    present = firsts < len(ordered)
    present[present] = bucket_of[firsts[present]] == _BUCKET_IDS[present]
    signature[present] = ordered[firsts[present]] & _EMPTY
    return signature


def text_similarity(first: str, second: str) -> float:
    """Normalised Indel similarity of two texts (1.0 = identical), computed exactly."""
    return float(Indel.normalized_similarity(first, second))
