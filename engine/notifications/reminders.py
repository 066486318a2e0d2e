"""Reminders of a state's deadline, and escalation of what stays overdue.

A state with `deadline_days` in its workflow file may say `remind_before_days` (those who must
act are reminded that many days before the deadline, and again once it has passed) and
`escalate_after_days` with `escalate_to` (that many days past the deadline, the holders of those
roles are told). Those who must act are the roles of the spine transition leaving the state (as
in "À traiter"): the owners of the record's organisation for an owner's state, and for a state
a committee leaves only in session, the secretaries who put the record on a meeting's agenda.

Each pass handles the moments (near, passed, escalation) that fell since the cursor `reminders`
(seconds since the epoch): the instant of the last pass that wrote, advanced with its messages
in one transaction. So each record type costs one query that selects, through the
(state, state_changed_at) index, only the records whose moment falls in that window — never the
whole inventory — and a pass that finds nothing writes nothing. A first pass (no cursor yet)
catches up with everything already late, once.
Keys carry the instant the record entered its state: one reminder of each kind per recipient and
per stay in the state, however many passes or workers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Integer, cast, null, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models.notification import OutboxCursor
from engine.notifications import recipients
from engine.notifications.outbox import Message, enqueue
from engine.queries.worklist import SPINE
from engine.records.registry import DECIDED, RECORD_TYPES, RecordType
from engine.rules.workflow import StateDef, Workflow, WorkflowRegistry, default_registry

CURSOR = "reminders"
KINDS = ("near", "passed", "escalation")
_cursor = OutboxCursor.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_POSITION = select(_cursor.c.position).where(_cursor.c.name == CURSOR)


@dataclass(frozen=True)
class Due:
    """One record whose reminder or escalation moment fell in the pass's window."""

    rtype: RecordType
    workflow: Workflow
    state: StateDef
    kind: str  # near, passed or escalation
    id: int
    reference: str
    title: str
    organisation_id: int | None
    entered_at: datetime
    due_at: datetime


def produce_reminders(
    db: Database, clock: Callable[[], datetime], workflows: WorkflowRegistry | None = None
) -> int:
    """Write the reminders and escalations whose moment came since the cursor and advance it,
    in one transaction; return how many messages were written."""
    registry = workflows or default_registry()
    now = clock()
    # Read and resolve without SQLite's write lock: most passes find nothing and write nothing
    # (the cursor stays; the next window starts from it, no record is missed).
    with UnitOfWork(db, clock=clock, autocommit_reads=True) as uow:
        conn = uow.connection
        after = conn.scalar(_POSITION)
        since = datetime.fromtimestamp(after or 0, UTC)
        found = [
            due
            for rtype in RECORD_TYPES.values()
            for due in _due(conn, rtype, registry, since, now)
        ]
        if not found:
            return 0
        messages = _messages(conn, found, now)
    with UnitOfWork(db, clock=clock) as uow:
        conn = uow.begin_write()
        if conn.scalar(_POSITION.with_for_update() if db.is_postgresql else _POSITION) != after:
            return 0  # another worker handled this window meanwhile
        written = enqueue(conn, messages, now)
        _advance(conn, now)
        uow.commit()
    return written


def _advance(conn: Connection, now: datetime) -> None:
    """Move the cursor to `now`, never back (made if missing: a second worker making it too
    waits, then skips it)."""
    stamp = int(now.timestamp())  # rounded down: windows overlap by under a second, keys dedupe
    insert = _INSERTS[conn.dialect.name](_cursor).values(name=CURSOR, position=stamp)
    conn.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
    conn.execute(
        _cursor.update()
        .where(_cursor.c.name == CURSOR, _cursor.c.position < stamp)
        .values(position=stamp)
    )


def moments(state: StateDef) -> dict[str, timedelta]:
    """When each kind of message falls, counted from the instant the record entered `state`."""
    deadline = timedelta(days=state.deadline_days or 0)
    found = {}
    if state.remind_before_days:
        found["near"] = deadline - timedelta(days=state.remind_before_days)
        found["passed"] = deadline
    if state.escalate_after_days:
        found["escalation"] = deadline + timedelta(days=state.escalate_after_days)
    return found


