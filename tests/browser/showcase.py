"""A small, realistic inventory for the page tour: schemes in every state, a pooling, comments."""

from dataclasses import dataclass
from datetime import date, timedelta

from demo.diagnostic import FILES, FOLDER
from engine.candidates.store import recompute
from engine.clock import local, system_clock
from engine.db.uow import UnitOfWork
from engine.objectives.services import (
    add_indicator,
    add_milestone,
    create_objective,
    report_value,
)
from engine.services.comments import add_comment
from engine.services.common import RecordRef
from engine.services.diagnostic import import_diagnostic
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
    objective: int = 0


def seed(world: World) -> Showcase:
    """Build the showcase through the engine, so every record has a real timeline."""
    schemes = {
        key: world.scheme(state, title=title, **fields)
        for key, (state, title, fields) in SCHEMES.items()
    }
    pooling = world.pooling("reviewed", members=[schemes["chantiers"], schemes["animateurs"]])
    comment(world, schemes["chantiers"], "cotech", "Le budget 2025 a été confirmé par la CTM.")
    comment(world, pooling, "cotech2", "Les deux équipes travaillent déjà ensemble l'été.")
    diagnostic(world)
    recompute(world.db, system_clock, everything=True)  # the pistes de mutualisation
    return Showcase(schemes, pooling, objective(world))


def diagnostic(world: World) -> None:
    """The demo's SSMSI files (invented numbers), communes and département."""
    for name in FILES:
        with UnitOfWork(world.db) as uow, (FOLDER / name).open("rb") as stream:
            import_diagnostic(uow, world.actors["cotech"], stream, name)


def objective(world: World) -> int:
    """An objective with a computed and a reported indicator (two values) and a late milestone."""
    copil = world.actors["copil"]

    def write(action):
        with UnitOfWork(world.db) as uow:
            return action(uow)

    today = local(write(lambda uow: uow.clock())).date()
    objective_id = write(
        lambda uow: create_objective(
            uow,
            copil,
            {
                "title": "Une médiation dans chaque commune",
                "organisation_id": world.organisation_id,
                "themes": ["mediation_tranquillite"],
            },
        )
    ).id
    write(
        lambda uow: add_indicator(
            uow,
            copil,
            objective_id,
            {
                "title": "Communes couvertes",
                "kind": "computed",
                "measure": "coverage_share",
                "baseline": "0",
                "target": "100",
            },
        )
    )
    reported = write(
        lambda uow: add_indicator(
            uow,
            copil,
            objective_id,
            {
                "title": "Jeunes suivis",
                "kind": "reported",
                "organisation_id": world.organisation_id,
                "target": "50",
            },
        )
    ).id
    for days, value in ((90, "12"), (30, "20")):
        write(
            lambda uow, d=days, v=value: report_value(
                uow,
                copil,
                reported,
                {"value": v, "measured_on": today - timedelta(days=d), "source": "Bilan"},
            )
        )
    write(
        lambda uow: add_milestone(
            uow,
            copil,
            objective_id,
            {"title": "Diagnostic partagé", "due_on": today - timedelta(days=3)},
        )
    )
    return objective_id


def comment(world: World, ref: RecordRef, who: str, body: str) -> None:
    with UnitOfWork(world.db) as uow:
        add_comment(uow, ref, world.actors[who], body)
