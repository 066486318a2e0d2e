"""Objectives of the contract: workflow, indicators computed from a hand-made inventory,
reported values with their history, milestones, every change in the audit log."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from demo.builder import build_demo
from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted
from engine.models import AuditEvent, IndicatorValue, Objective, OutboxMessage
from engine.notifications.dispatch import dispatch
from engine.notifications.producers import PRODUCERS
from engine.objectives.measures import compute, coverage
from engine.objectives.progress import late_milestones, objective_progress
from engine.objectives.services import (
    add_indicator,
    add_milestone,
    complete_milestone,
    create_objective,
    edit_objective,
    produce_snapshots,
    report_value,
    snapshot_indicators,
)
from engine.queries.worklist import worklist
from engine.records.audit import verify
from engine.records.reference import load_reference
from engine.services.common import RecordRef
from engine.services.records import edit_record
from engine.services.transitions import apply_transition

MEDIATION = "mediation_tranquillite"


def _objective(world, **more) -> int:
    data = {
        "title": "Couvrir chaque commune d'une médiation",
        "organisation_id": world.organisation_id,
        "themes": [MEDIATION],
        "publics": ["adolescents"],
        **more,
    }
    with UnitOfWork(world.db) as uow:
        return create_objective(uow, world.actors["copil"], data).id


def _events(world, objective_id: int) -> list[str]:
    with UnitOfWork(world.db) as uow:
        return list(
            uow.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.record_type == "objective", AuditEvent.record_id == objective_id)
                .order_by(AuditEvent.position)
            )
        )


@pytest.fixture
def inventory(world):
    """Four schemes: two approved of mediation (Fort-de-France for teenagers; the CACEM for
    young adults, with a budget and beneficiaries), one approved of another theme all over
    Martinique, one of mediation only reviewed all over Martinique."""
    world.scheme(
        "approved",
        title="Médiation FdF",
        themes=[MEDIATION],
        publics=["adolescents"],
        territories=["COM-97209"],
        annual_budget="1000.00",
        beneficiaries_last_year=40,
    )
    world.scheme(
        "approved",
        title="Médiation CACEM",
        themes=[MEDIATION],
        publics=["jeunes_adultes"],
        territories=["EPCI-249720061"],
        annual_budget="2500.50",
        beneficiaries_last_year=60,
    )
    world.scheme(
        "approved",
        title="Autre thème",
        themes=["prevention_delinquance_jeunes"],
        publics=["adolescents"],
        territories=["DEP-972"],
        annual_budget="99.00",
    )
    world.scheme("reviewed", title="Pas encore", themes=[MEDIATION], territories=["DEP-972"])
    return world


def test_computed_measures_match_the_hand_made_inventory(inventory):
    world = inventory
    with UnitOfWork(world.db) as uow:
        conn = uow.connection
        teenagers = {"themes": [MEDIATION], "publics": ["adolescents"]}
        mediation = {"themes": [MEDIATION]}
        # Fort-de-France only, of 34 communes.
        assert compute(conn, "coverage_share", teenagers) == Decimal("2.94")
        # Fort-de-France and the CACEM's four communes (Fort-de-France among them).
        assert compute(conn, "coverage_share", mediation) == Decimal("11.76")
        # Every theme: the third scheme covers Martinique as a whole.
        assert compute(conn, "coverage_share", {}) == Decimal("100.00")
        assert compute(conn, "approved_schemes", mediation) == 2
        assert compute(conn, "approved_schemes", {}) == 3
        assert compute(conn, "budget", mediation) == Decimal("3500.50")
        assert compute(conn, "beneficiaries", mediation) == 100
        assert compute(conn, "approved_poolings", {}) == 0
        assert compute(conn, "pooling_savings", {}) == 0
        communes = {c.name: c for c in coverage(conn, mediation)}
    assert len(communes) == 34
    assert (communes["Fort-de-France"].communal, communes["Fort-de-France"].intercommunal) == (1, 1)
    assert communes["Le Lamentin"].covered and communes["Le Lamentin"].communal == 0
    assert not communes["Le Marin"].covered
    assert sum(c.covered for c in communes.values()) == 4


def test_approved_poolings_and_their_savings(world):
    ref = world.pooling("recorded")
    with UnitOfWork(world.db) as uow:
        edit_record(uow, ref, {"expected_savings": "1500.00"}, world.actors["cotech"])
    world.fire(ref, "review", "cotech2")
    world.fire(ref, "propose", "cotech2")
    world.decide(ref, "approve")
    world.pooling("recorded")  # not approved: not counted
    with UnitOfWork(world.db) as uow:
        assert compute(uow.connection, "approved_poolings", {}) == 1
        assert compute(uow.connection, "pooling_savings", {}) == Decimal("1500.00")


def test_objective_workflow_and_audit(world):
    objective_id = _objective(world)
    ref = RecordRef("objective", objective_id)
    # Adoption needs an indicator.
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as refused:
        apply_transition(uow, ref, "adopt", world.actors["copil"])
    assert "au moins un indicateur" in refused.value.errors["indicators"][0]
    with UnitOfWork(world.db) as uow:
        indicator = add_indicator(
            uow,
            world.actors["copil"],
            objective_id,
            {
                "title": "Communes couvertes",
                "kind": "computed",
                "measure": "coverage_share",
                "target": "100",
                "target_date": date(2028, 12, 31),
                "baseline": "0",
            },
        )
        assert indicator.params == {"themes": [MEDIATION], "publics": ["adolescents"]}
        assert indicator.unit == "%"
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        apply_transition(uow, ref, "adopt", world.actors["owner"])
    with UnitOfWork(world.db) as uow:
        apply_transition(uow, ref, "adopt", world.actors["copil"], {"comment": "COPIL n°1"})
    with UnitOfWork(world.db) as uow:
        edit_objective(uow, world.actors["copil"], objective_id, {"target_date": date(2029, 1, 1)})
    with UnitOfWork(world.db) as uow:
        apply_transition(uow, ref, "achieve", world.actors["copil2"])
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted) as final:
        edit_objective(uow, world.actors["copil"], objective_id, {"title": "Autre"})
    assert "définitif" in final.value.reasons[0].message
    assert _events(world, objective_id) == ["create", "indicator_add", "adopt", "edit", "achieve"]
    with UnitOfWork(world.db) as uow:
        assert verify(uow.connection).ok


def test_only_the_copil_sets_objectives_and_bad_input_is_refused_in_french(world):
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        create_objective(uow, world.actors["owner"], {"title": "X", "organisation_id": 1})
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as bad:
        create_objective(
            uow,
            world.actors["copil"],
            {"title": "", "organisation_id": world.organisation_id, "themes": ["inconnu"]},
        )
    assert "title" in bad.value.errors
    objective_id = _objective(world)
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as bad:
        add_indicator(uow, world.actors["copil"], objective_id, {"title": "X", "kind": "computed"})
    assert bad.value.errors["measure"] == ["Choisissez la mesure calculée."]
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as bad:
        add_indicator(
            uow,
            world.actors["copil"],
            objective_id,
            {"title": "X", "kind": "computed", "measure": "coverage_share", "themes": ["nope"]},
        )
    assert "nope" in bad.value.errors["themes"][0]
    assert _events(world, objective_id) == ["create"]  # nothing half-written


def test_reported_values_keep_their_history_and_who_may_report(world):
    objective_id = _objective(world)
    with UnitOfWork(world.db) as uow:
        indicator_id = add_indicator(
            uow,
            world.actors["copil"],
            objective_id,
            {
                "title": "Jeunes suivis",
                "kind": "reported",
                "organisation_id": world.organisation_id,
                "baseline": "10",
                "target": "50",
            },
        ).id
    today = local(world_clock(world)).date()
    for who, day, value in (
        ("owner", today - timedelta(days=60), "12"),
        ("copil", today - timedelta(days=5), "20.5"),
    ):
        with UnitOfWork(world.db) as uow:
            report_value(
                uow,
                world.actors[who],
                indicator_id,
                {"value": value, "measured_on": day, "source": "Tableau de bord"},
            )
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        report_value(
            uow,
            world.actors["other_owner"],
            indicator_id,
            {"value": "1", "measured_on": today, "source": "x"},
        )
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as bad:
        report_value(
            uow,
            world.actors["owner"],
            indicator_id,
            {"value": "1,5x", "measured_on": today + timedelta(days=1), "source": ""},
        )
    assert set(bad.value.errors) == {"value", "source"}
    with UnitOfWork(world.db) as uow, pytest.raises(InvalidInput) as future:
        report_value(
            uow,
            world.actors["owner"],
            indicator_id,
            {"value": "1", "measured_on": today + timedelta(days=1), "source": "x"},
        )
    assert "à venir" in future.value.errors["measured_on"][0]
    with UnitOfWork(world.db) as uow:
        objective = uow.session.get(Objective, objective_id)
        shown = objective_progress(uow.session, objective, today).indicators[0]
        assert [p.value for p in shown.points] == [Decimal("12.00"), Decimal("20.50")]
        assert shown.current == Decimal("20.50") and not shown.reached
    assert _events(world, objective_id) == [
        "create",
        "indicator_add",
        "indicator_value",
        "indicator_value",
    ]


def test_snapshots_keep_a_computed_history_once_a_day(inventory):
    world = inventory
    objective_id = _objective(world)
    with UnitOfWork(world.db) as uow:
        add_indicator(
            uow,
            world.actors["copil"],
            objective_id,
            {"title": "Couverture", "kind": "computed", "measure": "coverage_share"},
        )
    for _ in range(2):
        with UnitOfWork(world.db) as uow:
            snapshot_indicators(uow, world.actors["admin"])
    with UnitOfWork(world.db) as uow:
        values = list(uow.session.scalars(select(IndicatorValue.value)))
    assert values == [Decimal("2.94")]
    assert _events(world, objective_id)[-1] == "indicator_snapshot"


def test_late_milestones_reach_their_owner_and_the_worklist(world):
    objective_id = _objective(world)
    today = local(world_clock(world)).date()
    with UnitOfWork(world.db) as uow:
        late = add_milestone(
            uow,
            world.actors["copil"],
            objective_id,
            {
                "title": "Diagnostic partagé",
                "due_on": today - timedelta(days=1),
                "organisation_id": world.organisation_id,
            },
        ).id
    with UnitOfWork(world.db) as uow:
        add_milestone(
            uow,
            world.actors["copil"],
            objective_id,
            {"title": "Bilan", "due_on": today + timedelta(days=30)},
        )
    with UnitOfWork(world.db) as uow:
        found, total = late_milestones(uow.session, today)
        assert total == 1 and found[0].title == "Diagnostic partagé"
        assert late_milestones(uow.session, today, world.other_organisation_id)[1] == 0
        items = worklist(uow.session, world.actors["owner"], uow.clock()).items
        assert [i.title for i in items if i.kind == "objective"] == [
            "Étape en retard : Diagnostic partagé"
        ]
        assert not [
            i
            for i in worklist(uow.session, world.actors["other_owner"], uow.clock()).items
            if i.kind == "objective"
        ]
    with UnitOfWork(world.db) as uow, pytest.raises(NotPermitted):
        complete_milestone(uow, world.actors["other_owner"], late)
    with UnitOfWork(world.db) as uow:
        complete_milestone(uow, world.actors["owner"], late)
    with UnitOfWork(world.db) as uow:
        assert late_milestones(uow.session, today)[1] == 0
    with UnitOfWork(world.db) as uow, pytest.raises(NotFound):
        complete_milestone(uow, world.actors["owner"], 999)
    assert _events(world, objective_id) == [
        "create",
        "milestone_add",
        "milestone_add",
        "milestone_done",
    ]


def world_clock(world):
    with UnitOfWork(world.db) as uow:
        return uow.clock()


def test_the_demo_sets_objectives_with_a_reported_history_and_a_late_milestone(db):
    with UnitOfWork(db) as uow:
        load_reference(uow.session)
        uow.commit()
    build_demo(db)
    with UnitOfWork(db) as uow:
        objectives = list(uow.session.scalars(select(Objective).order_by(Objective.id)))
        assert len(objectives) == 3 and objectives[0].state == "adopted"
        kinds = {i.kind for o in objectives for i in o.indicators}
        assert kinds == {"computed", "reported"}
        reported = next(i for i in objectives[0].indicators if i.kind == "reported")
        assert len(reported.values) == 3
        # The demo's calendar ends in 2026: its September milestone is late ever after.
        assert late_milestones(uow.session, date(2027, 1, 1))[1] == 1


def test_a_worker_pass_snapshots_computed_indicators_once_a_day(inventory, test_clock):
    world = inventory
    objective_id = _objective(world)
    with UnitOfWork(world.db) as uow:
        add_indicator(
            uow,
            world.actors["copil"],
            objective_id,
            {"title": "Couverture", "kind": "computed", "measure": "coverage_share"},
        )
    assert produce_snapshots in PRODUCERS
    for _ in range(2):
        produce_snapshots(world.db, test_clock)
    test_clock.advance(days=1)
    produce_snapshots(world.db, test_clock)
    with UnitOfWork(world.db) as uow:
        days = list(uow.session.scalars(select(IndicatorValue.measured_on)))
    assert len(days) == 2 and days[1] - days[0] == timedelta(days=1)


def test_adoption_is_dispatched_to_the_other_copil_members(world, test_clock):
    objective_id = _objective(world)
    with UnitOfWork(world.db) as uow:
        add_indicator(
            uow,
            world.actors["copil"],
            objective_id,
            {"title": "Jeunes suivis", "kind": "reported"},
        )
    with UnitOfWork(world.db) as uow:
        apply_transition(uow, RecordRef("objective", objective_id), "adopt", world.actors["copil"])
    assert dispatch(world.db, test_clock) == 1  # copil2; never the one who adopted
    with UnitOfWork(world.db) as uow:
        message = uow.session.scalars(select(OutboxMessage)).one()
        assert message.recipient_email == "copil2@example.mq"


def test_an_objective_of_an_epci_counts_its_own_communes(inventory):
    world = inventory
    objective_id = _objective(world, publics=[], territory="EPCI-249720061")
    with UnitOfWork(world.db) as uow:
        indicator = add_indicator(
            uow,
            world.actors["copil"],
            objective_id,
            {"title": "Couverture", "kind": "computed", "measure": "coverage_share"},
        )
        assert indicator.params["territory"] == "EPCI-249720061"
    with UnitOfWork(world.db) as uow:
        objective = uow.session.get(Objective, objective_id)
        shown = objective_progress(uow.session, objective, date(2026, 12, 1))
        # The CACEM's four communes, all covered by its intercommunal mediation.
        assert [c.name for c in shown.communes] == [
            "Fort-de-France",
            "Le Lamentin",
            "Saint-Joseph",
            "Schœlcher",
        ]
        assert shown.indicators[0].current == Decimal("100.00") and not shown.gaps
