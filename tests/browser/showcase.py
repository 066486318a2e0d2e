"""A small, realistic inventory for the page tour: schemes in every state, a pooling, comments."""

from dataclasses import dataclass
from datetime import date

from engine.db.uow import UnitOfWork
from engine.services.comments import add_comment
from engine.services.common import RecordRef
from tests.factories import World

SCHEMES = {
    "mediateurs": (
        "approved",
        "Médiateurs de nuit dans les quartiers de Fort-de-France",
        {
            "annual_budget": "312000",
            "capacity": 1200,
            "age_min": 12,
            "age_max": 25,
            "legal_basis": "CLSPD de Fort-de-France, politique de la ville",
        },
    ),
    "reussite": (
        "proposed",
        "Programme de réussite éducative",
        {
            "themes": ["reussite_educative", "soutien_parentalite"],
            "publics": ["enfants", "adolescents", "familles_parents"],
            "annual_budget": "420000",
        },
    ),
    "chantiers": (
        "reviewed",
        "Chantiers éducatifs d'été pour les 16–25 ans",
        {"themes": ["insertion"], "annual_budget": "96000", "start_date": date(2021, 7, 1)},
    ),
    "animateurs": (
        "reviewed",
        "Animateurs de rue pendant les vacances scolaires",
        {"annual_budget": "58000.50", "territories": ["COM-97213", "COM-97224"]},
    ),
    "parentalite": (
        "recorded",
        "Café des parents au collège",
        {"themes": ["soutien_parentalite"], "publics": ["familles_parents"]},
    ),
    "ecoute": (
        "changes_requested",
        "Point écoute jeunes et addictions",
        {"themes": ["addictions", "sante"]},
    ),
    "brouillon": ("draft", "Ateliers numériques contre le cyber-harcèlement", {}),
}


@dataclass
class Showcase:
    schemes: dict[str, RecordRef]
    pooling: RecordRef


def seed(world: World) -> Showcase:
    """Build the showcase through the engine, so every record has a real timeline."""
    schemes = {
        key: world.scheme(state, title=title, **fields)
        for key, (state, title, fields) in SCHEMES.items()
    }
    pooling = world.pooling("reviewed", members=[schemes["chantiers"], schemes["animateurs"]])
    comment(world, schemes["chantiers"], "cotech", "Le budget 2025 a été confirmé par la CTM.")
    comment(world, pooling, "cotech2", "Les deux équipes travaillent déjà ensemble l'été.")
    return Showcase(schemes, pooling)


def comment(world: World, ref: RecordRef, who: str, body: str) -> None:
    with UnitOfWork(world.db) as uow:
        add_comment(uow, ref, world.actors[who], body)
