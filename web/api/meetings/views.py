"""Committee meetings (séances): the calendar, planning, agenda, attendance, recusals,
decisions, the workflow's transitions and the close — each write one engine service."""

from flask_smorest import Blueprint

from engine.services.common import RecordRef
from engine.services.meetings import (
    add_item,
    close_meeting,
    declare_conflict,
    plan_meeting,
    record_decision,
    set_attendance,
)
from engine.services.transitions import apply_transition
from web.api.errors import declare
from web.api.meetings.bodies import (
    agenda_item_body,
    attendance_body,
    item_of,
    meeting_body,
    page_body,
    report_body,
)
from web.api.meetings.schemas import (
    AgendaItemSchema,
    AttendanceBody,
    AttendanceSchema,
    CloseBody,
    CloseSchema,
    DecisionBody,
    MeetingListArgs,
    MeetingPageSchema,
    MeetingSchema,
    MeetingTransitionBody,
    NewItemBody,
    PlanBody,
    RecusalBody,
)
from web.api.records import check_id
from web.context import actor, reading, writing

# What a 409 means here: the meeting's state or version, or a close that cannot apply.
STATE = {409: "La séance a changé (`version`) ou n'est pas dans l'état voulu (`current_version`)."}
CLOSE = {
    409: "Version périmée, séance déjà clôturée ou annulée ; ou `meeting_not_ready` : une "
    "décision ne peut s'appliquer, le compte rendu point par point est dans `details`."
}

blp = Blueprint(
    "meetings",
    __name__,
    url_prefix="/meetings",
    description="Séances du COPIL et du COTECH : ordre du jour, présences, décisions, clôture.",
)
BLUEPRINTS = (blp,)


@blp.route("")
@blp.arguments(MeetingListArgs, location="query", unknown="raise")
@blp.response(200, MeetingPageSchema)
@declare(blp, 422)
def list_meetings(args):
    """Lister les séances, la plus récente d'abord, page par page."""
    return page_body(reading().session, args)


@blp.route("", methods=["POST"])
@blp.arguments(PlanBody)
@blp.response(201, MeetingSchema)
@declare(blp, 403, 422)
def plan(body):
    """Prévoir une séance et les membres à convoquer (secrétaires de séance, administrateurs)."""
    caller = actor()
    with writing() as uow:
        meeting = plan_meeting(uow, caller, **body)
        return meeting_body(uow.session, meeting.id, caller)


@blp.route("/<int:meeting_id>")
@blp.response(200, MeetingSchema)
@declare(blp, 404)
def get(meeting_id):
    """Lire une séance : membres et présences, ordre du jour, quorum, actions possibles."""
    return meeting_body(reading().session, meeting_id, actor())


@blp.route("/<int:meeting_id>/items", methods=["POST"])
@blp.arguments(NewItemBody)
@blp.response(201, AgendaItemSchema)
@declare(blp, 403, 404, 409, 422, notes=STATE)
def add(body, meeting_id):
    """Inscrire à l'ordre du jour un dossier proposé au COPIL, ou un point d'information."""
    record = body.pop("record", None)
    ref = RecordRef(record["type"], record["id"]) if record else None
    with writing() as uow:
        item = add_item(uow, actor(), check_id(meeting_id), ref, **body)
        return agenda_item_body(uow.session, meeting_id, item.id)


@blp.route("/<int:meeting_id>/attendance/<int:user_id>", methods=["PUT"])
@blp.arguments(AttendanceBody)
@blp.response(200, AttendanceSchema)
@declare(blp, 403, 404, 409, 422, notes=STATE)
def attend(body, meeting_id, user_id):
    """Relever la présence d'un membre convoqué (présent, représenté par un pouvoir…)."""
    with writing() as uow:
        set_attendance(uow, actor(), check_id(meeting_id), check_id(user_id), **body)
        return attendance_body(uow.session, meeting_id, user_id)


@blp.route("/<int:meeting_id>/items/<int:item_id>/recusals", methods=["POST"])
@blp.arguments(RecusalBody)
@blp.response(201, AgendaItemSchema)
@declare(blp, 403, 404, 409, 422, notes=STATE)
def recuse(body, meeting_id, item_id):
    """Déclarer un conflit d'intérêts : le membre est déporté de ce point."""
    item_of(reading().session, meeting_id, item_id)
    with writing() as uow:
        declare_conflict(uow, actor(), item_id, body["user_id"], body["reason"])
        return agenda_item_body(uow.session, meeting_id, item_id)


@blp.route("/<int:meeting_id>/items/<int:item_id>/decision", methods=["PUT"])
@blp.arguments(DecisionBody)
@blp.response(200, AgendaItemSchema)
@declare(blp, 403, 404, 409, 422, notes=STATE)
def decide(body, meeting_id, item_id):
    """Enregistrer la décision de la séance sur un point ; son numéro est attribué une fois."""
    item_of(reading().session, meeting_id, item_id)
    votes = body.pop("votes", None)
    counts = (votes["votes_for"], votes["against"], votes["abstention"]) if votes else None
    with writing() as uow:
        record_decision(uow, actor(), item_id, body.pop("outcome"), votes=counts, **body)
        return agenda_item_body(uow.session, meeting_id, item_id)


@blp.route("/<int:meeting_id>/transitions/<name>", methods=["POST"])
@blp.arguments(MeetingTransitionBody)
@blp.response(200, MeetingSchema)
@declare(blp, 403, 404, 409, 422, notes=STATE)
def transition(body, meeting_id, name):
    """Appliquer une action du circuit de la séance (convoquer, annuler…) ; `version` lue."""
    caller, ref = actor(), RecordRef("meeting", check_id(meeting_id))
    version = body.pop("version")
    with writing() as uow:
        apply_transition(uow, ref, name, caller, body, version)
        return meeting_body(uow.session, meeting_id, caller)


@blp.route("/<int:meeting_id>/close", methods=["POST"])
@blp.arguments(CloseBody)
@blp.response(200, CloseSchema)
@declare(blp, 403, 404, 409, 422, notes=CLOSE)
def close(body, meeting_id):
    """Clôturer la séance : toutes ses décisions s'appliquent ensemble, ou aucune ; à blanc
    avec `dry_run`, le compte rendu dit point par point ce qui s'appliquerait et pourquoi."""
    caller = actor()
    with writing() as uow:
        report = close_meeting(
            uow,
            caller,
            check_id(meeting_id),
            dry_run=body["dry_run"],
            expected_version=body["version"],
        )
        closed = meeting_body(uow.session, meeting_id, caller) if report.closed else None
        return {"report": report_body(report), "meeting": closed}
