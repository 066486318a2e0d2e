"""Committee meetings: planned, convened, attended, deciding as a body, closed in one transaction.

A meeting is a workflow record (workflows/meeting.yaml). Its secretary (or an administrator)
plans it with the members to convene, puts items on its agenda — the records proposed to the
committee, each with its version pinned, and information items —, records who attends (present,
represented by another member's proxy, excused, absent) and, in session, each decision. Members
belonging to an item's organisations are recused from it. Closing the meeting applies every
decision through the records' own transitions, all in one transaction, or none; a dry run says,
item by item, what would apply and why not.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import Conflict, InvalidInput, MaillageError, NotFound, NotPermitted, Reason
from engine.models import (
    ATTENDANCE,
    COMMITTEES,
    OUTCOMES,
    Meeting,
    MeetingItem,
    MeetingMember,
    Pooling,
    Recusal,
    Scheme,
    User,
)
from engine.records import audit
from engine.records.registry import DECIDED, MEETING, RECORD_TYPES, RecordFacts
from engine.rules.policy import Actor, inactive_reason
from engine.services.common import RecordRef, load_facts
from engine.services.references import next_reference
from engine.services.transitions import InSession, apply_uncommitted, transition_reasons

SECRETARIES = frozenset({"secretary", "admin"})
EDITABLE = ("planned", "convened")


@dataclass(frozen=True)
class QuorumRule:
    label: str  # French, as the minutes say it
    required: Callable[[int], int]  # members needed, out of those who may take part


QUORUM_RULES = {
    "half_plus_one": QuorumRule("la moitié des membres plus un", lambda n: n // 2 + 1),
    "half": QuorumRule("la moitié des membres", lambda n: math.ceil(n / 2)),
    "one_third": QuorumRule("le tiers des membres", lambda n: math.ceil(n / 3)),
    "two_thirds": QuorumRule("les deux tiers des membres", lambda n: math.ceil(2 * n / 3)),
}
DEFAULT_QUORUM = "half_plus_one"


@dataclass(frozen=True)
class Quorum:
    """Who may take part (convened, not recused), how many are there or represented, how many
    the rule needs."""

    rule: str
    members: int
    counted: int
    required: int

    @property
    def met(self) -> bool:
        return self.members > 0 and self.counted >= self.required

    @property
    def sentence(self) -> str:
        s = "s" if self.counted > 1 else ""
        present = f"{self.counted} membre{s} présent{s} ou représenté{s}"
        need = f"il en faut {self.required} ({QUORUM_RULES[self.rule].label})"
        state = "quorum atteint" if self.met else "quorum non atteint"
        return f"{state} : {present} sur {self.members}, {need}."


def count_quorum(rule: str, members: list[MeetingMember], recused: frozenset[int]) -> Quorum:
    """The quorum of the members not recused: those present, and those they represent."""
    taking_part = [m for m in members if m.user_id not in recused]
    there = {m.user_id for m in taking_part if m.attendance == "present"}
    counted = len(there) + sum(
        1 for m in taking_part if m.attendance == "represented" and m.proxy_holder_id in there
    )
    return Quorum(rule, len(taking_part), counted, QUORUM_RULES[rule].required(len(taking_part)))


@dataclass
class ItemCheck:
    """What closing would do with one agenda item, and why not."""

    item_id: int
    position: int
    title: str
    decision_number: str | None
    outcome: str | None
    applies: bool
    reasons: list[str] = field(default_factory=list)
    # Read (locked, for a real close) while checking: applying does not read it again.
    facts: RecordFacts | None = field(default=None, repr=False, compare=False)


@dataclass
class CloseReport:
    meeting: str
    quorum: Quorum
    items: list[ItemCheck]
    closed: bool = False

    @property
    def ready(self) -> bool:
        return self.quorum.met and all(i.applies or i.outcome is None for i in self.items)


class MeetingNotReady(MaillageError):
    """The meeting cannot close: the report says, item by item, why."""

    def __init__(self, report: CloseReport) -> None:
        self.report = report
        reasons = [r for item in report.items for r in item.reasons]
        if not report.quorum.met:
            reasons.insert(0, report.quorum.sentence)
        super().__init__("La séance ne peut pas être clôturée : " + " ; ".join(reasons))


# Planning and the agenda


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
    _ensure_secretary(actor)
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
    _log(uow, actor, meeting, "create", changes=changes, to_state=meeting.state)
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
    meeting = _open(uow, actor, meeting_id)
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
    _log(uow, actor, meeting, "add_item", data=data)
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
        user = member.user
        if user.organisation_id in orgs:
            item.recusals.append(
                Recusal(
                    user_id=user.id,
                    automatic=True,
                    reason=f"membre de « {user.organisation.name} », concernée par ce dossier",
                )
            )
    uow.session.flush()


def declare_conflict(
    uow: UnitOfWork, actor: Actor, item_id: int, user_id: int, reason: str
) -> Recusal:
    """Record a conflict of interest a member declared: they take no part in that item."""
    item = _item(uow, item_id)
    meeting = _open(uow, actor, item.meeting_id, allow_self=user_id)
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
    _log(uow, actor, meeting, "declare_conflict", data={"item": item.position, "user_id": user_id})
    uow.commit()
    return recusal


# In session


def set_attendance(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    user_id: int,
    attendance: str,
    proxy_holder_id: int | None = None,
) -> MeetingMember:
    """Record how a convened member attends: present, represented (by whom), excused, absent."""
    meeting = _open(uow, actor, meeting_id, states=("convened",))
    members = {m.user_id: m for m in meeting.members}
    member = members.get(user_id)
    if member is None:
        raise InvalidInput({"user_id": ["Cette personne n'est pas convoquée à la séance."]})
    if attendance not in ATTENDANCE:
        raise InvalidInput({"attendance": ["Présent, représenté, excusé ou absent."]})
    if attendance == "represented":
        _check_proxy(members, member, proxy_holder_id)
    elif proxy_holder_id is not None:
        raise InvalidInput({"proxy_holder_id": ["Seul un membre représenté donne un pouvoir."]})
    if attendance != "present" and any(
        m.proxy_holder_id == user_id for m in members.values() if m is not member
    ):
        raise InvalidInput({"attendance": ["Ce membre détient un pouvoir : il doit être présent."]})
    before = member.attendance
    member.attendance, member.proxy_holder_id = attendance, proxy_holder_id
    try:
        uow.session.flush()
    except IntegrityError as clash:  # another secretary gave the same proxy meanwhile
        raise InvalidInput({"proxy_holder_id": ["Ce membre détient déjà un pouvoir."]}) from clash
    changes = {"attendance": {"before": before, "after": attendance}}
    data = {"user_id": user_id, "proxy_holder_id": proxy_holder_id}
    _log(uow, actor, meeting, "attendance", changes=changes, data=data)
    uow.commit()
    return member


def _check_proxy(members: dict[int, MeetingMember], member: MeetingMember, holder_id) -> None:
    holder = members.get(holder_id)
    if holder is None or holder is member:
        raise InvalidInput({"proxy_holder_id": ["Le pouvoir va à un autre membre convoqué."]})
    if holder.attendance != "present":
        raise InvalidInput({"proxy_holder_id": ["Le pouvoir va à un membre présent."]})
    if any(m.proxy_holder_id == holder_id for m in members.values() if m is not member):
        raise InvalidInput(
            {"proxy_holder_id": ["Ce membre détient déjà un pouvoir (un seul chacun)."]}
        )


def quorum_of(meeting: Meeting, item: MeetingItem | None = None) -> Quorum:
    recused = frozenset(r.user_id for r in item.recusals) if item is not None else frozenset()
    return count_quorum(meeting.quorum_rule, meeting.members, recused)


def record_decision(
    uow: UnitOfWork,
    actor: Actor,
    item_id: int,
    outcome: str,
    *,
    conditions: str | None = None,
    comment: str | None = None,
    votes: tuple[int, int, int] | None = None,
) -> MeetingItem:
    """Record the committee's decision on an item, in session; its number is issued once."""
    item = _item(uow, item_id)
    meeting = _open(uow, actor, item.meeting_id, states=("convened",))
    _check_decision(meeting, item, actor, outcome, votes)
    if item.decision_number is None:
        issued = uow.connection.execute(
            update(Meeting.__table__)
            .where(Meeting.__table__.c.id == meeting.id)
            .values(decisions_issued=Meeting.__table__.c.decisions_issued + 1)
            .returning(Meeting.__table__.c.decisions_issued)
        ).scalar_one()
        item.decision_number = f"{meeting.reference}/D{issued:02d}"
    before = item.outcome
    item.outcome, item.conditions, item.comment = outcome, _text(conditions), _text(comment)
    item.votes_for, item.votes_against, item.votes_abstention = votes or (None, None, None)
    item.decided_at, item.decided_by_id = uow.clock(), actor.id
    uow.session.flush()
    data = {
        "item": item.position,
        "decision": item.decision_number,
        "outcome": outcome,
        "votes": list(votes) if votes else None,
        "recused": sorted(r.user_id for r in item.recusals),
    }
    _log(
        uow,
        actor,
        meeting,
        "record_decision",
        changes={"outcome": {"before": before, "after": outcome}},
        data=data,
    )
    uow.commit()
    return item


