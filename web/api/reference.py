"""Reference data, read-only: territories, vocabularies, workflow definitions."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from engine.models import Territory, VocabularyTerm
from web import context
from web.context import reading

territories = Blueprint(
    "territories",
    __name__,
    url_prefix="/territories",
    description="Communes, EPCI et la Martinique (codes COG).",
)
vocabularies = Blueprint(
    "vocabularies",
    __name__,
    url_prefix="/vocabularies",
    description="Thématiques, publics, natures d'aide.",
)
workflows = Blueprint(
    "workflows",
    __name__,
    url_prefix="/workflows",
    description="Définitions des workflows (lecture seule).",
)
BLUEPRINTS = (territories, vocabularies, workflows)


class TerritorySchema(Schema):
    code = fields.String(metadata={"example": "COM-97209"})
    kind = fields.String(metadata={"example": "commune"})
    name = fields.String()
    population = fields.Integer(allow_none=True)
    epci = fields.String(allow_none=True, metadata={"description": "code COG de l'EPCI"})


class TermSchema(Schema):
    vocabulary = fields.String()
    code = fields.String()
    label_fr = fields.String()
    label_en = fields.String()
    active = fields.Boolean()


class StateSchema(Schema):
    name = fields.String()
    label = fields.String()
    label_en = fields.String()
    final = fields.Boolean()
    deadline_days = fields.Integer(allow_none=True)
    requires = fields.List(fields.String())


class TransitionSchema(Schema):
    name = fields.String()
    label = fields.String()
    label_en = fields.String()
    sources = fields.List(fields.String(), data_key="from")
    dest = fields.String(data_key="to")
    roles = fields.List(fields.String())
    guards = fields.List(fields.String())
    inputs = fields.Dict(keys=fields.String(), values=fields.Dict())


class WorkflowSchema(Schema):
    name = fields.String()
    version = fields.Integer()
    label = fields.String()
    initial = fields.String()
    states = fields.List(fields.Nested(StateSchema))
    transitions = fields.List(fields.Nested(TransitionSchema))


@territories.route("")
@territories.response(200, TerritorySchema(many=True))
def list_territories():
    """Lister les territoires : la Martinique, les 3 EPCI, les 34 communes."""
    session = reading().session
    rows = session.scalars(select(Territory).order_by(Territory.kind, Territory.code)).all()
    return [
        {
            "code": t.cog,
            "kind": t.kind,
            "name": t.name,
            "population": t.population,
            "epci": t.epci.cog if t.epci else None,
        }
        for t in rows
    ]


@vocabularies.route("")
@vocabularies.response(200, TermSchema(many=True))
def list_vocabularies():
    """Lister les termes des vocabulaires (thématiques, publics, natures d'aide)."""
    session = reading().session
    stmt = select(VocabularyTerm).order_by(VocabularyTerm.vocabulary, VocabularyTerm.position)
    return session.scalars(stmt).all()


@workflows.route("")
@workflows.response(200, WorkflowSchema(many=True))
def list_workflows():
    """Lister les définitions de workflow (dispositif, mutualisation) et leurs versions."""
    return [_workflow(wf) for wf in context.workflows()]


def _workflow(wf) -> dict:
    return {
        "name": wf.name,
        "version": wf.version,
        "label": wf.label,
        "initial": wf.initial,
        "states": list(wf.states.values()),
        "transitions": [
            {
                **vars(t),
                "sources": sorted(t.sources),
                "roles": sorted(t.roles),
                "inputs": {k: vars(v) for k, v in t.inputs.items()},
            }
            for t in wf.transitions
        ],
    }
