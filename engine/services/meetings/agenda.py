"""A meeting's agenda: the records put before the committee with their version pinned, the
information items, their order (frozen once convened), and who is recused from each."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput
from engine.models import (
    Meeting,
    MeetingItem,
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
    item_to_change,
    log_meeting,
    open_meeting,
)


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


@dataclass(frozen=True)
class Concerned:
    """Who a decision on a record concerns: its organisations, and the COTECH member who
    proposed it to the committee."""

    organisations: frozenset[int]
    proposer_id: int | None


def concerned_by(uow: UnitOfWork, item: MeetingItem) -> Concerned | None:
    """Who the decision on the item concerns; None for an information item."""
    if item.record_id is None:
        return None
    ref = RecordRef(item.record_type, item.record_id)
    record = uow.session.get(RECORD_TYPES[ref.kind].model, ref.id)
    return Concerned(frozenset(organisations_of(uow, ref)), record.proposed_by_id)


def automatic_recusal(concerned: Concerned | None, user: User) -> Recusal | None:
    """The recusal of a member by right: of an organisation the decision concerns, or the one
    who proposed the record (separation of duties: no one decides what they proposed)."""
    if concerned is None:
        return None
    if user.organisation_id in concerned.organisations:
        reason = f"membre de « {user.organisation.name} », concernée par ce dossier"
    elif user.id == concerned.proposer_id:
        reason = "a proposé ce dossier au COPIL au nom du COTECH"
    else:
        return None
    return Recusal(user_id=user.id, automatic=True, reason=reason)


def _recuse_automatically(uow: UnitOfWork, meeting: Meeting, item: MeetingItem) -> None:
    concerned = concerned_by(uow, item)
    for member in meeting.members:
        recusal = automatic_recusal(concerned, member.user)
        if recusal is not None:
            item.recusals.append(recusal)
    uow.session.flush()


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