def _check_decision(meeting, item, actor, outcome, votes) -> None:
    if item.kind != "decision" or item.record_id is None:
        raise InvalidInput({"outcome": ["Un point d'information ne se décide pas."]})
    if outcome not in OUTCOMES:
        raise InvalidInput({"outcome": ["Approuver, renvoyer au COTECH ou ne pas retenir."]})
    if actor.id in {r.user_id for r in item.recusals}:
        raise NotPermitted(
            Reason(
                "recused",
                "Vous êtes déporté(e) de ce point : un autre membre du bureau enregistre "
                "la décision.",
            )
        )
    quorum = quorum_of(meeting, item)
    if not quorum.met:
        raise NotPermitted(Reason("no_quorum", "Décision impossible, " + quorum.sentence))
    if votes is not None:
        if len(votes) != 3 or any(not isinstance(v, int) or v < 0 for v in votes):
            raise InvalidInput(
                {"votes": ["Pour, contre, abstention : trois nombres entiers positifs."]}
            )
        if sum(votes) > quorum.counted:
            raise InvalidInput(
                {
                    "votes": [
                        f"{sum(votes)} voix pour {quorum.counted} votants (présents ou "
                        "représentés, hors déportés)."
                    ]
                }
            )


# Closing


def close_meeting(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    *,
    dry_run: bool = False,
    expected_version: int | None = None,
) -> CloseReport:
    """Apply every decision of the meeting and close it, in one transaction; or, with `dry_run`,
    say item by item what would apply and why not, changing nothing."""
    meeting = _open(uow, actor, meeting_id, states=("convened",), expected_version=expected_version)
    body = _committee_actor(meeting, actor)
    report = CloseReport(
        meeting.reference,
        quorum_of(meeting),
        [_check_item(uow, meeting, i, body, lock=not dry_run) for i in meeting.items],
    )
    if dry_run:
        uow.rollback()
        return report
    if not report.ready:
        raise MeetingNotReady(report)
    applied = []
    for item, check in zip(meeting.items, report.items, strict=True):
        if check.outcome is None or item.record_id is None:
            continue
        session = InSession(meeting.reference, item.decision_number, _decision_data(item))
        apply_uncommitted(
            uow,
            RecordRef(item.record_type, item.record_id),
            item.outcome,
            body,
            _transition_inputs(item),
            expected_version=item.record_version,
            session=session,
            facts=check.facts,
        )
        applied.append(item.decision_number)
    summary = {"decisions": applied, "quorum": report.quorum.sentence}
    apply_uncommitted(
        uow,
        RecordRef("meeting", meeting.id),
        "close",
        actor,
        session=InSession(meeting.reference, None, summary),
    )
    uow.commit()
    report.closed = True
    return report


