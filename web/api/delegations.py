"""Delegations: a user lends some of their roles to another for a period; the same rules as the
account's page (engine.services.delegations)."""

from datetime import UTC, date, datetime

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.models import DELEGABLE
from engine.services.delegations import (
    create_delegation,
    get_delegation,
    list_delegations,
    revoke_delegation,
)
from web.api.errors import declare
from web.api.schemas import ID
from web.context import actor, reading, writing

delegations = Blueprint(
    "delegations",
    __name__,
    url_prefix="/delegations",
    description="Délégations de rôles pendant une absence.",
)
BLUEPRINTS = (delegations,)

DAYS = validate.Range(date(2000, 1, 1), date(2999, 12, 31))
INSTANTS = validate.Range(datetime(2000, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC))


class DelegationPersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()


class DelegationSchema(Schema):
    id = fields.Integer()
    delegator = fields.Nested(DelegationPersonSchema)
    delegate = fields.Nested(DelegationPersonSchema)
    roles = fields.Function(
        lambda d: sorted(d.roles), metadata={"type": "array", "items": {"type": "string"}}
    )
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(metadata={"description": "fin, exclue"})
    first_day = fields.Date(metadata={"description": "premier jour (Martinique)"})
    last_day = fields.Date(metadata={"description": "dernier jour couvert (Martinique)"})
    status = fields.Method(
        "_status",
        metadata={"type": "string", "enum": ["upcoming", "active", "ended", "revoked"]},
    )
    created_at = fields.DateTime()
    created_by_id = fields.Integer(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoked_by_id = fields.Integer(allow_none=True)

    def _status(self, delegation) -> str:
        return delegation.status(reading().clock())


class NewDelegationSchema(Schema):
    """A period given as days (Martinique; the last one included) or as instants."""

    delegator_id = fields.Integer(
        strict=True, validate=ID, metadata={"description": "administrateurs ; vous par défaut"}
    )
    delegate_id = fields.Integer(strict=True, required=True, validate=ID)
    roles = fields.List(
        fields.String(validate=validate.OneOf(DELEGABLE)),
        required=True,
        validate=validate.Length(min=1, max=len(DELEGABLE)),
    )
    first_day = fields.Date(validate=DAYS)
    last_day = fields.Date(validate=DAYS)
    starts_at = fields.AwareDateTime(default_timezone=None, validate=INSTANTS)
    ends_at = fields.AwareDateTime(default_timezone=None, validate=INSTANTS)

    @validates_schema
    def _one_way(self, data, **_kwargs):
        for day, instant in (("first_day", "starts_at"), ("last_day", "ends_at")):
            if (day in data) == (instant in data):
                raise ValidationError(f"Indiquez « {day} » ou « {instant} ».", instant)


@delegations.route("")
@delegations.response(200, DelegationSchema(many=True))
@declare(delegations, 403)
def list_all():
    """Lister mes délégations, données et reçues (toutes pour un administrateur)."""
    caller = actor()
    return list_delegations(reading(), caller, everyone="admin" in caller.roles)


@delegations.route("/<int(max=2147483647):delegation_id>")
@delegations.response(200, DelegationSchema)
@declare(delegations, 403, 404)
def get_one(delegation_id: int):
    """Lire une délégation (son délégant, son délégataire ou un administrateur)."""
    return get_delegation(reading(), actor(), delegation_id)


@delegations.route("", methods=["POST"])
@delegations.arguments(NewDelegationSchema)
@delegations.response(201, DelegationSchema)
@declare(delegations, 403, 422)
def create(data: dict):
    """Déléguer des rôles (les siens ; ceux de quiconque pour un administrateur)."""
    with writing() as uow:
        return create_delegation(
            uow,
            actor(),
            delegator_id=data.get("delegator_id"),
            delegate_id=data["delegate_id"],
            roles=data["roles"],
            starts=data.get("first_day", data.get("starts_at")),
            ends=data.get("last_day", data.get("ends_at")),
        )


@delegations.route("/<int(max=2147483647):delegation_id>", methods=["DELETE"])
@delegations.response(204)
@declare(delegations, 403, 404, 422)
def revoke(delegation_id: int):
    """Mettre fin à une délégation (son délégant ou un administrateur)."""
    with writing() as uow:
        revoke_delegation(uow, actor(), delegation_id)
