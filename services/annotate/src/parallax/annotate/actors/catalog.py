"""The curated actor file (`data/actors.yaml`): loading, validating and indexing it.

An `Actor` is one canonical actor (a person, a government, a country, an organisation, a media
outlet, a group, a place) with its names per language, aliases and, for persons, the offices
they held with dates. `ActorCatalog` indexes the file by folded alias, by surname and by office,
so that a title ("le président russe") resolves to whoever held it at an article's date.

Folding is shared by the index and the text: `fold` for readable comparisons, `alias_key` for
index keys (folded, with spaces, hyphens and full stops removed, so that "Etats-Unis",
"États Unis" and "ETATS-UNIS" are one key, and "U.S." and "US" another).
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from parallax.annotate.findings import ActorType

CATALOG_PATH = Path(__file__).with_name("data") / "actors.yaml"

# The languages the file names things in; "other" holds transliterations and native scripts.
LANGUAGES = ("en", "fr")
ALIAS_GROUPS = (*LANGUAGES, "other")

# Generic offices a template or a title may name; each government says which role fills them
# (the head of state of the United Kingdom is the monarch, of Russia the president).
GENERIC_OFFICES = ("head-of-state", "head-of-government", "leader")
_DEFAULT_OFFICES = MappingProxyType(
    {"head-of-state": "president", "head-of-government": "prime-minister", "leader": "president"}
)

# Placeholders a template may use, per language (see `templates` in the actor file).
TEMPLATE_PLACEHOLDERS = MappingProxyType(
    {
        "fr": frozenset({"m", "f", "mp", "fp", "de", "capital_de"}),
        "en": frozenset({"adj", "country", "capital"}),
    }
)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_ACTOR_ID = re.compile(r"^[a-z]+(?:/[a-z0-9][a-z0-9.-]*)+$")
_ID_PREFIXES = MappingProxyType({actor_type: actor_type.value for actor_type in ActorType})

_ARTICLES = MappingProxyType(
    {"fr": ("les ", "le ", "la ", "l'", "l’"), "en": ("the ",), "other": ()},
)
# Articles that may open a name with a capital ("Le Monde", "L'Express", "The Hill").
_NAME_ARTICLES = frozenset({"le", "la", "les", "the"})
_ELIDED_ARTICLES = ("l'", "l’")


class CatalogError(ValueError):
    """The actor file is malformed; the message names the entry and what to fix."""


# ---------------------------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------------------------

_APOSTROPHES = "'’‘ʼ`´′"
_HYPHENS = "-‐‑‒–—―−"
_QUOTES = '«»“”„‟"'
# Characters without a Unicode decomposition that still have an obvious Latin base.
_SPECIAL_BASES = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS", "þ": "th", "Þ": "TH",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
}  # fmt: skip
# Russian, Ukrainian and Belarusian Cyrillic to Latin, close to the BGN/PCGN spellings the
# English press uses ("Путин" → "putin", "Зеленський" → "zelenskiy").
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip
# Whole words written in two ways ("St. Petersburg", "Saint-Pétersbourg").
_ABBREVIATIONS = MappingProxyType({"st": "saint", "ste": "sainte"})


def _latin_base(char: str) -> str:
    if char in _SPECIAL_BASES:
        return _SPECIAL_BASES[char]
    lower = char.lower()
    if lower in _CYRILLIC:
        latin = _CYRILLIC[lower]
        return latin.capitalize() if char != lower else latin
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _tables() -> tuple[dict[int, str | None], dict[int, str | None], dict[int, str | None]]:
    """The translation tables: fold (lowercase), key (lowercase, separators removed), cased key."""
    fold: dict[int, str | None] = {}
    key: dict[int, str | None] = {}
    cased: dict[int, str | None] = {}
    ranges = (range(0x41, 0x5B), range(0xC0, 0x250), range(0x400, 0x500), range(0x1E00, 0x1F00))
    for code in (c for r in ranges for c in r):
        base = _latin_base(chr(code))
        if base == chr(code).lower() == chr(code) or len(base) != len(base.lower()):
            continue
        fold[code] = key[code] = base.lower()
        cased[code] = base
    for char in _APOSTROPHES:
        fold[ord(char)] = key[ord(char)] = cased[ord(char)] = "'"
    for char in _QUOTES:
        fold[ord(char)] = key[ord(char)] = cased[ord(char)] = '"'
    for char in _HYPHENS:
        fold[ord(char)] = "-"
        key[ord(char)] = cased[ord(char)] = None
    for char in " \t\n\r\f\v\u00a0\u2007\u2009\u202f.":
        key[ord(char)] = cased[ord(char)] = None
    for char in "\u00a0\u2007\u2009\u202f":
        fold[ord(char)] = " "
    return fold, key, cased


def fold(text: str) -> str:
    """Lowercase `text`, strip accents, transliterate Cyrillic and unify apostrophes and dashes."""
    words = text.translate(_tables()[0]).split()
    return " ".join(_ABBREVIATIONS.get(word.rstrip("."), word) for word in words)


def token_key(token_text: str) -> str:
    """The index key of one token (or one whitespace-free word): `alias_key` for a single word."""
    piece = token_text.translate(_tables()[1])
    return _ABBREVIATIONS.get(piece, piece)


def cased_token_key(token_text: str) -> str:
    """`token_key` with the letters' case kept, position for position (for capital checks)."""
    piece = token_text.translate(_tables()[2])
    replacement = _ABBREVIATIONS.get(piece.lower())
    if replacement is None:
        return piece
    return replacement.capitalize() if piece[:1].isupper() else replacement


