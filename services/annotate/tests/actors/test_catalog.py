"""The actor file: what it covers, how it is indexed, and how a malformed file is refused."""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from parallax.annotate.actors.catalog import (
    ALIAS_GROUPS,
    CATALOG_PATH,
    ActorCatalog,
    CatalogError,
    alias_key,
    catalog_from_document,
    fold,
    french_adjective_forms,
    load_catalog,
    uppercase_mask,
)
from parallax.annotate.findings import ActorType

# ---------------------------------------------------------------------------------------------
# The shipped file
# ---------------------------------------------------------------------------------------------


def test_the_file_loads_well_under_a_second_with_a_version() -> None:
    started = time.perf_counter()
    catalog = load_catalog.__wrapped__(CATALOG_PATH)  # past the per-process cache
    elapsed = time.perf_counter() - started

    assert elapsed < 1.0
    assert catalog.version.count(".") == 2


def test_loading_is_cached_once_per_process() -> None:
    assert load_catalog() is load_catalog()


def test_every_alias_names_one_actor_per_type(catalog: ActorCatalog) -> None:
    for group in ALIAS_GROUPS:
        for key, actor_ids in catalog.alias_index(group).items():
            types = [catalog.get(actor_id).type for actor_id in actor_ids]
            assert len(types) == len(set(types)), (group, key, actor_ids)


def test_every_name_and_alias_finds_its_actor_again(catalog: ActorCatalog) -> None:
    for actor in catalog:
        for group in ALIAS_GROUPS:
            for name in actor.names_in(group):
                assert actor in catalog.lookup(name), (actor.id, name)


def test_all_un_member_states_are_countries_with_english_and_french_names(catalog: ActorCatalog) -> None:
    countries = catalog.by_type(ActorType.COUNTRY)

    assert len(countries) >= 193
    assert all(set(country.names) == {"en", "fr"} for country in countries)
    assert {c.country for c in countries} >= {"RU", "UA", "FR", "US", "CU", "RO", "BG", "PL", "VA", "PS"}


def test_governments_cover_the_g20_and_the_countries_of_the_issue(catalog: ActorCatalog) -> None:
    g20 = "AR AU BR CA CN FR DE IN ID IT JP MX RU SA ZA KR TR GB US".split()
    others = "UA BY PL RO BG EE LV LT MD GE IL IR SY CU VE DK FI IS NO SE".split()
    for code in g20 + others:
        assert catalog.government(code) is not None, code


@pytest.mark.parametrize(
    "actor_id",
    [
        "person/emmanuel-macron",
        "person/vladimir-putin",
        "person/volodymyr-zelensky",
        "person/andrzej-duda",
        "person/joe-biden",
        "person/donald-trump",
        "person/barack-obama",
        "person/olaf-scholz",
        "person/angela-merkel",
        "person/rishi-sunak",
        "person/boris-johnson",
        "person/theresa-may",
        "person/xi-jinping",
        "person/recep-tayyip-erdogan",
        "person/sergey-lavrov",
        "person/jean-yves-le-drian",
        "person/antony-blinken",
        "person/dmytro-kuleba",
        "person/dmitry-peskov",
        "person/jens-stoltenberg",
        "person/mark-rutte",
        "person/ursula-von-der-leyen",
        "person/josep-borrell",
        "person/antonio-guterres",
        "person/john-boehner",
        "person/paul-ryan",
        "person/mitch-mcconnell",
        "person/nancy-pelosi",
        "person/harry-reid",
        "person/chuck-schumer",
        "person/michael-steele",
        "person/christopher-steele",
        "person/mitt-romney",
        "person/bernie-sanders",
        "person/ted-cruz",
        "person/marco-rubio",
        "person/hillary-clinton",
        "person/bill-clinton",
        "organisation/nato",
        "organisation/eu",
        "organisation/un",
        "organisation/osce",
        "organisation/imf",
        "organisation/who",
        "organisation/council-of-europe",
        "organisation/g7",
        "organisation/g20",
        "organisation/wto",
        "organisation/icc",
        "organisation/european-commission",
        "media/afp",
        "media/reuters",
        "media/ap",
        "media/tass",
        "media/ria-novosti",
        "media/rt",
        "media/sputnik",
        "media/xinhua",
        "media/bbc",
        "media/cnn",
        "media/fox-news",
        "media/nyt",
        "media/washington-post",
        "media/le-monde",
        "media/le-figaro",
        "media/liberation",
        "media/france-24",
        "media/rfi",
        "media/radio-habana-cuba",
        "media/prensa-latina",
        "media/al-jazeera",
        "media/ukrinform",
        "media/interfax",
    ],
)
def test_the_major_actors_of_the_issue_are_in_the_file(catalog: ActorCatalog, actor_id: str) -> None:
    assert actor_id in catalog


