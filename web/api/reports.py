"""Reports: time spent per state and lead times (COTECH, COPIL, administrators)."""

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from engine.errors import InvalidInput, NotPermitted
from engine.models import Organisation
from engine.queries import time_in_state as tis
from engine.rules.policy import role_reason
from web.api.errors import declare
from web.context import actor, reading, workflows
from web.report_filters import REPORT_ROLES, TYPES, parse_report_filters

reports = Blueprint(
    "reports",
    __name__,
    url_prefix="/reports",
    description="Rapports : temps passé par état et délai de décision.",
)
BLUEPRINTS = (reports,)
DAYS = "jours, 90e centile et médiane interpolés linéairement (percentile_cont)"


class ReportArgs(Schema):
    type = fields.String(metadata={"enum": list(TYPES), "description": "par défaut scheme"})
    du = fields.String(metadata={"description": "premier jour (jj/mm/aaaa ou aaaa-mm-jj)"})
    au = fields.String(metadata={"description": "dernier jour inclus"})
    organisation = fields.String(metadata={"description": "id d'une structure"})


class StatSchema(Schema):
    count = fields.Integer(metadata={"description": "séjours (ou dossiers décidés) mesurés"})
    median_days = fields.Float(allow_none=True, metadata={"description": DAYS})
    p90_days = fields.Float(allow_none=True, metadata={"description": DAYS})


class OrganisationStatSchema(StatSchema):
    organisation_id = fields.Integer(allow_none=True)
    organisation = fields.String(allow_none=True)


class StateStatSchema(StatSchema):
    state = fields.String()
    label = fields.String()
    open = fields.Integer(metadata={"description": "dossiers encore dans l'état (non mesurés)"})
    organisations = fields.List(fields.Nested(OrganisationStatSchema))


class LeadSchema(StatSchema):
    organisations = fields.List(fields.Nested(OrganisationStatSchema))


class TimeInStateSchema(Schema):
    type = fields.String()
    start = fields.Date(allow_none=True)
    end = fields.Date(allow_none=True)
    organisation_id = fields.Integer(allow_none=True)
    states = fields.List(fields.Nested(StateStatSchema))
    lead_time = fields.Nested(LeadSchema)


@reports.route("/time-in-state")
@reports.arguments(ReportArgs, location="query")
@reports.response(200, TimeInStateSchema)
@declare(reports, 403, 422)
def time_in_state(_args):
    """Temps passé par état (séjours terminés) et délai de la soumission à la décision."""
    who = actor()
    if (reason := role_reason(frozenset(REPORT_ROLES), who, None)) is not None:
        raise NotPermitted(reason)
    session = reading().session
    known = set(session.scalars(select(Organisation.id)))
    filters, errors, _raw = parse_report_filters(request.args, known)
    if errors:
        raise InvalidInput(errors)
    workflow = workflows().current(filters.kind)
    return body(tis.time_in_state(session, filters, workflow), filters, workflow)


def body(report: tis.Report, filters: tis.Filters, workflow) -> dict:
    names = report.organisations
    per_org = {}
    for (state, org), stat in report.per_organisation.items():
        per_org.setdefault(state, []).append(_stat(stat, org_id=org, names=names))
    return {
        "type": filters.kind,
        "start": filters.start,
        "end": filters.end,
        "organisation_id": filters.organisation_id,
        "states": [
            {
                "state": state,
                "label": workflow.states[state].label,
                "open": report.open.get(state, 0),
                **_stat(report.per_state.get(state)),
                "organisations": sorted(per_org.get(state, []), key=_by_name),
            }
            for state in report.states
        ],
        "lead_time": {
            **_stat(report.lead),
            "organisations": sorted(
                (_stat(s, org_id=o, names=names) for o, s in report.lead_per_organisation.items()),
                key=_by_name,
            ),
        },
    }


def _stat(stat: tis.Stat | None, **org) -> dict:
    out = {
        "count": stat.count if stat else 0,
        "median_days": round(stat.median, 4) if stat else None,
        "p90_days": round(stat.p90, 4) if stat else None,
    }
    if org:
        out["organisation_id"] = org["org_id"]
        out["organisation"] = org["names"].get(org["org_id"])
    return out


def _by_name(item: dict) -> tuple:
    return (item["organisation"] is None, (item["organisation"] or "").casefold())