def _due(
    conn: Connection, rtype: RecordType, registry: WorkflowRegistry, since: datetime, now
) -> list[Due]:
    """One query: the records of this type whose moment (near, passed, escalation) falls in
    (since, now] in their state of their workflow's version."""
    t = rtype.table
    plans = [
        (wf, state) for wf in registry if wf.name == rtype.name for state in wf.states.values()
    ]
    windows = [
        (t.c.workflow_version == wf.version)
        & (t.c.state == state.name)
        & (t.c.state_changed_at > since - offset)
        & (t.c.state_changed_at <= now - offset)
        for wf, state in plans
        for offset in moments(state).values()
    ]
    if not windows:
        return []
    organisation = (
        t.c[rtype.organisation_column] if rtype.organisation_column else cast(null(), Integer)
    )
    columns = [t.c.id, t.c.reference, t.c.title, t.c.state, t.c.state_changed_at]
    columns += [t.c.workflow_version, organisation.label("organisation_id")]
    rows = conn.execute(select(*columns).where(or_(*windows)).order_by(t.c.id)).all()
    return [due for row in rows for due in _classify(rtype, registry, row, since, now)]


def _classify(rtype, registry: WorkflowRegistry, row, since: datetime, now: datetime):
    """The kinds of message whose moment fell in the window for this record."""
    workflow = registry.get(rtype.name, row.workflow_version)
    state = workflow.states[row.state]
    due_at = row.state_changed_at + timedelta(days=state.deadline_days)
    for kind, offset in moments(state).items():
        moment = row.state_changed_at + offset
        # A deadline already passed makes its "near" reminder pointless (a first pass).
        if since < moment <= now and not (kind == "near" and due_at <= now):
            yield Due(
                rtype,
                workflow,
                state,
                kind,
                row.id,
                row.reference,
                row.title,
                row.organisation_id,
                row.state_changed_at,
                due_at,
            )


def actors(workflow: Workflow, rtype: RecordType, state: str) -> frozenset[str]:
    """The roles that must act on a record in `state`: those of the spine transitions leaving
    it; for a decision taken only in session, the secretaries who put it on an agenda."""
    roles: set[str] = set()
    for tdef in (t for name in SPINE for t in workflow.definitions(name)):
        if state in tdef.sources:
            in_session = tdef.requires_meeting and rtype in DECIDED
            roles |= {"secretary"} if in_session else tdef.roles
    return frozenset(roles)


def _messages(conn: Connection, found: list[Due], now: datetime) -> list[Message]:
    """Each due record's messages, to those who must act or to the escalation's roles, and to
    the delegates those roles are lent to now."""
    wanted = {role for due in found for role in _audience(due) if role != "owner"}
    by_role = recipients.with_roles_by_role(conn, wanted, now)
    organisations = {due.organisation_id for due in found}
    owners = recipients.owners_by_organisation(conn, organisations, now)
    messages = []
    for due in found:
        people: dict[int, recipients.Recipient] = {}
        for role in sorted(_audience(due)):
            chosen = owners.get(due.organisation_id, []) if role == "owner" else by_role[role]
            people.update((person.id, person) for person in chosen)
        messages += [_message(due, person) for person in people.values()]
    return messages


def _audience(due: Due) -> frozenset[str]:
    if due.kind == "escalation":
        return frozenset(due.state.escalate_to)
    return actors(due.workflow, due.rtype, due.state.name)


def _message(due: Due, person: recipients.Recipient) -> Message:
    entered = int(due.entered_at.timestamp())
    key = f"reminder:{due.rtype.name}:{due.id}:{entered}:{due.kind}:user:{person.id}"
    template = "escalation" if due.kind == "escalation" else f"reminder_{due.kind}"
    context = {
        "reference": due.reference,
        "title": due.title,
        "state": due.state.label,
        "state_en": due.state.label_en,
        "path": due.rtype.path(due.id),
        "entered_at": due.entered_at.isoformat(),
        "due_at": due.due_at.isoformat(),
        "days": due.state.remind_before_days if due.kind == "near" else None,
        "late_days": due.state.escalate_after_days if due.kind == "escalation" else None,
    }
    return Message(
        key,
        template,
        person.email,
        person.locale,
        context,
        recipient_id=person.id,
        record_type=due.rtype.name,
        record_id=due.id,
    )