def test_transliterations_and_native_scripts_are_aliases(catalog: ActorCatalog) -> None:
    zelensky = catalog.get("person/volodymyr-zelensky")
    for spelling in ("Zelenskyy", "Zelensky", "Zelenskiy", "Зеленський", "Zelenski"):
        assert catalog.lookup(spelling) == (zelensky,), spelling
    putin = catalog.get("person/vladimir-putin")
    for spelling in ("Путин", "Владимир Путин", "Putin", "Poutine", "POUTINE"):
        assert catalog.lookup(spelling) == (putin,), spelling


def test_seats_and_phrases_name_their_government(catalog: ActorCatalog) -> None:
    assert [a.id for a in catalog.lookup("Kremlin")] == ["government/ru"]
    assert [a.id for a in catalog.lookup("l'Elysée", language="fr")] == ["government/fr"]
    assert [a.id for a in catalog.lookup("Maison-Blanche", language="fr")] == ["government/us"]
    assert [a.id for a in catalog.lookup("White House", language="en")] == ["government/us"]


# ---------------------------------------------------------------------------------------------
# Offices at a date
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "of", "day", "holder"),
    [
        ("president", "RU", datetime.date(2010, 6, 1), "person/dmitry-medvedev"),
        ("president", "RU", datetime.date(2022, 2, 3), "person/vladimir-putin"),
        ("president", "RU", datetime.date(2012, 5, 7), "person/vladimir-putin"),  # the handover day
        ("prime-minister", "RU", datetime.date(2010, 6, 1), "person/vladimir-putin"),
        ("president", "US", datetime.date(2016, 7, 1), "person/barack-obama"),
        ("president", "US", datetime.date(2018, 7, 1), "person/donald-trump"),
        ("president", "US", datetime.date(2022, 2, 3), "person/joe-biden"),
        ("prime-minister", "GB", datetime.date(2022, 9, 20), "person/liz-truss"),
        ("chancellor", "DE", datetime.date(2020, 1, 1), "person/angela-merkel"),
        ("foreign-minister", "FR", datetime.date(2019, 1, 1), "person/jean-yves-le-drian"),
        ("secretary-general", "organisation/nato", datetime.date(2022, 2, 3), "person/jens-stoltenberg"),
        ("speaker", "organisation/us-house", datetime.date(2012, 1, 1), "person/john-boehner"),
        ("speaker", "organisation/us-house", datetime.date(2020, 1, 1), "person/nancy-pelosi"),
    ],
)
def test_holder_of_an_office_at_a_date(
    catalog: ActorCatalog, role: str, of: str, day: datetime.date, holder: str
) -> None:
    actor = catalog.holder_of(role, of, on=day)

    assert actor is not None
    assert actor.id == holder


def test_nobody_holds_an_office_the_file_does_not_know(catalog: ActorCatalog) -> None:
    assert catalog.holder_of("chancellor", "RU", on=datetime.date(2022, 2, 3)) is None
    assert catalog.holder_of("president", "RU", on=datetime.date(1950, 1, 1)) is None


def test_a_generic_office_is_filled_by_the_role_each_government_names(catalog: ActorCatalog) -> None:
    assert catalog.get("government/gb").office_role("head-of-state") == "monarch"
    assert catalog.get("government/de").office_role("head-of-government") == "chancellor"
    assert catalog.get("government/ru").office_role("leader") == "president"


