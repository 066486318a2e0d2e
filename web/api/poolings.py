"""Poolings (mutualisations): list, create, read, edit, apply transitions, events, comments."""

from flask_smorest import Blueprint

from engine.services.comments import add_comment
from engine.services.common import RecordRef
from engine.services.records import create_pooling, edit_record
from engine.services.transitions import apply_transition
from web.api.errors import declare
from web.api.records import (
    answer,
    check_id,
    comment_body,
    events_body,
    page_body,
    pooling_query,
    record_body,
)
from web.api.schemas import (
    CommentBody,
    CommentSchema,
    NewPoolingBody,
    PoolingEditBody,
    PoolingListArgs,
    PoolingPageSchema,
    PoolingSchema,
    RecordEventSchema,
    TransitionBody,
)
from web.context import actor, reading, writing

blp = Blueprint(
    "poolings",
    __name__,
    url_prefix="/poolings",
    description="Mutualisations de dispositifs : propositions du COTECH, décisions du COPIL.",
)
BLUEPRINTS = (blp,)
KIND = "pooling"


@blp.route("")
@blp.arguments(PoolingListArgs, location="query", unknown="raise")
@blp.response(200, PoolingPageSchema)
@declare(blp, 422)
def list_poolings(args):
    """Lister les mutualisations, page par page."""
    session, caller = reading().session, actor()
    return answer(page_body(session, KIND, pooling_query(args), args, caller))


@blp.route("", methods=["POST"])
@blp.arguments(NewPoolingBody)
@blp.response(201, PoolingSchema)
@declare(blp, 403, 422)
def create(body):
    """Proposer une mutualisation de dispositifs examinés (COTECH) : `scheme_ids`."""
    caller = actor()
    with writing() as uow:
        pooling = create_pooling(uow, caller, body["fields"])
        return answer(record_body(uow.connection, KIND, pooling.id, caller), 201)


@blp.route("/<int:pooling_id>")
@blp.response(200, PoolingSchema)
@declare(blp, 404)
def get(pooling_id):
    """Lire une mutualisation et les actions possibles depuis son état."""
    return answer(record_body(reading().connection, KIND, pooling_id, actor()))


@blp.route("/<int:pooling_id>", methods=["PATCH"])
@blp.arguments(PoolingEditBody)
@blp.response(200, PoolingSchema)
@declare(blp, 403, 404, 409, 422)
def edit(body, pooling_id):
    """Modifier des champs ; `version` est celle lue (409 si elle a changé)."""
    caller, ref = actor(), RecordRef(KIND, check_id(pooling_id))
    with writing() as uow:
        edit_record(uow, ref, body["fields"], caller, body["version"])
        return answer(record_body(uow.connection, KIND, pooling_id, caller))


@blp.route("/<int:pooling_id>/transitions", methods=["POST"])
@blp.arguments(TransitionBody)
@blp.response(200, PoolingSchema)
@declare(blp, 403, 404, 409, 422)
def transition(body, pooling_id):
    """Appliquer une action du workflow (examiner, proposer, approuver…)."""
    caller, ref = actor(), RecordRef(KIND, check_id(pooling_id))
    with writing() as uow:
        apply_transition(uow, ref, body["transition"], caller, body["inputs"], body["version"])
        return answer(record_body(uow.connection, KIND, pooling_id, caller))


@blp.route("/<int:pooling_id>/events")
@blp.response(200, RecordEventSchema(many=True))
@declare(blp, 404)
def events(pooling_id):
    """Lister l'historique (journal d'audit) de la mutualisation, dans l'ordre."""
    return events_body(reading().session, KIND, pooling_id, actor())


@blp.route("/<int:pooling_id>/comments", methods=["POST"])
@blp.arguments(CommentBody)
@blp.response(201, CommentSchema)
@declare(blp, 404, 422)
def comment(body, pooling_id):
    """Commenter la mutualisation (le commentaire entre au journal d'audit)."""
    ref = RecordRef(KIND, check_id(pooling_id))
    with writing() as uow:
        return comment_body(add_comment(uow, ref, actor(), body["body"]))