def alias_key(text: str) -> str:
    """The index key of a name or phrase: folded, without spaces, hyphens or full stops."""
    return "".join(token_key(word) for word in text.split())


def uppercase_mask(text: str) -> int:
    """A bit per letter of `alias_key(text)` that is a capital in `text` (bit 0 = first letter).

    An alias written with capitals only matches a text with capitals in the same places
    ("Le Monde" is not "le monde", "US" is not "us"); a leading capitalised article is free.
    """
    words = text.split()
    cased = "".join(cased_token_key(word) for word in words)
    mask = sum(1 << index for index, char in enumerate(cased) if char.isupper())
    first = words[0].lower() if words else ""
    if first in _NAME_ARTICLES or first.startswith(_ELIDED_ARTICLES):
        mask &= ~1  # "le Monde", "selon l'Express": running text lowercases the article
    return mask


def strip_article(name: str, language: str) -> tuple[str, str]:
    """Split a lowercase leading article off a name: ("la ", "Russie"), ("", "Cuba")."""
    for article in _ARTICLES.get(language, ()):
        if name.startswith(article) and len(name) > len(article):
            return article, name[len(article) :]
    return "", name


# ---------------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Role:
    """An office a person held: `role` of `of` (a country code or an actor id), between two days."""

    role: str
    of: str
    start: datetime.date | None
    end: datetime.date | None  # exclusive: the day the successor took office; None while in it

    def held_on(self, day: datetime.date) -> bool:
        """Whether the office was held on `day`."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def distance_to(self, day: datetime.date) -> int:
        """Days between `day` and the time in office (0 when held on that day)."""
        if self.held_on(day):
            return 0
        if self.start is not None and day < self.start:
            return (self.start - day).days
        return (day - self.end).days if self.end is not None else 0


class FrenchForm(enum.IntEnum):
    """Positions of the four forms of a French adjective in `Actor.demonyms["fr"]`."""

    M = 0
    F = 1
    MP = 2
    FP = 3


@dataclass(frozen=True, slots=True, eq=False)
class Actor:
    """One canonical actor of the actor file. Compare actors by `id`."""

    id: str
    type: ActorType
    names: Mapping[str, str]  # language → name as written mid-sentence ("la Russie")
    country: str | None = None  # ISO 3166-1 alpha-2
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # en, fr, other
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # indexed verbatim
    demonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # fr: m, f, mp, fp
    roles: tuple[Role, ...] = ()
    surnames: tuple[str, ...] = ()
    capital: str | None = None  # a place that stands for this actor when it acts or speaks
    seats: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # always stand for it
    offices: Mapping[str, str] = field(default_factory=dict)  # generic office → role
    titles: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    def name(self, language: str = "en") -> str:
        """The actor's name in `language` (else English, else any), without its article."""
        name = self.names.get(language) or self.names.get("en") or next(iter(self.names.values()))
        return strip_article(name, language)[1]

    def names_in(self, group: str) -> tuple[str, ...]:
        """The name and aliases of one alias group (en, fr, other), articles kept."""
        name = self.names.get(group)
        return ((name,) if name else ()) + self.aliases.get(group, ())

    @property
    def title_of(self) -> str:
        """What a role of this actor is "of": the country code of a state, else the actor id."""
        if self.type in (ActorType.GOVERNMENT, ActorType.COUNTRY) and self.country:
            return self.country
        return self.id

    def office_role(self, office: str) -> str:
        """The role that fills a generic office ("head-of-state" → "monarch")."""
        return self.offices.get(office) or _DEFAULT_OFFICES.get(office, office)


