"""What the attribution rules ask of a dependency parse, answered once per language.

`Grammar` holds a language's cue lexicon and dependency labels and answers the questions the
rules in `extract.py` ask about a token: is it a reporting verb, who is its subject, which of
its dependents holds a clause, is it negated or hypothetical. The English model labels its
trees with ClearNLP's scheme (nsubj, nsubjpass, dobj, prep/pobj, neg), the French one with
Universal Dependencies (nsubj, nsubj:pass, obj, obl/case, advmod "ne"); `english.py` and
`french.py` fill in the labels and override the few questions whose answer differs.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from parallax.annotate.attributions.lexicon import CueLexicon, CueVerb

# Dependents of a clause head that belong to it but are no part of its content or its
# subject: punctuation trimmed from the ends of spans.
TRIMMED: Final = frozenset(",;:—–-()[]")
# How far up the tree a verb without a subject looks for one ("…, adding that" -> the
# subject of the verb "adding" depends on).
_SUBJECT_CLIMB: Final = 3
_CLAUSE_END: Final = frozenset({",", ";", ":", "—", "–", "(", ".", "!", "?"})
RELATIVE_PRONOUNS: Final = frozenset(
    {"who", "which", "that", "whom", "qui", "lequel", "laquelle", "lesquels", "lesquelles"}
)


@dataclass(frozen=True)
class Labels:
    """The dependency labels of a parser's scheme that the rules read."""

    subject: frozenset[str]  # the active subject: the speaker
    passive_subject: frozenset[str]
    passive_aux: frozenset[str]
    clause: frozenset[str]  # a clausal complement: said that …
    object: frozenset[str]  # a direct object
    open_clause: frozenset[str]  # an infinitive complement sharing the subject: promised to …
    inherits_subject: frozenset[str]  # dependents whose subject is their head's: conj, xcomp, advcl
    incise: frozenset[str]  # how a speech tag hangs on the quoted clause: parataxis, ccomp …
    relative: frozenset[str]
    aux: frozenset[str]
    mark: frozenset[str]
    oblique: frozenset[str]  # a prepositional dependent of a verb (obl / prep)
    nominal_modifier: frozenset[str]  # of a noun: "le communiqué du Kremlin", "statement from"
    apposition: frozenset[str]
    modifier: frozenset[str] = frozenset()  # a verb modifying a noun: "ads supporting Rubio"


