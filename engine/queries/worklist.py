""" "À traiter": the records awaiting an action of a given user, oldest in their state first.

What counts as work is the workflow's spine — submit, review, propose, approve — read from the
workflow files: a record awaits the roles of the spine transition that leaves its state. An
owner's work is limited to their organisation's records. Separation of duties is checked as
`available_transitions` does (the stamps on the record: who acted and for whom), but on the
query's own columns, so a page costs one query per record type and no lookup per row.

A committee decides in session (`requires_meeting` in the workflow file): no member has such a
decision to make alone. What awaits is its meeting's secretary putting the record on the agenda
of a meeting, until it is on an open one (planned or convened).

A delegate's list holds their delegators' work too, each item marked with whom it is done for:
the same tasks for each capacity (`Actor.capacities`), one query per state and capacity.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Select, false, func, null, or_, select, true
from sqlalchemy.orm import Session

from engine.clock import MARTINIQUE, local
from engine.models import Meeting, MeetingItem, Opinion, Organisation
from engine.objectives.progress import late_milestones
from engine.records.registry import DECIDED, RECORD_TYPES, RecordType
from engine.rules.deadlines import due_at
from engine.rules.policy import GUARDS, Actor, guard_reasons
from engine.rules.workflow import TransitionDef, Workflow, WorkflowRegistry, default_registry
from engine.services.meetings.access import EDITABLE, SECRETARIES

# The transitions that move a record forward; a meeting's: convene it, then hold and close it.
SPINE = ("submit", "review", "propose", "approve", "convene", "close")
LIMIT = 100
TO_AGENDA = "à inscrire à l'ordre du jour"


@dataclass(frozen=True)
class WorkItem:
    """One record awaiting the user, with what to do and by when."""

    kind: str
    id: int
    reference: str
    title: str
    organisation: str | None
    state: str
    state_label: str
    action: str
    entered_at: datetime
    due_at: datetime | None
    overdue: bool
    # Why the user may not do it themselves (separation of duties), or None.
    blocked: str | None
    # The delegator the user would act for (their name), when the item is theirs by delegation.
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class Worklist:
    items: list[WorkItem]
    total: int


@dataclass(frozen=True)
class _Task:
    """What awaits the actor on the records of one state: its label, the SQL that finds them."""

    state: str
    action: str
    condition: Any
    guards: tuple[str, ...] = ()


def worklist(
    session: Session,
    actor: Actor,
    now: datetime,
    workflows: WorkflowRegistry | None = None,
    limit: int = LIMIT,
) -> Worklist:
    """Return the records awaiting `actor`, oldest in their state first, at most `limit`."""
    registry = workflows or default_registry()
    items, total = [], 0
    # The user's own roles first, then each delegation's: a record both bring is listed once,
    # as their own.
    capacities = actor.capacities() if actor.active else ()
    for kind, rtype in RECORD_TYPES.items():
        workflow = registry.current(kind)
        found = [(c, tasks) for c in capacities if (tasks := _tasks(workflow, rtype, c))]
        if not found:
            continue
        model = rtype.model
        condition = or_(*(task.condition for _, tasks in found for task in tasks))
        total += session.scalar(select(func.count()).select_from(model).where(condition)) or 0
        seen: set[int] = set()
        # One query per state and capacity, each reading (state, state_changed_at) in index
        # order and stopping at `limit`: the OR of states had to sort every waiting record (130
        # ms at 100,000 schemes). The oldest `limit` of all are among these, sorted below.
        for capacity, tasks in found:
            for task in tasks:
                rows = session.execute(_rows(rtype, task.condition).limit(limit))
                fresh = [row for row in rows if row.id not in seen]
                seen.update(row.id for row in fresh)
                items += [_item(kind, row, task, registry, capacity, now) for row in fresh]
    late, count = _late_milestones(session, actor, now, limit)
    items += late
    total += count
    items.sort(key=lambda item: (item.entered_at, item.kind, item.id))
    return Worklist(items[:limit], total)


def _late_milestones(
    session: Session, actor: Actor, now: datetime, limit: int
) -> tuple[list[WorkItem], int]:
    """The late milestones the actor's organisation answers for (an owner's), as items of
    their objective: the step to mark done, late since its day."""
    if (
        not actor.active
        or actor.organisation_id is None
        or not actor.holds("owner", actor.organisation_id)
    ):
        return [], 0
    found, total = late_milestones(session, local(now).date(), actor.organisation_id, limit)
    items = []
    for m in found:
        due = datetime.combine(m.due_on, time(), MARTINIQUE)
        items.append(
            WorkItem(
                kind="objective",
                id=m.objective_id,
                reference=m.objective_reference,
                title=f"Étape en retard : {m.title}",
                organisation=m.organisation,
                state="late",
                state_label="étape en retard",
                action="déclarer l'étape faite",
                entered_at=due,
                due_at=due,
                overdue=True,
                blocked=None,
            )
        )
    return items, total


def _tasks(workflow: Workflow, rtype: RecordType, actor: Actor) -> list[_Task]:
    """One task per state: the spine transition the actor's roles may fire from it, or, for a
    secretary, putting a record the committee decides in session on a meeting's agenda."""
    decided = rtype in DECIDED
    tasks: dict[str, _Task] = {}
    for tdef in (t for name in SPINE for t in workflow.definitions(name)):
        if tdef.roles & actor.roles and not (decided and tdef.requires_meeting):
            for state in tdef.sources:
                condition = _awaits(rtype, state, tdef, actor)
                tasks[state] = _Task(state, tdef.label, condition, tdef.guards)
    if decided and SECRETARIES & actor.roles:
        for state in _decided_in_session(workflow):
            tasks[state] = _Task(state, TO_AGENDA, _off_agenda(rtype, state))
    return list(tasks.values())


