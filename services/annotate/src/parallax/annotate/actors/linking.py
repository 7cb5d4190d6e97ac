"""Link what a parsed text names to the canonical actors of the actor file, across languages.

`link_actors` finds, in order of trust:

1. ALIAS: names, aliases and phrases of the actor file anywhere in the text (not only in
   spaCy's entities), case and accents folded, longest match first ("Vladimir Poutine",
   "l'OTAN", "les autorités russes"). Capitals written in the file must be capitals in the text.
2. TITLE: an office at the article's date ("le président russe", "Russia's foreign minister",
   "le président de la République française"), resolved to whoever held it then; without a
   date, to today's holder with a lower confidence. "former", "ancien", "ex-" block it.
3. METONYM: seats of power always stand for their government ("le Kremlin", "the White
   House"); a capital only when it acts or speaks (a verb's subject, an agent, "selon Moscou",
   the object of "accuser"). Otherwise, and always in a dateline ("WASHINGTON —"), it is the
   city: a PLACE mention of the capital's own entry (`place/moscow`), not of the country, so
   that "in Moscow" and "Russia" stay apart. The file lists as places only the capitals of its
   governments, a few contested regions and the US states; other cities are not actors.
4. FUZZY: spaCy entities left over, matched with rapidfuzz against the names of actors of a
   compatible type (spellings and transliterations folded to a skeleton first), and lone
   surnames of known persons ("M. Macron", "Mr. Obama").
5. COREFERENCE: a short form of a name the same text gives in full ("Zelensky" after
   "Volodymyr Zelensky", "Dupont" after "Jean Dupont").
6. NEW: people and organisations the file does not know, with a stable id from their type and
   folded name (`new/person/jean-dupont`), their short forms merged into them.

Spans: a mention covers the name without its article, determiner or possessive ("l'OTAN" →
"OTAN", "the Kremlin" → "Kremlin", "Russia's" → "Russia"), and titles without their article
("le président russe" → "président russe"); phrases that the file writes with their article
("the West") keep it. A title directly followed by the name of a person ("le chef d'Etat
polonais Andrzej Duda") is one mention, the name's. Nationality adjectives alone ("russe",
"French") are never mentions.

Confidence per method (see the constants below): an exact name of the file is near certain,
a one-word name a little less (a surname may be someone else's); a title is as good as the
date it is resolved at; a fuzzy match is scaled by its similarity; a new actor is a guess.
"""

from __future__ import annotations

import datetime
import enum
import functools
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from parallax.annotate.actors.catalog import (
    ALIAS_GROUPS,
    GENERIC_OFFICES,
    Actor,
    ActorCatalog,
    FrenchForm,
    alias_key,
    cased_token_key,
    fold,
    strip_article,
    token_key,
    uppercase_mask,
)
from parallax.annotate.findings import ActorMention, ActorType, LinkMethod

# Stored results record which algorithm produced them (with the actor file's version).
LINKER_VERSION = "actors.link.v1"

# Confidence per method. An exact name of several words is near certain; a single word ("Bush",
# "Georgia", an acronym) is more often something else.
CONFIDENCE_ALIAS = 0.97
CONFIDENCE_ALIAS_ONE_WORD = 0.93
CONFIDENCE_SEAT = 0.9  # "le Kremlin": a seat of power is a metonym in news almost always
CONFIDENCE_CAPITAL_PHRASE = 0.9  # "les autorités de Kiev"
CONFIDENCE_CAPITAL_ACTING = 0.8  # "Moscou martèle": depends on the parse
CONFIDENCE_TITLE = 0.9  # at the article's date
CONFIDENCE_TITLE_UNDATED = 0.6  # today's holder, for an article of unknown date
CONFIDENCE_FUZZY = 0.85  # times the similarity (0.88 … 1.0)
CONFIDENCE_SURNAME = 0.8  # the only known person with this surname
CONFIDENCE_SURNAME_BY_DATE = 0.6  # several known persons: the one in office nearest the date
CONFIDENCE_COREFERENCE = 0.9  # capped by the confidence of the full name it refers to
CONFIDENCE_NEW = 0.5

# rapidfuzz ratio (0-100) on transliteration skeletons. For people, at 88 a one-letter
# insertion or deletion passes for names of 8+ letters and a substitution for 9+ ("Michael
# Steel", "Lindsay Graham", "Recep Tayyp Erdogan"), and the surname and the first name must
# each stay close too, so that another first name is another person ("Gord Brown" is not
# Gordon Brown: 80). Organisation names share so many generic words ("Comité international
# paralympique" vs "olympique": 91) that they need 95. Skeletons under 6 letters match exactly.
FUZZY_CUTOFF = 88.0
FUZZY_CUTOFF_ORGANISATIONS = 95.0
FUZZY_SURNAME_CUTOFF = 80.0
FUZZY_FIRST_NAME_CUTOFF = 82.0
FUZZY_MIN_LENGTH = 6

_PREFIX_LENGTH = 16  # prefixes of index keys kept for pruning (longer keys share them)

