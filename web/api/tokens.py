"""The caller's API tokens: listed (prefix only), created (secret shown once), revoked."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from engine.models import ApiToken
from engine.services.tokens import create_token, revoke_token
from web.api.errors import declare
from web.context import actor, reading, writing

tokens = Blueprint(
    "tokens",
    __name__,
    url_prefix="/tokens",
    description="Jetons d'accès à l'API de l'utilisateur connecté.",
)
BLUEPRINTS = (tokens,)


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "premiers caractères, pour le reconnaître"})
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class IssuedTokenSchema(TokenSchema):
    token = fields.String(
        metadata={"description": "le jeton, affiché cette seule fois : conservez-le"}
    )


class NewTokenSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


@tokens.route("")
@tokens.response(200, TokenSchema(many=True))
@declare(tokens)
def list_tokens():
    """Lister ses propres jetons (sans leur secret)."""
    stmt = (
        select(ApiToken)
        .where(ApiToken.user_id == actor().id)
        .order_by(ApiToken.created_at, ApiToken.id)
    )
    return reading().session.scalars(stmt).all()


@tokens.route("", methods=["POST"])
@tokens.arguments(NewTokenSchema)
@tokens.response(201, IssuedTokenSchema)
@declare(tokens, 403, 422)
def create_own_token(data: dict):
    """Créer un jeton pour soi ; son secret n'est renvoyé qu'une fois."""
    caller = actor()
    with writing() as uow:
        issued = create_token(uow, caller, caller.id, data["name"])
        token = uow.session.get(ApiToken, issued.id)
        return {**{k: getattr(token, k) for k in TokenSchema().fields}, "token": issued.secret}


@tokens.route("/<int(max=2147483647):token_id>", methods=["DELETE"])
@tokens.response(204)
@declare(tokens, 403, 404)
def delete_token(token_id: int):
    """Révoquer un jeton (son titulaire ou un administrateur)."""
    with writing() as uow:
        revoke_token(uow, actor(), token_id)
