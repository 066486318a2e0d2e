""" "À traiter": the records awaiting an action of a given user, oldest in their state first.

What counts as work is the workflow's spine — submit, review, propose, approve — read from the
workflow files: a record awaits the roles of the spine transition that leaves its state. An
owner's work is limited to their organisation's records. Separation of duties is checked as
`available_transitions` does (the stamp on the record), but in the query's own columns, so a
page costs one query per record type and no lookup per row.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, false, func, null, or_, select, true
from sqlalchemy.orm import Session

from engine.models import Organisation
from engine.records.registry import RECORD_TYPES, RecordType, record_type
from engine.rules.deadlines import due_at
from engine.rules.policy import GUARDS, Actor
from engine.rules.workflow import TransitionDef, WorkflowRegistry, default_registry

# The transitions that move a record forward; a meeting's: convene it, then hold and close it.
SPINE = ("submit", "review", "propose", "approve", "convene", "close")
LIMIT = 100


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


@dataclass(frozen=True)
class Worklist:
    items: list[WorkItem]
    total: int


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
    for kind, rtype in RECORD_TYPES.items():
        tasks = _tasks(registry, kind, actor)
        if not tasks:
            continue
        model = rtype.model
        condition = or_(*(_awaits(rtype, state, tdef, actor) for state, tdef in tasks.items()))
        total += session.scalar(select(func.count()).select_from(model).where(condition)) or 0
        # One query per state, each reading (state, state_changed_at) in index order and
        # stopping at `limit`: the OR of states had to sort every waiting record (130 ms at
        # 100,000 schemes). The oldest `limit` of all are among these, sorted below.
        for state, tdef in tasks.items():
            rows = session.execute(_rows(rtype, _awaits(rtype, state, tdef, actor)).limit(limit))
            items += [_item(kind, row, tdef, registry, actor, now) for row in rows]
    items.sort(key=lambda item: (item.entered_at, item.kind, item.id))
    return Worklist(items[:limit], total)


def _tasks(registry: WorkflowRegistry, kind: str, actor: Actor) -> dict[str, TransitionDef]:
    """The states whose spine transition the actor's roles may fire, with that transition."""
    workflow = registry.current(kind)
    tasks = {}
    for tdef in (t for name in SPINE for t in workflow.definitions(name)):
        if tdef.roles & actor.roles and actor.active:
            tasks.update({state: tdef for state in tdef.sources})
    return tasks


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
            model.submitted_by_id,
            model.proposed_by_id,
            model.created_by_id,
            Organisation.name.label("organisation"),
        )
        .outerjoin(Organisation, Organisation.id == organisation_id)
        .where(condition)
        .order_by(model.state_changed_at, model.id)
    )


def _item(kind, row, tdef: TransitionDef, registry, actor: Actor, now: datetime) -> WorkItem:
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
        action=tdef.label,
        entered_at=row.state_changed_at,
        due_at=due,
        overdue=due is not None and now > due,
        blocked=_blocked(kind, row, tdef, actor),
    )


def _blocked(kind: str, row, tdef: TransitionDef, actor: Actor) -> str | None:
    for name in tdef.guards:
        guard = GUARDS[name]
        if actor.id is not None and getattr(row, guard.column) == actor.id:
            return record_type(kind).duties[name]
    return None
