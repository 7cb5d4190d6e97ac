"""stub"""

from typing import Any
from parallax.annotate.findings import Attribution

EXTRACTOR_VERSION = "attributions.v1"


def extract_attributions(doc: Any, *, language: str) -> list[Attribution]:
    return []