def _check_item(
    uow: UnitOfWork, meeting: Meeting, item: MeetingItem, body: Actor, lock: bool
) -> ItemCheck:
    check = ItemCheck(item.id, item.position, item.title, item.decision_number, item.outcome, False)
    if item.record_id is None:
        check.reasons.append("point d'information : rien à appliquer")
        return check
    if item.outcome is None:
        check.reasons.append("aucune décision enregistrée : le dossier reste proposé")
        return check
    rtype = RECORD_TYPES[item.record_type]
    facts = load_facts(uow.connection, rtype, item.record_id, lock=lock)
    check.facts = facts
    if facts.version != item.record_version:
        check.reasons.append(
            f"{facts.reference} a changé depuis son inscription à l'ordre du jour "
            f"(version {facts.version}, inscrite {item.record_version}) : à réinscrire"
        )
        return check
    quorum = quorum_of(meeting, item)
    if not quorum.met:
        check.reasons.append(f"{facts.reference} : {quorum.sentence}")
        return check
    reasons = transition_reasons(facts, item.outcome, body, uow.workflows, in_session=True)
    if reasons is None or reasons:
        why = "; ".join(r.message for r in reasons) if reasons else "action impossible à cet état"
        check.reasons.append(f"{facts.reference} : {why}")
        return check
    missing = _missing_inputs(item)
    if missing:
        check.reasons.append(f"{facts.reference} : {missing}")
        return check
    check.applies = True
    return check


