"""Scare quotes: short quoted words or phrases that are not reported speech («garanties»).

`find_quoted_spans` pairs the quotation marks of a text in every common style (« », “ ”, ‹ ›,
‘ ’, straight " and ' where their direction can be told, and the doubled apostrophe '' that
some newspapers' systems write for "); `find_unclosed_quotes` lists the opening marks left open
at the end of their paragraph (a quotation running on into the next paragraph); and
`find_scare_quotes` keeps the quotations that set a few words apart rather than report what
someone said.

What counts as a scare quote (`find_scare_quotes`): at most `MAX_WORDS` words, no finite verb,
not a sentence of its own (ending in . ! ? …), not introduced by a colon or directly by a
saying verb ("il a répondu «non»"), not followed by a speech tag ("“No,” he said"), and not a
name or the title of a work (“Pravda”, the film «Guerre et Paix»).

Decision: a short fragment quoted inside reported speech is a scare quote. The reference
article's «clair» and «ignoré» are words of Vladimir Putin inside indirect speech ("Vladimir
Poutine déclarait … qu'il était «clair» que l'Occident avait «ignoré» …"), and so is "he called
it a “war of choice”": in both the outlet lifts a few words out of someone's mouth and holds
them up, which is what the comparison of outlets measures, and the form gives no way to tell
irony from attribution. Who owns the words is the attribution stage's business.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Final

from parallax.annotate.findings import ScareQuote

MAX_WORDS: Final = 4

# Opening mark -> closing mark. Straight quotes open and close with the same mark; a doubled
# apostrophe stands for a straight double quote (''As she said,'' in NYT copy).
_CLOSING: Final = {"«": "»", "“": "”", "‹": "›", "‘": "’", '"': '"', "'": "'", "''": "''"}
_MARKS: Final = re.compile(r"''(?!')|[«»“”‹›‘’\"']|\n[^\S\n]*\n")
_OPENING_CONTEXT: Final = frozenset("([{«“‘‹—–-/")  # what may stand before an opening straight quote
_SENTENCE_END: Final = (".", "!", "?", "…")

# Lemmas of verbs that introduce or tag speech, in the languages Parallax reads.
SPEECH_VERBS: Final = frozenset(
    """dire déclarer affirmer ajouter répondre expliquer indiquer préciser souligner estimer
    assurer lancer poursuivre conclure insister marteler confier raconter écrire rappeler
    commenter demander exclamer ironiser tonner résumer noter observer reconnaître avertir
    prévenir déplorer regretter annoncer répliquer rétorquer plaider protester jurer admettre
    avouer clamer prétendre soutenir murmurer crier hurler tweeter
    say tell add write reply respond ask explain note insist claim argue state declare tweet
    continue conclude recall warn answer shout scream yell whisper admit acknowledge announce
    remark retort quip joke exclaim concede testify stress emphasize emphasise maintain assert
    contend""".split()
)
# Nouns that announce the title of a work or the name of a publication just before it.
_WORK_NOUNS: Final = frozenset(
    """film livre roman chanson album émission série article pièce documentaire magazine journal
    quotidien hebdomadaire revue titre intitulé slogan hashtag
    book novel song album show series article play documentary magazine newspaper journal
    title titled entitled headline slogan hashtag""".split()
)
# Words English titles leave in lowercase: "The Art of the Deal".
_TITLE_SMALL_WORDS: Final = frozenset(
    "a an the of in on at to for with and or but nor by from as into vs".split()
)
_HEDGED_NAMING: Final = ("soi-disant", "soi - disant")
_RELATIVE_PRONOUNS: Final = frozenset({"who", "which", "that", "whom", "qui", "que", "qu'", "qu’", "dont"})


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """A stretch of text between a pair of quotation marks."""

    start: int  # the opening mark
    end: int  # just after the closing mark
    inner_start: int
    inner_end: int
    marks: str  # the opening and closing marks, e.g. "«»"


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Every quotation in `text`, nested ones included, in order of their opening marks.

    Marks pair within a paragraph (a blank line forgets unclosed ones). A closing mark closes
    the nearest open mark of its style, forgetting any unclosed marks opened after it.
    Apostrophes (a quote mark between two letters) and marks whose direction cannot be told
    are left alone.
    """
    return _pair_marks(text)[0]


