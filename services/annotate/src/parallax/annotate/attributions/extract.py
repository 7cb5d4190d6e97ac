"""extract_attributions(doc, language=…): who says or thinks what in a parsed article.

Rules over spaCy's dependency parse and the text's quotation marks, applied in this order to
one text (a body or a headline); each rule adds drafts, and a later rule never takes what an
earlier one explained:

1. **Verb cues.** Every verb whose lemma is a cue of the language's lexicon
   (`data/cues_<language>.yaml`: verbs of saying, thinking, perceiving, showing and taking a
   side, with the complements each can report through; for English also the verb frames
   PolNeAR's annotators mark, `data/cues_en_polnear.yaml`, derived from its train split by
   `data/derive_polnear_cues.py`). Verbs inside a quotation are the quoted person's words, not
   cues. A negated, hypothetical or merely planned saying ("did not say", "would say", "if he
   says", "declined to say", "plans to announce", "n'a pas dit", "dirait") is refused. The
   content is, in order: the nearest clause or infinitive complement ("said that …", "urged
   Congress to …"), run on to the end of the sentence but never over another speech tag or a
   ", but …" clause; a noun phrase for the verbs that report through one ("denied the
   report", "called him a liar", "called for a ban"); the clause a speech tag stands apart
   from ("The economy, he said, is strong"); the subject of a passive ("Schultz was booed").
   The source is the subject (through relative pronouns, coordination and inversion: "…,
   a déclaré le ministre", "répond-il"), the agent of a passive, or the author of the
   statement the verb speaks through ("said in a statement", "dans un communiqué").
2. **According to.** "according to X", "selon X", "d'après X" attribute the clause they hang
   on to X; a statement noun there ("selon le communiqué de la présidence russe") makes a
   statement whose source is its author. A sentence opening with "For X," / "Pour X," where X
   names a person or an organisation gives X's view.
3. **Quotations and their cues.** A quotation no draft holds yet is given to a speech tag
   after it ("“…,” she said", "«…», a déclaré X") or before it ("She said: “…”", "Il a lancé :
   «…»"), or to a noun phrase and a colon ("Trump on Twitter: “…”", "Le Kremlin : «…»"). An
   interrupted quotation ("“A,” he said, “B.”") is one attribution with two content parts.
4. **Transcripts and embedded posts.** A paragraph opening with a speaker's name and a colon
   ("TAPPER: And obviously, …") is that person speaking; a post embedded as text ("… — Paul
   Ryan (@SpeakerRyan) July 5, 2016") is its author's.
5. **Continuations and floating quotations.** A quotation with no cue that goes on from the
   previous attribution's quotation in the same turn joins it; one that opens a sentence
   within two paragraphs of an attribution with a source is a floating quotation of that
   source (the speaker is resolved later, `speakers.py`).
6. **Kinds.** statement (a statement noun is the cue or the vehicle), colon, according_to,
   floating by their rule; otherwise direct (the content is whole quotations), mixed (it
   holds a quotation and other words) or indirect.

A headline (`headline=True`) also reads "Name: words" as the name's words ("Graham: Trump's
rhetoric destroying GOP"), when the entity recogniser takes the name for a person or an
organisation ("Syrie : …" labels a topic).

Spans are character offsets into `doc.text`. Languages without a cue lexicon (anything but
English and French) get no attributions rather than English rules. docs/attributions.md gives
the measured quality of each rule and kind, and the known limits.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Final

from parallax.annotate.attributions.english import EnglishGrammar
from parallax.annotate.attributions.french import FrenchGrammar
from parallax.annotate.attributions.lexicon import CueVerb, load_cue_lexicon
from parallax.annotate.attributions.quotations import QuotationIndex
from parallax.annotate.attributions.syntax import TRIMMED, Grammar
from parallax.annotate.findings import Attribution, AttributionKind

EXTRACTOR_VERSION: Final = "attributions.v2"

# How far a speech tag may stand from its quotation, in tokens: "“…,” Michael Berkman, director
# of the institute, said" — the subject between them is the longest part.
_TAG_WINDOW: Final = 16
# Words that may stand between a quotation and the verb of its tag (the tag's subject, its
# auxiliaries and adverbs: "“…,” the senator from Ohio also said").
_TAG_WORDS: Final = frozenset(
    {"DET", "PROPN", "NOUN", "ADJ", "PRON", "AUX", "ADV", "PART", "ADP", "NUM", "PUNCT"}
)
_CLAUSE_BREAKS: Final = frozenset({".", "!", "?", ";", ":", "…"})
_INCISE_PUNCT: Final = frozenset({",", "—", "–"})
# Conjunctions that set a clause against the reported one: the writer's, not the speaker's.
_CONTRASTIVE: Final = frozenset(
    {"but", "yet", "while", "although", "mais", "tandis", "alors", "pourtant", "cependant"}
)
_TRAILING: Final = TRIMMED | {"."}
# The longest name before a headline's colon: "Former Secretary of State Hillary Clinton:".
_HEADLINE_SOURCE_WORDS: Final = 6
# The longest name before a transcript line's colon: "Sen. Lindsey Graham:".
_SPEAKER_LINE_WORDS: Final = 5
# Entity labels (English OntoNotes, French WikiNER) of who may speak before a colon.
_SPEAKER_ENTITIES: Final = frozenset({"PERSON", "ORG", "NORP", "PER"})
# "Poll: Trump ties Clinton", "Sondage : …": a poll speaks through its figures.
_POLL_WORDS: Final = frozenset({"poll", "polls", "survey", "sondage", "enquête", "study", "étude"})
# How far after its verb a misattached "que"/"that" clause may start ("a annoncé, dimanche 24
# janvier, que …").
_SURFACE_CLAUSE_REACH: Final = 8
# The longest name after an opinion opener: "Pour le journal Le Monde,".
_OPINION_WORDS: Final = 6
_KIND_OF_FORM: Final = {
    "floating": AttributionKind.FLOATING,
    "colon": AttributionKind.COLON,
    "according": AttributionKind.ACCORDING_TO,
}
# A paragraph opening with a few capitalised words and a colon: where a transcript line may be.
_LINE_OPENING: Final = re.compile(r"(?:^|(?<=\n\n))[^\W\d_][^\n:]{0,60}:", re.MULTILINE)
# The fewest words of a transcript line with no verb ("Clinton: 547." is a tally).
_MIN_LINE_WORDS: Final = 4
# A post embedded as text, its author and handle after a dash at the end of its paragraph.
_EMBEDDED_POST: Final = re.compile(
    r"(?m)^(?P<content>[^\n]{8,}?)\s*(?:pic\.twitter\.com/\S+\s*)?(?P<dash>[—–])\s*"
    r"(?P<source>[^()\n—–]{2,60}?)\s*\(@\w{1,30}\)[^\n]{0,40}$"
)
# How many paragraphs back a floating quotation looks for its speaker.
_FLOATING_REACH: Final = 2


def extract_attributions(
    doc: Any, *, language: str, headline: bool = False, text: str | None = None
) -> list[Attribution]:
    """Every attribution of a parsed text, in text order, spans as offsets into `doc.text`.

    `headline` marks a parsed headline, where "Name: words" attributes the words to the name
    with no quotation marks ("Graham: Trump's rhetoric destroying GOP's chance"). `text` is
    `doc.text` when the caller has it already (spaCy rebuilds it on every access). Languages
    without a cue lexicon (anything but English and French) get none: see the module docstring.
    """
    grammar = grammar_for(language)
    if grammar is None or not doc.has_annotation("DEP"):
        return []
    extraction = _Extraction(doc, grammar, text)
    found = extraction.run()
    if headline:
        # "Blumenthal: ‘No Idea’ If I Would Have Told Hillary": the whole rest of the headline
        # is what the name says, not only its quoted words
        labelled = extraction.headline_colon()
        if labelled:
            ((start, end),) = labelled[0].content
            found = [
                a for a in found if not (start <= a.content[0][0] and a.content[-1][1] <= end)
            ] + labelled
            found.sort(key=lambda attribution: attribution.content[0])
    return found


def grammar_for(language: str) -> Grammar | None:
    """The grammar of a language code ("en", "fr-FR" …), or None when it has no cue lexicon."""
    code = language.strip().lower().replace("_", "-").split("-", 1)[0]
    return _grammar(code)


@functools.cache
def _grammar(code: str) -> Grammar | None:
    lexicon = load_cue_lexicon(code)
    if lexicon is None:
        return None
    grammars: dict[str, type[Grammar]] = {"en": EnglishGrammar, "fr": FrenchGrammar}
    return grammars[code](lexicon) if code in grammars else None


@dataclass
class _Draft:
    """An attribution being built: its spans grow as quotations attach to it."""

    content: list[tuple[int, int]]
    form: str  # "verb", "according", "colon" or "floating"
    cue: list[tuple[int, int]] = field(default_factory=list)
    source: tuple[int, int] | None = None
    source_token: int | None = None
    statement: bool = False
    # Which rule gave the content: "clause", "infinitive", "object", "incise" or "quotation".
    # An adjacent quotation replaces a content that was only a guess (incise) or a summary
    # (object: "a reconnu l'erreur : « … »").
    origin: str = "quotation"
    # What the cue reports (a lexicon category: "speech", "thought", "stance", …); only verb
    # cues have one other than speech.
    reports: str = "speech"

    @property
    def end(self) -> int:
        """Where the attribution's last piece (content, cue or source) ends."""
        ends = [end for _, end in self.content + self.cue]
        if self.source:
            ends.append(self.source[1])
        return max(ends)


