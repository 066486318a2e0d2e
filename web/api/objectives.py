"""The contract's objectives (/objectives) and their indicators (/indicators): the COPIL sets
objectives, their indicators and milestones; an indicator's owners report its values; everyone
signed in reads. The rules are the engine's (engine/objectives/services.py)."""

from datetime import date
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from engine.clock import local
from engine.errors import NotFound
from engine.models import Indicator, Objective
from engine.objectives.progress import indicator_progress, is_late, objectives
from engine.objectives.schemas import IndicatorFields, MilestoneFields, ReportedValueFields
from engine.objectives.services import (
    add_indicator,
    add_milestone,
    complete_milestone,
    create_objective,
    edit_objective,
    report_value,
)
from engine.records.registry import OBJECTIVE
from engine.records.schemas import NewObjectiveFields, ObjectiveFields
from engine.rules.policy import Actor
from engine.services.common import RecordRef, load_facts
from engine.services.transitions import apply_transition, available_transitions
from web.api.errors import declare
from web.api.records import answer, check_id, events_body, option_body
from web.api.schemas import RecordEventSchema, TransitionBody, _AsReceived, _id, _version
from web.context import actor, reading, writing

objectives_blp = Blueprint(
    "objectives",
    __name__,
    url_prefix="/objectives",
    description="Objectifs du contrat, fixés par le COPIL : indicateurs et échéancier.",
)
indicators_blp = Blueprint(
    "indicators",
    __name__,
    url_prefix="/indicators",
    description="Indicateurs des objectifs : calculés sur l'inventaire ou déclarés.",
)
BLUEPRINTS = (objectives_blp, indicators_blp)
KIND = "objective"
NUMBER = fields.String(metadata={"description": "nombre décimal, au plus deux décimales"})


# ---- bodies -----------------------------------------------------------------------------------


class NewObjectiveBody(NewObjectiveFields, _AsReceived):
    organisation_id = _id(required=True)


class ObjectiveEditBody(ObjectiveFields, _AsReceived):
    version = _version()


class IndicatorBody(IndicatorFields, _AsReceived):
    organisation_id = _id(allow_none=True)


class MilestoneBody(MilestoneFields, _AsReceived):
    organisation_id = _id(allow_none=True)


class ValueBody(ReportedValueFields, _AsReceived):
    pass


class DoneBody(Schema):
    done_on = fields.Date(allow_none=True, validate=validate.Range(date(2000, 1, 1)))


# ---- answers ----------------------------------------------------------------------------------


class PointSchema(Schema):
    day = fields.Date()
    value = NUMBER
    source = fields.String(allow_none=True)


