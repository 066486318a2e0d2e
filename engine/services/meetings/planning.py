"""Planning a meeting: its committee, title, date, place, secretary and the members convened;
its changes while planned (no member removed once convened)."""

from datetime import datetime

from sqlalchemy import select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput
from engine.models import (
    COMMITTEES,
    Meeting,
    MeetingItem,
    MeetingMember,
    User,
)
from engine.rules.policy import Actor
from engine.services.meetings.access import (
    SECRETARIES,
    ensure_secretary,
    log_meeting,
    open_meeting,
)
from engine.services.meetings.agenda import automatic_recusal, concerned_by
from engine.services.meetings.quorum import DEFAULT_QUORUM, QUORUM_RULES
from engine.services.references import next_reference


def plan_meeting(
    uow: UnitOfWork,
    actor: Actor,
    *,
    committee: str,
    title: str,
    starts_at: datetime,
    secretary_id: int,
    member_ids: list[int],
    place: str | None = None,
    quorum_rule: str = DEFAULT_QUORUM,
) -> Meeting:
    """Plan a meeting of `committee` with the members to convene (secretaries, admins)."""
    conn = uow.begin_write()
    ensure_secretary(actor)
    errors = _plan_errors(uow, committee, title, starts_at, secretary_id, member_ids, quorum_rule)
    if errors:
        raise InvalidInput(errors)
    now, workflow = uow.clock(), uow.workflows.current("meeting")
    number = next_reference(conn, COMMITTEES[committee], local(starts_at).year)
    meeting = Meeting(
        committee=committee,
        title=title.strip(),
        starts_at=starts_at,
        place=(place or "").strip() or None,
        secretary_id=secretary_id,
        quorum_rule=quorum_rule,
        reference=_short(number),
        state=workflow.initial,
        workflow_name=workflow.name,
        workflow_version=workflow.version,
        created_at=now,
        updated_at=now,
        state_changed_at=now,
        created_by_id=actor.id,
        updated_by_id=actor.id,
        members=[MeetingMember(user_id=user_id) for user_id in dict.fromkeys(member_ids)],
    )
    uow.session.add(meeting)
    uow.session.flush()
    changes = {
        "title": {"before": None, "after": meeting.title},
        "starts_at": {"before": None, "after": starts_at},
        "members": {"before": [], "after": sorted(dict.fromkeys(member_ids))},
    }
    log_meeting(uow, actor, meeting, "create", changes=changes, to_state=meeting.state)
    uow.commit()
    return meeting


def _short(reference: str) -> str:
    """COPIL-2027-0001 → COPIL-2027-01: meetings of a year are few."""
    prefix, year, number = reference.rsplit("-", 2)
    return f"{prefix}-{year}-{int(number):02d}"


def _plan_errors(uow, committee, title, starts_at, secretary_id, member_ids, rule) -> dict:
    errors: dict[str, list[str]] = {}
    if committee not in COMMITTEES:
        errors["committee"] = ["Instance inconnue : COPIL ou COTECH."]
    if not (title or "").strip() or len(title.strip()) > 180:
        errors["title"] = ["Un intitulé de 1 à 180 caractères est exigé."]
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = ["Date et heure de la séance exigées."]
    if rule not in QUORUM_RULES:
        errors["quorum_rule"] = ["Règle de quorum inconnue."]
    secretary = uow.session.get(User, secretary_id) if isinstance(secretary_id, int) else None
    if secretary is None or not secretary.active or not SECRETARIES & secretary.roles:
        errors["secretary_id"] = [
            "Le secrétaire doit être un secrétaire de séance ou un administrateur actif."
        ]
    if not member_ids:
        errors["member_ids"] = ["Convoquez au moins un membre."]
    elif committee in COMMITTEES:
        unknown = _not_members(uow, committee, member_ids)
        if unknown:
            errors["member_ids"] = [
                f"Ne sont pas membres actifs du {COMMITTEES[committee]} : {', '.join(unknown)}."
            ]
    return errors


def _not_members(uow: UnitOfWork, committee: str, member_ids: list[int]) -> list[str]:
    users = {u.id: u for u in uow.session.scalars(select(User).where(User.id.in_(member_ids)))}
    return [
        users[i].email if i in users else f"n°{i}"
        for i in dict.fromkeys(member_ids)
        if i not in users or not users[i].active or committee not in users[i].roles
    ]


def update_meeting(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    *,
    title: str,
    starts_at: datetime,
    member_ids: list[int],
    place: str | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Change a meeting's title, date, place or members; once convened, members are only added."""
    meeting = open_meeting(uow, actor, meeting_id, expected_version=expected_version)
    wanted = list(dict.fromkeys(member_ids))
    errors = _update_errors(uow, meeting, title, starts_at, wanted)
    if errors:
        raise InvalidInput(errors)
    before = _editable(meeting)
    meeting.title, meeting.starts_at = title.strip(), starts_at
    meeting.place = (place or "").strip()[:200] or None
    _change_members(uow, meeting, wanted)
    meeting.updated_at, meeting.updated_by_id = uow.clock(), actor.id
    uow.session.flush()
    after = _editable(meeting)
    changes = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    log_meeting(uow, actor, meeting, "update", changes=changes)
    uow.commit()
    return meeting


def _editable(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "members": sorted(m.user_id for m in meeting.members),
    }


def _update_errors(uow, meeting: Meeting, title, starts_at, wanted: list[int]) -> dict:
    errors = {
        k: v
        for k, v in _plan_errors(
            uow,
            meeting.committee,
            title,
            starts_at,
            meeting.secretary_id,
            wanted,
            meeting.quorum_rule,
        ).items()
        if k != "secretary_id"  # the secretary is not changed here
    }
    if meeting.state == "convened" and "member_ids" not in errors:
        gone = [m.user.name for m in meeting.members if m.user_id not in wanted]
        if gone:
            errors["member_ids"] = [
                "La convocation est partie : un membre convoqué ne peut plus être retiré "
                f"({', '.join(gone)}) ; relevez-le excusé ou absent."
            ]
    return errors


def _change_members(uow: UnitOfWork, meeting: Meeting, wanted: list[int]) -> None:
    """Remove the members not wanted (with their recusals), add the new ones, recused from the
    items of their organisation."""
    for member in [m for m in meeting.members if m.user_id not in wanted]:
        meeting.members.remove(member)
        for item in meeting.items:
            for recusal in [r for r in item.recusals if r.user_id == member.user_id]:
                item.recusals.remove(recusal)
    known = {m.user_id for m in meeting.members}
    added = [MeetingMember(user_id=i) for i in wanted if i not in known]
    meeting.members.extend(added)
    uow.session.flush()
    for member in added:
        for item in meeting.items:
            _recuse_member(uow, item, member)


def _recuse_member(uow: UnitOfWork, item: MeetingItem, member: MeetingMember) -> None:
    recusal = automatic_recusal(concerned_by(uow, item), uow.session.get(User, member.user_id))
    if recusal is not None:
        item.recusals.append(recusal)
        uow.session.flush()
