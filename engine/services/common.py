"""Helpers shared by the services: references to records, loading facts, conflicts, and the
audit entry a read leaves in the log."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, select

from engine.db.uow import UnitOfWork
from engine.errors import Conflict, NotFound, NotPermitted
from engine.models.user import User
from engine.records import audit
from engine.records.registry import RECORD_TYPES, RecordFacts, RecordType
from engine.rules.policy import Actor, can_see, inactive_reason
from engine.rules.workflow import Workflow


@dataclass(frozen=True)
class RecordRef:
    kind: str
    id: int

    @classmethod
    def of(cls, record: Any) -> "RecordRef":
        """Accept a RecordRef, RecordFacts, or a scheme/pooling object."""
        if isinstance(record, RecordRef):
            return record
        # record_type first: a pooling's own `kind` column (fusion…) is not its record type.
        kind = getattr(record, "record_type", None) or getattr(record, "kind", None)
        if kind not in RECORD_TYPES:
            raise TypeError(f"not a record: {record!r}")
        return cls(kind, record.id)


def load_facts(conn: Connection, rtype: RecordType, record_id: int, *, lock: bool) -> RecordFacts:
    """Read a record's facts (locked for update when asked); NotFound when it does not exist."""
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        raise NotFound()
    row = conn.execute(rtype.facts_statement(lock), {"record_id": record_id}).first()
    if row is None:
        raise NotFound()
    return rtype.facts(row)


def open_record(
    uow,
    record: Any,
    actor: Actor,
    expected_version: int | None = None,
    facts: RecordFacts | None = None,
) -> tuple[Connection, RecordType, RecordFacts, Workflow]:
    """Begin the write, read the record locked, check it is visible and at the expected version.

    `facts`, when given, were already read locked in this transaction: they are not read again.
    """
    ref = RecordRef.of(facts if facts is not None else record)
    rtype = RECORD_TYPES[ref.kind]
    conn = uow.ensure_write()
    if facts is None:
        facts = load_facts(conn, rtype, ref.id, lock=True)
    workflow = uow.workflows.get(facts.workflow_name, facts.workflow_version)
    ensure_visible(workflow, facts, actor)
    if expected_version is not None and expected_version != facts.version:
        raise conflict(conn, rtype, facts.id)
    return conn, rtype, facts, workflow


def ensure_visible(workflow: Workflow, facts: RecordFacts, actor: Actor) -> None:
    """Raise NotFound when the actor may not see the record, NotPermitted when inactive."""
    if not actor.active:
        raise NotPermitted(inactive_reason())
    state = workflow.states[facts.state]
    if not can_see(actor, state.visible_to, facts.organisation_id):
        raise NotFound()


@cache
def _last_change(rtype: RecordType):
    t = rtype.table
    return (
        select(t.c.version, t.c.updated_at, User.email)
        .outerjoin(User, User.id == t.c.updated_by_id)
        .where(t.c.id == bindparam("record_id"))
    )


def conflict(conn: Connection, rtype: RecordType, record_id: int) -> Conflict:
    """Build the Conflict for a record: its current version, who changed it last and when."""
    row = conn.execute(_last_change(rtype), {"record_id": record_id}).first()
    if row is None:
        return Conflict(current_version=None, message="Cet élément a été supprimé entre-temps.")
    return Conflict(current_version=row.version, changed_by=row.email, changed_at=row.updated_at)


def log_apart(uow: UnitOfWork, entry: Callable[[datetime], audit.Entry]) -> None:
    """Append the entry `entry(now)` in a unit of work of its own, committed at once.

    For what a read leaves in the log (a print, an export): the reading unit of work may not
    turn into a write (SQLite, BEGIN IMMEDIATE) and commits nothing, yet the entry must land. It
    shares the reading one's database, clock and workflows.
    """
    with UnitOfWork(uow.database, clock=uow.clock, workflows=uow.workflows) as writing:
        conn = writing.begin_write()
        audit.append(conn, [entry(writing.clock())])
        writing.commit()
