"""English: the ClearNLP labels of en_core_web_sm, and what English does differently."""

from __future__ import annotations

from typing import Any, Final

from parallax.annotate.attributions.syntax import Grammar, Labels

LABELS: Final = Labels(
    subject=frozenset({"nsubj"}),
    passive_subject=frozenset({"nsubjpass", "csubjpass"}),
    passive_aux=frozenset({"auxpass"}),
    clause=frozenset({"ccomp"}),
    object=frozenset({"dobj"}),
    open_clause=frozenset({"xcomp"}),
    inherits_subject=frozenset({"conj", "xcomp", "advcl"}),
    incise=frozenset({"parataxis", "advcl", "ccomp", "conj"}),
    relative=frozenset({"relcl"}),
    aux=frozenset({"aux", "auxpass"}),
    mark=frozenset({"mark"}),
    oblique=frozenset({"prep"}),
    nominal_modifier=frozenset({"prep", "poss"}),
    apposition=frozenset({"appos"}),
    modifier=frozenset({"acl", "amod"}),
)
_AUTHOR_PREPOSITIONS: Final = frozenset({"from", "of", "by"})
# Prepositions that complete an object into a report: "described X as Y", "accused X of Y",
# "blamed X for Y".
_COMPLETING_PREPOSITIONS: Final = frozenset({"as", "of", "for"})


class EnglishGrammar(Grammar):
    """Reporting cues in English, read from ClearNLP-style dependencies."""

    labels = LABELS

    def is_particle(self, verb: Any, child: Any) -> bool:
        """A verb particle ("point out") or the adjective of "make clear"."""
        return bool(
            child.dep_ == "prt" or (child.dep_ in {"acomp", "oprd", "ccomp"} and child.i == verb.i + 1)
        )

    def negates(self, token: Any) -> bool:
        """ClearNLP marks negation with its own label ("neg"); "never" is an adverb."""
        return bool(token.dep_ == "neg" or token.lower_ in self.lexicon.negation)

    def is_hypothetical(self, verb: Any) -> bool:
        """A modal auxiliary ("would say", "might argue") or a condition ("if he says")."""
        for child in self._verb_group(verb):
            if child.dep_ == "aux" and child.lower_ in self.lexicon.hypothetical_aux:
                return True
            if child.dep_ == "mark" and child.lower_ in self.lexicon.hypothetical_marks:
                return True
        return False

    def agent(self, verb: Any) -> Any | None:
        """ "was told by X": the object of the agent "by"."""
        for child in verb.children:
            if child.dep_ == "agent":
                return next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"), None)
        return None

    def preposition_of(self, token: Any) -> str | None:
        """A "prep" dependent is its own preposition."""
        return str(token.lower_) if token.dep_ == "prep" else None

    def prepositional_noun(self, token: Any) -> Any | None:
        """The object of a preposition."""
        return next((child for child in token.children if child.dep_ in {"pobj", "pcomp"}), None)

    def completes_object(self, token: Any) -> bool:
        """ "called him [a liar]", "described it [as a farce]", "accused X [of lying]"."""
        return bool(
            token.dep_ in {"oprd", "xcomp"}
            or (token.dep_ == "prep" and token.lower_ in _COMPLETING_PREPOSITIONS)
        )

    def prepositional_object(self, token: Any) -> Any | None:
        """The object of a preposition hanging on a verb: "in a statement"."""
        if token.dep_ != "prep":
            return None
        return next((child for child in token.children if child.dep_ == "pobj"), None)

    def author(self, noun: Any) -> Any | None:
        """ "the ministry's statement", "a statement from the White House"."""
        for child in noun.children:
            if child.dep_ == "poss" and child.pos_ in {"PROPN", "NOUN"}:
                return child
            if child.dep_ == "prep" and child.lower_ in _AUTHOR_PREPOSITIONS:
                pobj = next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"), None)
                if pobj is not None and pobj.pos_ in {"PROPN", "NOUN"}:
                    return pobj
        return None

    def has_preposition(self, token: Any) -> bool:
        """A noun is the object of a preposition."""
        return bool(token.dep_ == "pobj")
