"""The verbs of the contract's objectives, each one audited unit of work on the objective.

The COPIL (its members, the secretary who keeps the record, an administrator) sets objectives,
their indicators and milestones; a reported indicator's values are typed by the owners of its
organisation or by the COPIL; a milestone is marked done by its organisation's owners or the
COPIL. Every change is an event of the objective in the audit log.
"""

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy import select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted, Reason
from engine.french.messages import french_errors
from engine.models import Indicator, IndicatorValue, Milestone, Objective, Organisation
from engine.objectives.measures import MEASURES, compute
from engine.objectives.schemas import IndicatorFields, MilestoneFields, ReportedValueFields
from engine.records import audit
from engine.records.registry import OBJECTIVE
from engine.records.schemas import NewObjectiveFields
from engine.records.values import apply_values, field_value, territory_by_cog
from engine.rules.policy import SYSTEM, Actor, actor_for, inactive_reason, role_reason
from engine.services.common import RecordRef, load_facts, open_record
from engine.services.records import ensure_editable
from engine.services.references import next_reference

# Who sets objectives, their indicators and their milestones.
SETTERS = frozenset({"copil", "secretary", "admin"})


def create_objective(uow: UnitOfWork, actor: Actor, data: dict[str, Any]) -> Objective:
    """Record a new objective as a draft (COPIL, secretary, administrator)."""
    conn = uow.begin_write()
    _ensure_setter(actor)
    clean = _load(NewObjectiveFields(), data)
    now, workflow = uow.clock(), uow.workflows.current("objective")
    objective = Objective(
        title=clean.pop("title"),
        organisation_id=clean.pop("organisation_id"),
        reference=next_reference(conn, OBJECTIVE.prefix, local(now).year),
        state=workflow.initial,
        workflow_name=workflow.name,
        workflow_version=workflow.version,
        created_at=now,
        updated_at=now,
        state_changed_at=now,
        created_by_id=actor.id,
        updated_by_id=actor.id,
        created_for_id=actor_for(actor),
    )
    _ensure_organisation(uow, objective.organisation_id, "organisation_id")
    uow.session.add(objective)
    changes = {
        "title": {"before": None, "after": objective.title},
        "organisation_id": {"before": None, "after": objective.organisation_id},
    }
    changes.update(_apply(uow, objective, clean))
    uow.session.flush()
    _log(uow, actor, objective, "create", changes=changes, to_state=objective.state)
    uow.commit()
    return objective


