"""Organisations: listed for every signed-in user, recorded by administrators."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from engine.errors import NotFound
from engine.models import ORGANISATION_KINDS, Organisation
from engine.services.users import add_organisation
from web.api.errors import declare
from web.context import actor, reading, writing

organisations = Blueprint(
    "organisations",
    __name__,
    url_prefix="/organisations",
    description="Structures porteuses (communes, associations, services de l'État…).",
)
BLUEPRINTS = (organisations,)


class OrganisationSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String(metadata={"enum": list(ORGANISATION_KINDS)})
    siren = fields.String(allow_none=True)
    siret = fields.String(allow_none=True)


class NewOrganisationSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(max=200))
    kind = fields.String(required=True, validate=validate.OneOf(list(ORGANISATION_KINDS)))
    siren = fields.String(allow_none=True, validate=validate.Length(max=9))
    siret = fields.String(allow_none=True, validate=validate.Length(max=14))


@organisations.route("")
@organisations.response(200, OrganisationSchema(many=True))
@declare(organisations)
def list_organisations():
    """Lister les structures, par nom."""
    stmt = select(Organisation).order_by(Organisation.search_text)
    return reading().session.scalars(stmt).all()


@organisations.route("/<int(max=2147483647):organisation_id>")
@organisations.response(200, OrganisationSchema)
@declare(organisations, 404)
def get_organisation(organisation_id: int):
    """Lire une structure."""
    organisation = reading().session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation


@organisations.route("", methods=["POST"])
@organisations.arguments(NewOrganisationSchema)
@organisations.response(201, OrganisationSchema)
@declare(organisations, 403, 422)
def create_organisation(data: dict):
    """Enregistrer une structure (administrateurs)."""
    with writing() as uow:
        return add_organisation(
            uow,
            actor(),
            data["name"],
            data["kind"],
            siren=data.get("siren") or None,
            siret=data.get("siret") or None,
        )