def find_quotes_and_unclosed(text: str) -> tuple[list[QuotedSpan], list[tuple[int, str]]]:
    """`find_quoted_spans` and `find_unclosed_quotes` of one text, in one pass."""
    return _pair_marks(text)


def find_unclosed_quotes(text: str) -> list[tuple[int, str]]:
    """The opening marks still open when their paragraph ends, as (offset, mark), in order.

    News style leaves the closing mark off a paragraph whose quotation goes on in the next
    paragraph, which opens with a quote mark again; these are the marks that may start one.
    """
    return _pair_marks(text)[1]


def _pair_marks(text: str) -> tuple[list[QuotedSpan], list[tuple[int, str]]]:
    """The paired quotations of `text`, and the opening marks left open at a paragraph's end."""
    open_marks: list[tuple[str, int]] = []
    found: list[QuotedSpan] = []
    unclosed: list[tuple[int, str]] = []
    for match in _MARKS.finditer(text):
        mark, at = match.group(), match.start()
        if mark[0] == "\n":
            unclosed.extend((opened_at, opener) for opener, opened_at in open_marks)
            open_marks.clear()
            continue
        role = _role(text, at, mark, open_marks)
        if role == "open":
            open_marks.append((mark, at))
        elif role == "close":
            depth = max(i for i, (opener, _) in enumerate(open_marks) if _CLOSING[opener] == mark)
            opener, opened_at = open_marks[depth]
            del open_marks[depth:]
            found.append(QuotedSpan(opened_at, at + len(mark), opened_at + len(opener), at, opener + mark))
    unclosed.extend((opened_at, opener) for opener, opened_at in open_marks)
    found.sort(key=lambda quote: quote.start)
    return found, unclosed


def _role(text: str, at: int, mark: str, open_marks: list[tuple[str, int]]) -> str | None:
    """Whether the mark at `at` opens or closes a quotation, or neither (an apostrophe)."""
    before = text[at - 1] if at > 0 else " "
    after = text[at + len(mark)] if at + len(mark) < len(text) else " "
    if mark in "'‘’" and before.isalnum() and after.isalnum():
        return None  # an apostrophe: l’Ukraine, don't
    if mark in "«“‹‘":
        return "open"
    if mark in "»”›’":
        return "close" if any(_CLOSING[opener] == mark for opener, _ in open_marks) else None
    # Straight quotes: the same mark both ways, so read the direction from the neighbours.
    opens = (before.isspace() or before in _OPENING_CONTEXT) and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    if mark == "'":
        opens = opens and after.isalpha()  # not '90s
    if closes and open_marks and open_marks[-1][0] == mark:
        return "close"
    return "open" if opens else None


def find_scare_quotes(doc: Any, *, text: str | None = None) -> list[ScareQuote]:
    """The scare quotes of a parsed text, by character offsets into `doc.text`.

    `text` is `doc.text` when the caller has it (spaCy rebuilds it on every access).
    """
    text = doc.text if text is None else text
    quotes = find_quoted_spans(text)
    token_starts = [token.idx for token in doc] if quotes else []
    found: list[ScareQuote] = []
    for quote in quotes:
        if _is_scare_quote(doc, text, quote, token_starts):
            # The inner span is the quoted words, without the spaces of « clair ».
            inner = text[quote.inner_start : quote.inner_end]
            inner_start = quote.inner_start + len(inner) - len(inner.lstrip())
            inner_end = quote.inner_end - (len(inner) - len(inner.rstrip()))
            found.append(
                ScareQuote(
                    start=quote.start,
                    end=quote.end,
                    text=text[quote.start : quote.end],
                    inner_start=inner_start,
                    inner_end=inner_end,
                )
            )
    return found