def edit_objective(
    uow: UnitOfWork,
    actor: Actor,
    objective_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Objective:
    """Change an objective's fields in a state its editors may change; audit each change."""
    _, rtype, facts, workflow = open_record(
        uow, RecordRef("objective", objective_id), actor, expected_version
    )
    actor = ensure_editable(workflow, rtype, facts, actor)
    clean = _load(rtype.edit_fields(), data)
    objective = uow.session.get(Objective, facts.id, populate_existing=True)
    changes = _apply(uow, objective, clean)
    if changes:
        objective.updated_at, objective.updated_by_id = uow.clock(), actor.id
        uow.session.flush()
        _log(uow, actor, objective, "edit", changes=changes)
        uow.commit()
    return objective


def add_indicator(
    uow: UnitOfWork, actor: Actor, objective_id: int, data: dict[str, Any]
) -> Indicator:
    """Add an indicator to an objective not yet closed: computed from a measure of the registry
    (its themes and publics, the objective's by default) or reported by its organisation."""
    objective = _open_objective(uow, actor, objective_id)
    clean = _load(IndicatorFields(), data)
    params = None
    if clean["kind"] == "computed":
        measure = MEASURES[clean["measure"]]
        params = {}
        if measure.filtered:
            for key in ("themes", "publics"):
                codes = clean.get(key)
                params[key] = codes if codes else [t.code for t in getattr(objective, key)]
            _check_codes(uow, params)
            if clean["measure"] == "coverage_share" and objective.territory is not None:
                params["territory"] = objective.territory.cog  # its communes only
        if not clean.get("unit"):
            clean["unit"] = measure.unit or None
    if clean.get("organisation_id") is not None:
        _ensure_organisation(uow, clean["organisation_id"], "organisation_id")
    clean.pop("themes", None), clean.pop("publics", None)
    indicator = Indicator(objective=objective, params=params, created_at=uow.clock(), **clean)
    uow.session.add(indicator)
    uow.session.flush()
    described = {k: v for k, v in clean.items() if v is not None and k != "title"}
    _log(
        uow,
        actor,
        objective,
        "indicator_add",
        changes={"indicator": {"before": None, "after": indicator.title}},
        data={"indicator_id": indicator.id, **described, "params": params},
    )
    uow.commit()
    return indicator


def report_value(
    uow: UnitOfWork, actor: Actor, indicator_id: int, data: dict[str, Any]
) -> IndicatorValue:
    """Record a reported indicator's value at a date, with its source (its organisation's
    owners, the COPIL); earlier values are kept."""
    conn = uow.begin_write()
    indicator = _indicator(uow, indicator_id)
    objective = indicator.objective
    load_facts(conn, OBJECTIVE, objective.id, lock=True)
    _ensure_active(actor)
    if indicator.kind != "reported":
        raise InvalidInput(
            {
                "value": [
                    "Cet indicateur est calculé à partir de l'inventaire : il ne se saisit pas."
                ]
            }
        )
    if not (_is_setter(actor) or actor.holds("owner", indicator.organisation_id)):
        raise NotPermitted(
            Reason(
                "role_required",
                "La saisie d'une valeur est réservée aux porteurs de la structure responsable "
                "de l'indicateur et aux membres du COPIL.",
            )
        )
    _ensure_open(uow, objective)
    clean = _load(ReportedValueFields(), data)
    now = uow.clock()
    if clean["measured_on"] > local(now).date():
        raise InvalidInput({"measured_on": ["La date de la valeur ne peut pas être à venir."]})
    value = IndicatorValue(indicator=indicator, recorded_at=now, recorded_by_id=actor.id, **clean)
    uow.session.add(value)
    uow.session.flush()
    _log(
        uow,
        actor,
        objective,
        "indicator_value",
        changes={"value": {"before": _last_value(indicator, value), "after": clean["value"]}},
        data={"indicator_id": indicator.id, "value_id": value.id, **_dated(clean)},
    )
    uow.commit()
    return value


def snapshot_indicators(uow: UnitOfWork, actor: Actor) -> int:
    """Keep today's value of every computed indicator of an open objective in its history
    (once a Martinique day, audited); return how many were written."""
    uow.begin_write()
    now = uow.clock()
    today = local(now).date()
    written = 0
    stmt = (
        select(Indicator)
        .join(Objective)
        .where(Indicator.kind == "computed", Objective.state.in_(("draft", "adopted")))
        .order_by(Indicator.id)
    )
    for indicator in uow.session.scalars(stmt):
        if any(v.measured_on == today for v in indicator.values):
            continue
        value = compute(uow.connection, indicator.measure, indicator.params)
        uow.session.add(
            IndicatorValue(
                indicator=indicator,
                value=value,
                measured_on=today,
                source="calcul sur l'inventaire",
                recorded_at=now,
                recorded_by_id=actor.id,
            )
        )
        uow.session.flush()
        _log(
            uow,
            actor,
            indicator.objective,
            "indicator_snapshot",
            changes={"value": {"before": None, "after": value}},
            data={"indicator_id": indicator.id, "measured_on": today.isoformat()},
        )
        written += 1
    uow.commit()
    return written


def add_milestone(
    uow: UnitOfWork, actor: Actor, objective_id: int, data: dict[str, Any]
) -> Milestone:
    """Add a dated step to an objective's calendar (COPIL, secretary, administrator)."""
    objective = _open_objective(uow, actor, objective_id)
    clean = _load(MilestoneFields(), data)
    if clean.get("organisation_id") is not None:
        _ensure_organisation(uow, clean["organisation_id"], "organisation_id")
    milestone = Milestone(objective=objective, created_at=uow.clock(), **clean)
    uow.session.add(milestone)
    uow.session.flush()
    _log(
        uow,
        actor,
        objective,
        "milestone_add",
        changes={
            "milestone": {"before": None, "after": milestone.title},
            "due_on": {"before": None, "after": milestone.due_on},
        },
        data={"milestone_id": milestone.id},
    )
    uow.commit()
    return milestone


def complete_milestone(
    uow: UnitOfWork, actor: Actor, milestone_id: int, done_on: date | None = None
) -> Milestone:
    """Mark a milestone done on `done_on` (today by default): its organisation's owners or the
    COPIL."""
    conn = uow.begin_write()
    milestone = uow.session.get(Milestone, milestone_id) if isinstance(milestone_id, int) else None
    if milestone is None:
        raise NotFound()
    load_facts(conn, OBJECTIVE, milestone.objective_id, lock=True)
    _ensure_active(actor)
    if not (_is_setter(actor) or actor.holds("owner", milestone.organisation_id)):
        raise NotPermitted(
            Reason(
                "role_required",
                "Seuls les porteurs de la structure responsable de l'étape et les membres du "
                "COPIL peuvent la déclarer faite.",
            )
        )
    _ensure_open(uow, milestone.objective)
    today = local(uow.clock()).date()
    done_on = done_on or today
    if not isinstance(done_on, date) or done_on > today:
        raise InvalidInput({"done_on": ["La date de réalisation ne peut pas être à venir."]})
    if milestone.done_on is not None:
        raise InvalidInput({"done_on": ["Cette étape est déjà faite."]})
    milestone.done_on = done_on
    uow.session.flush()
    _log(
        uow,
        actor,
        milestone.objective,
        "milestone_done",
        changes={"done_on": {"before": None, "after": done_on}},
        data={"milestone_id": milestone.id},
    )
    uow.commit()
    return milestone


def _open_objective(uow: UnitOfWork, actor: Actor, objective_id: int) -> Objective:
    conn = uow.begin_write()
    facts = load_facts(conn, OBJECTIVE, objective_id, lock=True)
    _ensure_setter(actor)
    objective = uow.session.get(Objective, facts.id)
    _ensure_open(uow, objective)
    return objective


def _ensure_open(uow: UnitOfWork, objective: Objective) -> None:
    workflow = uow.workflows.get(objective.workflow_name, objective.workflow_version)
    state = workflow.states[objective.state]
    if state.final:
        raise NotPermitted(
            Reason(
                "final_state",
                f"Impossible de modifier cet objectif : son état « {state.label} » est définitif.",
            )
        )


def _ensure_active(actor: Actor) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())


