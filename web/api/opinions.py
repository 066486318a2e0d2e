"""Opinions (avis) asked of a service on a scheme or a pooling, and the committees' private
notes on a record: the same rules as the pages (engine.services.opinions, committee_notes).

Opinions are read by the committees (all) and by the service asked (its own); never by the
record's owners. Notes are read and written by the committees only."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.models import VERDICTS
from engine.services.committee_notes import add_note, notes_of
from engine.services.common import RecordRef
from engine.services.opinions import (
    KINDS,
    OpinionFilter,
    OpinionRequest,
    answer_opinion,
    find_opinions,
    get_opinion,
    request_opinion,
    today,
    withdraw_opinion,
)
from web.api.errors import declare
from web.api.records import check_id
from web.api.schemas import ID, CommentBody
from web.context import actor, reading, writing

opinions = Blueprint(
    "opinions",
    __name__,
    url_prefix="/opinions",
    description="Avis demandés aux services (Police, Gendarmerie, Parquet, Douanes, CLSPD).",
)
scheme_notes = Blueprint(
    "scheme_notes",
    __name__,
    url_prefix="/schemes",
    description="Notes du comité sur un dispositif (jamais lues par les porteurs).",
)
pooling_notes = Blueprint(
    "pooling_notes",
    __name__,
    url_prefix="/poolings",
    description="Notes du comité sur une mutualisation (jamais lues par les porteurs).",
)
BLUEPRINTS = (opinions, scheme_notes, pooling_notes)
STATES = ("requested", "answered", "withdrawn")


class OpinionSchema(Schema):
    id = fields.Integer()
    record_type = fields.String(metadata={"enum": list(KINDS)})
    record_id = fields.Integer()
    expert_organisation_id = fields.Integer()
    expert_organisation = fields.String()
    expert_user_id = fields.Integer(allow_none=True)
    question = fields.String()
    due_on = fields.Date(metadata={"description": "jour attendu (Martinique)"})
    state = fields.String(metadata={"enum": list(STATES)})
    overdue = fields.Boolean(metadata={"description": "non rendu, date attendue passée"})
    version = fields.Integer()
    requested_by_id = fields.Integer()
    requested_at = fields.DateTime()
    verdict = fields.String(allow_none=True, metadata={"enum": list(VERDICTS)})
    answer = fields.String(allow_none=True)
    answered_by_id = fields.Integer(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    withdrawn_by_id = fields.Integer(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    withdrawal_comment = fields.String(allow_none=True)


_COLUMNS = [
    name
    for name in OpinionSchema._declared_fields
    if name not in ("expert_organisation", "overdue")
]


def _body(uow, opinion) -> dict:
    """The opinion as the API answers it, read while its unit of work is open."""
    return {
        **{name: getattr(opinion, name) for name in _COLUMNS},
        "expert_organisation": opinion.expert_organisation.name,
        "overdue": opinion.overdue(today(uow)),
    }


class OpinionQuery(Schema):
    record_type = fields.String(validate=validate.OneOf(KINDS))
    record_id = fields.Integer(strict=False, validate=ID)
    expert_organisation_id = fields.Integer(strict=False, validate=ID)
    state = fields.String(validate=validate.OneOf(STATES))
    overdue = fields.Boolean()


class NewOpinionSchema(Schema):
    record_type = fields.String(required=True, validate=validate.OneOf(KINDS))
    record_id = fields.Integer(strict=True, required=True, validate=ID)
    expert_organisation_id = fields.Integer(strict=True, required=True, validate=ID)
    expert_user_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    question = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    due_on = fields.Date(required=True, metadata={"description": "après aujourd'hui"})


class AnswerSchema(Schema):
    verdict = fields.String(required=True, validate=validate.OneOf(list(VERDICTS)))
    answer = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    version = fields.Integer(strict=True, validate=ID)


class WithdrawSchema(Schema):
    comment = fields.String(validate=validate.Length(max=5000))
    version = fields.Integer(strict=True, validate=ID)


class NoteSchema(Schema):
    id = fields.Integer()
    record_type = fields.String()
    record_id = fields.Integer()
    author_id = fields.Integer()
    body = fields.String()
    created_at = fields.DateTime()


OPINION_ID = "/<int(max=2147483647):opinion_id>"


@opinions.route("")
@opinions.arguments(OpinionQuery, location="query")
@opinions.response(200, OpinionSchema(many=True))
@declare(opinions, 403, 422)
def list_all(query: dict):
    """Lister les avis (tous pour les comités, ceux demandés à son service sinon)."""
    work = reading()
    return [_body(work, o) for o in find_opinions(work, actor(), OpinionFilter(**query))]


@opinions.route(OPINION_ID)
@opinions.response(200, OpinionSchema)
@declare(opinions, 403, 404)
def get_one(opinion_id: int):
    """Lire un avis."""
    return _body(reading(), get_opinion(reading(), opinion_id, actor()))


@opinions.route("", methods=["POST"])
@opinions.arguments(NewOpinionSchema)
@opinions.response(201, OpinionSchema)
@declare(opinions, 403, 404, 422)
def create(data: dict):
    """Demander un avis (COTECH, coordinateur) ; la date attendue est après aujourd'hui."""
    ref = RecordRef(data["record_type"], data["record_id"])
    wanted = OpinionRequest(
        data["expert_organisation_id"],
        data["question"],
        data["due_on"],
        data.get("expert_user_id"),
    )
    with writing() as uow:
        return _body(uow, request_opinion(uow, ref, actor(), wanted))


@opinions.route(OPINION_ID + "/answer", methods=["POST"])
@opinions.arguments(AnswerSchema)
@opinions.response(200, OpinionSchema)
@declare(opinions, 403, 404, 409, 422)
def answer(data: dict, opinion_id: int):
    """Rendre l'avis (toute personne active du service consulté)."""
    with writing() as uow:
        done = answer_opinion(
            uow, opinion_id, actor(), data["verdict"], data["answer"], data.get("version")
        )
        return _body(uow, done)


@opinions.route(OPINION_ID + "/withdraw", methods=["POST"])
@opinions.arguments(WithdrawSchema)
@opinions.response(200, OpinionSchema)
@declare(opinions, 403, 404, 409, 422)
def withdraw(data: dict, opinion_id: int):
    """Retirer une demande d'avis non rendue (COTECH, coordinateur)."""
    with writing() as uow:
        done = withdraw_opinion(uow, opinion_id, actor(), data.get("comment"), data.get("version"))
        return _body(uow, done)


def _notes_routes(blp: Blueprint, kind: str) -> None:
    path = f"/<int:{kind}_id>/notes"

    @blp.route(path, endpoint="list_notes")
    @blp.response(200, NoteSchema(many=True))
    @declare(blp, 403, 404)
    def list_notes(**ids):
        """Lister les notes du comité sur l'élément (comités seulement)."""
        ref = RecordRef(kind, check_id(ids[f"{kind}_id"]))
        return notes_of(reading(), ref, actor())

    @blp.route(path, methods=["POST"], endpoint="add_note")
    @blp.arguments(CommentBody)
    @blp.response(201, NoteSchema)
    @declare(blp, 403, 404, 422)
    def create_note(body, **ids):
        """Ajouter une note du comité (COTECH, coordinateur, COPIL, secrétaires de séance)."""
        ref = RecordRef(kind, check_id(ids[f"{kind}_id"]))
        with writing() as uow:
            return add_note(uow, ref, actor(), body["body"])


_notes_routes(scheme_notes, "scheme")
_notes_routes(pooling_notes, "pooling")