def _is_scare_quote(doc: Any, text: str, quote: QuotedSpan, token_starts: list[int]) -> bool:
    """Whether a quotation sets a few words apart rather than report speech or name a work.

    Steps:
    1. a few words (at most MAX_WORDS), no finite verb, not a sentence of its own;
    2. not introduced by a colon or a saying verb, not followed by a speech tag;
    3. not a name or the title of a work.
    """
    inner = doc.char_span(quote.inner_start, quote.inner_end, alignment_mode="expand")
    if inner is None:
        return False
    words = [token for token in inner if not (token.is_punct or token.is_space)]
    # 1.
    if not words or len(words) > MAX_WORDS:
        return False
    inner_text = text[quote.inner_start : quote.inner_end]
    if inner_text.rstrip().endswith(_SENTENCE_END):
        return False
    if any(_is_finite_verb(token) for token in words):
        return False
    # 2.
    opening = max(bisect.bisect_right(token_starts, quote.start) - 1, 0)  # the token holding the mark
    closing = bisect.bisect_left(token_starts, quote.end)  # the first token after the quote
    if _introduced_as_speech(doc, text, opening) or _tagged_as_speech(doc, closing, inner_text):
        return False
    # 3.
    return not _is_name_or_title(doc, words, opening)


def _is_finite_verb(token: Any) -> bool:
    return token.pos_ in {"VERB", "AUX"} and "Fin" in token.morph.get("VerbForm")


def _introduced_as_speech(doc: Any, text: str, opening: int) -> bool:
    """A colon or a saying verb just before the opening mark: "il a répondu : «Non»", 'said “no”'."""
    index = opening - 1
    if text[max(doc[opening].idx - 16, 0) : doc[opening].idx].rstrip().lower().endswith(_HEDGED_NAMING):
        return False  # "les soi-disant «experts»": the participle hedges, it reports nothing
    if index >= 0 and doc[index].text in {":", ","}:
        if doc[index].text == ":":
            return True
        index -= 1
    return index >= 0 and doc[index].pos_ in {"VERB", "AUX"} and doc[index].lemma_.lower() in SPEECH_VERBS


def _tagged_as_speech(doc: Any, after: int, inner_text: str) -> bool:
    """A speech tag after the quote: «Non», a-t-il dit / «Non», répond-il / “No,” he said.

    The comma is what makes it a tag, inside the marks in English, outside in French:
    without it the verb after the quote is the quoted word's own ("le ‹régime› a répondu").
    """
    index = after
    if index < len(doc) and doc[index].text in {",", "—", "–"}:
        index += 1
    elif not inner_text.rstrip().endswith(","):
        return False
    for token in doc[index : index + 4]:
        if token.pos_ in {"VERB", "AUX"} and token.lemma_.lower() in SPEECH_VERBS:
            return True
        if token.lower_ in _RELATIVE_PRONOUNS or token.pos_ not in {"PRON", "PROPN", "AUX", "DET", "NOUN"}:
            return False
    return False


def _is_name_or_title(doc: Any, words: list[Any], opening: int) -> bool:
    """Proper nouns only (“Pravda”), a work named just before ("le film «…»"), or a name.

    A quotation of several words that starts with a capital inside a sentence is a name or a
    title: «État islamique», «Rencontres de physique» (French capitalises a name's first word),
    “The Art of the Deal” (English capitalises every word but short function words).
    """
    if all(token.pos_ == "PROPN" for token in words):
        return True
    before = doc[max(opening - 2, 0) : max(opening, 0)]
    if any(token.lemma_.lower() in _WORK_NOUNS or token.lower_ in _WORK_NOUNS for token in before):
        return True
    if len(words) < 2 or not words[0].text[:1].isupper() or _starts_sentence(doc, opening):
        return False
    if doc.lang_ != "en":
        return True
    return all(token.text[:1].isupper() or token.lower_ in _TITLE_SMALL_WORDS for token in words)


def _starts_sentence(doc: Any, index: int) -> bool:
    """Whether only punctuation stands between the token at `index` and its sentence start."""
    while index > 0 and not doc[index].is_sent_start:
        index -= 1
        if not doc[index].is_punct:
            return False
    return True