class IndicatorSchema(Schema):
    id = fields.Integer()
    objective_id = fields.Integer()
    title = fields.String()
    kind = fields.String(metadata={"enum": ["computed", "reported"]})
    measure = fields.String(allow_none=True)
    params = fields.Dict(allow_none=True)
    unit = fields.String(allow_none=True)
    baseline = fields.String(allow_none=True)
    baseline_date = fields.Date(allow_none=True)
    target = fields.String(allow_none=True)
    target_date = fields.Date(allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    current = fields.String(allow_none=True, metadata={"description": "valeur actuelle"})
    reached = fields.Boolean()
    history = fields.List(fields.Nested(PointSchema))


class MilestoneSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    due_on = fields.Date()
    done_on = fields.Date(allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    late = fields.Boolean()


class ObjectiveSchema(Schema):
    id = fields.Integer()
    reference = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    organisation_id = fields.Integer()
    territory = fields.String(allow_none=True)
    themes = fields.List(fields.String())
    publics = fields.List(fields.String())
    target_date = fields.Date(allow_none=True)
    state = fields.String()
    version = fields.Integer()
    indicators = fields.List(fields.Nested(IndicatorSchema))
    milestones = fields.List(fields.Nested(MilestoneSchema))
    transitions = fields.List(fields.Dict())


def _text(value) -> str | None:
    return None if value is None else str(value)


def indicator_body(session: Session, indicator: Indicator, today: date) -> dict[str, Any]:
    shown = indicator_progress(session.connection(), indicator, today)
    return {
        "id": indicator.id,
        "objective_id": indicator.objective_id,
        "title": indicator.title,
        "kind": indicator.kind,
        "measure": indicator.measure,
        "params": indicator.params,
        "unit": indicator.unit,
        "baseline": _text(indicator.baseline),
        "baseline_date": _day(indicator.baseline_date),
        "target": _text(indicator.target),
        "target_date": _day(indicator.target_date),
        "organisation_id": indicator.organisation_id,
        "current": _text(shown.current),
        "reached": shown.reached,
        "history": [
            {"day": p.day.isoformat(), "value": str(p.value), "source": p.source}
            for p in shown.points
        ],
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def objective_body(
    session: Session, objective: Objective, caller: Actor, today: date
) -> dict[str, Any]:
    facts = load_facts(session.connection(), OBJECTIVE, objective.id, lock=False)
    return {
        "id": objective.id,
        "reference": objective.reference,
        "title": objective.title,
        "description": objective.description,
        "organisation_id": objective.organisation_id,
        "territory": objective.territory.cog if objective.territory else None,
        "themes": [t.code for t in objective.themes],
        "publics": [t.code for t in objective.publics],
        "target_date": _day(objective.target_date),
        "state": objective.state,
        "version": objective.version,
        "indicators": [indicator_body(session, i, today) for i in objective.indicators],
        "milestones": [
            {
                "id": m.id,
                "title": m.title,
                "due_on": m.due_on.isoformat(),
                "done_on": _day(m.done_on),
                "organisation_id": m.organisation_id,
                "late": is_late(m, today) and objective.state in ("draft", "adopted"),
            }
            for m in objective.milestones
        ],
        "transitions": [option_body(o) for o in available_transitions(facts, caller)],
    }


def _one(work, objective_id: int, status: int = 200):
    """Answer an objective as the caller sees it, read in `work` (after its write, if any)."""
    session = work.session
    objective = session.get(Objective, check_id(objective_id), populate_existing=True)
    if objective is None:
        raise NotFound()
    today = local(work.clock()).date()
    return answer(objective_body(session, objective, actor(), today), status)


# ---- objectives -------------------------------------------------------------------------------


@objectives_blp.route("")
@objectives_blp.response(200, ObjectiveSchema(many=True))
@declare(objectives_blp)
def list_objectives():
    """Lister les objectifs, avec leurs indicateurs (valeur actuelle) et leurs étapes."""
    work, caller = reading(), actor()
    today = local(work.clock()).date()
    found = objectives(work.session)
    return answer([objective_body(work.session, o, caller, today) for o in found])


@objectives_blp.route("", methods=["POST"])
@objectives_blp.arguments(NewObjectiveBody)
@objectives_blp.response(201, ObjectiveSchema)
@declare(objectives_blp, 403, 422)
def create(body):
    """Fixer un objectif, en projet (COPIL, secrétaire de séance, administrateur)."""
    with writing() as uow:
        objective_id = create_objective(uow, actor(), body["fields"]).id
        return _one(uow, objective_id, 201)


@objectives_blp.route("/<int:objective_id>")
@objectives_blp.response(200, ObjectiveSchema)
@declare(objectives_blp, 404)
def get(objective_id):
    """Lire un objectif : indicateurs (historique, valeur actuelle), étapes, actions possibles."""
    return _one(reading(), objective_id)


@objectives_blp.route("/<int:objective_id>", methods=["PATCH"])
@objectives_blp.arguments(ObjectiveEditBody)
@objectives_blp.response(200, ObjectiveSchema)
@declare(objectives_blp, 403, 404, 409, 422)
def edit(body, objective_id):
    """Modifier un objectif ; `version` est celle lue (409 si elle a changé)."""
    with writing() as uow:
        edit_objective(uow, actor(), check_id(objective_id), body["fields"], body["version"])
        return _one(uow, objective_id)


@objectives_blp.route("/<int:objective_id>/transitions", methods=["POST"])
@objectives_blp.arguments(TransitionBody)
@objectives_blp.response(200, ObjectiveSchema)
@declare(objectives_blp, 403, 404, 409, 422)
def transition(body, objective_id):
    """Adopter, déclarer atteint ou abandonner un objectif (COPIL)."""
    ref = RecordRef(KIND, check_id(objective_id))
    with writing() as uow:
        apply_transition(uow, ref, body["transition"], actor(), body["inputs"], body["version"])
        return _one(uow, objective_id)


@objectives_blp.route("/<int:objective_id>/events")
@objectives_blp.response(200, RecordEventSchema(many=True))
@declare(objectives_blp, 404)
def events(objective_id):
    """Lister l'historique de l'objectif (journal d'audit) : indicateurs, valeurs, étapes."""
    return events_body(reading().session, KIND, check_id(objective_id), actor())


@objectives_blp.route("/<int:objective_id>/indicators", methods=["POST"])
@objectives_blp.arguments(IndicatorBody)
@objectives_blp.response(201, IndicatorSchema)
@declare(objectives_blp, 403, 404, 422)
def new_indicator(body, objective_id):
    """Ajouter un indicateur : `computed` (une mesure du registre, `themes`, `publics`) ou
    `reported` (déclaré par `organisation_id`)."""
    with writing() as uow:
        indicator_id = add_indicator(uow, actor(), check_id(objective_id), body["fields"]).id
        return _indicator(uow, indicator_id, 201)


@objectives_blp.route("/<int:objective_id>/milestones", methods=["POST"])
@objectives_blp.arguments(MilestoneBody)
@objectives_blp.response(201, MilestoneSchema)
@declare(objectives_blp, 403, 404, 422)
def new_milestone(body, objective_id):
    """Ajouter une étape datée à l'échéancier de l'objectif (COPIL)."""
    with writing() as uow:
        milestone = add_milestone(uow, actor(), check_id(objective_id), body["fields"])
        today = local(uow.clock()).date()
        shown = _milestone(milestone, today)
    return answer(shown, 201)


@objectives_blp.route("/milestones/<int:milestone_id>/done", methods=["POST"])
@objectives_blp.arguments(DoneBody)
@objectives_blp.response(200, MilestoneSchema)
@declare(objectives_blp, 403, 404, 422)
def milestone_done(body, milestone_id):
    """Déclarer une étape réalisée (`done_on`, aujourd'hui par défaut) : porteurs de la
    structure responsable, COPIL."""
    with writing() as uow:
        milestone = complete_milestone(uow, actor(), check_id(milestone_id), body.get("done_on"))
        shown = _milestone(milestone, local(uow.clock()).date())
    return answer(shown)


def _milestone(m, today: date) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "due_on": m.due_on.isoformat(),
        "done_on": _day(m.done_on),
        "organisation_id": m.organisation_id,
        "late": is_late(m, today),
    }


# ---- indicators -------------------------------------------------------------------------------


def _indicator(work, indicator_id: int, status: int = 200):
    session = work.session
    indicator = session.get(Indicator, check_id(indicator_id), populate_existing=True)
    if indicator is None:
        raise NotFound()
    return answer(indicator_body(session, indicator, local(work.clock()).date()), status)


@indicators_blp.route("")
@indicators_blp.response(200, IndicatorSchema(many=True))
@declare(indicators_blp)
def list_indicators():
    """Lister les indicateurs de tous les objectifs, avec leur valeur actuelle."""
    session = reading().session
    today = local(reading().clock()).date()
    found = [i for o in objectives(session) for i in o.indicators]
    return answer([indicator_body(session, i, today) for i in found])


@indicators_blp.route("/<int:indicator_id>")
@indicators_blp.response(200, IndicatorSchema)
@declare(indicators_blp, 404)
def get_indicator(indicator_id):
    """Lire un indicateur : sa valeur actuelle (recalculée s'il est calculé) et son historique."""
    return _indicator(reading(), indicator_id)


@indicators_blp.route("/<int:indicator_id>/values", methods=["POST"])
@indicators_blp.arguments(ValueBody)
@indicators_blp.response(201, IndicatorSchema)
@declare(indicators_blp, 403, 404, 422)
def new_value(body, indicator_id):
    """Déclarer une valeur (`value`, `measured_on`, `source`) : porteurs de la structure
    responsable de l'indicateur, COPIL."""
    with writing() as uow:
        report_value(uow, actor(), check_id(indicator_id), body["fields"])
        return _indicator(uow, indicator_id, 201)