@dataclass(frozen=True, slots=True)
class Templates:
    """Phrase patterns expanded per government with its country's names and demonyms."""

    government: Mapping[str, tuple[str, ...]]  # language → patterns naming a government
    capital: Mapping[str, tuple[str, ...]]  # language → patterns with the capital city
    roles: Mapping[str, Mapping[str, tuple[str, ...]]]  # role → language → patterns


class ActorCatalog:
    """The actor file, indexed: by id, by folded alias per language, by surname, by office."""

    def __init__(
        self, *, version: str, actors: Sequence[Actor], templates: Templates, source: str = "<memory>"
    ) -> None:
        self.version = version
        self.source = source
        self.templates = templates
        self._actors: dict[str, Actor] = {}
        for actor in actors:
            if actor.id in self._actors:
                raise CatalogError(f"{source}: the id {actor.id!r} is used by two entries; ids are unique")
            self._actors[actor.id] = actor
        self._check_references()
        self._aliases = self._index_aliases()
        self._surnames = self._index_surnames()
        self._holders = self._index_roles()
        self._by_country: dict[tuple[ActorType, str], Actor] = {}
        for actor in actors:
            if actor.country and actor.type in (ActorType.COUNTRY, ActorType.GOVERNMENT):
                self._by_country.setdefault((actor.type, actor.country), actor)

    # -- access ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._actors)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors.values())

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._actors

    def get(self, actor_id: str) -> Actor:
        """The actor with this id; KeyError names the id when the file has no such entry."""
        try:
            return self._actors[actor_id]
        except KeyError:
            raise KeyError(f"no actor {actor_id!r} in the actor file {self.version}") from None

    def by_type(self, actor_type: ActorType) -> tuple[Actor, ...]:
        """Every actor of one type, in file order."""
        return tuple(actor for actor in self._actors.values() if actor.type is actor_type)

    def country(self, code: str) -> Actor | None:
        """The country actor of an ISO 3166-1 alpha-2 code."""
        return self._by_country.get((ActorType.COUNTRY, code))

    def government(self, code: str) -> Actor | None:
        """The government actor of a country, when the file has one."""
        return self._by_country.get((ActorType.GOVERNMENT, code))

    # -- lookups --------------------------------------------------------------------------------

    def alias_index(self, group: str) -> Mapping[str, tuple[str, ...]]:
        """alias_key → actor ids, for one alias group (en, fr, other)."""
        return self._aliases.get(group, MappingProxyType({}))

    def lookup(self, text: str, *, language: str | None = None) -> tuple[Actor, ...]:
        """Actors named exactly `text` (case, accents, hyphens folded), in `language` or any."""
        # As written ("the West" is a phrase) and without a leading article ("l'Afghanistan").
        keys = dict.fromkeys(
            [alias_key(text), *(alias_key(strip_article(text, lang)[1]) for lang in LANGUAGES)]
        )
        groups = (language, "other") if language else ALIAS_GROUPS
        ids = dict.fromkeys(
            i for group in groups for key in keys for i in self.alias_index(group).get(key, ())
        )
        return tuple(self._actors[i] for i in ids)

    def persons_with_surname(self, surname: str) -> tuple[Actor, ...]:
        """Known persons whose family name is `surname` (folded)."""
        return tuple(self._actors[i] for i in self._surnames.get(alias_key(surname), ()))

    def holder_of(self, role: str, of: str, *, on: datetime.date | None = None) -> Actor | None:
        """Who held `role` of `of` (a country code or actor id) on a day (default: today)."""
        day = on or datetime.date.today()
        held = [
            (r.start or datetime.date.min, i) for r, i in self._holders.get((role, of), ()) if r.held_on(day)
        ]
        return self._actors[max(held)[1]] if held else None

    def roles_of(self, of: str) -> frozenset[str]:
        """The roles anybody in the file held of `of` (a country code or actor id)."""
        return frozenset(role for role, owner in self._holders if owner == of)

    # -- indexing -------------------------------------------------------------------------------

    def _check_references(self) -> None:
        codes = {a.country for a in self._actors.values() if a.type is ActorType.COUNTRY}
        for actor in self._actors.values():
            where = f"{self.source}: entry {actor.id!r}"
            if actor.country and actor.country not in codes:
                raise CatalogError(
                    f"{where}: country {actor.country!r} has no `country/` entry; add it first"
                )
            if actor.capital and self._actors.get(actor.capital, _NO_ACTOR).type is not ActorType.PLACE:
                raise CatalogError(f"{where}: capital {actor.capital!r} is not a place of the file")
            for role in actor.roles:
                if role.of not in codes and role.of not in self._actors:
                    raise CatalogError(
                        f"{where}: role {role.role!r} is of {role.of!r}, which is neither a country "
                        "code of the file nor an actor id"
                    )

    def _index_aliases(self) -> dict[str, Mapping[str, tuple[str, ...]]]:
        index: dict[str, dict[str, list[str]]] = {group: defaultdict(list) for group in ALIAS_GROUPS}
        for actor in self._actors.values():
            for group, key in _alias_keys(actor):
                if actor.id not in index[group][key]:
                    index[group][key].append(actor.id)
        for group, keys in index.items():
            for key, ids in keys.items():
                self._refuse_same_type(group, key, ids)
        return {g: MappingProxyType({k: tuple(v) for k, v in keys.items()}) for g, keys in index.items()}

    def _refuse_same_type(self, group: str, key: str, ids: list[str]) -> None:
        seen: dict[ActorType, str] = {}
        for actor_id in ids:
            actor_type = self._actors[actor_id].type
            if actor_type in seen:
                raise CatalogError(
                    f"{self.source}: the {group} alias {key!r} names two {actor_type.value}s, "
                    f"{seen[actor_type]!r} and {actor_id!r}; keep it on one of them (an ambiguous "
                    "surname belongs in neither: the linker resolves surnames by context)"
                )
            seen[actor_type] = actor_id

    def _index_surnames(self) -> Mapping[str, tuple[str, ...]]:
        index: dict[str, list[str]] = defaultdict(list)
        for actor in self.by_type(ActorType.PERSON):
            for surname in actor.surnames:
                if actor.id not in index[alias_key(surname)]:
                    index[alias_key(surname)].append(actor.id)
        return MappingProxyType({key: tuple(ids) for key, ids in index.items()})

    def _index_roles(self) -> Mapping[tuple[str, str], tuple[tuple[Role, str], ...]]:
        index: dict[tuple[str, str], list[tuple[Role, str]]] = defaultdict(list)
        for actor in self._actors.values():
            for role in actor.roles:
                index[(role.role, role.of)].append((role, actor.id))
        return MappingProxyType({key: tuple(value) for key, value in index.items()})