def _missing_inputs(item: MeetingItem) -> str | None:
    if item.outcome in ("send_back", "reject") and not item.comment:
        return "un commentaire motivant la décision est exigé"
    return None


def _transition_inputs(item: MeetingItem) -> dict[str, Any]:
    if item.outcome == "approve":
        inputs: dict[str, Any] = {"decision_reference": item.decision_number}
        if item.record_type == "pooling":
            inputs["decision_date"] = local(item.decided_at).date()
            if item.conditions:
                inputs["conditions"] = item.conditions
        return inputs
    inputs = {"comment": item.comment}
    if item.outcome == "reject" and item.record_type == "pooling":
        inputs["decision_reference"] = item.decision_number
    return inputs


def _decision_data(item: MeetingItem) -> dict[str, Any]:
    votes = (item.votes_for, item.votes_against, item.votes_abstention)
    return {
        "votes": list(votes) if item.votes_for is not None else None,
        "conditions": item.conditions,
        "recused": sorted(r.user_id for r in item.recusals),
    }


def _committee_actor(meeting: Meeting, actor: Actor) -> Actor:
    """The committee deciding as a body: its role, recorded by the secretary who closes."""
    label = f"{COMMITTEES[meeting.committee]} en séance {meeting.reference} ({actor.label})"
    return Actor(actor.id, label, frozenset({meeting.committee}), None, actor.active)


# Shared


def _ensure_secretary(actor: Actor) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())
    if not SECRETARIES & actor.roles:
        raise NotPermitted(
            Reason(
                "role_required", "Action réservée aux secrétaires de séance et aux administrateurs."
            )
        )


def _open(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    *,
    states: tuple[str, ...] = EDITABLE,
    expected_version: int | None = None,
    allow_self: int | None = None,
) -> Meeting:
    """Begin the write, lock the meeting, check who acts and that the meeting is in `states`."""
    conn = uow.ensure_write()
    if not (allow_self is not None and actor.id == allow_self and actor.active):
        _ensure_secretary(actor)
    if not isinstance(meeting_id, int):
        raise NotFound()
    t = Meeting.__table__
    row = conn.execute(
        select(t.c.state, t.c.version).where(t.c.id == meeting_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound()
    if expected_version is not None and row.version != expected_version:
        raise Conflict(current_version=row.version, message="La séance a changé entre-temps.")
    if row.state not in states:
        label = uow.workflows.current("meeting").states[row.state].label
        raise Conflict(
            current_version=row.version, message=f"La séance est {label} : action impossible."
        )
    # The agenda, its recusals and the members in three statements, not one per item.
    return uow.session.get(Meeting, meeting_id, options=WHOLE)


WHOLE = (
    selectinload(Meeting.items).selectinload(MeetingItem.recusals),
    selectinload(Meeting.members),
)


def _item(uow: UnitOfWork, item_id: int) -> MeetingItem:
    uow.begin_write()
    item = uow.session.get(MeetingItem, item_id) if isinstance(item_id, int) else None
    if item is None:
        raise NotFound()
    return item


def _text(value: str | None) -> str | None:
    return (value or "").strip()[:5000] or None


def _log(uow: UnitOfWork, actor: Actor, meeting: Meeting, action: str, **fields) -> None:
    audit.append(
        uow.connection,
        [
            audit.Entry(
                record_type=MEETING.name,
                record_id=meeting.id,
                record_reference=meeting.reference,
                action=action,
                occurred_at=uow.clock(),
                actor_id=actor.id,
                actor_label=actor.label,
                **fields,
            )
        ],
    )