_PERSON_LABELS = frozenset({"PER", "PERSON"})
_ORG_LABELS = frozenset({"ORG"})
_PLACE_LABELS = frozenset({"LOC", "GPE", "FAC"})
_MISC_LABELS = frozenset({"MISC", "NORP"})
_ONTONOTES_LABELS = frozenset({"PERSON", "GPE", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
# Labels spaCy may give an actor of each type without being wrong.
_COMPATIBLE_LABELS: Mapping[ActorType, frozenset[str]] = {
    ActorType.PERSON: _PERSON_LABELS,
    ActorType.ORGANISATION: _ORG_LABELS | _MISC_LABELS,
    ActorType.MEDIA: _ORG_LABELS | _MISC_LABELS | {"WORK_OF_ART", "PRODUCT"},
    ActorType.GROUP: _ORG_LABELS | _MISC_LABELS | _PLACE_LABELS,  # blocs: "l'Occident"
    ActorType.GOVERNMENT: _ORG_LABELS | _MISC_LABELS | _PLACE_LABELS,  # metonyms are places
    ActorType.COUNTRY: _PLACE_LABELS | _ORG_LABELS,  # a country acts
    ActorType.PLACE: _PLACE_LABELS,
}
_EXPECTED_LABEL = {  # (WikiNER label, OntoNotes label) an actor of each type implies
    ActorType.PERSON: ("PER", "PERSON"),
    ActorType.ORGANISATION: ("ORG", "ORG"),
    ActorType.MEDIA: ("ORG", "ORG"),
    ActorType.GROUP: ("ORG", "NORP"),
    ActorType.GOVERNMENT: ("ORG", "ORG"),
    ActorType.COUNTRY: ("LOC", "GPE"),
    ActorType.PLACE: ("LOC", "GPE"),
}
# Which actor types an entity of each label may be fuzzily matched against.
_FUZZY_TYPES = {
    "person": (ActorType.PERSON,),
    "org": (ActorType.ORGANISATION, ActorType.MEDIA, ActorType.GOVERNMENT, ActorType.GROUP),
    "place": (ActorType.COUNTRY, ActorType.PLACE),
    "misc": (ActorType.GROUP, ActorType.ORGANISATION, ActorType.MEDIA),
}
# Place names are matched exactly only: their near misses are other places (Albany/Albania,
# Georgina/Georgia, Americas/America), while their spelling variants are aliases in the file.
_NO_FUZZY_FAMILIES = frozenset({"place"})
# When one name is several actors of different types and nothing else decides.
_TYPE_PREFERENCE = (
    ActorType.PERSON,
    ActorType.ORGANISATION,
    ActorType.MEDIA,
    ActorType.GOVERNMENT,
    ActorType.COUNTRY,
    ActorType.GROUP,
    ActorType.PLACE,
)

# Articles per language, stripped from the front of an entity ("the White House").
_ARTICLE_WORDS = {
    "en": frozenset({"the", "a", "an"}),
    "fr": frozenset({"le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "au", "aux"}),
}
# Words before a name that are not part of it (honorifics, titles), in any language.
_NOT_NAME_WORDS = frozenset(  # folded already: nothing is computed at import time
    """
    m. m mme mlle mr. mr mrs. mrs ms. ms dr. dr sir lord lady dame
    president presidente president-elect senator sen. sen rep. rep gov. gov governor
    secretary minister ministre prime premier chancellor chancelier chanceliere general gen.
    gen general king queen prince princess roi reine pape pope ayatollah sheikh cheikh
    mayor maire judge justice speaker leader chef dirigeant rev. rev father saint
    """.split()
)
# Words before a title that make it somebody else's ("l'ancien président russe").
_NOT_NOW_WORDS = frozenset(
    """
    ancien ancienne anciens ex feu defunt defunte futur future prochain prochaine
    former late then future next incoming would-be onetime one-time erstwhile
    """.split()
)
_ALL_ARTICLES = frozenset().union(*_ARTICLE_WORDS.values())
_SUBJECT_DEPS = frozenset({"nsubj", "nsubj:pass", "nsubjpass", "csubj", "expl:subj"})
_AGENT_DEPS = frozenset({"agent", "obl:agent"})
_OBJECT_DEPS = frozenset({"obj", "dobj", "iobj"})
# Verbs whose object is addressed as an actor ("accusent Moscou de", "urged Washington to").
_ADDRESSING_VERBS = frozenset(
    """
    accuser appeler exhorter presser sommer menacer sanctionner condamner critiquer avertir
    blamer soupconner enjoindre inviter demander
    accuse urge warn sanction condemn criticize criticise blame press call pressure suspect
    threaten
    """.split()
)
_ACCORDING_TO = frozenset({"selon", "d'apres", "pour"})


class _Kind(enum.Enum):
    NAME = "name"  # an actor's name or alias
    GOVERNMENT_PHRASE = "government-phrase"  # "les autorités russes"
    SEAT = "seat"  # "le Kremlin"
    CAPITAL = "capital"  # "Moscou": the city, or its government when it acts
    CAPITAL_PHRASE = "capital-phrase"  # "les autorités de Kiev"
    TITLE = "title"  # "le président russe"


@dataclass(frozen=True, slots=True)
class _Target:
    kind: _Kind
    actor_id: str  # the actor named; for TITLE, the government or organisation of the office
    role: str = ""  # TITLE: the role or generic office
    of: str = ""  # TITLE: country code or actor id; CAPITAL: the actor the city stands for


@dataclass(frozen=True, slots=True)
class _Entry:
    target: _Target
    upper_mask: int  # capitals the text must have (see catalog.uppercase_mask)


@dataclass(slots=True)
class _FuzzyIndex:
    """Skeletons of names, bucketed by their first letter, for one family of actor types."""

    buckets: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    owners: dict[str, list[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(list))
    positions: dict[str, int] = field(default_factory=dict)  # skeleton → its place in its bucket

    def add(self, skeleton: str, actor_id: str) -> None:
        """Index a skeleton; several actors may share one."""
        first = skeleton[0]
        position = self.positions.get(skeleton)
        if position is None:
            self.positions[skeleton] = len(self.buckets[first])
            self.buckets[first].append(skeleton)
            self.owners[first].append((actor_id,))
        elif actor_id not in self.owners[first][position]:
            self.owners[first][position] += (actor_id,)


@dataclass(frozen=True, slots=True)
class _Matcher:
    """Everything `link_actors` needs for one catalog and language, built once and cached."""

    entries: Mapping[str, tuple[_Entry, ...]]
    prefixes: frozenset[str]
    max_tokens: int
    max_key_length: int
    fuzzy: Mapping[str, _FuzzyIndex]
    demonym_keys: frozenset[str]


@dataclass(slots=True)
class _Linked:
    """A mention under construction, by token positions (inclusive)."""

    first: int
    last: int
    actor_id: str
    actor_type: ActorType
    method: LinkMethod
    confidence: float
    entity_label: str | None = None
    country: str | None = None
    words: int = 1  # how many words the name has (a full name has several)


def link_actors(
    doc: Any,
    *,
    language: str,
    published: datetime.date | None,
    catalog: ActorCatalog,
    text: str | None = None,
) -> list[ActorMention]:
    """The actors `doc` names, with offsets into `doc.text`, in text order.

    `doc` is a parsed spaCy Doc (entities and dependencies are used when present), `language`
    the text's ISO 639-1 code, `published` the article's date (titles resolve at it). `text`
    is `doc.text` when the caller has it (spaCy rebuilds it on every access).
    """
    if isinstance(published, datetime.datetime):
        published = published.date()
    linker = _Linker(doc, language=language, published=published, catalog=catalog, text=text)
    return linker.run()


# ---------------------------------------------------------------------------------------------
# The matcher: the actor file's names, phrases and titles as folded keys (one per language)
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _matcher(catalog: ActorCatalog, language: str) -> _Matcher:
    builder = _MatcherBuilder(catalog, language)
    builder.add_names()
    builder.add_templates()
    builder.add_titles()
    return builder.build()


class _MatcherBuilder:
    def __init__(self, catalog: ActorCatalog, language: str) -> None:
        self.catalog = catalog
        self.language = language
        self.entries: dict[str, dict[_Target, int]] = defaultdict(dict)
        self.most_words = 1
        self.fuzzy: dict[str, _FuzzyIndex] = {family: _FuzzyIndex() for family in _FUZZY_TYPES}
        self.capitals: dict[str, str] = {
            actor.capital: actor.id for actor in catalog if actor.capital is not None
        }

    def add(self, text: str, target: _Target) -> None:
        key = alias_key(text)
        if not key:
            return
        mask = uppercase_mask(text)
        # Tokenisers split elisions and hyphens: "l'Alliance", "Etats-Unis" are two or three tokens.
        self.most_words = max(self.most_words, len(re.sub(r"(['’-])", r" \1 ", text).split()))
        known = self.entries[key].get(target)
        # Two spellings of one name: a capital is required only where both have one.
        self.entries[key][target] = mask if known is None else known & mask

    def groups(self, actor: Actor) -> tuple[str, ...]:
        """Whose names count in this language: proper names travel, common nouns do not."""
        if actor.type in (ActorType.PERSON, ActorType.ORGANISATION, ActorType.MEDIA, ActorType.GROUP):
            return ALIAS_GROUPS
        return (self.language, "other")

    def add_names(self) -> None:
        for actor in self.catalog:
            kind = _Kind.GOVERNMENT_PHRASE if actor.type is ActorType.GOVERNMENT else _Kind.NAME
            target = _Target(kind, actor.id)
            if actor.id in self.capitals:
                target = _Target(_Kind.CAPITAL, actor.id, of=self.capitals[actor.id])
            for group in self.groups(actor):
                for name in actor.names_in(group):
                    bare = strip_article(name, group)[1]
                    self.add(bare, target)
                    self.add_fuzzy(bare, actor)
                for phrase in actor.phrases.get(group, ()):
                    self.add(phrase, target)
                for seat in actor.seats.get(group, ()):
                    self.add(strip_article(seat, group)[1], _Target(_Kind.SEAT, actor.id))

    def add_fuzzy(self, name: str, actor: Actor) -> None:
        skeleton = transliteration_skeleton(name)
        if len(skeleton) < FUZZY_MIN_LENGTH:
            return
        for family, types in _FUZZY_TYPES.items():
            if actor.type in types and family not in _NO_FUZZY_FAMILIES:
                self.fuzzy[family].add(skeleton, actor.id)

    def add_templates(self) -> None:
        templates = self.catalog.templates
        for government in self.catalog.by_type(ActorType.GOVERNMENT):
            values = self.placeholder_values(government)
            if not values:
                continue
            for pattern in templates.government.get(self.language, ()):
                for text in expand(pattern, values):
                    self.add(text, _Target(_Kind.GOVERNMENT_PHRASE, government.id))
            for pattern in templates.capital.get(self.language, ()):
                for text in expand(pattern, values):
                    self.add(text, _Target(_Kind.CAPITAL_PHRASE, government.id))
            held = self.catalog.roles_of(government.title_of)
            for role, patterns in templates.roles.items():
                # Only offices somebody in the file held: "chancelier russe" resolves to nobody.
                actual = government.office_role(role) if role in GENERIC_OFFICES else role
                if actual not in held:
                    continue
                target = _Target(_Kind.TITLE, government.id, role=role, of=government.title_of)
                for pattern in patterns.get(self.language, ()):
                    for text in expand(pattern, values):
                        self.add(text, target)

    def placeholder_values(self, government: Actor) -> dict[str, tuple[str, ...]]:
        country = self.catalog.country(government.country) if government.country else None
        if country is None:
            return {}
        values: dict[str, tuple[str, ...]] = {}
        french = country.demonyms.get("fr", ())
        if french:
            for form in FrenchForm:
                values[form.name.lower()] = (french[form],)
        values["adj"] = country.demonyms.get("en", ())
        values["de"] = tuple(french_de(name) for name in country.names_in("fr"))
        values["country"] = country.names_in("en")
        capital = self.catalog.get(government.capital) if government.capital else None
        if capital is not None:
            values["capital"] = capital.names_in("en") + capital.aliases.get("other", ())
            values["capital_de"] = tuple(french_de(name) for name in capital.names_in("fr"))
        return values

    def add_titles(self) -> None:
        for actor in self.catalog:
            for role, phrases in actor.titles.items():
                target = _Target(_Kind.TITLE, actor.id, role=role, of=actor.title_of)
                for phrase in phrases.get(self.language, ()):
                    self.add(phrase, target)

    def build(self) -> _Matcher:
        entries = {
            key: tuple(_Entry(target, mask) for target, mask in targets.items())
            for key, targets in self.entries.items()
        }
        prefixes = {key[:length] for key in entries for length in range(1, min(len(key), _PREFIX_LENGTH) + 1)}
        demonyms = {
            alias_key(form)
            for country in self.catalog.by_type(ActorType.COUNTRY)
            for forms in country.demonyms.values()
            for form in forms
        }
        demonyms |= {key + "s" for key in demonyms}  # "Russians", "Américains"
        return _Matcher(
            entries=entries,
            prefixes=frozenset(prefixes),
            max_tokens=self.most_words + 2,  # and a space token or two (line breaks)
            max_key_length=max(len(key) for key in entries),
            fuzzy=self.fuzzy,
            demonym_keys=frozenset(demonyms),
        )


def expand(pattern: str, values: Mapping[str, tuple[str, ...]]) -> Iterator[str]:
    """Every filling of a template's placeholders ("président {m}" → "président russe")."""
    names = re.findall(r"\{([a-z_]+)\}", pattern)
    if any(not values.get(name) for name in names):
        return
    for combination in itertools.product(*(values[name] for name in names)):
        text = pattern
        for name, value in zip(names, combination, strict=True):
            text = text.replace("{" + name + "}", value, 1)
        yield text


def french_de(name: str) -> str:
    """A French name after "de", article contracted: "de la Russie", "du Brésil", "d'Israël"."""
    article, bare = strip_article(name, "fr")
    if article == "la ":
        return "de la " + bare
    if article == "le ":
        return "du " + bare
    if article == "les ":
        return "des " + bare
    if article:
        return "de l'" + bare
    for capitalised, contracted in (("Le ", "du "), ("Les ", "des ")):
        if bare.startswith(capitalised):
            return contracted + bare[len(capitalised) :]
    return ("d'" if fold(bare[:1]) in "aeiouyh" else "de ") + bare


_SKELETON_RULES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[\s'-]+", ""),
        (r"tch", "ch"),
        (r"sh", "ch"),
        (r"kh", "h"),
        (r"ou", "u"),
        (r"gu(?=[ei])", "g"),
        (r"ck", "k"),
        (r"ph", "f"),
        (r"w", "v"),
        (r"y", "i"),
        (r"(.)\1+", r"\1"),
    )
)


def transliteration_skeleton(text: str) -> str:
    """A folded name with spelling and transliteration variants merged, for fuzzy matching.

    "Zelenskyy", "Zelenskiy", "Zelenski" → "zelenski"; "Loukachenko", "Lukashenko" →
    "lukachenko"; "Sergueï" → "sergei"; "Erdoğan" → "erdogan".
    """
    skeleton = fold(text).replace(".", "")
    for pattern, replacement in _SKELETON_RULES:
        skeleton = pattern.sub(replacement, skeleton)
    return skeleton


# ---------------------------------------------------------------------------------------------
# Linking one text
# ---------------------------------------------------------------------------------------------


class _Linker:
    """One text: the steps of `link_actors`, sharing the Doc and what was found so far."""

    def __init__(
        self,
        doc: Any,
        *,
        language: str,
        published: datetime.date | None,
        catalog: ActorCatalog,
        text: str | None = None,
    ) -> None:
        self.doc = doc
        self.language = language
        self.published = published
        self.day = published or datetime.date.today()
        self.catalog = catalog
        self.matcher = _matcher(catalog, language)
        # Read once: every `doc.text` joins all tokens again, every `doc[i]` builds a Token.
        self.text: str = doc.text if text is None else text
        self.texts: list[str] = []
        self.starts: list[int] = []
        for token in doc:
            self.texts.append(token.text)
            self.starts.append(token.idx)
        self.covered = [False] * len(self.texts)
        self.linked: list[_Linked] = []
        self.entity_at: list[Any] = [None] * len(self.texts)
        labels = set()
        for entity in doc.ents:
            labels.add(entity.label_)
            for position in range(entity.start, entity.end):
                self.entity_at[position] = entity
        # Which label set the model uses (OntoNotes: PERSON, GPE; WikiNER: PER, LOC).
        self.ontonotes = bool(labels & _ONTONOTES_LABELS) or (
            not labels & {"PER", "LOC"} and language == "en"
        )
        self.countries: Counter[str | None] = Counter()
        self.matched = [False] * len(self.texts)  # tokens of the actor file's matches (step 2)
        # Last words of the full names spaCy found ("DeMint" of "Jim DeMint"), for lone names.
        self.person_words = {
            token_key(self.texts[entity.end - 1])
            for entity in doc.ents
            if entity.label_ in _PERSON_LABELS and len(entity) > 1
        }

    def run(self) -> list[ActorMention]:
        """1. match the file's keys; 2. keep the longest; 3. resolve; 4. entities; 5. tidy."""
        # 1.-2. Every key of the actor file in the text, longest first, no overlaps.
        candidates = self.select(self.find_candidates())
        # 3. Names, phrases, titles and metonyms, with the text's dominant country at hand.
        self.countries = Counter(
            self.catalog.get(e[0].target.actor_id).country
            for _, _, e in candidates
            if len(e) == 1 and e[0].target.kind is _Kind.NAME
        )
        for first, last, entries in candidates:
            self.resolve(first, last, entries)
        # 4. spaCy's entities the file did not cover: fuzzy, surnames, coreference, new actors.
        self.link_entities()
        # 5. A title followed by its holder's name is one mention; short forms of full names.
        self.linked.sort(key=lambda item: item.first)
        self.merge_titles_into_names()
        self.mark_short_forms()
        self.merge_administrations()
        return [self.to_mention(item) for item in self.linked]

    # -- 1. and 2. --------------------------------------------------------------------------

    def find_candidates(self) -> list[tuple[int, int, tuple[_Entry, ...]]]:
        matcher = self.matcher
        pieces = [token_key(text) for text in self.texts]
        count = len(pieces)
        found = []
        for first, piece in enumerate(pieces):
            if not piece or piece[:_PREFIX_LENGTH] not in matcher.prefixes:
                continue
            key, last, best = piece, first, None
            while True:
                hits = matcher.entries.get(key)
                if hits:
                    fitting = self.fitting(first, last, hits)
                    if fitting:
                        best = (last, fitting)
                following = last + 1
                while following < count and not pieces[following]:  # spaces, hyphens, full stops
                    following += 1
                if following >= count or following - first >= matcher.max_tokens:
                    break
                key += pieces[following]
                if len(key) > matcher.max_key_length or key[:_PREFIX_LENGTH] not in matcher.prefixes:
                    break
                last = following
            if best is not None:
                found.append((first, best[0], best[1]))
        return found

    def fitting(self, first: int, last: int, hits: tuple[_Entry, ...]) -> tuple[_Entry, ...]:
        """The entries whose capitals the text has (a capitalised alias wants capitals)."""
        if all(entry.upper_mask == 0 for entry in hits):
            return hits
        cased = "".join(cased_token_key(text) for text in self.texts[first : last + 1])
        text_mask = sum(1 << index for index, char in enumerate(cased) if char.isupper())
        return tuple(entry for entry in hits if entry.upper_mask & ~text_mask == 0)

    def select(
        self, found: list[tuple[int, int, tuple[_Entry, ...]]]
    ) -> list[tuple[int, int, tuple[_Entry, ...]]]:
        """Longest first; a candidate overlapping a longer one is dropped."""
        ordered = sorted(found, key=lambda c: (-(self.end_of(c[1]) - self.starts[c[0]]), c[0]))
        taken = self.matched
        kept = []
        for first, last, entries in ordered:
            if any(taken[first : last + 1]):
                continue
            for position in range(first, last + 1):
                taken[position] = True
            kept.append((first, last, entries))
        return sorted(kept)

    # -- 3. ---------------------------------------------------------------------------------

    def resolve(self, first: int, last: int, entries: tuple[_Entry, ...]) -> None:
        targets = [entry.target for entry in entries]
        kinds = {target.kind for target in targets}
        if _Kind.TITLE in kinds:
            self.resolve_title(first, last, [t for t in targets if t.kind is _Kind.TITLE])
            return
        if _Kind.CAPITAL_PHRASE in kinds:
            government = self.target_actor(targets, _Kind.CAPITAL_PHRASE)
            self.add(first, last, government, LinkMethod.METONYM, CONFIDENCE_CAPITAL_PHRASE, entity=False)
            return
        if self.names_something_longer(first, last):
            return  # "Tour de France", "Hunter Biden", "West Virginia": a longer name, step 4's
        if _Kind.GOVERNMENT_PHRASE in kinds:
            government = self.target_actor(targets, _Kind.GOVERNMENT_PHRASE)
            self.add(
                first, last, government, LinkMethod.ALIAS, self.alias_confidence(first, last), entity=True
            )
        elif _Kind.SEAT in kinds:
            government = self.target_actor(targets, _Kind.SEAT)
            self.add(first, last, government, LinkMethod.METONYM, CONFIDENCE_SEAT, entity=True)
        else:
            self.resolve_name(first, last, targets)

    def target_actor(self, targets: list[_Target], kind: _Kind) -> Actor:
        return self.catalog.get(next(target.actor_id for target in targets if target.kind is kind))

    def resolve_title(self, first: int, last: int, targets: list[_Target]) -> None:
        if self.word_before(first) in _NOT_NOW_WORDS:
            return
        for target in targets:
            owner = self.catalog.get(target.actor_id)
            role = owner.office_role(target.role) if target.role in GENERIC_OFFICES else target.role
            holder = self.catalog.holder_of(role, target.of, on=self.day)
            if holder is not None:
                confidence = CONFIDENCE_TITLE if self.published else CONFIDENCE_TITLE_UNDATED
                self.add(first, last, holder, LinkMethod.TITLE, confidence, entity=False)
                return

    def resolve_name(self, first: int, last: int, targets: list[_Target]) -> None:
        actors = [self.catalog.get(target.actor_id) for target in targets]
        label = self.label_at(first, last)
        not_a_person = not any(a.type is ActorType.PERSON for a in actors)
        if label in _PERSON_LABELS and not_a_person and self.is_a_persons_short_name(first, last):
            return  # "Jordan" after "Jim Jordan": a person, not the country
        actor = self.choose(actors, label=label, first=first)
        target = targets[actors.index(actor)]
        if target.kind is _Kind.CAPITAL and not self.is_dateline(first, last) and self.acts(first, last):
            government = self.catalog.get(target.of)
            self.add(first, last, government, LinkMethod.METONYM, CONFIDENCE_CAPITAL_ACTING, entity=True)
            return
        self.add(first, last, actor, LinkMethod.ALIAS, self.alias_confidence(first, last), entity=True)

    def choose(self, actors: list[Actor], *, label: str | None, first: int) -> Actor:
        """One actor for a name several actors share, from spaCy's label and the text."""
        if len(actors) == 1:
            return actors[0]
        if label is not None:
            fitting = [a for a in actors if label in _COMPATIBLE_LABELS[a.type]]
            actors = fitting or actors
        if self.word_before(first) in _ALL_ARTICLES | {"en"}:
            actors = [a for a in actors if a.type is not ActorType.PERSON] or actors
        # The country the text is about decides between Georgia the country and the US state.
        scores = [self.countries.get(a.country, 0) for a in actors]
        best = max(scores)
        if best >= 2 and scores.count(best) == 1:
            return actors[scores.index(best)]
        return min(actors, key=lambda a: _TYPE_PREFERENCE.index(a.type))

    def is_dateline(self, first: int, last: int) -> bool:
        """Whether a place heads a line, as in a dateline ("WASHINGTON —", "Moscou/Paris, 3 février")."""
        line_start = self.text.rfind("\n", 0, self.starts[first]) + 1
        if self.text[line_start : self.starts[first]].strip():
            return False
        return self.word_after(last) in {"—", "–", "-", "--", ",", "/", "(", ":"}

    def acts(self, first: int, last: int) -> bool:
        """Whether a capital speaks or acts here (then it stands for its government)."""
        token = self.doc[first : last + 1].root
        for _ in range(3):
            dep = token.dep_
            if dep in _SUBJECT_DEPS and token.head.pos_ in ("VERB", "AUX"):
                return True  # not "Helsinki will be the final stop" (a nominal predicate)
            if dep in _AGENT_DEPS:
                return True
            if dep == "pobj" and token.head.dep_ == "agent":  # "by Moscow"
                return True
            if dep in _OBJECT_DEPS and token.head.lemma_.lower() in _ADDRESSING_VERBS:
                return True
            if dep != "conj" or token.head.i == token.i:  # "Washington et Moscou ont …"
                break
            token = token.head
        before = self.word_before(first)
        if before in _ACCORDING_TO:
            return before != "pour" or self.word_after(last) == ","  # "pour Moscou, …"
        return before == "to" and self.word_before(first - 1) == "according"

    # -- 4. ---------------------------------------------------------------------------------

    def link_entities(self) -> None:
        """Entities the actor file did not cover: full names first, then lone names."""
        single: list[tuple[int, int, str]] = []
        for entity in self.doc.ents:
            family = _family(entity.label_)
            if family is None or any(self.covered[entity.start : entity.end]):
                continue
            span = self.trim(entity.start, entity.end - 1)
            if span is None:
                continue
            first, last = span
            key = alias_key(self.span_text(first, last))
            if len(key) < 2 or key in self.matcher.demonym_keys:
                continue
            known_surname = bool(self.catalog.persons_with_surname(key)) or key in self.person_words
            if family == "person" and (first == last or known_surname):
                single.append((first, last, entity.label_))
            elif first == last and family == "org" and known_surname and self.texts[first][:1].isupper():
                single.append((first, last, entity.label_))  # "Clinton", "DeMint" labelled ORG
            elif family == "misc" and first == last:
                continue  # "Republican", "Democrat": adjectives and members, not the party
            else:
                self.link_entity(first, last, entity.label_, family)
        for first, last, label in single:
            self.link_single_name(first, last, label)

    def link_entity(self, first: int, last: int, label: str, family: str) -> None:
        text = self.span_text(first, last)
        exact = [a for a in self.catalog.lookup(text) if a.type in _FUZZY_TYPES[family]]
        if exact:
            actor = self.choose(exact, label=label, first=first)
            self.add(
                first, last, actor, LinkMethod.ALIAS, self.alias_confidence(first, last) - 0.05, entity=True
            )
            return
        match = self.fuzzy_match(text, family)
        if match is not None:
            actor, score = match
            self.add(first, last, actor, LinkMethod.FUZZY, CONFIDENCE_FUZZY * score / 100, entity=True)
            return
        if family in ("person", "org") and self.looks_like_a_name(first, last):
            actor_type = ActorType.PERSON if family == "person" else ActorType.ORGANISATION
            self.add_new(first, last, actor_type, label)

    def link_single_name(self, first: int, last: int, label: str) -> None:
        """A lone name: someone this text names in full, else a known surname, else new."""
        if any(self.covered[first : last + 1]):
            return
        key = alias_key(self.span_text(first, last))
        earlier = self.full_name_owner(key, first)
        if earlier is not None:
            actor_id, actor_type, confidence, country = earlier
            self.linked.append(
                _Linked(
                    first,
                    last,
                    actor_id,
                    actor_type,
                    LinkMethod.COREFERENCE,
                    min(confidence, CONFIDENCE_COREFERENCE),
                    label,
                    country,
                )
            )
            self.cover(first, last)
            return
        # A lone surname of somebody from a country the text does not mention is a namesake.
        persons = [
            p for p in self.catalog.persons_with_surname(key) if not p.country or self.countries[p.country]
        ]
        if persons:
            actor, confidence = self.by_date(persons)
            self.add(first, last, actor, LinkMethod.FUZZY, confidence, entity=True)
            return
        match = self.fuzzy_match(self.span_text(first, last), "person")
        if match is not None:
            self.add(first, last, match[0], LinkMethod.FUZZY, CONFIDENCE_FUZZY * match[1] / 100, entity=True)
            return
        if label in _PERSON_LABELS and self.looks_like_a_name(first, last):
            self.add_new(first, last, ActorType.PERSON, label)

    def full_name_owner(self, key: str, position: int) -> tuple[str, ActorType, float, str | None] | None:
        """The person of this text whose full name has this word (the nearest one before)."""
        owners = []
        for item in self.linked:
            if item.actor_type is not ActorType.PERSON or item.words < 2 or item.method is LinkMethod.TITLE:
                continue
            words = [alias_key(w) for w in self.span_text(item.first, item.last).split()]
            surnames: Iterable[str] = ()
            if not item.actor_id.startswith("new/"):
                surnames = (alias_key(s) for s in self.catalog.get(item.actor_id).surnames)
            if key in words or key in surnames:
                owners.append(item)
        if not owners:
            return None
        before = [item for item in owners if item.first < position]
        nearest = max(before, key=lambda i: i.first) if before else min(owners, key=lambda i: i.first)
        return nearest.actor_id, nearest.actor_type, nearest.confidence, nearest.country

    def by_date(self, persons: Sequence[Actor]) -> tuple[Actor, float]:
        """The known person with this surname in office nearest the article's date."""
        if len(persons) == 1:
            return persons[0], CONFIDENCE_SURNAME

        def distance(actor: Actor) -> int:
            return min((role.distance_to(self.day) for role in actor.roles), default=1 << 30)

        return min(persons, key=distance), CONFIDENCE_SURNAME_BY_DATE

    def fuzzy_match(self, text: str, family: str) -> tuple[Actor, float] | None:
        skeleton = transliteration_skeleton(text)
        if len(skeleton) < FUZZY_MIN_LENGTH or family in _NO_FUZZY_FAMILIES:
            return None
        index = self.matcher.fuzzy[family]
        bucket = index.buckets.get(skeleton[0])
        if not bucket:
            return None
        cutoff = FUZZY_CUTOFF if family == "person" else FUZZY_CUTOFF_ORGANISATIONS
        best = process.extractOne(skeleton, bucket, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            return None
        actor = self.catalog.get(index.owners[skeleton[0]][best[2]][0])
        if family == "person" and not _same_person_names(text, actor):
            return None
        return actor, float(best[1])

    def add_new(self, first: int, last: int, actor_type: ActorType, label: str) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", fold(self.span_text(first, last))).strip("-")
        if not slug:
            return
        actor_id = f"new/{actor_type.value}/{slug}"
        words = len(self.span_text(first, last).split())
        self.linked.append(
            _Linked(first, last, actor_id, actor_type, LinkMethod.NEW, CONFIDENCE_NEW, label, None, words)
        )
        self.cover(first, last)

    def trim(self, first: int, last: int) -> tuple[int, int] | None:
        """Drop articles, honorifics and titles before a name, possessives and punctuation after."""
        texts = self.texts
        while first <= last and (
            not texts[first].strip() or fold(texts[first]) in _NOT_NAME_WORDS or self.is_article(first, last)
        ):
            first += 1
        while first <= last and (not any(c.isalnum() for c in texts[last]) or fold(texts[last]) == "'s"):
            last -= 1
        return (first, last) if first <= last else None

    def is_article(self, position: int, last: int) -> bool:
        """An article, not the first word of a name: "the", "la", but not "Le" of "Le Pen"."""
        text = self.texts[position]
        if fold(text) not in _ARTICLE_WORDS.get(self.language, frozenset()):
            return False
        if text.islower() or self.language == "en":
            return True
        return position == last or not self.texts[position + 1][:1].isupper()

    def looks_like_a_name(self, first: int, last: int) -> bool:
        """A name has a capitalised word and is not a common word that starts a sentence."""
        tokens = self.doc[first : last + 1]
        if not any(t.text[:1].isupper() for t in tokens if t.is_alpha):
            return False
        if first == last:
            token = tokens[0]
            if token.is_stop or (token.is_sent_start and token.pos_ not in ("PROPN", "X", "")):
                return False
            if token.pos_ == "NOUN" and not token.text.isupper():
                return False  # "le Parlement", "Tribune": a common noun with a capital
            if len(token.text) < 2 or not any(c.isalpha() for c in token.text):
                return False
        return True

    # -- 5. ---------------------------------------------------------------------------------

    def merge_titles_into_names(self) -> None:
        """A title right before a name is one mention, the name's ("le chef d'Etat polonais Andrzej Duda")."""
        kept: list[_Linked] = []
        for index, item in enumerate(self.linked):
            if item.method is LinkMethod.TITLE and index + 1 < len(self.linked):
                following = self.linked[index + 1]
                gap = self.text[self.end_of(item.last) : self.starts[following.first]]
                named = following.actor_type is ActorType.PERSON and following.method is not LinkMethod.TITLE
                if named and not gap.strip(" ,\n\u00a0"):
                    continue
            kept.append(item)
        self.linked = kept

    def mark_short_forms(self) -> None:
        """A shorter name of a person named in full earlier is a coreference ("Zelensky")."""
        longest: dict[str, tuple[int, float]] = {}  # actor → most words so far, that confidence
        for item in self.linked:
            if item.actor_type is not ActorType.PERSON or item.method is LinkMethod.TITLE:
                continue
            words, confidence = longest.get(item.actor_id, (0, 0.0))
            if item.method is LinkMethod.ALIAS and item.words < words:
                item.method = LinkMethod.COREFERENCE
                item.confidence = min(confidence, CONFIDENCE_COREFERENCE)
            elif item.words > words:
                longest[item.actor_id] = (item.words, item.confidence)

    def merge_administrations(self) -> None:
        """A leader's "administration" is the government they led ("the Obama administration")."""
        for item in self.linked:
            if item.actor_type is not ActorType.PERSON or item.actor_id.startswith("new/"):
                continue
            government = self.government_led_by(self.catalog.get(item.actor_id))
            if government is None:
                continue
            after, before = self.next_word(item.last), self.previous_word(item.first)
            if self.language == "en" and after is not None and fold(self.texts[after]) == "administration":
                item.last = after
            elif (
                self.language == "fr" and before is not None and fold(self.texts[before]) == "administration"
            ):
                item.first = before
            else:
                continue
            item.actor_id, item.actor_type, item.country = government.id, government.type, government.country
            item.method, item.entity_label = LinkMethod.METONYM, None
            item.confidence = min(item.confidence, CONFIDENCE_SEAT)

    def government_led_by(self, person: Actor) -> Actor | None:
        """The government a person headed (president, prime minister, chancellor) at any time."""
        for role in person.roles:
            if role.role in ("president", "prime-minister", "chancellor") and len(role.of) == 2:
                return self.catalog.government(role.of)
        return None

    # -- helpers ----------------------------------------------------------------------------

    def add(
        self, first: int, last: int, actor: Actor, method: LinkMethod, confidence: float, *, entity: bool
    ) -> None:
        label = self.label_at(first, last) if entity else None
        words = len(self.span_text(first, last).split())
        self.linked.append(
            _Linked(
                first, last, actor.id, actor.type, method, round(confidence, 3), label, actor.country, words
            )
        )
        self.cover(first, last)

    def cover(self, first: int, last: int) -> None:
        for position in range(first, last + 1):
            self.covered[position] = True

    def alias_confidence(self, first: int, last: int) -> float:
        return CONFIDENCE_ALIAS if len(self.span_text(first, last).split()) > 1 else CONFIDENCE_ALIAS_ONE_WORD

    def span_text(self, first: int, last: int) -> str:
        return self.text[self.starts[first] : self.end_of(last)]

    def end_of(self, position: int) -> int:
        return self.starts[position] + len(self.texts[position])

    def label_at(self, first: int, last: int) -> str | None:
        """spaCy's label when the mention and an entity share their last token."""
        entity = self.entity_at[last]
        return str(entity.label_) if entity is not None else None

    def previous_word(self, position: int) -> int | None:
        """The token before `position`, spaces and hyphens skipped ("then-President")."""
        position -= 1
        while position >= 0 and (not self.texts[position].strip() or self.texts[position] in "-‐‑–"):
            position -= 1
        return position if position >= 0 else None

    def next_word(self, position: int) -> int | None:
        position += 1
        while position < len(self.texts) and not self.texts[position].strip():
            position += 1
        return position if position < len(self.texts) else None

    def word_before(self, position: int) -> str:
        before = self.previous_word(position)
        return fold(self.texts[before]) if before is not None else ""

    def word_after(self, position: int) -> str:
        after = self.next_word(position)
        return fold(self.texts[after]) if after is not None else ""

    def names_something_longer(self, first: int, last: int) -> bool:
        """Whether the match is part of a longer name spaCy found ("Tour de France", "Hunter Biden").

        The entity must go on with a capitalised word that no other match explains, so that
        "Poutine et Macron" taken as one entity still gives two names.
        """
        entity = self.entity_at[first] or self.entity_at[last]
        if entity is None:
            return False
        for position in itertools.chain(range(entity.start, first), range(last + 1, entity.end)):
            text = self.texts[position]
            if self.matched[position] or not text[:1].isupper() or not text.isalpha():
                continue
            if fold(text) not in _NOT_NAME_WORDS and fold(text) not in _ALL_ARTICLES:
                return True
        return False

    def is_a_persons_short_name(self, first: int, last: int) -> bool:
        """Whether the text names a person in full whose last word this is ("Jim Jordan")."""
        return alias_key(self.span_text(first, last)) in self.person_words

    def to_mention(self, item: _Linked) -> ActorMention:
        start, end = self.starts[item.first], self.end_of(item.last)
        corrected = None
        if item.entity_label is not None and item.entity_label not in _COMPATIBLE_LABELS[item.actor_type]:
            wikiner, ontonotes = _EXPECTED_LABEL[item.actor_type]
            corrected = ontonotes if self.ontonotes else wikiner
        return ActorMention(
            start=start,
            end=end,
            text=self.text[start:end],
            actor_id=item.actor_id,
            actor_type=item.actor_type,
            method=item.method,
            confidence=item.confidence,
            entity_label=item.entity_label,
            corrected_label=corrected,
        )


def _same_person_names(text: str, actor: Actor) -> bool:
    """Whether the first and last words of `text` are close to those of one of the actor's names."""
    words = [transliteration_skeleton(w) for w in text.split()]
    for name in (*actor.names.values(), *(a for group in actor.aliases.values() for a in group)):
        parts = [transliteration_skeleton(w) for w in strip_article(name, "fr")[1].split()]
        if len(parts) < 2 or len(words) < 2:
            continue
        if (
            fuzz.ratio(words[-1], parts[-1]) >= FUZZY_SURNAME_CUTOFF
            and fuzz.ratio(words[0], parts[0]) >= FUZZY_FIRST_NAME_CUTOFF
        ):
            return True
    return len(words) < 2


def _family(label: str) -> str | None:
    if label in _PERSON_LABELS:
        return "person"
    if label in _ORG_LABELS:
        return "org"
    if label in _PLACE_LABELS:
        return "place"
    if label in _MISC_LABELS:
        return "misc"
    return None