_NO_ACTOR = Actor(id="none/none", type=ActorType.GROUP, names={})


def _alias_keys(actor: Actor) -> Iterator[tuple[str, str]]:
    """(alias group, key) of every name, alias, phrase and seat of an actor."""
    for group in ALIAS_GROUPS:
        for name in (*actor.names_in(group), *actor.seats.get(group, ())):
            yield group, alias_key(strip_article(name, group)[1])
        for phrase in actor.phrases.get(group, ()):
            yield group, alias_key(phrase)


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def load_catalog(path: Path | str | None = None) -> ActorCatalog:
    """Load, validate and index the actor file (the one shipped with Parallax by default).

    Cached once per process and path; raises `CatalogError` naming the faulty entry.
    """
    import yaml

    source = Path(path) if path is not None else CATALOG_PATH
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(
            source.read_text(encoding="utf-8"), Loader=loader
        )  # a safe loader: plain data only
    except yaml.YAMLError as error:
        raise CatalogError(f"{source}: not valid YAML: {error}") from error
    return catalog_from_document(document, source=str(source))


def catalog_from_document(document: Any, *, source: str = "<memory>") -> ActorCatalog:
    """Build a catalog from the parsed YAML document (a mapping with version, templates, actors)."""
    if not isinstance(document, Mapping) or not isinstance(document.get("actors"), list):
        raise CatalogError(f"{source}: expected a mapping with `version`, `templates` and an `actors` list")
    version = document.get("version")
    if not isinstance(version, str) or not version:
        raise CatalogError(f'{source}: `version` must be a non-empty string such as "2026.11.1"')
    templates = _parse_templates(document.get("templates") or {}, source=source)
    actors = [_parse_actor(raw, position, source=source) for position, raw in enumerate(document["actors"])]
    return ActorCatalog(version=version, actors=actors, templates=templates, source=source)


