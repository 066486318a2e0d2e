"""The minutes (procès-verbal) of a held meeting: drafted from what the meeting recorded, edited
as text by its secretary, approved — usually at the next meeting — with their SHA-256 in the
audit chain, so that any later change to the stored text shows."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select, update

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound
from engine.french.formatting import long_day
from engine.models import ATTENDANCE, AuditEvent, Meeting, MeetingItem
from engine.rules.policy import Actor
from engine.services.common import RecordRef
from engine.services.meetings.access import log_meeting, open_meeting
from engine.services.meetings.quorum import quorum_of
from engine.services.transitions import InSession, apply_uncommitted

COMMITTEE_NAMES = {"copil": "Comité de pilotage (COPIL)", "cotech": "Comité technique (COTECH)"}
DECIDED_AS = {
    "approve": "approbation",
    "send_back": "renvoi au COTECH",
    "reject": "rejet (non retenu)",
}
GROUPS = {
    "present": "Présents",
    "represented": "Représentés",
    "excused": "Excusés",
    "absent": "Absents",
}
MAX_LENGTH = 200_000
# Where the minutes of a meeting may be approved: a later meeting of its committee that sits.
SITTING = ("convened", "held", "minutes_approved")


def sha256(text: str) -> str:
    """Return the hexadecimal SHA-256 of a text, encoded in UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def long_moment(instant) -> str:
    """Say an instant in Martinique time the long French way: "jeudi 14 janvier 2027 à 09:00"."""
    there = local(instant)
    return f"{long_day(there.date())} à {there:%H:%M}"


def draft_minutes(meeting: Meeting) -> str:
    """Draft the French minutes of a meeting from its attendance, quorum, agenda and decisions."""
    committee = COMMITTEE_NAMES[meeting.committee]
    lines = [
        f"PROCÈS-VERBAL DE LA SÉANCE {meeting.reference}",
        f"{committee} — {meeting.title}",
        "",
        f"Séance du {long_moment(meeting.starts_at)} (heure de Martinique).",
        f"Lieu : {meeting.place or 'non précisé'}.",
        f"Secrétaire de séance : {meeting.secretary.name}.",
        "",
        "PRÉSENCES",
        *_attendance(meeting),
        "",
        "QUORUM",
        _capital(quorum_of(meeting).sentence),
        "",
        "ORDRE DU JOUR ET DÉCISIONS",
    ]
    if not meeting.items:
        lines.append("Aucun point n'était inscrit à l'ordre du jour.")
    for item in meeting.items:
        lines.extend(["", *_item(meeting, item)])
    lines.extend(["", f"Le secrétaire de séance, {meeting.secretary.name}."])
    return "\n".join(lines) + "\n"


def _attendance(meeting: Meeting) -> list[str]:
    lines = []
    for code, label in GROUPS.items():
        members = [m for m in meeting.members if m.attendance == code]
        names = [_member(m) for m in members] or ["aucun"]
        lines.append(f"{label} ({len(members)}) : {', '.join(names)}.")
    unknown = [m.user.name for m in meeting.members if m.attendance not in ATTENDANCE]
    if unknown:
        lines.append(f"Présence non relevée ({len(unknown)}) : {', '.join(unknown)}.")
    return lines


def _member(member) -> str:
    if member.attendance == "represented" and member.proxy_holder is not None:
        return f"{member.user.name} (pouvoir donné à {member.proxy_holder.name})"
    return member.user.name


def _item(meeting: Meeting, item: MeetingItem) -> list[str]:
    kind = " (pour information)" if item.kind == "information" else ""
    late = " — inscrit après la convocation" if item.added_late else ""
    lines = [f"{item.position}. {item.title}{kind}{late}"]
    if item.summary:
        label = "Objet" if item.kind == "information" else "Avis du COTECH"
        lines.append(f"{label} : {item.summary}")
    for recusal in item.recusals:
        lines.append(f"Déporté(e) : {recusal.user.name} — {recusal.reason}")
    if item.recusals:
        lines.append(f"Pour ce point, {quorum_of(meeting, item).sentence}")
    if item.kind == "information":
        return lines
    if item.outcome is None:
        lines.append("Aucune décision n'a été prise : le dossier reste proposé.")
        return lines
    lines.append(f"Décision {item.decision_number} : {DECIDED_AS[item.outcome]}.")
    if item.votes_for is not None:
        lines.append(
            f"Votes : {item.votes_for} pour, {item.votes_against} contre, "
            f"{item.votes_abstention} abstention{'s' if item.votes_abstention > 1 else ''}."
        )
    if item.conditions:
        lines.append(f"Conditions : {item.conditions}")
    if item.comment:
        lines.append(f"Commentaire : {item.comment}")
    return lines


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def minutes_text(meeting: Meeting) -> str:
    """The minutes as they stand: the text stored (edited or approved), else the draft."""
    return meeting.minutes if meeting.minutes is not None else draft_minutes(meeting)


