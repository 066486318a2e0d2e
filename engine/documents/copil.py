"""The COPIL's documents: the agenda of what is proposed to it, the record of its decisions."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from engine.clock import MARTINIQUE, local
from engine.db.uow import UnitOfWork
from engine.documents.display import INPUT_LABELS, Display, territory_label
from engine.documents.document import Document
from engine.documents.environment import render
from engine.documents.timeline import action_label, actor_names
from engine.errors import NotPermitted
from engine.models import AuditEvent, Comment, Pooling, Scheme, UserRole
from engine.records.registry import POOLING, RECORD_TYPES, SCHEME, record_type
from engine.rules.policy import Actor, can_see, inactive_reason

# What the COTECH writes when it works on a record: its comments go on the agenda.
COTECH_ACTIONS = ("request_changes", "review", "propose")
OUTCOMES = {
    "approve": "Approbations",
    "reject": "Rejets (non retenus)",
    "send_back": "Renvois au COTECH",
}
DEFAULT_PERIOD_DAYS = 60


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


@dataclass(frozen=True)
class Decision:
    occurred_at: datetime
    kind_label: str
    reference: str
    title: str
    organisation: str
    outcome: str
    decided_by: str
    decision_reference: str | None
    comment: str | None
    details: tuple[tuple[str, str], ...]


def copil_agenda_document(uow: UnitOfWork, actor: Actor, today: date) -> Document:
    """Render the agenda of the schemes and poolings currently proposed to the COPIL."""
    _ensure_active(actor)
    items = sorted(
        [*map(_scheme_item, _proposed(uow, Scheme)), *map(_pooling_item, _proposed(uow, Pooling))],
        key=lambda item: (item.proposed_at, item.reference),
    )
    _add_notes(uow, items)
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in RECORD_TYPES}
    budgets = [i.budget for i in items if i.budget is not None]
    html = render(
        "copil_agenda.html",
        items=items,
        counts=counts,
        total_budget=sum(budgets, Decimal(0)) if budgets else None,
        today=today,
        issued_at=uow.clock(),
        issued_by=actor.label,
    )
    details = {"date": today.isoformat(), "rows": len(items), **counts}
    return Document("copil_agenda", html, "copil", f"copil-ordre-du-jour-{today}", details=details)


def render_copil_agenda(uow: UnitOfWork, actor: Actor, today: date) -> str:
    """Return the printable HTML agenda of the next COPIL."""
    return copil_agenda_document(uow, actor, today).html


def copil_decisions_document(
    uow: UnitOfWork, actor: Actor, since: date | None = None, until: date | None = None
) -> Document:
    """Render the COPIL's decisions taken from `since` to `until` (default: the last 60 days)."""
    _ensure_active(actor)
    until = until or local(uow.clock()).date()
    since = since or until - timedelta(days=DEFAULT_PERIOD_DAYS)
    decisions = _decisions(uow, actor, since, until)
    groups = [
        (label, [d for d in decisions if d.outcome == code]) for code, label in OUTCOMES.items()
    ]
    html = render(
        "copil_decisions.html",
        groups=groups,
        count=len(decisions),
        since=since,
        until=until,
        issued_at=uow.clock(),
        issued_by=actor.label,
    )
    details = {"since": since.isoformat(), "until": until.isoformat(), "rows": len(decisions)}
    name = f"copil-decisions-{since}-{until}"
    return Document("copil_decisions", html, "copil", name, details=details)


def render_copil_decisions(
    uow: UnitOfWork, actor: Actor, since: date | None = None, until: date | None = None
) -> str:
    """Return the printable HTML record of the COPIL's decisions over a period."""
    return copil_decisions_document(uow, actor, since, until).html


def _ensure_active(actor: Actor) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())


def _proposed(uow: UnitOfWork, model: type) -> list:
    return list(uow.session.scalars(select(model).where(model.state == "proposed")))


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


def _decisions(uow: UnitOfWork, actor: Actor, since: date, until: date) -> list[Decision]:
    start = datetime.combine(since, time.min, MARTINIQUE)
    end = datetime.combine(until + timedelta(days=1), time.min, MARTINIQUE)
    rows = uow.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.record_type.in_(RECORD_TYPES),
            AuditEvent.action.in_(OUTCOMES),
            # A COTECH rejection (from recorded or reviewed) is not a decision of the COPIL.
            AuditEvent.from_state == "proposed",
            AuditEvent.occurred_at >= start,
            AuditEvent.occurred_at < end,
        )
        .order_by(AuditEvent.position)
    ).all()
    names = actor_names(uow.session, {r.actor_id for r in rows if r.actor_id is not None})
    records = _records(uow, rows)
    display = Display(uow.session)
    return [_decision(uow, actor, row, records, names, display) for row in rows]


def _records(uow: UnitOfWork, rows: list[AuditEvent]) -> dict[tuple[str, int], Any]:
    found = {}
    for kind, rtype in RECORD_TYPES.items():
        model = rtype.model
        ids = {r.record_id for r in rows if r.record_type == kind}
        if ids:
            found.update(
                ((kind, o.id), o)
                for o in uow.session.scalars(select(model).where(model.id.in_(ids)))
            )
    return found


def _decision(uow, actor: Actor, row: AuditEvent, records, names, display: Display) -> Decision:
    record = records[(row.record_type, row.record_id)]
    inputs = dict(row.inputs or {})
    workflow = uow.workflows.get(record.workflow_name, record.workflow_version)
    organisation = record.organisation if isinstance(record, Scheme) else record.lead_organisation
    visible = can_see(
        actor, workflow.states[record.state].visible_to, organisation.id if organisation else None
    )
    return Decision(
        occurred_at=row.occurred_at,
        kind_label=record_type(row.record_type).french.label,
        reference=row.record_reference or record.reference,
        # Reopened as a draft since the decision: the draft's current content stays private.
        title=record.title if visible else "(rouvert depuis, en brouillon)",
        organisation=organisation.name if organisation else "—",
        outcome=row.action,
        decided_by=names.get(row.actor_id, (row.actor_label or "—",))[0],
        decision_reference=inputs.pop("decision_reference", None),
        comment=row.comment,
        details=tuple((INPUT_LABELS.get(k, k), display.value(k, v)) for k, v in inputs.items()),
    )