def _parse_templates(raw: Any, *, source: str) -> Templates:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{source}: `templates` must be a mapping")
    roles_raw = raw.get("roles") or {}
    if not isinstance(roles_raw, Mapping):
        raise CatalogError(f"{source}: `templates.roles` must map a role to patterns per language")
    return Templates(
        government=_template_group(raw.get("government"), where=f"{source}: templates.government"),
        capital=_template_group(raw.get("capital"), where=f"{source}: templates.capital"),
        roles=MappingProxyType(
            {
                str(role): _template_group(patterns, where=f"{source}: templates.roles.{role}")
                for role, patterns in roles_raw.items()
            }
        ),
    )


def _template_group(raw: Any, *, where: str) -> Mapping[str, tuple[str, ...]]:
    group = _language_lists(raw, where=where, groups=LANGUAGES)
    for language, patterns in group.items():
        for pattern in patterns:
            unknown = set(_PLACEHOLDER.findall(pattern)) - TEMPLATE_PLACEHOLDERS[language]
            if unknown:
                raise CatalogError(
                    f"{where}: {pattern!r} uses {sorted(unknown)}; {language} patterns may use "
                    f"{sorted(TEMPLATE_PLACEHOLDERS[language])}"
                )
    return group


class _EntryParser:
    """Reads one raw entry, raising CatalogError messages that name it."""

    def __init__(self, raw: Any, position: int, source: str) -> None:
        if not isinstance(raw, Mapping):
            raise CatalogError(f"{source}: actors[{position}] is not a mapping")
        self.raw = raw
        label = raw.get("id") if isinstance(raw.get("id"), str) else f"actors[{position}]"
        self.where = f"{source}: entry {label!r}"

    def fail(self, message: str) -> CatalogError:
        return CatalogError(f"{self.where}: {message}")

    def identity(self) -> tuple[str, ActorType]:
        actor_id, type_name = self.raw.get("id"), self.raw.get("type")
        try:
            actor_type = ActorType(str(type_name))
        except ValueError:
            known = ", ".join(t.value for t in ActorType)
            raise self.fail(f"unknown type {type_name!r}; use one of {known}") from None
        if not isinstance(actor_id, str) or not _ACTOR_ID.match(actor_id):
            raise self.fail("`id` must look like `person/vladimir-putin` (lowercase, slash-separated)")
        if actor_id.split("/", 1)[0] != _ID_PREFIXES[actor_type]:
            raise self.fail(f"the id of a {actor_type.value} starts with `{_ID_PREFIXES[actor_type]}/`")
        return actor_id, actor_type

    def country(self, key: str = "country") -> str | None:
        code = self.raw.get(key)
        if code is None:
            return None
        if not isinstance(code, str) or not _COUNTRY_CODE.match(code):
            raise self.fail(
                f"`{key}` must be an ISO 3166-1 alpha-2 code such as 'RU' (quote 'NO'), not {code!r}"
            )
        return code

    def names(self) -> Mapping[str, str]:
        names = self.raw.get("names")
        if not isinstance(names, Mapping) or not names:
            raise self.fail("`names` must give the name per language, e.g. {en: Russia, fr: la Russie}")
        for language, name in names.items():
            if language not in LANGUAGES or not isinstance(name, str) or not name.strip():
                raise self.fail(f"`names` has {language!r}: {name!r}; expected en/fr and a non-empty name")
        return MappingProxyType(dict(names))

    def lists(self, key: str, groups: tuple[str, ...] = ALIAS_GROUPS) -> Mapping[str, tuple[str, ...]]:
        return _language_lists(self.raw.get(key), where=f"{self.where}: `{key}`", groups=groups)

    def demonyms(self) -> Mapping[str, tuple[str, ...]]:
        raw = self.lists("demonyms", groups=LANGUAGES)
        french = raw.get("fr")
        if french is None:
            return raw
        if len(french) not in (1, 2, 4):
            raise self.fail("`demonyms.fr` lists the masculine, optionally the feminine, or all four forms")
        return MappingProxyType({**raw, "fr": french_adjective_forms(french)})

    def roles(self) -> tuple[Role, ...]:
        raw = self.raw.get("roles") or []
        if not isinstance(raw, list):
            raise self.fail("`roles` must be a list of {role, of, from, to}")
        roles = []
        for item in raw:
            if not isinstance(item, Mapping) or not isinstance(item.get("role"), str):
                raise self.fail(f"role {item!r} needs at least `role` and `of`")
            of = item.get("of")
            if not isinstance(of, str) or not (_COUNTRY_CODE.match(of) or _ACTOR_ID.match(of)):
                raise self.fail(
                    f"role {item['role']!r}: `of` must be a country code or an actor id, not {of!r}"
                )
            start, end = self.day(item.get("from"), item["role"]), self.day(item.get("to"), item["role"])
            if start and end and end <= start:
                raise self.fail(f"role {item['role']!r} ends ({end}) before it starts ({start})")
            roles.append(Role(role=item["role"], of=of, start=start, end=end))
        return tuple(roles)

    def day(self, value: Any, role: str) -> datetime.date | None:
        """A date, "YYYY-MM" or a year (the first day of that month or year), or None."""
        if value is None or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
            return value
        text = str(value)
        for pattern, suffix in ((r"\d{4}-\d{2}-\d{2}", ""), (r"\d{4}-\d{2}", "-01"), (r"\d{4}", "-01-01")):
            if re.fullmatch(pattern, text):
                try:
                    return datetime.date.fromisoformat(text + suffix)
                except ValueError:
                    break
        raise self.fail(f"role {role!r}: {value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")

    def titles(self) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
        raw = self.raw.get("titles") or {}
        if not isinstance(raw, Mapping):
            raise self.fail("`titles` must map a role to phrases per language")
        return MappingProxyType(
            {
                str(role): _language_lists(phrases, where=f"{self.where}: titles.{role}", groups=LANGUAGES)
                for role, phrases in raw.items()
            }
        )

    def offices(self) -> Mapping[str, str]:
        raw = self.raw.get("offices") or {}
        if not isinstance(raw, Mapping) or any(office not in GENERIC_OFFICES for office in raw):
            raise self.fail(f"`offices` maps {', '.join(GENERIC_OFFICES)} to a role")
        return MappingProxyType({str(k): str(v) for k, v in raw.items()})


