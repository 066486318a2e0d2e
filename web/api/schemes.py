"""Schemes (dispositifs): list, create, read, edit, apply transitions, events, comments."""

from flask_smorest import Blueprint

from engine.queries.inventory import parse_filter, scheme_query
from engine.services.comments import add_comment
from engine.services.common import RecordRef
from engine.services.records import create_scheme, edit_record
from engine.services.transitions import apply_transition
from web.api.errors import declare
from web.api.records import (
    answer,
    check_id,
    comment_body,
    events_body,
    page_body,
    record_body,
)
from web.api.schemas import (
    CommentBody,
    CommentSchema,
    NewSchemeBody,
    RecordEventSchema,
    SchemeEditBody,
    SchemeListArgs,
    SchemePageSchema,
    SchemeSchema,
    TransitionBody,
)
from web.context import actor, reading, writing

blp = Blueprint(
    "schemes",
    __name__,
    url_prefix="/schemes",
    description="Dispositifs d'aide : inventaire, fiches, workflow.",
)
BLUEPRINTS = (blp,)
KIND = "scheme"


@blp.route("")
@blp.arguments(SchemeListArgs, location="query", unknown="raise")
@blp.response(200, SchemePageSchema)
@declare(blp, 422)
def list_schemes(args):
    """Lister les dispositifs visibles, filtrés comme l'inventaire, page par page."""
    session, caller = reading().session, actor()
    stmt = scheme_query(session, parse_filter(session, args["filters"]), caller)
    return answer(page_body(session, KIND, stmt, args, caller))


@blp.route("", methods=["POST"])
@blp.arguments(NewSchemeBody)
@blp.response(201, SchemeSchema)
@declare(blp, 403, 422)
def create(body):
    """Créer un dispositif en brouillon (titre et structure porteuse suffisent)."""
    caller = actor()
    with writing() as uow:
        scheme = create_scheme(uow, caller, body["fields"])
        return answer(record_body(uow.connection, KIND, scheme.id, caller), 201)


@blp.route("/<int:scheme_id>")
@blp.response(200, SchemeSchema)
@declare(blp, 404)
def get(scheme_id):
    """Lire un dispositif et les actions possibles depuis son état."""
    return answer(record_body(reading().connection, KIND, scheme_id, actor()))


@blp.route("/<int:scheme_id>", methods=["PATCH"])
@blp.arguments(SchemeEditBody)
@blp.response(200, SchemeSchema)
@declare(blp, 403, 404, 409, 422)
def edit(body, scheme_id):
    """Modifier des champs ; `version` est celle lue (409 si elle a changé)."""
    caller, ref = actor(), RecordRef(KIND, check_id(scheme_id))
    with writing() as uow:
        edit_record(uow, ref, body["fields"], caller, body["version"])
        return answer(record_body(uow.connection, KIND, scheme_id, caller))


@blp.route("/<int:scheme_id>/transitions", methods=["POST"])
@blp.arguments(TransitionBody)
@blp.response(200, SchemeSchema)
@declare(blp, 403, 404, 409, 422)
def transition(body, scheme_id):
    """Appliquer une action du workflow (soumettre, examiner, approuver…)."""
    caller, ref = actor(), RecordRef(KIND, check_id(scheme_id))
    with writing() as uow:
        apply_transition(uow, ref, body["transition"], caller, body["inputs"], body["version"])
        return answer(record_body(uow.connection, KIND, scheme_id, caller))


@blp.route("/<int:scheme_id>/events")
@blp.response(200, RecordEventSchema(many=True))
@declare(blp, 404)
def events(scheme_id):
    """Lister l'historique (journal d'audit) du dispositif, dans l'ordre."""
    return events_body(reading().session, KIND, scheme_id, actor())


@blp.route("/<int:scheme_id>/comments", methods=["POST"])
@blp.arguments(CommentBody)
@blp.response(201, CommentSchema)
@declare(blp, 404, 422)
def comment(body, scheme_id):
    """Commenter le dispositif (le commentaire entre au journal d'audit)."""
    ref = RecordRef(KIND, check_id(scheme_id))
    with writing() as uow:
        return comment_body(add_comment(uow, ref, actor(), body["body"]))
