"""Planning a meeting and its agenda: the members convened, the records put before the
committee with their version pinned, the recusals of their organisations' members."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput
from engine.models import (
    COMMITTEES,
    Meeting,
    MeetingItem,
    MeetingMember,
    Pooling,
    Recusal,
    Scheme,
    User,
)
from engine.records.registry import DECIDED, RECORD_TYPES
from engine.rules.policy import Actor
from engine.services.common import RecordRef, load_facts
from engine.services.meetings.access import (
    EDITABLE,
    SECRETARIES,
    ensure_secretary,
    item_to_change,
    log_meeting,
    open_meeting,
)
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


def add_item(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    record: RecordRef | None = None,
    *,
    title: str | None = None,
    summary: str | None = None,
) -> MeetingItem:
    """Put a record proposed to the committee (for decision), or an information, on the agenda.

    The record's version is pinned; an item added once the meeting is convened is marked late.
    Members of the record's organisations are recused from it.
    """
    meeting = open_meeting(uow, actor, meeting_id)
    if record is not None:
        item = _record_item(uow, meeting, record, summary)
    else:
        if not (title or "").strip():
            raise InvalidInput({"title": ["Intitulé du point d'information exigé."]})
        item = MeetingItem(kind="information", title=title.strip()[:300], summary=summary)
    item.position = len(meeting.items) + 1
    item.added_late = meeting.state == "convened"
    meeting.items.append(item)
    uow.session.flush()
    _recuse_automatically(uow, meeting, item)
    data = {"item": item.position, "title": item.title, "late": item.added_late}
    if record is not None:
        data.update(record_type=record.kind, record_id=record.id, version=item.record_version)
    log_meeting(uow, actor, meeting, "add_item", data=data)
    uow.commit()
    return item


def _record_item(uow: UnitOfWork, meeting: Meeting, record: RecordRef, summary) -> MeetingItem:
    if record.kind not in {r.name for r in DECIDED}:
        raise InvalidInput({"record": ["Seuls les dispositifs et les mutualisations se décident."]})
    facts = load_facts(uow.connection, RECORD_TYPES[record.kind], record.id, lock=False)
    if facts.state != "proposed":
        raise InvalidInput(
            {"record": [f"{facts.reference} n'est pas proposé au COPIL : il ne peut être décidé."]}
        )
    on_agenda = uow.session.scalar(
        select(MeetingItem.id)
        .join(Meeting, Meeting.id == MeetingItem.meeting_id)
        .where(
            MeetingItem.record_type == record.kind,
            MeetingItem.record_id == record.id,
            Meeting.state.in_(EDITABLE),
        )
        .limit(1)
    )
    if on_agenda is not None:
        raise InvalidInput(
            {"record": [f"{facts.reference} est déjà à l'ordre du jour d'une séance."]}
        )
    title = RECORD_TYPES[record.kind].model.__table__
    name = uow.connection.scalar(select(title.c.title).where(title.c.id == record.id))
    return MeetingItem(
        kind="decision",
        title=f"{facts.reference} · {name}"[:300],
        record_type=record.kind,
        record_id=record.id,
        record_version=facts.version,
        summary=summary,
    )


def proposed_records(uow: UnitOfWork) -> list[RecordRef]:
    """What is proposed to the COPIL and on no open meeting's agenda, oldest proposal first."""
    found = []
    for rtype in DECIDED:
        t = rtype.table
        rows = uow.connection.execute(
            select(t.c.id, t.c.state_changed_at)
            .where(t.c.state == "proposed")
            .where(
                ~select(MeetingItem.id)
                .join(Meeting, Meeting.id == MeetingItem.meeting_id)
                .where(
                    MeetingItem.record_type == rtype.name,
                    MeetingItem.record_id == t.c.id,
                    Meeting.state.in_(EDITABLE),
                )
                .exists()
            )
        )
        found.extend((row.state_changed_at, rtype.name, row.id) for row in rows)
    return [RecordRef(kind, ident) for _, kind, ident in sorted(found)]


@dataclass(frozen=True)
class OnAgenda:
    """A meeting that will decide, or decided, a record: what its page says of it."""

    meeting_id: int
    reference: str
    starts_at: datetime
    state: str
    decision_number: str | None
    outcome: str | None


