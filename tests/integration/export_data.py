"""A varied inventory for the export tests: every kind of territory, partners, publics, amounts."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine.db.uow import UnitOfWork
from engine.records.reference import PUBLICS
from engine.rules.policy import SYSTEM
from engine.services.common import RecordRef
from engine.services.records import create_scheme
from engine.services.users import add_organisation
from tests.factories import World

TRICKY_DESCRIPTION = 'Accueil ; écoute\nsuivi "renforcé" ;\r\nbilan à 6 mois.'


@dataclass
class VariedInventory:
    world: World
    epci: RecordRef
    department: RecordRef
    communes: RecordRef
    recorded: RecordRef
    own_draft: RecordRef
    foreign_draft: RecordRef


def varied_inventory(world: World) -> VariedInventory:
    """Build approved schemes covering an EPCI, Martinique and communes, plus other states."""
    with UnitOfWork(world.db) as uow:
        ctm = add_organisation(
            uow, SYSTEM, "Collectivité Territoriale de Martinique", "ctm", siren="200055507"
        ).id
    epci = world.scheme(
        "approved",
        title="=SOMME(A1:A9) Parentalité au Centre",
        territories=["EPCI-249720061"],
        description=TRICKY_DESCRIPTION,
        annual_budget=Decimal("12500.50"),
        funders=[
            {"organisation_id": ctm, "amount": Decimal("8000.25")},
            {"name": "Caisse d'allocations familiales", "amount": None},
        ],
        partners=[
            {"organisation_id": ctm, "role": "financeur"},
            {"name": "Association des parents du Lamentin", "role": "operateur"},
            {"organisation_id": world.other_organisation_id, "role": "partenaire"},
        ],
        age_min=0,
        age_max=17,
        capacity=120,
        beneficiaries_last_year=98,
        legal_basis="FIPD | politique de la ville",
    )
    department = world.scheme(
        "approved",
        title="Écoute des victimes dans toute la Martinique",
        territories=["DEP-972", "COM-97209"],
        publics=[code for code, _, _ in PUBLICS],
        aid_types=["aide_financiere", "information", "hebergement", "equipement", "formation"],
        start_date=date(2023, 3, 1),
        end_date=date(2026, 12, 31),
        url="https://victimes.example.mq/ecoute",
    )
    communes = world.scheme(
        "approved", title="Médiation au Lamentin et à Fort-de-France", publics=["professionnels"]
    )
    recorded = world.scheme("recorded", title="Sport au Robert", territories=["COM-97222"])
    own_draft = world.scheme("draft", complete=False, title="Brouillon de la ville")
    with UnitOfWork(world.db) as uow:
        foreign = create_scheme(
            uow,
            world.actors["other_owner"],
            {"title": "Brouillon confidentiel", "organisation_id": world.other_organisation_id},
        )
    return VariedInventory(
        world, epci, department, communes, recorded, own_draft, RecordRef("scheme", foreign.id)
    )
