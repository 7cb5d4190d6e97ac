"""Headlines in title case ("Conservative Icon Morton Blackwell Endorses Ted Cruz") re-cased for the parser.

spaCy's small English model reads a capitalised word as a name: in a title-case headline it
takes "Endorses" and "Praises" for proper nouns and finds no verb. `case_for_parser` gives
the parser the headline in sentence case, keeping capitals only on the words the article's
body writes with a capital inside a sentence (names: "Ted", "Cruz", "FBI"). Only letters'
case changes, so every offset into the re-cased headline is an offset into the headline.
"""

from __future__ import annotations

import re
from typing import Final

_WORD: Final = re.compile(r"[^\W\d_][\w'’.-]*")
# A headline is in title case when at least this share of its words (after the first) start
# with a capital; sentence-case headlines are left as they are.
_TITLE_CASE_SHARE: Final = 0.6
_MIN_WORDS: Final = 3
_ACRONYM_LETTERS: Final = 4
_SENTENCE_OPENERS: Final = (":", ".", "?", "!", "—", "–")
_SENTENCE_ENDS: Final = frozenset('.!?:"“«\n—–')


def case_for_parser(headline: str, body: str) -> str:
    """The headline in sentence case when it is in title case or capitals; else unchanged."""
    words = list(_WORD.finditer(headline))
    if len(words) < _MIN_WORDS:
        return headline
    rest = words[1:]
    capitalised = sum(1 for match in rest if match.group()[0].isupper())
    if capitalised / len(rest) < _TITLE_CASE_SHARE:
        return headline
    known = _capitalised_in_body(body)
    shouting = sum(1 for match in words if match.group().isupper()) / len(words) >= _TITLE_CASE_SHARE
    out = list(headline)
    for number, match in enumerate(words):
        word = match.group()
        if word in known or (not shouting and word.isupper() and len(word) <= _ACRONYM_LETTERS):
            continue  # a name, or an acronym in a headline that is not all capitals ("PBS")
        opens = number == 0 or headline[: match.start()].rstrip().endswith(_SENTENCE_OPENERS)
        replacement = word[0] + word[1:].lower() if opens else word.lower()
        out[match.start() : match.end()] = replacement
    return "".join(out)


def _capitalised_in_body(body: str) -> set[str]:
    """Words the body writes with a capital where no sentence starts (names: "Cruz", "FBI")."""
    known: set[str] = set()
    for match in _WORD.finditer(body):
        word = match.group()
        if not word[0].isupper():
            continue
        index = match.start() - 1
        while index >= 0 and body[index].isspace() and body[index] != "\n":
            index -= 1
        if index >= 0 and body[index] not in _SENTENCE_ENDS:
            known.add(word)
    return known