def test_surnames_several_people_share_are_indexed_but_are_not_aliases(catalog: ActorCatalog) -> None:
    clintons = {actor.id for actor in catalog.persons_with_surname("Clinton")}

    assert {"person/bill-clinton", "person/hillary-clinton"} <= clintons
    assert catalog.lookup("Clinton") == ()
    assert [a.id for a in catalog.persons_with_surname("Xi")] == ["person/xi-jinping"]
    assert [a.id for a in catalog.persons_with_surname("Le Drian")] == ["person/jean-yves-le-drian"]


# ---------------------------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------------------------


def test_folding_strips_case_accents_and_unifies_apostrophes_and_dashes() -> None:
    assert fold("L’Élysée") == "l'elysee"
    assert fold("Erdoğan") == "erdogan"
    assert fold("Jean‑Yves  Le Drian") == "jean-yves le drian"
    assert fold("Путин") == "putin"
    assert fold("St. Petersburg") == "saint petersburg"


def test_keys_ignore_spaces_hyphens_and_full_stops() -> None:
    assert alias_key("États-Unis") == alias_key("ETATS UNIS") == alias_key("Etats-Unis")
    assert alias_key("U.S.") == alias_key("US")
    assert alias_key("St. Petersburg") == alias_key("Saint-Petersburg")


def test_the_capitals_of_an_alias_are_recorded_except_a_leading_article() -> None:
    assert uppercase_mask("US") == 0b11
    assert uppercase_mask("président russe") == 0
    assert uppercase_mask("Le Monde") == 0b100  # "lemonde": the M only


def test_french_adjectives_get_their_four_forms() -> None:
    assert french_adjective_forms(["russe"]) == ("russe", "russe", "russes", "russes")
    assert french_adjective_forms(["français"]) == ("français", "française", "français", "françaises")
    assert french_adjective_forms(["ukrainien"]) == ("ukrainien", "ukrainienne", "ukrainiens", "ukrainiennes")
    assert french_adjective_forms(["turc", "turque"]) == ("turc", "turque", "turcs", "turques")


# ---------------------------------------------------------------------------------------------
# Validation: a malformed file is refused with a message naming the entry
# ---------------------------------------------------------------------------------------------


def _document(*actors: dict[str, Any]) -> dict[str, Any]:
    countries = [
        {
            "id": "country/ru",
            "type": "country",
            "country": "RU",
            "names": {"en": "Russia", "fr": "la Russie"},
        },
    ]
    return {"version": "2026.1.1", "actors": [*countries, *actors]}


def _person(actor_id: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"id": actor_id, "type": "person", "names": {"en": name}, **fields}


def test_a_minimal_file_builds_a_catalog() -> None:
    catalog = catalog_from_document(_document(_person("person/a-b", "Anna Berg")))

    assert len(catalog) == 2
    assert catalog.get("person/a-b").surnames == ("Berg",)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(CatalogError, match=r"'person/a-b' is used by two entries"):
        catalog_from_document(
            _document(_person("person/a-b", "Anna Berg"), _person("person/a-b", "Otto Berg"))
        )


def test_an_alias_naming_two_actors_of_one_type_is_refused() -> None:
    document = _document(
        _person("person/anna-berg", "Anna Berg", aliases={"en": ["Berg"]}),
        _person("person/otto-berg", "Otto Berg", aliases={"en": ["Berg"]}),
    )
    with pytest.raises(
        CatalogError, match=r"'berg' names two persons, 'person/anna-berg' and 'person/otto-berg'"
    ):
        catalog_from_document(document)