class _Extraction:
    """One pass of the rules over one parsed text."""

    def __init__(self, doc: Any, grammar: Grammar, text: str | None = None) -> None:
        self.doc = doc
        self.quotes = QuotationIndex(doc, text)
        self.text: str = self.quotes.text
        self.grammar = grammar
        self.labels = grammar.labels
        self.cues: dict[int, CueVerb] = {}  # accepted cue verbs by token index
        self.cue_tokens: set[int] = set()  # every reporting verb, refused ones too
        self.refused: set[int] = set()  # negated or hypothetical cue verbs
        self.by_verb: dict[int, _Draft] = {}
        self._according: dict[int, int] | None = None
        self._columns: dict[str, list[int]] = {}  # token attributes read as whole columns
        self.drafts: list[_Draft] = []

    def run(self) -> list[Attribution]:
        """Apply the rules in order (see the module docstring) and return the attributions."""
        # 1.
        self._verb_cues()
        # 2.
        self._according_to()
        self._opinion_for()
        # 3.
        covered = self._covered_quotations()
        for number in range(len(self.quotes.quotations)):
            if number not in covered and (
                self._tagged_after(number) or self._introduced_before(number) or self._colon(number)
            ):
                covered.add(number)
        # 4.
        self._speaker_lines()
        self._embedded_posts()
        # 5.
        self._continuations_and_floating(covered)
        # 6.
        return self._finish()

    # --- 1. verbs -----------------------------------------------------------------------------

    def _indices(self, attribute: str, values: list[Any]) -> list[int]:
        """The indices of the tokens whose `attribute` ("POS", "LOWER") is one of `values`.

        Read from one array rather than by making a Token for every word: most of the
        extractor's time beyond the parse used to go into token objects it looked at once.
        """
        column = self._columns.get(attribute)
        if column is None:
            column = self._columns[attribute] = self.doc.to_array(attribute).tolist()
        wanted = _hashes(tuple(values))
        return [index for index, value in enumerate(column) if value in wanted]

    @functools.cached_property
    def sentence_ends(self) -> list[int]:
        """For every token, the index just past its sentence (`token.sent` walks the sentence
        token by token on every call)."""
        ends: list[int] = []
        for sentence in self.doc.sents:
            ends.extend([sentence.end] * (sentence.end - sentence.start))
        return ends

    def _verb_cues(self) -> None:
        from spacy.symbols import VERB

        found: list[tuple[Any, CueVerb]] = []
        doc = self.doc
        verbs = set(self._indices("POS", [VERB]))
        for index in self._indices("LEMMA", sorted(self.grammar.lexicon.lemma_forms)):
            if index not in verbs:
                continue
            token = doc[index]
            if self.quotes.in_markup(token.idx):
                continue  # <tweet author="…">: markup left in the text, not words
            cue = self.grammar.cue_verb(token)
            if (
                cue is None
                or self.quotes.quote_of(token.i) is not None
                or self._opens_according_to(token)
                or self._in_idiom(token)
            ):
                continue  # a verb inside a quotation is part of the quoted words
            self.cue_tokens.add(token.i)
            if self.grammar.is_refused(token):
                self.refused.add(token.i)
                continue
            self.cues[token.i] = cue
            found.append((token, cue))
        for token, cue in found:
            if cue.category in {"stance", "learned"} and not self._holds_stance(token):
                continue
            content, origin = self._parse_content(token, cue)
            if content:
                draft = self._verb_draft(token, content)
                draft.origin = origin
                draft.reports = cue.category
                self.by_verb[token.i] = draft
                self.drafts.append(draft)

    def _in_idiom(self, token: Any) -> bool:
        """A reporting verb in a naming idiom: "known as Super Tuesday" names, nobody says."""
        following = self.doc[token.i + 1].lower_ if token.i + 1 < len(self.doc) else ""
        return (token.lower_, following) in self.grammar.lexicon.idioms

    def _opens_according_to(self, token: Any) -> bool:
        """ "according to X": the according-to rule reads it, not the verb rules."""
        return token.i in self._according_phrases()

    def _according_phrases(self) -> dict[int, int]:
        """Where each according-to phrase starts and ends (token indices), found once."""
        if self._according is not None:
            return self._according
        doc = self.doc
        phrases = self.grammar.lexicon.according_to
        firsts = {phrase[0] for phrase in phrases}
        firsts |= {first.replace("'", "’") for first in firsts}
        self._according = {}
        for index in self._indices("LOWER", sorted(firsts)):
            for phrase in phrases:
                end = index + len(phrase)
                if end <= len(doc) and all(
                    _apostrophe(doc[index + k].lower_) == word for k, word in enumerate(phrase)
                ):
                    self._according[index] = end
                    break
        return self._according

    def _holds_stance(self, verb: Any) -> bool:
        """Whether a verb of taking sides reports someone's stance, not a possibility or a label.

        "Pate supported Crist", "voters want a change" do; "free to support any candidate",
        "can vote for him" (a possibility), "ads supporting Rubio" (a description) and "Want
        more updates?" (no one holding it) do not.
        """
        if verb.dep_ in self.labels.modifier:
            return False
        if "Inf" in verb.morph.get("VerbForm") and not self._done_or_tried(verb):
            return False
        if any(
            child.dep_ in self.labels.aux and child.lower_ in self.grammar.lexicon.modal_aux
            for child in verb.children
        ):
            return False
        return self._speaker(verb) is not None or self._passive_subject(verb) is not None

    def _done_or_tried(self, verb: Any) -> bool:
        """An infinitive that is an act of its own: "did support", "began to rebut"."""
        if any(child.dep_ in self.labels.aux and child.lemma_ == "do" for child in verb.children):
            return True
        return verb.dep_ in self.labels.open_clause and verb.head.pos_ == "VERB"

    def _passive_subject(self, verb: Any) -> Any | None:
        """The subject of a passive verb ("Schultz was booed", "pigs are considered unclean")."""
        return next((child for child in verb.children if child.dep_ in self.labels.passive_subject), None)

    def _passive_content(self, verb: Any, cue: CueVerb) -> list[tuple[int, int]] | None:
        """What a passive report is about: its subject and what completes it.

        "The SVP was rejected by 59.6 percent of voters", "Kyle has been seen as a
        conservative icon": the subject is what is rejected or seen, the agent ("by …") is the
        source. Not for verbs whose object is the addressee ("he was told that …": the
        addressee is no content) nor for clauses, which the clause rule reads.
        """
        if cue.frames.isdisjoint({"object", "naming"}) and cue.category not in {"stance", "learned"}:
            return None
        if self.grammar.lemma(verb) in self.grammar.lexicon.addressee_verbs:
            return None
        subject = self._passive_subject(verb)
        if subject is None or (subject.pos_ == "PRON" and subject.lower_ in {"it", "il"}):
            return None
        first, last = subject.left_edge.i, subject.right_edge.i
        for child in verb.children:
            if child.i > verb.i and (
                child.dep_ in self.labels.open_clause or self.grammar.completes_object(child)
            ):
                last = max(last, child.right_edge.i)
        if first > verb.i:
            return None
        return self._snap([(first, subject.right_edge.i), *([(verb.i + 1, last)] if last > verb.i else [])])

    def _parse_content(self, verb: Any, cue: CueVerb) -> tuple[list[tuple[int, int]] | None, str]:
        """The content the parse gives a cue verb, and the rule that found it.

        In order: a clause ("said that …") or an infinitive ("promised to …"), whichever is
        nearer; a noun phrase ("denied the report", "called for a ban"); the clause a speech
        tag stands apart from ("…, he said"); the subject of a passive ("Schultz was booed").
        """
        for rule in (self._complement_content, self._object_content, self._prepositional_content):
            content, origin = rule(verb, cue)
            if content:
                return content, origin
        incise = self._incise_spans(verb, cue)
        if incise:
            return self._snap(incise), "incise"
        passive = self._passive_content(verb, cue)
        if passive:
            return passive, "object"
        return None, ""

    def _complement_content(self, verb: Any, cue: CueVerb) -> tuple[list[tuple[int, int]] | None, str]:
        """A clause or an infinitive complement, the one nearest the verb.

        "recommandait de rester loin …, avant d'annoncer qu'…": the nearer complement is the
        verb's own; the farther one belongs to the next report.
        """
        grammar = self.grammar
        paragraph = self.quotes.paragraph(verb.idx)
        candidates: list[tuple[Any, str]] = []
        for complement in grammar.clause_complements(verb):
            # a clause in another paragraph is the parser joining two sentences; a clause
            # whose subject is "who"/"qui" is a relative clause it hung on the verb
            if (
                self.quotes.paragraph(complement.idx) == paragraph
                and not grammar.has_relative_subject(complement)
                and complement.left_edge.i not in self.cue_tokens  # ", mentioning …" reports on its own
            ):
                candidates.append((complement, "clause"))
        infinitive = grammar.infinitive_complement(verb) if "infinitive" in cue.frames else None
        if infinitive is not None:
            candidates.append((infinitive, "infinitive"))
        if not candidates and "clause" in cue.frames:
            surface = self._surface_clause(verb)
            if surface is not None:
                return self._snap([surface]), "clause"
        for complement, origin in sorted(candidates, key=lambda pair: self._distance(verb, pair[0])):
            if origin == "infinitive":
                # "urged Congress to act", "appellent les habitants à …": the object is the
                # subject of the reported proposition
                obj = grammar.direct_object(verb)
                first = (
                    obj.left_edge.i if obj is not None and obj.i < complement.i else complement.left_edge.i
                )
                last = self._to_sentence_end(verb, self._content_end(complement))
                return self._snap([(first, last)]), origin
            spans = self._snap(self._clause_spans(complement, verb))
            if "clause" in cue.frames or (spans and self._holds_quotation(spans)):
                return spans, origin
        return None, ""

    def _surface_clause(self, verb: Any) -> tuple[int, int] | None:
        """A "que"/"that" clause a few words after the verb that the parser hung elsewhere.

        "a annoncé, dimanche 24 janvier, que l'Iran s'apprêtait …": with an adjunct between
        them, the parser may attach the clause to a noun or make it a relative clause. Taken
        when no other verb stands between the cue and the "que", up to the end of the sentence.
        """
        doc = self.doc
        end = self.sentence_ends[verb.i]
        for token in doc[verb.i + 1 : min(verb.i + 1 + _SURFACE_CLAUSE_REACH, end)]:
            if token.pos_ in {"VERB", "AUX"} or token.text in _CLAUSE_BREAKS or "\n" in token.text:
                return None
            if token.dep_ in self.labels.mark and token.lower_ in self.grammar.lexicon.clause_marks:
                last = self._to_sentence_end(verb, token.head.i if token.head.i > token.i else token.i)
                return token.i, max(last, token.head.right_edge.i if token.head.i > token.i else token.i)
        return None

    def _object_content(self, verb: Any, cue: CueVerb) -> tuple[list[tuple[int, int]] | None, str]:
        """A noun phrase standing for what is said, or a clause the parser took for an object."""
        grammar = self.grammar
        obj = grammar.direct_object(verb)
        if obj is None:
            return None, ""
        if cue.frames & {"object", "naming", "quoted_object"}:
            spans = self._snap(
                [(obj.left_edge.i, self._to_sentence_end(verb, grammar.object_end(verb, obj)))]
            )
            if (
                "object" in cue.frames
                or ("naming" in cue.frames and grammar.has_completion(verb, obj))
                or ("quoted_object" in cue.frames and spans and self._holds_quotation(spans))
            ):
                return spans, "object"
        if "clause" not in cue.frames:
            return None, ""
        if obj.lower_ in grammar.lexicon.clause_proforms:
            return self._snap([(obj.i, obj.i)]), "clause"  # "half said so", "he said no"
        if self._misparsed_clause(verb, obj):
            # "the candidate said families of people killed by police file lawsuits": a
            # bare clause the parser cut into an object and loose words
            return self._snap([(obj.left_edge.i, grammar.object_end(verb, obj))]), "clause"
        return None, ""

    def _prepositional_content(self, verb: Any, cue: CueVerb) -> tuple[list[tuple[int, int]] | None, str]:
        """The object of a cue's preposition: "called for a ban", "warned of a crisis"."""
        if cue.preposition is None:
            return None, ""
        noun = self.grammar.prepositional_content(verb, cue.preposition)
        if noun is None:
            return None, ""
        spans = self._snap([(noun.left_edge.i, noun.right_edge.i)])
        if not cue.quoted or (spans and self._holds_quotation(spans)):
            return spans, "object"
        return None, ""

    def _clause_spans(self, clause: Any, verb: Any) -> list[tuple[int, int]]:
        """The token range of a reported clause, within the verb's paragraph.

        A clause coordinated to the reported one by ", but" with a subject of its own is the
        writer's, not the speaker's ("Clinton says the mails were personal, but for
        Republicans, it is a smoking gun"), unless "that" repeats the report.
        """
        first, last = clause.left_edge.i, self._content_end(clause)
        for child in clause.children:
            if child.dep_ == "conj" and child.i > clause.i and self._independent_conjunct(child):
                last = min(last, child.left_edge.i - 1)
        last = self._to_sentence_end(verb, last)
        low, high = self.quotes.paragraph_bounds(verb.idx)
        while first <= last and self.doc[first].idx < low:
            first += 1
        while last >= first and self.doc[last].idx >= high:
            last -= 1
        return [(first, last)]

    def _to_sentence_end(self, verb: Any, last: int) -> int:
        """A content after its verb runs on to the end of the sentence, as annotators mark it.

        The parser often hangs the last part of a reported clause on the verb of saying ("the
        poll showed Trump leading with 31 percent, followed by Cruz at 17 percent"). The content
        stops before another reporting verb (", he said", ", saying …") and before a clause set
        against it (", but …").
        """
        doc = self.doc
        if last < verb.i:
            return last
        end = self.sentence_ends[verb.i]
        extended = last
        for token in doc[last + 1 : end]:
            if (token.i in self.cue_tokens and self._reports_on_its_own(token)) or "\n" in token.text:
                break
            if token.lower_ in _CONTRASTIVE and doc[token.i - 1].text in _INCISE_PUNCT:
                break
            extended = token.i
        while extended > last and (doc[extended].is_punct or doc[extended].is_space):
            extended -= 1
        # stop before the subject of a tag: "…, Smith said" / "…, the senator added"
        for token in doc[last + 1 : extended + 1]:
            if token.text in _INCISE_PUNCT and self._tag_follows(token.i):
                return max(last, int(token.i) - 1)
        return extended

    def _reports_on_its_own(self, verb: Any) -> bool:
        """Whether a cue verb heads a report of its own, not a word of the content's phrase.

        ", he said", ", saying …", "; she added" do; "a kind, loving and admirable person"
        (a participle coordinated to a noun) does not.
        """
        head = verb.head
        return bool(
            head.i == verb.i
            or head.pos_ in {"VERB", "AUX"}
            or any(child.dep_ in self.labels.subject for child in verb.children)
        )

    def _tag_follows(self, comma: int) -> bool:
        """Whether a speech tag's words follow a comma: a subject, then a reporting verb."""
        for token in self.doc[comma + 1 : comma + 1 + _TAG_WINDOW]:
            if token.i in self.cue_tokens and self._reports_on_its_own(token):
                return True
            if token.pos_ == "VERB" or token.text in _CLAUSE_BREAKS or token.text in _INCISE_PUNCT:
                return False
        return False

    @staticmethod
    def _distance(verb: Any, complement: Any) -> int:
        """Tokens between a verb and the nearer edge of a complement's subtree."""
        if complement.i > verb.i:
            return int(complement.left_edge.i - verb.i)
        return int(verb.i - complement.right_edge.i)

    def _misparsed_clause(self, verb: Any, obj: Any) -> bool:
        """An object followed, in the verb's clause, by a verb of its own: a clause in disguise.

        Only for verbs whose object is not their addressee (not "told reporters …").
        """
        if obj.pos_ == "PRON" or self.grammar.lemma(verb) in self.grammar.lexicon.addressee_verbs:
            return False
        end = self.grammar.object_end(verb, obj)
        return any(token.pos_ in {"VERB", "AUX"} for token in self.doc[obj.i + 1 : end + 1])

    def _content_end(self, head: Any) -> int:
        """The last token of a content headed by `head`, without a reporting adjunct at its end.

        "de travailler ensemble sur la question en se félicitant du « consensus »", "that
        the moment is wrong, while explaining …": the trailing participle reports on its own
        (and gets its own attribution); it is no part of this content.
        """
        last = int(head.right_edge.i)
        for child in reversed(list(head.children)):
            if child.i <= head.i or child.dep_ not in {"advcl", "conj"} or child.i not in self.cue_tokens:
                continue
            if child.dep_ == "conj" or "Fin" not in child.morph.get("VerbForm"):
                last = min(last, child.left_edge.i - 1)
        return last

    def _independent_conjunct(self, conjunct: Any) -> bool:
        """A conjunct clause with a subject of its own, no "that", after "but" or "yet"."""
        left = conjunct.left_edge.i
        return (
            any(child.dep_ in self.labels.subject for child in conjunct.children)
            and not any(child.dep_ in self.labels.mark for child in conjunct.children)
            and any(token.lower_ in _CONTRASTIVE for token in self.doc[max(left - 2, 0) : left + 1])
        )

    def _incise_spans(self, verb: Any, cue: CueVerb) -> list[tuple[int, int]] | None:
        """The clause a speech tag reports when the tag stands apart from it.

        "The economy is strong, he said" / "The economy, he said, is strong" / "Rubio says,
        win or lose, he is staying" (the parser hangs such tags on the reported clause).
        """
        if not self._is_incise(verb, cue):
            return None
        head = verb.head
        left, right = self._edges(verb)
        if head.i < left:
            return [(head.left_edge.i, left - 1)]
        if head.left_edge.i >= left:  # the tag opens the sentence: "Rubio says, …"
            return [(right + 1, head.right_edge.i)]
        return [(head.left_edge.i, left - 1), (right + 1, head.right_edge.i)]

    def _is_incise(self, verb: Any, cue: CueVerb) -> bool:
        """A speech tag inside or after the clause it reports: "The economy, he said, is strong"."""
        doc, head = self.doc, verb.head
        if head.i == verb.i or verb.dep_ not in self.labels.incise or "quote" not in cue.frames:
            return False
        if self.quotes.quote_of(verb.i) is not None and self.quotes.quote_of(head.i) is None:
            return False
        left, right = self._edges(verb)
        after = doc[right + 1] if right + 1 < len(doc) else None
        if head.i > verb.i and head.left_edge.i >= left:  # "Rubio says, win or lose, he is staying"
            return after is not None and after.text in _INCISE_PUNCT | {":"} and self._is_finite(verb)
        before = doc[left - 1] if left > 0 else None
        if before is None or (before.text not in _INCISE_PUNCT and not self._closes_quotation(before.i)):
            return False
        if head.i > verb.i and not (after is not None and after.text in _INCISE_PUNCT):
            return False
        return self._is_finite(verb) and right - left <= _TAG_WINDOW

    def _is_finite(self, verb: Any) -> bool:
        """A finite verb or a compound tense ("said", "a déclaré"), not a participle ("saying")."""
        return "Fin" in verb.morph.get("VerbForm") or any(
            child.dep_ in self.labels.aux for child in verb.children
        )

    def _edges(self, token: Any) -> tuple[int, int]:
        """The first and last word of a token's subtree, punctuation at either end left out."""
        doc = self.doc
        left, right = token.left_edge.i, token.right_edge.i
        while left < token.i and doc[left].is_punct:
            left += 1
        while right > token.i and doc[right].is_punct:
            right -= 1
        return left, right

    def _closes_quotation(self, index: int) -> bool:
        number = self.quotes.quote_of(index)
        return number is not None and self.quotes.token_range(number)[1] == index

    def _verb_draft(self, verb: Any, content: list[tuple[int, int]]) -> _Draft:
        """A draft for a cue verb: its cue tokens, its speaker, the statement it speaks through."""
        draft = _Draft(content=content, form="verb", cue=self._token_spans(self.grammar.cue_tokens(verb)))
        speaker = self._speaker(verb)
        vehicle = self.grammar.statement_vehicle(verb)
        if vehicle is not None and self.quotes.paragraph(vehicle.idx) != self.quotes.paragraph(verb.idx):
            vehicle = None  # the parser joined two paragraphs
        if vehicle is not None:
            draft.statement = True
            draft.cue = sorted([*draft.cue, self._phrase_span(vehicle)])
            if speaker is None:
                speaker = self.grammar.author(vehicle)
        if speaker is not None and self.grammar.is_statement_noun(speaker):
            draft.statement = True
            draft.cue = sorted([*draft.cue, self._token_span(speaker.i, speaker.i)])
            speaker = self.grammar.author(speaker) or speaker
        if speaker is not None:
            draft.source = self._source_span(speaker, content)
            draft.source_token = speaker.i
        return draft

    def _speaker(self, verb: Any) -> Any | None:
        """The speaker of a cue verb; a speech tag's subject may follow it and be misparsed."""
        grammar = self.grammar
        subject = grammar.subject(verb)
        if subject is not None:
            return grammar.speaking_subject(verb, subject)
        if grammar.is_passive(verb):
            return grammar.agent(verb)
        head = verb.head
        left = self._edges(verb)[0]
        tagging = (
            head.i < verb.i
            and left > 0
            and self._is_finite(verb)
            and (self._closes_quotation(left - 1) or self.doc[left - 1].text in _INCISE_PUNCT)
        )
        if tagging and verb.dep_ not in {"conj", "xcomp"}:
            return grammar.inverted_subject(verb)
        if verb.dep_ in self.labels.inherits_subject:
            if self.quotes.quote_of(head.i) is not None and self.quotes.quote_of(verb.i) is None:
                return grammar.inverted_subject(verb)
            return grammar.speaker(head)
        return grammar.inverted_subject(verb)

    # --- 2. according to ----------------------------------------------------------------------

    def _according_to(self) -> None:
        for start, end in self._according_phrases().items():
            self._according_draft(start, end)

    def _opinion_for(self) -> None:
        """ "Pour L'Opinion, il s'agit d'une intrusion", "For Chait, Williamson is exposing …".

        A sentence opening with "for"/"pour" and the name of a person or an organisation,
        then a comma, gives the rest of the sentence as that source's view.
        """
        doc = self.doc
        openers = self.grammar.lexicon.opinion_openers
        if not openers:
            return
        for index in self._indices("LOWER", sorted(openers)):
            token = doc[index]
            if not (token.is_sent_start or index == 0 or "\n" in doc[index - 1].text):
                continue
            comma = next(
                (t.i for t in doc[index + 1 : min(index + _OPINION_WORDS + 2, len(doc))] if t.text == ","),
                None,
            )
            if comma is None or comma == index + 1:
                continue
            phrase = doc[index + 1 : comma]
            if not any(t.ent_type_ in _SPEAKER_ENTITIES for t in phrase) or any(_is_verb(t) for t in phrase):
                continue
            end = self.sentence_ends[index] - 1
            content = self._trim(comma + 1, end)
            if content is None or self.quotes.quote_of(index) is not None:
                continue
            draft = _Draft(
                content=self._snap([(comma + 1, end)]) or [content],
                form="according",
                cue=[self._token_span(index, index)],
            )
            head = next((t for t in phrase if not index < t.head.i < comma), phrase[-1])
            draft.source = self._trim(index + 1, comma - 1)
            draft.source_token = head.i
            self.drafts.append(draft)

    def _according_draft(self, start: int, end: int) -> None:
        """ "according to X, …", "selon X, …": X says the clause the phrase hangs on."""
        noun = self._phrase_object(start, end)
        if noun is None:
            return
        head = self._clause_head(start, noun)
        phrase_end = max(noun.right_edge.i, end - 1)
        if self.quotes.quote_of(start) is not None:
            return  # part of someone's quoted words
        head_quote = self.quotes.quote_of(head.i)
        if head_quote is not None:
            content: list[tuple[int, int]] | None = list(self.quotes.quotations[head_quote].parts)
        else:
            spans = [(head.left_edge.i, start - 1), (phrase_end + 1, head.right_edge.i)]
            content = self._snap(
                [self._within_paragraph(a, b, self.doc[start].idx) for a, b in spans if a <= b]
            )
        if not content:
            return
        draft = _Draft(content=content, form="according", cue=[self._token_span(start, end - 1)])
        speaker = noun
        if self.grammar.is_statement_noun(noun):
            draft.statement = True
            draft.cue = [self._token_span(start, noun.i)]
            speaker = self.grammar.author(noun) or noun
        draft.source = self._source_span(speaker, content, first=end)
        draft.source_token = speaker.i
        self.drafts.append(draft)

    def _within_paragraph(self, first: int, last: int, offset: int) -> tuple[int, int]:
        """Tokens first..last cut to the paragraph holding `offset` (parses run across them)."""
        low, high = self.quotes.paragraph_bounds(offset)
        doc = self.doc
        while first < last and doc[first].idx < low:
            first += 1
        while last > first and doc[last].idx >= high:
            last -= 1
        return first, last

    def _phrase_object(self, start: int, end: int) -> Any | None:
        """The noun an according-to phrase introduces."""
        doc = self.doc
        last = doc[end - 1]
        for child in last.children:
            if child.dep_ in {"pobj", "obj"} and child.i >= end:
                return child
        first = doc[start]
        if first.head.i >= end and first.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            return first.head
        for token in doc[end : min(end + 6, len(doc))]:
            if token.pos_ in {"NOUN", "PROPN", "PRON"}:
                return token
        return None

    def _clause_head(self, start: int, noun: Any) -> Any:
        """The clause an according-to phrase hangs on (the sentence's root when the parse is lost)."""
        doc = self.doc
        candidate = doc[start].head if doc[start].head.i != noun.i else noun.head
        # "représente donc un danger selon plusieurs observateurs et porterait …": the clause,
        # not the noun the phrase happens to hang on
        for _ in range(3):
            if candidate.pos_ in {"VERB", "AUX"} or candidate.head.i == candidate.i:
                break
            candidate = candidate.head
        if start <= candidate.i <= noun.right_edge.i:
            candidate = doc[start].sent.root
        return candidate

    # --- 3. quotations ------------------------------------------------------------------------

    def _covered_quotations(self) -> set[int]:
        covered: set[int] = set()
        for draft in self.drafts:
            for start, end in draft.content:
                covered.update(self.quotes.overlapping(start, end))
        return covered

    def _tagged_after(self, number: int) -> bool:
        """“…,” she said / «…», a déclaré le ministre / «…», répond-il."""
        doc = self.doc
        _, last = self.quotes.token_range(number)
        if last < 0:
            return False
        index = last + 1
        while index < len(doc) and doc[index].text in {",", "—", "–", "-"}:
            index += 1
        for token in doc[index : min(index + _TAG_WINDOW, len(doc))]:
            if token.i in self.refused or self.quotes.quote_of(token.i) is not None:
                return False
            if token.text in _CLAUSE_BREAKS or "\n" in token.text:
                return False
            cue = self.cues.get(token.i)
            if cue is not None and "quote" in cue.frames:
                return self._attach(number, token)
            if token.pos_ == "VERB" or token.pos_ not in _TAG_WORDS:
                return False
        return False

    def _introduced_before(self, number: int) -> bool:
        """She said: “…” / He told reporters, “…” / Il a lancé : «…»."""
        doc = self.doc
        first, last = self.quotes.token_range(number)
        index = first - 1
        if index >= 0 and doc[index].text in {":", ",", "—", "–"}:
            index -= 1
        if index < 0 or self.quotes.quote_of(index) is not None:
            return False
        verb = None
        candidates = [doc[index], *doc[index].ancestors]
        candidates += [token.head for token in doc[first : last + 1] if not first <= token.head.i <= last]
        for candidate in candidates[:6]:
            cue = self.cues.get(candidate.i)
            if cue is not None and "quote" in cue.frames and first - _TAG_WINDOW <= candidate.i < first:
                verb = candidate
                break
        if verb is None:
            return False
        between = self.text[verb.idx + len(verb.text) : self.quotes.quotations[number].start]
        if "\n" in between or any(mark in between for mark in (".", "!", "?")):
            return False  # a cue of an earlier sentence: the quotation is its own (floating)
        draft = self.by_verb.get(verb.i)
        if draft is not None and draft.origin in {"clause", "infinitive"}:
            # "estime que c'est impossible : « … »": a second attribution, by the colon
            return doc[first - 1].text == ":" and self._colon_after(number, draft, first - 1)
        return self._attach(number, verb)

    def _colon_after(self, number: int, draft: _Draft, colon: int) -> bool:
        parts = list(self.quotes.quotations[number].parts)
        colon_draft = _Draft(content=parts, form="colon", cue=[self._token_span(colon, colon)])
        colon_draft.source, colon_draft.source_token = draft.source, draft.source_token
        self.drafts.append(colon_draft)
        return True

    def _attach(self, number: int, verb: Any) -> bool:
        """Give a quotation to a cue verb as its content (or as one more part of it)."""
        parts = list(self.quotes.quotations[number].parts)
        draft = self.by_verb.get(verb.i)
        if draft is None:
            draft = self._verb_draft(verb, parts)
            self.by_verb[verb.i] = draft
            self.drafts.append(draft)
        elif draft.origin in {"incise", "object"} and not self._all_quoted(draft.content):
            draft.content = parts
            draft.origin = "quotation"
        else:
            draft.content = sorted(draft.content + parts)
        return True

    def _all_quoted(self, spans: list[tuple[int, int]]) -> bool:
        """Whether every span is a whole quotation: "«A», a expliqué X, «B»" holds A already."""
        quoted = {part for quotation in self.quotes.quotations for part in quotation.parts}
        return bool(spans) and all(span in quoted for span in spans)

    def _colon(self, number: int) -> bool:
        """X : «…» / Trump on Twitter: “…” — a noun phrase, a colon and a quotation."""
        doc = self.doc
        first, _ = self.quotes.token_range(number)
        colon = first - 1
        if colon < 1 or doc[colon].text != ":":
            return False
        start = colon - 1
        while (
            start > 0 and not doc[start].is_sent_start and doc[start - 1].text not in _CLAUSE_BREAKS | {","}
        ):
            start -= 1
        phrase = doc[start:colon]
        if not 1 <= len(phrase) <= 10 or any(_is_verb(token) for token in phrase):
            return False
        heads = [token for token in phrase if not start <= token.head.i < colon or token.head.i == token.i]
        head = next((token for token in heads if _is_nominal(token)), None)
        if head is None or "\n" in self.text[phrase.start_char : phrase.end_char]:
            return False
        parts = list(self.quotes.quotations[number].parts)
        draft = _Draft(content=parts, form="colon", cue=[self._token_span(colon, colon)])
        draft.source = self._token_span(start, colon - 1)
        draft.source_token = head.i
        self.drafts.append(draft)
        return True

    def headline_colon(self) -> list[Attribution]:
        """ "Trump: 'I'm the worst thing that ever happened to the establishment'" in a headline.

        The words before the colon must be a short noun phrase naming someone (no verb, not a
        rubric such as "Exclusive" or "Vidéo"); the rest of the headline is what they say.
        """
        doc = self.doc
        colon = next((token.i for token in doc[: _HEADLINE_SOURCE_WORDS + 1] if token.text == ":"), None)
        if colon is None or colon == 0:
            return []
        phrase = doc[:colon]
        words = " ".join(token.lower_ for token in phrase)
        if (
            any(_is_verb(token) or (token.pos_ in {"PUNCT", "NUM"} and token.text != ".") for token in phrase)
            or not any(_is_nominal(token) for token in phrase)
            or words in self.grammar.lexicon.headline_rubrics
            or phrase[0].lower_ in self.grammar.lexicon.headline_rubrics
            or not self._names_someone(phrase)
        ):
            return []
        content = self._trim(colon + 1, len(doc) - 1)
        if content is None:
            return []
        head = next(
            (token for token in phrase if not 0 <= token.head.i < colon or token.head.i == token.i),
            phrase[-1],
        )
        source = self._trim(0, colon - 1)
        return [
            Attribution(
                kind=AttributionKind.COLON,
                content=(content,),
                cue=(self._token_span(colon, colon),),
                source=source,
                source_token=head.i if _is_nominal(head) else phrase[-1].i,
            )
        ]

    # --- 4. transcripts and embedded posts ----------------------------------------------------

    def _speaker_lines(self) -> None:
        """Transcript lines: "TAPPER: And obviously, you're supporting Donald Trump …".

        A paragraph that opens with a name (one to four capitalised words, no verb) and a colon
        is that person speaking, to the end of the paragraph.
        """
        doc, text = self.doc, self.text
        openings = {match.start() for match in _LINE_OPENING.finditer(text)}
        if not openings:
            return
        taken = {start for draft in self.drafts for start, _ in draft.content}
        for paragraph_start in self.quotes.paragraph_starts:
            if paragraph_start not in openings:
                continue
            first = self._token_at(paragraph_start)
            if first is None:
                continue
            colon = next(
                (t.i for t in doc[first : min(first + _SPEAKER_LINE_WORDS + 1, len(doc))] if t.text == ":"),
                None,
            )
            if colon is None or colon == first:
                continue
            phrase = doc[first:colon]
            if "\n" in text[phrase.start_char : phrase.end_char] or not all(
                token.text[:1].isupper() or token.text in {".", "-"} for token in phrase
            ):
                continue
            words = " ".join(token.lower_ for token in phrase)
            if words in self.grammar.lexicon.headline_rubrics or any(_is_verb(token) for token in phrase):
                continue
            if not (
                self._names_someone(phrase) or all(token.text.isupper() for token in phrase if token.is_alpha)
            ):
                continue
            _, paragraph_end = self.quotes.paragraph_bounds(paragraph_start)
            last = self._token_at(paragraph_end - 1, before=True)
            content = self._trim(colon + 1, last) if last is not None else None
            if content is None or content[0] in taken or not self._says_something(colon + 1, last):
                continue  # "Clinton: 547." is a tally, not a line
            draft = _Draft(content=[content], form="colon", cue=[self._token_span(colon, colon)])
            draft.source = self._trim(first, colon - 1)
            draft.source_token = next((t.i for t in reversed(phrase) if t.pos_ == "PROPN"), colon - 1)
            self.drafts.append(draft)

    def _names_someone(self, phrase: Any) -> bool:
        """Whether a phrase names a person or an organisation (not a place or a topic).

        "Syrie : deux mosquées visées" and "Orlando: 50 dead" label a topic; "Graham: Trump's
        rhetoric …" and "AP-GfK Poll: …" give someone's words. The entity recogniser tells.
        """
        return any(token.ent_type_ in _SPEAKER_ENTITIES for token in phrase) or any(
            token.lower_ in self.grammar.lexicon.statement_nouns or token.lower_ in _POLL_WORDS
            for token in phrase
        )

    def _says_something(self, first: int, last: int | None) -> bool:
        """Whether tokens first..last hold a statement: a verb, or a few words."""
        if last is None:
            return False
        tokens = [token for token in self.doc[first : last + 1] if not (token.is_punct or token.is_space)]
        return any(token.pos_ in {"VERB", "AUX"} for token in tokens) or len(tokens) >= _MIN_LINE_WORDS

    def _embedded_posts(self) -> None:
        """A post embedded as text: "… pic.twitter.com/x — Paul Ryan (@SpeakerRyan) July 5, 2016"."""
        if "(@" not in self.text:
            return
        for match in _EMBEDDED_POST.finditer(self.text):
            start = match.start("content")
            while self.quotes.in_markup(start):  # <tweet author="…">Iron Mike Tyson was …
                start += 1
            first = self._token_at(start)
            last = self._token_at(match.end("content") - 1, before=True)
            source_first = self._token_at(match.start("source"))
            source_last = self._token_at(match.end("source") - 1, before=True)
            if first is None or last is None or source_first is None or source_last is None:
                continue
            content = self._trim(first, last)
            if content is None:
                continue
            draft = _Draft(content=[content], form="colon", cue=[(match.start("dash"), match.end("dash"))])
            draft.source = self._trim(source_first, source_last)
            draft.source_token = source_last
            self.drafts.append(draft)

    def _token_at(self, offset: int, *, before: bool = False) -> int | None:
        """The token holding a character offset, or the next one (the previous one if `before`)."""
        span = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        if span is not None and len(span):
            return int(span[0].i)
        index = bisect.bisect_right(self.quotes.token_starts, offset) - (1 if before else 0)
        return index if 0 <= index < len(self.doc) else None

    # --- 5. continuations and floating quotations ---------------------------------------------

    def _continuations_and_floating(self, covered: set[int]) -> None:
        """Quotations with no cue: the rest of an interrupted one, or the last speaker's words."""
        for number, quotation in enumerate(self.quotes.quotations):
            if number in covered or not self.quotes.is_speech_like(number):
                continue
            previous = self._last_speaker_before(quotation.start)
            if previous is None:
                continue
            gap = self.text[previous.end : quotation.start]
            if self._same_turn(previous.end, quotation.start) and self._ends_with_quotation(previous):
                previous.content = sorted(previous.content + list(quotation.parts))
                continue
            if not self._starts_sentence(number) or gap.count("\n\n") > _FLOATING_REACH:
                continue
            self.drafts.append(
                _Draft(
                    content=list(quotation.parts),
                    form="floating",
                    source=previous.source,
                    source_token=previous.source_token,
                )
            )

    def _same_turn(self, end: int, start: int) -> bool:
        """Whether only the rest of a tag's sentence stands between an attribution and a quotation.

        “A,” Smith said with a smile. “B.” — B goes on with A, in the same paragraph.
        """
        if "\n" in self.text[end:start]:
            return False
        doc = self.doc
        between = doc.char_span(end, start, alignment_mode="contract")
        tokens = [token for token in between if not token.is_space] if between is not None else []
        return not any(token.text in {".", "!", "?", ";"} for token in tokens[:-1])

    def _last_speaker_before(self, offset: int) -> _Draft | None:
        candidates = [draft for draft in self.drafts if draft.source is not None and draft.end <= offset]
        return max(candidates, key=lambda draft: draft.end, default=None)

    def _ends_with_quotation(self, draft: _Draft) -> bool:
        start, end = draft.content[-1]
        return any(
            part == (start, end)
            for number in self.quotes.overlapping(start, end)
            for part in self.quotes.quotations[number].parts
        )

    def _starts_sentence(self, number: int) -> bool:
        start = self.quotes.quotations[number].start
        before = self.text[:start].rstrip()
        return (
            not before
            or before.endswith((".", "!", "?", "…", "»", "”", '"', ":"))
            or "\n" in self.text[len(before) : start]
        )

    # --- 6. kinds and order -------------------------------------------------------------------

    def _finish(self) -> list[Attribution]:
        found: dict[tuple[tuple[int, int], ...], Attribution] = {}
        for draft in self.drafts:
            content = tuple(sorted(set(draft.content)))
            if not content or content in found or self._within_other_words(draft):
                continue
            found[content] = Attribution(
                kind=self._kind(draft, content),
                content=content,
                cue=tuple(sorted(set(draft.cue))),
                source=draft.source,
                source_token=draft.source_token,
            )
        return sorted(found.values(), key=lambda attribution: attribution.content[0])

    def _within_other_words(self, draft: _Draft) -> bool:
        """A thought, wish or stance, or a thing done, reported inside someone's reported words
        ("he said Carter believes …", "says it raised $21 million"): the outer speaker's claim,
        not a second act of speech, where the lexicon says so (`nested_reports: speech`, as
        PolNeAR's annotators mark English news). Saying inside saying through a clause ("said
        that Smith told him …") stays, and so does anything holding a quotation."""
        if (
            self.grammar.lexicon.nested_reports == "all"
            or (draft.reports == "speech" and draft.origin not in {"object", "infinitive"})
            or not draft.cue
            or self.quotes.overlapping(draft.content[0][0], draft.content[-1][1])
        ):
            return False
        cue_start = draft.cue[0][0]
        return any(
            start <= cue_start < end
            for other in self.drafts
            if other is not draft
            for start, end in other.content
        )

    def _kind(self, draft: _Draft, content: tuple[tuple[int, int], ...]) -> AttributionKind:
        """The kind of a draft: by its form (floating, statement, colon, according to), else by
        how much of its content is quoted (direct, mixed, indirect)."""
        if draft.statement and draft.form != "floating":
            return AttributionKind.STATEMENT
        by_form = _KIND_OF_FORM.get(draft.form)
        if by_form is not None:
            return by_form
        quoted = {
            part
            for number in self.quotes.overlapping(content[0][0], content[-1][1])
            for part in self.quotes.quotations[number].parts
        }
        if not quoted:
            return AttributionKind.INDIRECT
        return AttributionKind.DIRECT if set(content) <= quoted else AttributionKind.MIXED

    # --- spans --------------------------------------------------------------------------------

    def _snap(self, token_spans: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
        """Character spans of token ranges, made to hold whole quotations.

        A range inside a quotation, or a quotation and punctuation, becomes the quotation with
        its marks (direct speech); a range that holds part of a quotation grows to hold all of
        it (mixed speech).
        """
        spans: list[tuple[int, int]] = []
        for first, last in token_spans:
            span = self._trim(first, last)
            if span is None:
                continue
            start, end = span
            quotations = [self.quotes.quotations[number] for number in self.quotes.overlapping(start, end)]
            if not quotations:
                spans.append(span)
                continue
            if len(quotations) == 1 and quotations[0].start <= start and end <= quotations[0].end:
                spans.extend(quotations[0].parts)
                continue
            start, end = min(start, quotations[0].start), max(end, quotations[-1].end)
            outside = self.text[start:end]
            for quotation in reversed(quotations):
                outside = outside[: quotation.start - start] + outside[quotation.end - start :]
            if outside.strip(" ,.;:—–-\n"):
                spans.append((start, end))
            else:
                spans.extend(part for quotation in quotations for part in quotation.parts)
        return sorted(set(spans)) or None

    def _holds_quotation(self, spans: list[tuple[int, int]]) -> bool:
        return any(self.quotes.overlapping(start, end) for start, end in spans)

    def _trim(self, first: int, last: int) -> tuple[int, int] | None:
        """The character span of tokens first..last without the punctuation at its ends."""
        doc = self.doc
        while first <= last and (doc[first].is_space or doc[first].text in TRIMMED):
            first += 1
        while last >= first and (doc[last].is_space or doc[last].text in _TRAILING):
            last -= 1
        if first > last:
            return None
        return doc[first].idx, doc[last].idx + len(doc[last].text)

    def _token_span(self, first: int, last: int) -> tuple[int, int]:
        return self.doc[first].idx, self.doc[last].idx + len(self.doc[last].text)

    def _token_spans(self, tokens: list[Any]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for token in tokens:
            start, end = token.idx, token.idx + len(token.text)
            if spans and self.text[spans[-1][1] : start].strip() == "":
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        return spans

    def _phrase_span(self, noun: Any) -> tuple[int, int]:
        """A prepositional phrase from its preposition to its noun: "in a statement"."""
        first = noun.left_edge.i
        if noun.head.i < first and noun.head.pos_ == "ADP":
            first = noun.head.i
        return self._token_span(first, noun.i)

    def _source_span(
        self, speaker: Any, content: list[tuple[int, int]], *, first: int = 0
    ) -> tuple[int, int]:
        """The speaker's noun phrase, cut short where it would run into the content or the cue."""
        doc = self.doc
        if speaker.pos_ == "PRON":
            start, end = self._token_span(speaker.i, speaker.i)
            return (start + 1, end) if speaker.text.startswith("-") else (start, end)  # "répond-il"
        low, high = max(speaker.left_edge.i, first), speaker.right_edge.i
        while low < speaker.i and (doc[low].dep_ == "case" or doc[low].pos_ == "ADP"):
            low += 1  # "de la présidence russe": the author without its preposition
        while (
            high + 1 < len(doc) and doc[high + 1].pos_ == "PROPN" and doc[high + 1].head.i == speaker.head.i
        ):
            high += 1  # a name the parser split into two subjects: "Vladimir" "Poutine"
        span = self._trim(low, high)
        if span is None or any(start < span[1] and span[0] < end for start, end in content):
            low = high = speaker.i
            while (
                low > 0
                and doc[low - 1].head.i == speaker.i
                and doc[low - 1].dep_ in {"compound", "det", "amod", "flat:name", "flat"}
            ):
                low -= 1
            while (
                high + 1 < len(doc)
                and doc[high + 1].head.i in {speaker.i, high}
                and doc[high + 1].dep_ in {"flat:name", "flat", "compound"}
            ):
                high += 1
            span = self._trim(low, high) or self._token_span(speaker.i, speaker.i)
        return span


@functools.cache
def _hashes(values: tuple[Any, ...]) -> frozenset[int]:
    """spaCy's hashes of strings (numbers stay as they are), computed once."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, no stub

    return frozenset(value if isinstance(value, int) else hash_string(value) for value in values)


def _is_verb(token: Any) -> bool:
    """A verb, but not a name the tagger took for one ("Trump")."""
    return token.pos_ in {"VERB", "AUX"} and not token.text.istitle()


def _is_nominal(token: Any) -> bool:
    return token.pos_ in {"PROPN", "NOUN", "PRON"} or (token.pos_ == "VERB" and token.text.istitle())


def _apostrophe(word: str) -> str:
    return word.replace("’", "'")