def meetings_of(uow: UnitOfWork, record: RecordRef) -> list[OnAgenda]:
    """The meetings whose agenda has the record, the latest first."""
    rows = uow.session.execute(
        select(
            Meeting.id,
            Meeting.reference,
            Meeting.starts_at,
            Meeting.state,
            MeetingItem.decision_number,
            MeetingItem.outcome,
        )
        .join(MeetingItem, MeetingItem.meeting_id == Meeting.id)
        .where(MeetingItem.record_type == record.kind, MeetingItem.record_id == record.id)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return [OnAgenda(*row) for row in rows]


def organisations_of(uow: UnitOfWork, record: RecordRef) -> set[int]:
    """The organisations a decision on the record concerns: a scheme's; a pooling's lead and
    its members' organisations."""
    if record.kind == "scheme":
        return {uow.session.get(Scheme, record.id).organisation_id}
    pooling = uow.session.get(Pooling, record.id)
    orgs = {s.organisation_id for s in pooling.members}
    if pooling.lead_organisation_id is not None:
        orgs.add(pooling.lead_organisation_id)
    return orgs


def _recuse_automatically(uow: UnitOfWork, meeting: Meeting, item: MeetingItem) -> None:
    if item.record_id is None:
        return
    orgs = organisations_of(uow, RecordRef(item.record_type, item.record_id))
    for member in meeting.members:
        if member.user.organisation_id in orgs:
            item.recusals.append(_automatic_recusal(member.user))
    uow.session.flush()


def _automatic_recusal(user: User) -> Recusal:
    reason = f"membre de « {user.organisation.name} », concernée par ce dossier"
    return Recusal(user_id=user.id, automatic=True, reason=reason)


def declare_conflict(
    uow: UnitOfWork, actor: Actor, item_id: int, user_id: int, reason: str
) -> Recusal:
    """Record a conflict of interest a member declared: they take no part in that item."""
    item = item_to_change(uow, item_id)
    meeting = open_meeting(uow, actor, item.meeting_id, allow_self=user_id)
    if user_id not in {m.user_id for m in meeting.members}:
        raise InvalidInput({"user_id": ["Cette personne n'est pas convoquée à la séance."]})
    if not (reason or "").strip():
        raise InvalidInput({"reason": ["Dites en quelques mots la nature du conflit d'intérêts."]})
    if any(r.user_id == user_id for r in item.recusals):
        raise InvalidInput({"user_id": ["Ce membre est déjà déporté de ce point."]})
    if item.decision_number is not None:
        raise InvalidInput({"user_id": ["La décision de ce point est déjà enregistrée."]})
    recusal = Recusal(user_id=user_id, automatic=False, reason=reason.strip()[:500])
    item.recusals.append(recusal)
    uow.session.flush()
    log_meeting(
        uow, actor, meeting, "declare_conflict", data={"item": item.position, "user_id": user_id}
    )
    uow.commit()
    return recusal


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
    if item.record_id is None:
        return
    orgs = organisations_of(uow, RecordRef(item.record_type, item.record_id))
    user = uow.session.get(User, member.user_id)
    if user.organisation_id in orgs:
        item.recusals.append(_automatic_recusal(user))
        uow.session.flush()


AGENDA_FROZEN = (
    "L'ordre du jour est arrêté depuis la convocation : un point ne peut plus être retiré "
    "ni déplacé (un point ajouté depuis est marqué comme tel)."
)


def remove_item(uow: UnitOfWork, actor: Actor, item_id: int) -> None:
    """Take an item off the agenda of a planned meeting; the items after it move up."""
    item = item_to_change(uow, item_id)
    meeting = _planned_agenda(uow, actor, item.meeting_id)
    item = next(i for i in meeting.items if i.id == item_id)
    meeting.items.remove(item)
    uow.session.flush()
    _renumber(uow, meeting)
    data = {"item": item.position, "title": item.title}
    if item.record_id is not None:
        data.update(record_type=item.record_type, record_id=item.record_id)
    log_meeting(uow, actor, meeting, "remove_item", data=data)
    uow.commit()


def move_item(uow: UnitOfWork, actor: Actor, item_id: int, offset: int) -> MeetingItem:
    """Move an item of a planned meeting's agenda up (-1) or down (+1) one place."""
    if offset not in (-1, 1):
        raise InvalidInput({"offset": ["Un point se déplace d'une place vers le haut ou le bas."]})
    item = item_to_change(uow, item_id)
    meeting = _planned_agenda(uow, actor, item.meeting_id)
    items = list(meeting.items)
    index = next(n for n, i in enumerate(items) if i.id == item_id)
    target = index + offset
    if not 0 <= target < len(items):
        raise InvalidInput({"offset": ["Ce point est déjà à cette extrémité de l'ordre du jour."]})
    items[index], items[target] = items[target], items[index]
    _renumber(uow, meeting, items)
    log_meeting(uow, actor, meeting, "move_item", data={"from": index + 1, "to": target + 1})
    uow.commit()
    return items[target]


def _planned_agenda(uow: UnitOfWork, actor: Actor, meeting_id: int) -> Meeting:
    meeting = open_meeting(uow, actor, meeting_id)
    if meeting.state != "planned":
        raise Conflict(current_version=meeting.version, message=AGENDA_FROZEN)
    return meeting


def _renumber(uow: UnitOfWork, meeting: Meeting, items: list[MeetingItem] | None = None) -> None:
    """Number the items 1, 2, 3… in the order given (their current one by default)."""
    ordered = items if items is not None else sorted(meeting.items, key=lambda i: i.position)
    for position, item in enumerate(ordered, start=1):
        item.position = position
    uow.session.flush()
    meeting.items.sort(key=lambda i: i.position)
