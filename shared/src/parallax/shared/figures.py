"""Figures as every outlet writes them differently, in one form: shared by cluster and compare."""

from __future__ import annotations

import re


def normalise_number(text: str) -> str | None:
    """A figure written the way every outlet writes it differently, in one form, or None.

    "30,000", "30 000" and "30000" are "30000"; "7.8" and "7,8" are "7.8"; "2022" stays.
    Figures of one digit say little about an event ("1", "3") and are left out.
    """
    digits = text.strip().replace("\u202f", " ").replace("\u00a0", " ")
    digits = digits.rstrip(".,")
    if not digits or not digits[0].isdigit():
        return None
    # a separator followed by exactly three digits groups thousands; otherwise it is decimal
    grouped = re.sub(r"(?<=\d)[ ,.](?=\d{3}(?!\d))", "", digits)
    grouped = grouped.replace(",", ".").replace(" ", "")
    if not re.fullmatch(r"\d+(?:\.\d+)?", grouped):
        return None
    if "." in grouped:
        grouped = grouped.rstrip("0").rstrip(".")
    return grouped if len(grouped.replace(".", "")) > 1 else None
