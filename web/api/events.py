"""The audit log, for COTECH, COPIL and administrators.

The log names every record, drafts included, so it is not filtered by record visibility: the
engine reserves it to these roles (engine.services.events.LOG_READERS) and refuses the others.
"""

from datetime import datetime, time, timedelta

from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from engine.clock import MARTINIQUE
from engine.services.events import EventFilter, find_events
from web.api.errors import declare
from web.api.schemas import ID
from web.context import actor, reading

events = Blueprint(
    "events",
    __name__,
    url_prefix="/events",
    description="Journal d'audit (COTECH, COPIL, administrateurs).",
)
BLUEPRINTS = (events,)


class AuditEventQuerySchema(Schema):
    record_type = fields.String(validate=validate.Length(max=20))
    record_id = fields.Integer(validate=ID)
    actor_id = fields.Integer(validate=ID)
    action = fields.String(validate=validate.Length(max=40))
    since = fields.Date(metadata={"description": "premier jour inclus (heure de Martinique)"})
    until = fields.Date(metadata={"description": "dernier jour inclus (heure de Martinique)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AuditEventSchema(Schema):
    position = fields.Integer()
    record_type = fields.String()
    record_id = fields.Integer(allow_none=True)
    record_reference = fields.String(allow_none=True)
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    actor_label = fields.String(allow_none=True)
    occurred_at = fields.DateTime()
    comment = fields.String(allow_none=True)
    inputs = fields.Dict(allow_none=True)
    changes = fields.Dict(allow_none=True)
    data = fields.Dict(allow_none=True)
    hash = fields.String()
    prev_hash = fields.String()


class AuditEventPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


@events.route("")
# A misspelt filter is an error, not a silently wider answer.
@events.arguments(AuditEventQuerySchema, location="query", unknown=RAISE)
@events.response(200, AuditEventPageSchema)
@declare(events, 403, 422)
def list_events(query: dict):
    """Lister les événements du journal, dans l'ordre de la chaîne, par page."""
    page, per_page = query.pop("page"), query.pop("per_page")
    wanted = EventFilter(
        **{k: v for k, v in query.items() if k not in ("since", "until")},
        since=_start_of(query.get("since")),
        until=_start_of(query["until"] + timedelta(days=1)) if "until" in query else None,
    )
    total, rows = find_events(reading(), actor(), wanted, (page - 1) * per_page, per_page)
    return {"items": rows, "total": total, "page": page, "per_page": per_page}


def _start_of(day) -> datetime | None:
    return datetime.combine(day, time(), MARTINIQUE) if day is not None else None