def edit_minutes(
    uow: UnitOfWork, actor: Actor, meeting_id: int, text: str, expected_version: int
) -> Meeting:
    """Replace the minutes of a held meeting with the secretary's text, audited with its hash."""
    meeting = _open(uow, actor, meeting_id, expected_version)
    clean = _clean(text)
    before = meeting.minutes
    meeting.minutes = clean
    meeting.updated_at, meeting.updated_by_id = uow.clock(), actor.id
    uow.session.flush()
    data = {
        "minutes_sha256": sha256(clean),
        "previous_sha256": sha256(before) if before is not None else None,
        "characters": len(clean),
    }
    log_meeting(uow, actor, meeting, "edit_minutes", data=data)
    uow.commit()
    return meeting


def approve_minutes(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    *,
    at_meeting_id: int | None = None,
    expected_version: int,
) -> str:
    """Approve the minutes as they stand, at a later meeting of the committee or none named;
    return their SHA-256, which the audit event of the `approve_minutes` transition keeps."""
    meeting = _open(uow, actor, meeting_id, expected_version)
    where = _approving_meeting(uow, meeting, at_meeting_id)
    text = minutes_text(meeting)
    digest = sha256(text)
    session = InSession(where.reference, None, {"minutes_sha256": digest, "characters": len(text)})
    apply_uncommitted(
        uow,
        RecordRef("meeting", meeting.id),
        "approve_minutes",
        actor,
        expected_version=expected_version,
        session=session,
    )
    table = Meeting.__table__
    # The transition has moved the version on: these columns follow without another bump.
    uow.connection.execute(
        update(table).where(table.c.id == meeting.id).values(minutes=text, minutes_sha256=digest)
    )
    uow.commit()
    uow.forget(Meeting, meeting.id)
    return digest


def _open(uow: UnitOfWork, actor: Actor, meeting_id: int, expected_version) -> Meeting:
    if not isinstance(expected_version, int):
        raise InvalidInput({"version": ["Version de la séance exigée."]})
    return open_meeting(uow, actor, meeting_id, states=("held",), expected_version=expected_version)


def _clean(text) -> str:
    clean = (text if isinstance(text, str) else "").replace("\r\n", "\n").replace("\r", "\n")
    if not clean.strip():
        raise InvalidInput({"text": ["Le texte du procès-verbal ne peut pas être vide."]})
    if len(clean) > MAX_LENGTH:
        raise InvalidInput(
            {"text": [f"Le procès-verbal dépasse {MAX_LENGTH:,} caractères.".replace(",", " ")]}
        )
    return clean if clean.endswith("\n") else clean + "\n"


def _approving_meeting(uow: UnitOfWork, meeting: Meeting, at_meeting_id) -> Meeting:
    if at_meeting_id is None:
        return meeting
    later = uow.session.get(Meeting, at_meeting_id) if isinstance(at_meeting_id, int) else None
    if (
        later is None
        or later.committee != meeting.committee
        or later.starts_at <= meeting.starts_at
        or later.state not in SITTING
    ):
        raise InvalidInput(
            {
                "at_meeting_id": [
                    "Choisissez une séance ultérieure du même comité, convoquée ou tenue."
                ]
            }
        )
    return later


def later_meetings(uow: UnitOfWork, meeting: Meeting) -> list[Meeting]:
    """The meetings where the minutes of `meeting` may be approved, the nearest first."""
    return list(
        uow.session.scalars(
            select(Meeting)
            .where(
                Meeting.committee == meeting.committee,
                Meeting.starts_at > meeting.starts_at,
                Meeting.state.in_(SITTING),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


@dataclass(frozen=True)
class MinutesCheck:
    """Whether a meeting's stored minutes are still those approved, and why not."""

    ok: bool
    message: str
    sha256: str | None = None  # as the audit chain keeps it
    approved_at: str | None = None  # the reference of the meeting where they were approved
    approved_on: datetime | None = None


def check_minutes(uow: UnitOfWork, meeting_id: int) -> MinutesCheck:
    """Check that the stored minutes still hash to the SHA-256 their approval put in the chain."""
    meeting = uow.session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if meeting is None:
        raise NotFound()
    event = _approval(uow, meeting.id)
    if event is None:
        return MinutesCheck(False, "Le procès-verbal n'est pas encore approuvé.")
    logged = (event.data or {}).get("minutes_sha256")
    found = partial(MinutesCheck, sha256=logged, approved_on=event.occurred_at)
    found = partial(found, approved_at=(event.data or {}).get("meeting"))
    if meeting.minutes is None or sha256(meeting.minutes) != logged:
        return found(
            False,
            f"Le procès-verbal de {meeting.reference} a été modifié depuis son approbation : "
            "son empreinte ne correspond plus à celle du journal d'audit.",
        )
    if meeting.minutes_sha256 != logged:
        return found(False, f"L'empreinte enregistrée pour {meeting.reference} a été modifiée.")
    return found(True, f"Procès-verbal intègre : SHA-256 {logged}.")


def _approval(uow: UnitOfWork, meeting_id: int) -> AuditEvent | None:
    return uow.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.record_type == "meeting",
            AuditEvent.record_id == meeting_id,
            AuditEvent.action == "approve_minutes",
        )
        .order_by(AuditEvent.position.desc())
        .limit(1)
    )