def _decided_in_session(workflow: Workflow) -> list[str]:
    """The states a committee's decision leaves: only a meeting's close applies it."""
    states = (s for t in workflow.transitions if t.requires_meeting for s in sorted(t.sources))
    return list(dict.fromkeys(states))


def _off_agenda(rtype: RecordType, state: str):
    """SQL: the record is in `state` and on the agenda of no open (planned, convened) meeting."""
    t = rtype.table
    on_agenda = (
        select(MeetingItem.id)
        .join(Meeting, Meeting.id == MeetingItem.meeting_id)
        .where(
            MeetingItem.record_type == rtype.name,
            MeetingItem.record_id == t.c.id,
            Meeting.state.in_(EDITABLE),
        )
        .exists()
    )
    return (t.c.state == state) & ~on_agenda


def _awaits(rtype: RecordType, state: str, tdef: TransitionDef, actor: Actor):
    """SQL: the record is in `state` and the actor holds one of the transition's roles for it."""
    # As Actor.holds: an owner acts on the records of their own organisation, if they have one.
    holds = [
        _owned(rtype, actor) if role == "owner" else true() for role in tdef.roles & actor.roles
    ]
    return (rtype.table.c.state == state) & or_(*holds)


def _owned(rtype: RecordType, actor: Actor):
    if actor.organisation_id is None or rtype.organisation_column is None:
        return false()
    return rtype.table.c[rtype.organisation_column] == actor.organisation_id


def _rows(rtype: RecordType, condition) -> Select:
    model = rtype.model
    # A meeting belongs to no organisation: its line names none.
    organisation_id = (
        rtype.table.c[rtype.organisation_column] if rtype.organisation_column else null()
    )
    return (
        select(
            model.id,
            model.reference,
            model.title,
            model.state,
            model.state_changed_at,
            model.workflow_version,
            *(rtype.table.c[column] for guard in GUARDS.values() for column in guard.columns),
            Organisation.name.label("organisation"),
        )
        .outerjoin(Organisation, Organisation.id == organisation_id)
        .where(condition)
        .order_by(model.state_changed_at, model.id)
    )


def _item(kind, row, task: _Task, registry, actor: Actor, now: datetime) -> WorkItem:
    workflow = registry.get(kind, row.workflow_version)
    due = due_at(workflow, row.state, row.state_changed_at)
    return WorkItem(
        kind=kind,
        id=row.id,
        reference=row.reference,
        title=row.title,
        organisation=row.organisation,
        state=row.state,
        state_label=workflow.states[row.state].label,
        action=task.action,
        entered_at=row.state_changed_at,
        due_at=due,
        overdue=due is not None and now > due,
        blocked=_blocked(kind, row, task, actor),
        on_behalf_of=actor.on_behalf_of.delegator_name if actor.on_behalf_of else None,
    )


def _blocked(kind: str, row, task: _Task, actor: Actor) -> str | None:
    stamps = {c: getattr(row, c) for name in task.guards for c in GUARDS[name].columns}
    reasons = guard_reasons(task.guards, kind, stamps, actor)
    return reasons[0].message if reasons else None


@dataclass(frozen=True)
class OpinionWork:
    """An opinion asked of the user's organisation and not yet given: pending, or overdue."""

    id: int
    kind: str
    record_id: int
    reference: str
    title: str
    question: str
    due_on: date
    overdue: bool
    named: bool  # the request names this user


def opinion_work(session: Session, actor: Actor, now: datetime) -> list[OpinionWork]:
    """The opinions awaiting the actor's organisation (any active user of it answers), the
    earliest due first; overdue when the due Martinique day has passed."""
    if not actor.active or actor.organisation_id is None:
        return []
    today = local(now).date()
    found = []
    for kind in ("scheme", "pooling"):
        t = RECORD_TYPES[kind].table
        rows = session.execute(
            select(
                Opinion.id,
                Opinion.record_id,
                Opinion.question,
                Opinion.due_on,
                Opinion.expert_user_id,
                t.c.reference,
                t.c.title,
            )
            .join(t, t.c.id == Opinion.record_id)
            .where(
                Opinion.record_type == kind,
                Opinion.expert_organisation_id == actor.organisation_id,
                Opinion.state == "requested",
            )
        )
        found += [
            OpinionWork(
                r.id,
                kind,
                r.record_id,
                r.reference,
                r.title,
                r.question,
                r.due_on,
                r.due_on < today,
                r.expert_user_id == actor.id,
            )
            for r in rows
        ]
    return sorted(found, key=lambda w: (w.due_on, w.id))
