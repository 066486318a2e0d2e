"""A meeting's documents besides its agenda: the attendance sheet and the minutes."""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from engine.clock import MARTINIQUE
from engine.db.uow import UnitOfWork
from engine.documents.document import Document
from engine.documents.environment import render
from engine.errors import Conflict, NotFound, NotPermitted
from engine.models import ATTENDANCE, Meeting
from engine.rules.policy import Actor, inactive_reason
from engine.services.meetings.access import WHOLE
from engine.services.meetings.minutes import (
    COMMITTEE_NAMES,
    check_minutes,
    long_moment,
    minutes_text,
)
from engine.services.meetings.quorum import QUORUM_RULES

# A COPIL meeting is the agenda of its day only while it may still sit.
UPCOMING = ("planned", "convened", "held", "minutes_approved")


@dataclass(frozen=True)
class Signatory:
    """One line of the attendance sheet."""

    name: str
    organisation: str
    attendance: str | None  # as recorded, when the sheet is printed after the roll call
    proxy: str | None  # "pouvoir donné à …" or "détient le pouvoir de …"


def find_meeting(uow: UnitOfWork, number: str) -> int:
    """Return the id of the meeting numbered `number` (COPIL-2027-01); NotFound else."""
    found = uow.session.scalar(
        select(Meeting.id).where(Meeting.reference == number.strip().upper())
    )
    if found is None:
        raise NotFound(f"Aucune séance ne porte le numéro « {number} ».")
    return found


def copil_meeting_on(uow: UnitOfWork, day: date) -> int:
    """Return the COPIL meeting of `day` in Martinique, or the next one; NotFound in French."""
    start = datetime.combine(day, time.min, MARTINIQUE)
    found = uow.session.scalar(
        select(Meeting.id)
        .where(
            Meeting.committee == "copil",
            Meeting.starts_at >= start,
            Meeting.state.in_(UPCOMING),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )
    if found is None:
        raise NotFound(
            f"Aucune séance du COPIL n'est prévue le {day:%d/%m/%Y} ni après : "
            "planifiez-la avec « maillage meeting plan »."
        )
    return found


def load_meeting(uow: UnitOfWork, actor: Actor, meeting_id: int) -> Meeting:
    """Read a meeting with its members and agenda for a document; NotFound when none."""
    if not actor.active:
        raise NotPermitted(inactive_reason())
    meeting = (
        uow.session.get(Meeting, meeting_id, options=WHOLE) if isinstance(meeting_id, int) else None
    )
    if meeting is None:
        raise NotFound()
    return meeting


def meeting_context(meeting: Meeting, actor: Actor, issued_at: datetime) -> dict:
    """What every document of a meeting prints in its heading."""
    return {
        "meeting": meeting,
        "committee": COMMITTEE_NAMES[meeting.committee],
        "when": long_moment(meeting.starts_at),
        "quorum_rule": QUORUM_RULES[meeting.quorum_rule].label,
        "issued_at": issued_at,
        "issued_by": actor.label,
    }


def meeting_document(name: str, html: str, meeting: Meeting, suffix: str, **details) -> Document:
    return Document(
        name,
        html,
        "meeting",
        filename=f"{meeting.reference}-{suffix}",
        record_id=meeting.id,
        record_reference=meeting.reference,
        details=details,
    )


def attendance_sheet_document(uow: UnitOfWork, actor: Actor, meeting_id: int) -> Document:
    """Render the attendance sheet: each member convened, their organisation, a signature box."""
    meeting = load_meeting(uow, actor, meeting_id)
    html = render(
        "attendance_sheet.html",
        signatories=[_signatory(meeting, m) for m in meeting.members],
        **meeting_context(meeting, actor, uow.clock()),
    )
    return meeting_document(
        "attendance_sheet", html, meeting, "emargement", rows=len(meeting.members)
    )


def _signatory(meeting: Meeting, member) -> Signatory:
    organisation = member.user.organisation
    proxy = None
    if member.proxy_holder is not None:
        proxy = f"pouvoir donné à {member.proxy_holder.name}"
    else:
        given = [m for m in meeting.members if m.proxy_holder_id == member.user_id]
        if given:
            proxy = f"détient le pouvoir de {given[0].user.name}"
    return Signatory(
        member.user.name,
        organisation.name if organisation else "—",
        ATTENDANCE.get(member.attendance),
        proxy,
    )


def minutes_document(uow: UnitOfWork, actor: Actor, meeting_id: int) -> Document:
    """Render the minutes of a held meeting; once approved, with their SHA-256 and its check."""
    meeting = load_meeting(uow, actor, meeting_id)
    if meeting.state not in ("held", "minutes_approved"):
        label = uow.workflows.current("meeting").states[meeting.state].label
        raise Conflict(
            current_version=meeting.version,
            message=f"La séance est {label} : son procès-verbal s'écrit une fois tenue.",
        )
    approved = meeting.state == "minutes_approved"
    check = check_minutes(uow, meeting.id) if approved else None
    html = render(
        "minutes.html",
        text=minutes_text(meeting),
        approved=approved,
        check=check,
        **meeting_context(meeting, actor, uow.clock()),
    )
    details = {"approved": approved, "minutes_sha256": meeting.minutes_sha256}
    return meeting_document("minutes", html, meeting, "proces-verbal", **details)