def test_an_alias_may_name_actors_of_different_types() -> None:
    document = _document(
        _person("person/michael-bloomberg", "Michael Bloomberg", aliases={"en": ["Bloomberg"]}),
        {"id": "media/bloomberg", "type": "media", "names": {"en": "Bloomberg"}},
    )
    catalog = catalog_from_document(document)

    assert {a.id for a in catalog.lookup("Bloomberg")} == {"person/michael-bloomberg", "media/bloomberg"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"id": "person/x-y", "type": "human", "names": {"en": "X Y"}},
            r"'person/x-y'.*unknown type 'human'",
        ),
        ({"id": "X Y", "type": "person", "names": {"en": "X Y"}}, r"'X Y'.*`id` must look like"),
        ({"id": "media/x-y", "type": "person", "names": {"en": "X Y"}}, r"starts with `person/`"),
        (_person("person/x-y", "X Y", country="ZZ"), r"'person/x-y'.*country 'ZZ' has no `country/` entry"),
        (_person("person/x-y", "X Y", country=False), r"'person/x-y'.*quote 'NO'"),
        (_person("person/x-y", "X Y", colour="red"), r"'person/x-y'.*unknown field\(s\) \['colour'\]"),
        ({"id": "person/x-y", "type": "person"}, r"'person/x-y'.*`names` must give"),
        (_person("person/x-y", "X Y", aliases={"de": ["Xi"]}), r"'person/x-y'.*unknown language 'de'"),
        (
            _person("person/x-y", "X Y", roles=[{"role": "president", "of": "RU", "from": "2012-13-01"}]),
            r"'person/x-y'.*role 'president': '2012-13-01' is not a date",
        ),
        (
            _person("person/x-y", "X Y", roles=[{"role": "president", "of": "RU", "from": "soon"}]),
            r"is not a date \(YYYY-MM-DD, YYYY-MM or YYYY\)",
        ),
        (
            _person(
                "person/x-y",
                "X Y",
                roles=[{"role": "president", "of": "RU", "from": datetime.date(2012, 5, 7), "to": "2008"}],
            ),
            r"'person/x-y'.*ends \(2008-01-01\) before it starts \(2012-05-07\)",
        ),
        (
            _person("person/x-y", "X Y", roles=[{"role": "president", "of": "organisation/none"}]),
            r"'person/x-y'.*neither a country code of the file nor an actor id",
        ),
        (
            {
                "id": "government/ru",
                "type": "government",
                "country": "RU",
                "names": {"en": "G"},
                "capital": "x/y",
            },
            r"'government/ru'.*capital 'x/y' is not a place",
        ),
        (
            {"id": "government/ru", "type": "government", "names": {"en": "G"}, "offices": {"boss": "tsar"}},
            r"`offices` maps head-of-state",
        ),
    ],
)
def test_a_malformed_entry_is_refused_with_its_name(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        catalog_from_document(_document(entry))


def test_a_document_without_version_or_actors_is_refused() -> None:
    with pytest.raises(CatalogError, match="`version` must be a non-empty string"):
        catalog_from_document({"actors": []})
    with pytest.raises(CatalogError, match="an `actors` list"):
        catalog_from_document({"version": "1.0.0"})


def test_a_template_with_an_unknown_placeholder_is_refused() -> None:
    document = {**_document(), "templates": {"government": {"fr": ["gouvernement {pays}"]}}}
    with pytest.raises(CatalogError, match=r"templates.government.*\['pays'\]"):
        catalog_from_document(document)


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("version: [unclosed\n", encoding="utf-8")

    with pytest.raises(CatalogError, match="not valid YAML"):
        load_catalog(path)


def test_dates_may_be_given_to_the_month() -> None:
    roles = [{"role": "spokesperson", "of": "RU", "from": "2012-05", "to": None}]
    catalog = catalog_from_document(_document(_person("person/d-p", "Dmitry Peskov", roles=roles)))

    assert catalog.get("person/d-p").roles[0].start == datetime.date(2012, 5, 1)
    holder = catalog.holder_of("spokesperson", "RU", on=datetime.date(2013, 1, 1))
    assert holder is not None
    assert holder.id == "person/d-p"


def test_the_index_never_points_at_a_missing_actor(catalog: ActorCatalog) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for group in ALIAS_GROUPS:
        for key, actor_ids in catalog.alias_index(group).items():
            owners[key].update(actor_ids)
    assert all(actor_id in catalog for ids in owners.values() for actor_id in ids)
