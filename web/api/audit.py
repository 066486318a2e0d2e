"""The audit chain's status, as `maillage audit verify` reports it (administrators)."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.services.events import verify_log
from web.api.errors import declare
from web.context import actor, writing

audit = Blueprint(
    "audit", __name__, url_prefix="/audit", description="Intégrité du journal d'audit."
)
BLUEPRINTS = (audit,)


class VerificationSchema(Schema):
    ok = fields.Boolean()
    count = fields.Integer()
    message = fields.String()
    position = fields.Integer(allow_none=True, metadata={"description": "premier événement fautif"})


@audit.route("/verify")
@audit.response(200, VerificationSchema)
@declare(audit, 403)
def verify():
    """Vérifier la chaîne d'empreintes du journal, depuis le premier événement."""
    # Its own unit of work: the chain is read through a server-side cursor, in a transaction.
    with writing() as uow:
        return verify_log(uow, actor())
