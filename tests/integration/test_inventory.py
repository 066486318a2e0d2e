"""The inventory filter: what a user narrows the list, the API and the exports to."""

from datetime import timedelta

import pytest

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput
from engine.queries import inventory as inventory_module
from engine.queries.inventory import InventoryFilter, parse_filter, scheme_query


def titles(world, actor_key, **filters):
    with UnitOfWork(world.db) as uow:
        stmt = scheme_query(uow.session, InventoryFilter(**filters), world.actors[actor_key])
        return sorted(s.title for s in uow.session.scalars(stmt))


@pytest.fixture
def inventory(world):
    world.scheme(
        "recorded",
        title="Réussite éducative à Fort-de-France",
        territories=["COM-97209"],
        themes=["reussite_educative"],
    )
    world.scheme("reviewed", title="Médiation au Lamentin", territories=["COM-97213"])
    world.scheme(
        "approved",
        title="Écoute des victimes",
        territories=["DEP-972"],
        themes=["aide_victimes"],
        publics=["victimes"],
    )
    world.scheme("recorded", title="Sport au Robert", territories=["EPCI-200041788"])
    world.scheme("draft", title="Brouillon confidentiel")
    return world


def test_text_search_ignores_case_and_accents_and_reads_the_organisation(inventory):
    assert titles(inventory, "cotech", q="reussite EDUCATIVE") == [
        "Réussite éducative à Fort-de-France"
    ]
    assert titles(inventory, "cotech", q="ecoute") == ["Écoute des victimes"]
    assert len(titles(inventory, "cotech", q="fort-de-france")) == 4  # the organisation's name
    assert titles(inventory, "cotech", q="100%") == []


def test_a_common_word_finds_the_same_schemes_checked_row_by_row(inventory, monkeypatch):
    # Past engine.queries.inventory._COMMON matches, SQLite walks the sort's index instead of
    # looking each match up: the answer must not change.
    searches = ("reussite EDUCATIVE", "ecoute", "fort-de-france", "au", "100%", "media")
    before = {q: titles(inventory, "cotech", q=q) for q in searches}
    monkeypatch.setattr(inventory_module, "_COMMON", 0)
    assert {q: titles(inventory, "cotech", q=q) for q in searches} == before
    assert "Médiation au Lamentin" in before["media"]


def test_a_commune_filter_includes_schemes_covering_its_epci_or_all_martinique(inventory):
    assert titles(inventory, "cotech", territory="COM-97213") == [
        "Médiation au Lamentin",
        "Écoute des victimes",
    ]
    assert titles(inventory, "cotech", territory="COM-97222") == [
        "Sport au Robert",
        "Écoute des victimes",
    ]


def test_an_epci_filter_includes_schemes_covering_its_communes(inventory):
    assert titles(inventory, "cotech", territory="EPCI-249720061") == [
        "Médiation au Lamentin",
        "Réussite éducative à Fort-de-France",
        "Écoute des victimes",
    ]


def test_facets_combine_and_values_of_one_facet_are_alternatives(inventory):
    assert titles(
        inventory, "cotech", themes=("aide_victimes", "reussite_educative"), states=("approved",)
    ) == ["Écoute des victimes"]
    assert titles(inventory, "cotech", states=("recorded", "reviewed")) == [
        "Médiation au Lamentin",
        "Réussite éducative à Fort-de-France",
        "Sport au Robert",
    ]


def test_drafts_are_listed_only_for_their_organisation_and_admins(inventory):
    assert "Brouillon confidentiel" in titles(inventory, "owner")
    assert "Brouillon confidentiel" in titles(inventory, "admin")
    for outsider in ("other_owner", "cotech", "copil"):
        assert "Brouillon confidentiel" not in titles(inventory, outsider)


def test_updated_since(inventory, test_clock):
    now = test_clock()
    assert titles(inventory, "cotech", updated_since=now + timedelta(minutes=1)) == []
    assert len(titles(inventory, "cotech", updated_since=now - timedelta(days=1))) == 4


def test_a_filter_read_from_text_refuses_unknown_values_in_french(inventory):
    with UnitOfWork(inventory.db) as uow:
        parsed = parse_filter(
            uow.session,
            {
                "states": "recorded, reviewed",
                "themes": "insertion",
                "territory": "COM-97209",
                "q": "  ",
            },
        )
        assert parsed == InventoryFilter(
            states=("recorded", "reviewed"), themes=("insertion",), territory="COM-97209"
        )
        with pytest.raises(InvalidInput) as refused:
            parse_filter(
                uow.session,
                {
                    "states": "perdu",
                    "themes": "astrologie",
                    "territory": "COM-99999",
                    "colour": "red",
                },
            )
    assert set(refused.value.errors) == {"colour"}
    with UnitOfWork(inventory.db) as uow, pytest.raises(InvalidInput) as refused:
        parse_filter(
            uow.session, {"states": "perdu", "themes": "astrologie", "territory": "COM-99999"}
        )
    assert refused.value.errors == {
        "states": ["État(s) inconnu(s) : perdu."],
        "themes": ["Code(s) inconnu(s) : astrologie."],
        "territory": ["Territoire inconnu : COM-99999 (ex. COM-97209, EPCI-249720061, DEP-972)."],
    }
