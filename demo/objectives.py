"""The demonstration's objectives of the contract, set by the COPIL once the inventory exists:
three objectives with indicators (computed from the inventory, and one reported with a history
of values) and milestones (one of them late)."""

from collections.abc import Callable
from datetime import date

from engine.db.uow import UnitOfWork
from engine.objectives.services import (
    add_indicator,
    add_milestone,
    complete_milestone,
    create_objective,
    report_value,
    snapshot_indicators,
)
from engine.rules.policy import Actor
from engine.services.common import RecordRef
from engine.services.transitions import apply_transition

MEDIATION = "mediation_tranquillite"
YOUTH = "prevention_delinquance_jeunes"


def play_objectives(
    uow: Callable[[], UnitOfWork], actors: dict[str, Actor], organisations: dict[str, int]
) -> None:
    """Set the objectives through the services, as the COPIL and the owners would."""
    copil, owner = actors["copil1"], actors["ctm"]

    def write(action):
        with uow() as work:
            return action(work)

    coverage = write(
        lambda w: create_objective(
            w,
            copil,
            {
                "title": "Une offre de médiation pour les jeunes dans chaque commune",
                "description": "Chaque commune est couverte par au moins un dispositif approuvé "
                "de médiation pour les adolescents, communal, intercommunal ou régional.",
                "organisation_id": organisations["ctm"],
                "themes": [MEDIATION],
                "publics": ["adolescents"],
                "target_date": date(2027, 12, 31),
            },
        )
    ).id
    write(
        lambda w: add_indicator(
            w,
            copil,
            coverage,
            {
                "title": "Part des communes couvertes",
                "kind": "computed",
                "measure": "coverage_share",
                "baseline": "20",
                "baseline_date": date(2025, 1, 1),
                "target": "100",
                "target_date": date(2027, 12, 31),
            },
        )
    )
    followed = write(
        lambda w: add_indicator(
            w,
            copil,
            coverage,
            {
                "title": "Jeunes suivis par les médiateurs",
                "kind": "reported",
                "organisation_id": organisations["ctm"],
                "baseline": "120",
                "baseline_date": date(2025, 1, 1),
                "target": "400",
                "target_date": date(2027, 12, 31),
            },
        )
    ).id
    for day, value in (
        (date(2025, 6, 30), "150"),
        (date(2025, 12, 31), "210"),
        (date(2026, 6, 30), "265"),
    ):
        write(
            lambda w, d=day, v=value: report_value(
                w, owner, followed, {"value": v, "measured_on": d, "source": "Bilan semestriel"}
            )
        )
    done = write(
        lambda w: add_milestone(
            w,
            copil,
            coverage,
            {"title": "Diagnostic partagé des besoins", "due_on": date(2026, 3, 31)},
        )
    ).id
    write(lambda w: complete_milestone(w, copil, done, date(2026, 3, 20)))
    write(
        lambda w: add_milestone(
            w,
            copil,
            coverage,
            {
                "title": "Convention de médiation avec les communes du Nord",
                "due_on": date(2026, 9, 30),
                "organisation_id": organisations["capnord"],
            },
        )
    )
    write(
        lambda w: apply_transition(
            w, RecordRef("objective", coverage), "adopt", copil, {"comment": "Adopté par le COPIL."}
        )
    )

    pooling = write(
        lambda w: create_objective(
            w,
            copil,
            {
                "title": "Mutualiser les dispositifs qui se recouvrent",
                "organisation_id": organisations["ctm"],
                "target_date": date(2027, 6, 30),
            },
        )
    ).id
    for measure, title, target in (
        ("approved_poolings", "Mutualisations approuvées", "5"),
        ("pooling_savings", "Économies attendues des mutualisations", "150000"),
    ):
        write(
            lambda w, m=measure, t=title, g=target: add_indicator(
                w,
                copil,
                pooling,
                {"title": t, "kind": "computed", "measure": m, "target": g, "baseline": "0"},
            )
        )
    write(
        lambda w: add_milestone(
            w, copil, pooling, {"title": "Bilan des mutualisations", "due_on": date(2027, 6, 30)}
        )
    )

    write(
        lambda w: create_objective(
            w,
            copil,
            {
                "title": "Prévenir la délinquance des jeunes adultes",
                "organisation_id": organisations["fdf"],
                "themes": [YOUTH],
                "publics": ["jeunes_adultes"],
            },
        )
    )
    write(lambda w: snapshot_indicators(w, copil))