def _is_setter(actor: Actor) -> bool:
    return actor.holds_any(SETTERS)


def _ensure_setter(actor: Actor) -> None:
    _ensure_active(actor)
    if not _is_setter(actor):
        raise NotPermitted(
            role_reason(SETTERS, actor, None)
            or Reason("role_required", "Action réservée aux membres du COPIL.")
        )


def _indicator(uow: UnitOfWork, indicator_id: Any) -> Indicator:
    found = uow.session.get(Indicator, indicator_id) if isinstance(indicator_id, int) else None
    if found is None:
        raise NotFound()
    return found


def _ensure_organisation(uow: UnitOfWork, organisation_id: int, name: str) -> None:
    if uow.session.get(Organisation, organisation_id) is None:
        raise InvalidInput({name: ["Structure inconnue."]})


def _check_codes(uow: UnitOfWork, params: dict[str, list[str]]) -> None:
    # The codes are resolved as an objective's own would be, refused in French when unknown.
    apply_values(uow.session, Objective(), {k: v for k, v in params.items() if v})


def _apply(uow: UnitOfWork, objective: Objective, clean: dict[str, Any]) -> dict:
    changes = {}
    if "territory" in clean:
        cog = clean.pop("territory")
        found = territory_by_cog(uow.session, [cog]) if cog else {}
        if cog and cog not in found:
            raise InvalidInput({"territory": [f"Territoire inconnu : {cog}."]})
        before = objective.territory.cog if objective.territory else None
        objective.territory = found.get(cog)
        if before != cog:
            changes["territory"] = {"before": before, "after": cog}
    if "organisation_id" in clean:
        _ensure_organisation(uow, clean["organisation_id"], "organisation_id")
    changes.update(apply_values(uow.session, objective, clean))
    return changes


def _last_value(indicator: Indicator, new: IndicatorValue) -> Any:
    earlier = [v for v in indicator.values if v is not new]
    return field_value(earlier[-1], "value") if earlier else None


def _dated(clean: dict[str, Any]) -> dict[str, Any]:
    return {"measured_on": clean["measured_on"].isoformat(), "source": clean["source"]}


def _load(schema: Schema, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput({"_schema": ["Données invalides : un objet est attendu."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(french_errors(exc.normalized_messages())) from exc


def _log(uow: UnitOfWork, actor: Actor, objective: Objective, action: str, **more) -> None:
    data = {**(more.pop("data", None) or {}), **(actor.audit_data() or {})}
    entry = audit.Entry(
        record_type="objective",
        record_id=objective.id,
        record_reference=objective.reference,
        action=action,
        occurred_at=uow.clock(),
        actor_id=actor.id,
        actor_label=actor.label,
        data=data or None,
        **more,
    )
    audit.append(uow.connection, [entry])


def produce_snapshots(db, clock) -> int:
    """A worker producer: once a Martinique day, keep each open objective's computed
    indicators' values in their history (a pass that finds them kept writes nothing)."""
    with UnitOfWork(db, clock=clock, autocommit_reads=True) as uow:
        today = local(uow.clock()).date()
        kept = select(IndicatorValue.id).where(
            IndicatorValue.indicator_id == Indicator.id, IndicatorValue.measured_on == today
        )
        waiting = uow.session.scalar(
            select(Indicator.id)
            .join(Objective)
            .where(
                Indicator.kind == "computed",
                Objective.state.in_(("draft", "adopted")),
                ~kept.exists(),
            )
            .limit(1)
        )
    if waiting is None:
        return 0
    with UnitOfWork(db, clock=clock) as uow:
        snapshot_indicators(uow, SYSTEM)
    return 0  # snapshots are history, not messages
