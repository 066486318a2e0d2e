"""Accounts (administrators): list, read, create, deactivate or change roles; never a hash."""

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from engine.models import FREQUENCIES, ROLES, User
from engine.services.preferences import set_notification_frequency
from engine.services.users import add_user, require_admin, update_user, visible_user
from web.api.errors import declare
from web.api.schemas import ID
from web.context import actor, reading, writing

users = Blueprint(
    "users",
    __name__,
    url_prefix="/users",
    description="Comptes des utilisateurs (administrateurs).",
)
BLUEPRINTS = (users,)


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    roles = fields.Function(
        lambda u: sorted(u.roles), metadata={"type": "array", "items": {"type": "string"}}
    )
    organisation_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    notification_frequency = fields.String(
        metadata={"enum": list(FREQUENCIES), "description": "immediate, daily ou weekly."}
    )
    created_at = fields.DateTime()


class NewUserSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(max=200))
    roles = fields.List(
        fields.String(validate=validate.OneOf(list(ROLES))),
        required=True,
        validate=validate.Length(min=1, max=len(ROLES)),
    )
    organisation_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1000))


class UserChangeSchema(Schema):
    active = fields.Boolean(truthy={True}, falsy={False})
    roles = fields.List(
        fields.String(validate=validate.OneOf(list(ROLES))),
        validate=validate.Length(min=1, max=len(ROLES)),
    )
    notification_frequency = fields.String(
        validate=validate.OneOf(list(FREQUENCIES)),
        metadata={
            "description": "Chaque notification à part (immediate) ou un récapitulatif "
            "quotidien (daily) ou hebdomadaire (weekly) ; l'intéressé peut la changer."
        },
    )

    @validates_schema
    def _something(self, data, **_kwargs):
        if not data:
            raise ValidationError("Indiquez « active », « roles » ou « notification_frequency ».")


@users.route("")
@users.response(200, UserSchema(many=True))
@declare(users, 403)
def list_users():
    """Lister les comptes (administrateurs)."""
    require_admin(actor())
    return reading().session.scalars(select(User).order_by(User.email)).all()


@users.route("/<int(max=2147483647):user_id>")
@users.response(200, UserSchema)
@declare(users, 403, 404)
def get_user(user_id: int):
    """Lire un compte (un administrateur, ou l'intéressé)."""
    return visible_user(reading(), actor(), user_id)


@users.route("", methods=["POST"])
@users.arguments(NewUserSchema)
@users.response(201, UserSchema)
@declare(users, 403, 422)
def create_user(data: dict):
    """Créer un compte avec ses rôles (administrateurs)."""
    with writing() as uow:
        return add_user(
            uow,
            actor(),
            data["email"],
            data["name"],
            data["roles"],
            data["password"],
            data.get("organisation_id"),
        )


@users.route("/<int(max=2147483647):user_id>", methods=["PATCH"])
@users.arguments(UserChangeSchema)
@users.response(200, UserSchema)
@declare(users, 403, 404, 422)
def change_user(data: dict, user_id: int):
    """Désactiver, réactiver un compte ou changer ses rôles (administrateurs) ; changer la
    fréquence de ses notifications (administrateurs, ou l'intéressé)."""
    with writing() as uow:
        if data.keys() == {"notification_frequency"}:
            return set_notification_frequency(uow, actor(), user_id, data["notification_frequency"])
        return update_user(
            uow,
            actor(),
            user_id,
            active=data.get("active"),
            roles=data.get("roles"),
            notification_frequency=data.get("notification_frequency"),
        )