class Grammar(abc.ABC):
    """A language's reporting cues and how its parser shows them; subclasses fill the details."""

    labels: Labels
    impersonal_subjects: frozenset[str] = frozenset()  # "on dit que": no one in particular

    def __init__(self, lexicon: CueLexicon) -> None:
        self.lexicon = lexicon

    # --- cues ---------------------------------------------------------------------------------

    def lemma(self, token: Any) -> str:
        """The token's lemma as the lexicon lists it."""
        return self.lexicon.lemma(token)

    def cue_verb(self, token: Any) -> CueVerb | None:
        """The lexicon entry of a reporting verb, or None when the token is not one.

        A phrasal cue ("point out") wins over its verb; a verb whose content may be a
        prepositional object ("call for") gets that frame when the preposition is there.
        """
        if token.pos_ != "VERB":
            return None
        lemma = self.lemma(token)
        if lemma not in self.lexicon.cue_lemmas:
            return None
        children = list(token.children)
        if lemma in self.lexicon.phrasal_heads:
            for child in children:
                phrasal = self.lexicon.phrasal.get((lemma, self.particle_text(child)))
                if phrasal is not None and self.is_particle(token, child):
                    return phrasal
        plain = self.lexicon.verbs.get(lemma)
        if lemma not in self.lexicon.prepositional_heads:
            return plain
        return self._prepositional_cue(token, lemma, children) or plain

    def _prepositional_cue(self, token: Any, lemma: str, children: list[Any]) -> CueVerb | None:
        """The prepositional cue of a verb whose preposition is there: "called for a ban"."""
        plain = self.lexicon.verbs.get(lemma)
        for child in children:
            entry = self.lexicon.prepositional.get((lemma, self.preposition_of(child) or ""))
            if entry is not None and self.prepositional_noun(child) is None:
                entry = None
            if entry is None and child.i > token.i:
                # "calling for the United States to take …": the preposition marks a clause
                mark = next((g for g in child.children if g.dep_ in self.labels.mark), None)
                entry = self.lexicon.prepositional.get((lemma, mark.lower_)) if mark is not None else None
            if entry is not None:
                frames = entry.frames | (plain.frames if plain else frozenset())
                return CueVerb(
                    lemma, entry.category, frames, preposition=entry.preposition, quoted=entry.quoted
                )
        return None

    @abc.abstractmethod
    def preposition_of(self, token: Any) -> str | None:
        """The preposition introducing a dependent of a verb ("for" in "call for a ban"), or None."""

    def prepositional_content(self, verb: Any, preposition: str) -> Any | None:
        """The noun after a cue's preposition ("a ban" in "call for a ban"), or None."""
        for child in verb.children:
            if self.preposition_of(child) == preposition:
                return self.prepositional_noun(child)
        for child in verb.children:
            # "calling for the United States to take a stronger role": the parser makes the
            # preposition the mark of an infinitive clause
            if child.i > verb.i and any(
                grandchild.dep_ in self.labels.mark and grandchild.lower_ == preposition
                for grandchild in child.children
            ):
                return child
        return None

    @abc.abstractmethod
    def prepositional_noun(self, token: Any) -> Any | None:
        """The noun of a prepositional dependent: the object of "for", or the noun itself."""

    def direct_object(self, verb: Any) -> Any | None:
        """The direct object after the verb, or None."""
        return next(
            (child for child in verb.children if child.dep_ in self.labels.object and child.i > verb.i), None
        )

    def object_end(self, verb: Any, obj: Any) -> int:
        """Where a noun-phrase content ends: the object and the rest of the verb's clause.

        "mocked Rubio for “having a tough night” because he did not win", "ont exprimé
        leur mécontentement face à ce blocage": up to a comma, a colon or a coordinated verb.
        """
        doc = verb.doc
        end = obj.right_edge.i
        for token in doc[end + 1 : verb.right_edge.i + 1]:
            if (
                token.text in _CLAUSE_END
                or token.dep_ == "cc"
                or (token.dep_ == "conj" and token.head.i == verb.i)
            ):
                break
            end = token.i
        return int(end)

    def has_completion(self, verb: Any, obj: Any) -> bool:
        """Whether something completes the object into a report: "called him [a liar]".

        The parser often hangs the name on the object instead ("called his actions “a crucial
        step”": an apposition), or cuts it off after a quotation mark.
        """
        if any(child.i > obj.i and self.completes_object(child) for child in verb.children):
            return True
        if any(child.dep_ in self.labels.apposition and child.i > obj.i for child in obj.children):
            return True
        after = obj.right_edge.i + 1
        return bool(after < len(obj.doc) and obj.doc[after].is_quote and obj.doc[after].is_left_punct)

    @abc.abstractmethod
    def completes_object(self, token: Any) -> bool:
        """Whether a dependent of a verb completes its object: "as a liar", "of lying"."""

    def particle_text(self, token: Any) -> str:
        """The word a phrasal cue expects after its verb (a particle, or a French infinitive)."""
        return str(token.lemma_).lower()

    @abc.abstractmethod
    def is_particle(self, verb: Any, child: Any) -> bool:
        """Whether `child` completes `verb` as the second word of a phrasal cue."""

    def cue_tokens(self, verb: Any) -> list[Any]:
        """The tokens of a verb cue: the verb and the particle of a phrasal cue."""
        lemma = self.lemma(verb)
        extra = [
            child
            for child in verb.children
            if (lemma, self.particle_text(child)) in self.lexicon.phrasal and self.is_particle(verb, child)
        ]
        return sorted([verb, *extra], key=lambda token: token.i)

    # --- negation and hypothesis --------------------------------------------------------------

    def is_refused(self, verb: Any) -> bool:
        """Whether the saying is denied, supposed or only intended (not an attribution).

        A verb coordinated to another shares its auxiliaries and modals: "ils doivent
        annuler ou confirmer", "would not say or confirm".
        """
        if self.is_negated(verb) or self.is_hypothetical(verb) or self.is_unrealized(verb):
            return True
        if verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
            head = verb.head
            return self.is_hypothetical(head) or self.is_unrealized(head)
        return False

    def is_unrealized(self, verb: Any) -> bool:
        """Whether the saying is only planned or wished: "plans to announce", "compte demander"."""
        return (
            verb.dep_ in self.labels.open_clause
            and self.lemma(verb.head) in self.lexicon.unrealized_embedding
        )

    def is_negated(self, verb: Any) -> bool:
        """Whether the saying itself is denied: "did not say", "n'a pas dit", "declined to say"."""
        if any(self.negates(child) for child in self._verb_group(verb)):
            return True
        subject = self.subject(verb)
        if subject is not None and self._negative_subject(subject):
            return True
        return (
            verb.dep_ in self.labels.open_clause and self.lemma(verb.head) in self.lexicon.negative_embedding
        )

    def negates(self, token: Any) -> bool:
        """Whether a dependent of a verb negates it."""
        return token.lower_ in self.lexicon.negation

    def _negative_subject(self, subject: Any) -> bool:
        if subject.lower_ in self.lexicon.negative_subjects:
            return True
        first, last = subject.left_edge.i, subject.right_edge.i
        if last - first > 2:
            return False  # "nobody", "no one", "personne": no longer subject negates
        words = " ".join(token.lower_ for token in subject.doc[first : last + 1])
        return words in self.lexicon.negative_subjects

    @abc.abstractmethod
    def is_hypothetical(self, verb: Any) -> bool:
        """Whether the saying is only supposed: "would say", "dirait", "if he says"."""

    def _verb_group(self, verb: Any) -> Iterator[Any]:
        """The verb's own dependents, and those of the auxiliaries it hangs on."""
        yield from verb.children
        if verb.dep_ in self.labels.aux:
            yield from verb.head.children

    # --- roles --------------------------------------------------------------------------------

    def subject(self, verb: Any) -> Any | None:
        """The verb's own active subject, or None."""
        for child in verb.children:
            if child.dep_ in self.labels.subject:
                return child
        return None

    def speaking_subject(self, verb: Any, subject: Any) -> Any | None:
        """Who a subject stands for: a relative pronoun's antecedent, nobody for "on"."""
        if subject.lower_ in RELATIVE_PRONOUNS and verb.dep_ in self.labels.relative:
            return verb.head  # "Trump, who said …": the antecedent says it
        if subject.lower_ in self.impersonal_subjects:
            return None
        return subject

    def has_relative_subject(self, clause: Any) -> bool:
        """Whether a clause's subject is a relative pronoun: a relative clause, not a report."""
        subject = self.subject(clause)
        if subject is None or subject.lower_ not in RELATIVE_PRONOUNS or subject.i >= clause.i:
            return False
        # "Christie said that was a natural part": a demonstrative right after the verb of
        # saying is the clause's subject, not a relative pronoun
        before = subject.doc[subject.i - 1] if subject.i > 0 else None
        return not (before is not None and before.pos_ == "VERB" and before.i == clause.head.i)

    def is_passive(self, verb: Any) -> bool:
        """Whether the verb is passive ("it was announced that", "il a été annoncé que")."""
        passive = self.labels.passive_subject | self.labels.passive_aux
        return any(child.dep_ in passive for child in verb.children)

    @abc.abstractmethod
    def agent(self, verb: Any) -> Any | None:
        """The agent of a passive verb ("by the ministry", "par le ministère"), or None."""

    def speaker(self, verb: Any) -> Any | None:
        """Who says: the verb's subject, a passive's agent, or the subject of the verb it hangs on.

        A passive without an agent has no speaker ("it was announced that"): the subject of
        a passive is what is said, or who is told.
        """
        current = verb
        for _ in range(_SUBJECT_CLIMB):
            if self.is_passive(current):
                return self.agent(current)
            subject = self.subject(current)
            if subject is not None:
                return self.speaking_subject(current, subject)
            if current.dep_ not in self.labels.inherits_subject or current.head.i == current.i:
                return None
            current = current.head
        return None

    def clause_complements(self, verb: Any) -> list[Any]:
        """The dependents that may hold a clause said or thought: "that …", "que …", "whether …"."""
        asking = self.lemma(verb) in self.lexicon.question_verbs
        return [
            child
            for child in verb.children
            if child.dep_ in self.labels.clause
            or (
                child.dep_ in self.labels.object
                and any(grandchild.dep_ in self.labels.mark for grandchild in child.children)
            )
            # "asked workers if they planned to attend": the parser makes the indirect
            # question an adverbial clause
            or (
                asking
                and child.i > verb.i
                and any(
                    grandchild.dep_ in self.labels.mark and grandchild.lower_ in self.lexicon.question_marks
                    for grandchild in child.children
                )
            )
        ]

    def infinitive_complement(self, verb: Any) -> Any | None:
        """The dependent holding an infinitive clause: "promised to …", "a promis de …"."""
        for child in verb.children:
            if child.dep_ in self.labels.open_clause and child.pos_ in {"VERB", "AUX"} and child.i > verb.i:
                return child
        return None

    def statement_vehicle(self, verb: Any) -> Any | None:
        """A statement noun the verb reports through: "said in a statement", "dans un communiqué"."""
        for child in verb.children:
            noun = self.prepositional_object(child)
            if noun is not None and self.is_statement_noun(noun):
                return noun
        return None

    @abc.abstractmethod
    def prepositional_object(self, token: Any) -> Any | None:
        """The noun of a prepositional dependent ("in a statement" -> statement), or None."""

    def is_statement_noun(self, token: Any) -> bool:
        """Whether a noun names the vehicle of a statement (statement, communiqué, interview)."""
        nouns = self.lexicon.statement_nouns
        return token.pos_ in {"NOUN", "PROPN"} and (token.lower_ in nouns or self.lemma(token) in nouns)

    @abc.abstractmethod
    def author(self, noun: Any) -> Any | None:
        """Who a statement noun belongs to: "the ministry's statement", "le communiqué du Kremlin"."""

    def inverted_subject(self, verb: Any) -> Any | None:
        """The subject after a speech tag whose parse lost it: "«…», explique à l'AFP Jean Dupont".

        The first noun after the verb that no preposition introduces, in the same clause.
        """
        doc = verb.doc
        for token in doc[verb.i + 1 : min(verb.i + 10, len(doc))]:
            if token.is_sent_start or token.text in {".", ";", ":", "?", "!"} or token.text in '«“"':
                return None
            if token.dep_ in self.labels.mark or token.head.dep_ in self.labels.clause:
                return None  # the reported clause begins: no subject before it
            if token.pos_ in {"PROPN", "NOUN", "PRON"} and not self.has_preposition(token):
                return token
        return None

    @abc.abstractmethod
    def has_preposition(self, token: Any) -> bool:
        """Whether a noun is introduced by a preposition."""
