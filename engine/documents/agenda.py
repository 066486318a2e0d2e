"""A meeting's convocation and agenda: the members convened, when and where, then each item with
its COTECH summary — for a record, what the committee needs to decide on it and the COTECH's
comments —, items added after the convocation marked."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.documents.display import territory_label
from engine.documents.document import Document
from engine.documents.environment import render
from engine.documents.meeting import load_meeting, meeting_context, meeting_document
from engine.documents.timeline import action_label, actor_names
from engine.models import AuditEvent, Comment, MeetingItem, Pooling, Scheme, UserRole
from engine.records.registry import POOLING, RECORD_TYPES, SCHEME
from engine.rules.policy import Actor, can_see
from engine.services.opinions import OpinionLine, committee_opinions, is_committee, opinion_lines

# What the COTECH writes when it works on a record: its comments go on the agenda.
COTECH_ACTIONS = ("request_changes", "review", "propose")


@dataclass(frozen=True)
class Note:
    written_at: datetime
    author: str
    label: str
    body: str


@dataclass
class AgendaItem:
    kind: str
    kind_label: str
    id: int
    reference: str
    title: str
    organisation: str
    summary: str | None
    budget: Decimal | None
    savings: Decimal | None
    territories: list[str]
    proposed_at: datetime
    target_date: date | None
    members: list[str]
    notes: list[Note]
    # The services' opinions asked by the COTECH (not withdrawn): for the committees only.
    opinions: list[OpinionLine] = field(default_factory=list)


def _scheme_item(scheme: Scheme) -> AgendaItem:
    return AgendaItem(
        SCHEME.name,
        SCHEME.french.label,
        scheme.id,
        scheme.reference,
        scheme.title,
        scheme.organisation.name,
        scheme.summary,
        scheme.annual_budget,
        None,
        [territory_label(t) for t in scheme.territories],
        scheme.state_changed_at,
        scheme.copil_target_date,
        [],
        [],
    )


def _pooling_item(pooling: Pooling) -> AgendaItem:
    lead = pooling.lead_organisation
    return AgendaItem(
        POOLING.name,
        POOLING.french.label,
        pooling.id,
        pooling.reference,
        pooling.title,
        lead.name if lead else "—",
        pooling.rationale,
        pooling.expected_budget,
        pooling.expected_savings,
        [territory_label(t) for t in pooling.territories],
        pooling.state_changed_at,
        pooling.target_date,
        [f"{m.reference} — {m.title}" for m in pooling.members],
        [],
    )


def _add_notes(uow: UnitOfWork, items: list[AgendaItem]) -> None:
    """Attach to each item the COTECH's comments: on its transitions, and its members' notes."""
    by_key = {(i.kind, i.id): i for i in items}
    for kind in RECORD_TYPES:
        ids = [i.id for i in items if i.kind == kind]
        if not ids:
            continue
        for key, note in [*_transition_notes(uow, kind, ids), *_cotech_comments(uow, kind, ids)]:
            by_key[key].notes.append(note)
    for item in items:
        item.notes.sort(key=lambda n: n.written_at)


def _add_opinions(uow: UnitOfWork, items: list[AgendaItem]) -> None:
    found = committee_opinions(uow, [(i.kind, i.id) for i in items])
    for item in items:
        item.opinions = opinion_lines(uow, found.get((item.kind, item.id), []))


def _transition_notes(uow: UnitOfWork, kind: str, ids: list[int]):
    rows = uow.session.scalars(
        select(AuditEvent).where(
            AuditEvent.record_type == kind,
            AuditEvent.record_id.in_(ids),
            AuditEvent.action.in_(COTECH_ACTIONS),
            AuditEvent.comment.is_not(None),
        )
    ).all()
    names = actor_names(uow.session, {r.actor_id for r in rows if r.actor_id is not None})
    workflow = uow.workflows.current(kind)
    for row in rows:
        author = names.get(row.actor_id, (row.actor_label or "—",))[0]
        label = action_label(workflow, row.action)
        yield (kind, row.record_id), Note(row.occurred_at, author, label, row.comment)


def _cotech_comments(uow: UnitOfWork, kind: str, ids: list[int]):
    rows = uow.session.scalars(
        select(Comment)
        .join(UserRole, UserRole.user_id == Comment.author_id)
        .where(Comment.record_type == kind, Comment.record_id.in_(ids), UserRole.role == "cotech")
    )
    for c in rows:
        yield (kind, c.record_id), Note(c.created_at, c.author.name, "commentaire", c.body)


@dataclass
class Point:
    """One item of the agenda as the convocation prints it."""

    position: int
    title: str
    information: bool
    late: bool
    summary: str | None  # the COTECH's
    recusals: list[str] = field(default_factory=list)
    record: AgendaItem | None = None  # None for an information item, or a record now hidden


def convocation_document(uow: UnitOfWork, actor: Actor, meeting_id: int) -> Document:
    """Render the convocation of a meeting: members convened, date, place, and its agenda."""
    meeting = load_meeting(uow, actor, meeting_id)
    points = [_point(uow, actor, item) for item in meeting.items]
    _add_notes(uow, [p.record for p in points if p.record is not None])
    if is_committee(actor):
        _add_opinions(uow, [p.record for p in points if p.record is not None])
    budgets = [p.record.budget for p in points if p.record and p.record.budget is not None]
    html = render(
        "convocation.html",
        points=points,
        members=[(m.user.name, _organisation(m.user)) for m in meeting.members],
        total_budget=sum(budgets, Decimal(0)) if budgets else None,
        **meeting_context(meeting, actor, uow.clock()),
    )
    late = sum(1 for p in points if p.late)
    return meeting_document(
        "convocation", html, meeting, "convocation", rows=len(points), late=late
    )


def _organisation(user) -> str:
    return user.organisation.name if user.organisation else "—"


def _point(uow: UnitOfWork, actor: Actor, item: MeetingItem) -> Point:
    point = Point(
        item.position,
        item.title,
        item.kind == "information",
        item.added_late,
        item.summary,
        [f"{r.user.name} ({r.reason})" for r in item.recusals],
    )
    if item.record_id is None:
        return point
    record = uow.session.get(RECORD_TYPES[item.record_type].model, item.record_id)
    workflow = uow.workflows.get(record.workflow_name, record.workflow_version)
    organisation = record.organisation_id if isinstance(record, Scheme) else None
    if isinstance(record, Pooling):
        organisation = record.lead_organisation_id
    # Reopened as a draft since it was put on the agenda: its content is its owners' again.
    if can_see(actor, workflow.states[record.state].visible_to, organisation):
        point.record = _scheme_item(record) if isinstance(record, Scheme) else _pooling_item(record)
    return point