def _parse_actor(raw: Any, position: int, *, source: str) -> Actor:
    entry = _EntryParser(raw, position, source)
    actor_id, actor_type = entry.identity()
    known = {
        "id", "type", "names", "country", "aliases", "phrases", "demonyms", "roles", "surnames",
        "capital", "seats", "offices", "titles",
    }  # fmt: skip
    unknown = set(raw) - known
    if unknown:
        raise entry.fail(f"unknown field(s) {sorted(unknown)}; known fields are {sorted(known)}")
    names = entry.names()
    aliases = entry.lists("aliases")
    surnames = tuple(str(s) for s in raw.get("surnames") or ())
    if actor_type is ActorType.PERSON and "surnames" not in raw:
        surnames = _derived_surnames(names, aliases)
    capital = raw.get("capital")
    if capital is not None and not isinstance(capital, str):
        raise entry.fail("`capital` must be the id of a place")
    return Actor(
        id=actor_id,
        type=actor_type,
        names=names,
        country=entry.country(),
        aliases=aliases,
        phrases=entry.lists("phrases"),
        demonyms=entry.demonyms(),
        roles=entry.roles(),
        surnames=surnames,
        capital=capital,
        seats=entry.lists("seats"),
        offices=entry.offices(),
        titles=entry.titles(),
    )


