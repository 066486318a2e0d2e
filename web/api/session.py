"""The caller as the API sees them, and the CSRF token a browser session writes with."""

from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf
from marshmallow import Schema, fields

from web.context import actor

session = Blueprint(
    "session",
    __name__,
    url_prefix="/me",
    description="L'utilisateur appelant et son jeton CSRF de session.",
)
BLUEPRINTS = (session,)


class MeSchema(Schema):
    id = fields.Integer(allow_none=True)
    email = fields.String()
    roles = fields.List(fields.String())
    organisation_id = fields.Integer(allow_none=True)
    csrf_token = fields.String(
        metadata={
            "description": "À renvoyer dans l'en-tête X-CSRFToken pour écrire avec une session."
        }
    )


@session.route("")
@session.response(200, MeSchema)
def me():
    """Dire qui appelle, avec le jeton CSRF des écritures faites par une session de navigateur."""
    caller = actor()
    return {
        "id": caller.id,
        "email": caller.label,
        "roles": sorted(caller.roles),
        "organisation_id": caller.organisation_id,
        "csrf_token": generate_csrf(),
    }