def _language_lists(raw: Any, *, where: str, groups: tuple[str, ...]) -> Mapping[str, tuple[str, ...]]:
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where} must map {'/'.join(groups)} to lists of strings")
    result = {}
    for group, values in raw.items():
        if group not in groups:
            raise CatalogError(f"{where}: unknown language {group!r}; use {', '.join(groups)}")
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise CatalogError(f"{where}.{group} must be a list of non-empty strings, not {values!r}")
        result[group] = tuple(values)
    return MappingProxyType(result)


_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _derived_surnames(names: Mapping[str, str], aliases: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The last word of each full name ("Vladimir Poutine" → "Poutine"), suffixes skipped."""
    surnames: dict[str, None] = {}
    for name in (*names.values(), *(a for group in aliases.values() for a in group)):
        words = [w for w in name.replace(",", " ").split() if alias_key(w) not in _NAME_SUFFIXES]
        if len(words) >= 2 and not words[-1].endswith("."):
            surnames[words[-1]] = None
    return tuple(surnames)


def french_adjective_forms(forms: Sequence[str]) -> tuple[str, ...]:
    """The masculine, feminine, masculine plural and feminine plural of a French adjective.

    Given one form (the masculine) or two (with an irregular feminine), the others follow the
    regular rules: russe → russe, russes; ukrainien → ukrainienne; français → françaises.
    """
    if len(forms) == 4:
        return tuple(forms)
    masculine = forms[0]
    if len(forms) == 2:
        feminine = forms[1]
    elif masculine.endswith("e"):
        feminine = masculine
    elif masculine.endswith(("ien", "éen", "en")):
        feminine = masculine + "ne"
    else:
        feminine = masculine + "e"
    plural = masculine if masculine.endswith(("s", "x")) else masculine + "s"
    return masculine, feminine, plural, feminine + "s"
