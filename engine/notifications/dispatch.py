"""The dispatch: tail the audit log and write, after commit, who is told of each change.

A change and its audit event commit together, and the chain's appends are serialised, so
positions commit in order: reading the log past a cursor sees every committed change once, and
a rolled-back one never (it left no event). `dispatch` reads the events past the cursor `audit`
in position order, by batches, and resolves who is told of each (notices.py); then, holding the
cursor row locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's write transaction), it checks
the cursor has not moved, writes the messages with keys `event:<position>:user:<id>` and
advances the cursor, in ONE transaction: a crash loses nothing, and a second worker that read
the same batch finds the cursor moved and writes nothing (the keys would refuse a repeat
anyway). Reading before locking keeps SQLite's database-wide write lock for the inserts alone.
The request that made the change pays nothing for its notifications.

An event older than `TOO_OLD` when first read (a worker stopped for days) is history, not
news: the cursor passes it without mailing anyone.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, func, insert, select, update

from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models.audit import AuditEvent
from engine.models.notification import OutboxCursor
from engine.notifications.notices import notices
from engine.notifications.outbox import enqueue
from engine.notifications.sender import ASYNC_COMMIT
from engine.rules.workflow import WorkflowRegistry, default_registry

log = logging.getLogger(__name__)

CURSOR = "audit"
BATCH = 100
TOO_OLD = timedelta(days=3)

_events = AuditEvent.__table__
_cursor = OutboxCursor.__table__
_HEAD = select(func.max(_events.c.position))
_POSITION = select(_cursor.c.position).where(_cursor.c.name == CURSOR)
# Only the events that enter a state may notify anyone; the others are passed over unread.
_PAST = (
    select(
        _events.c.position,
        _events.c.record_type,
        _events.c.record_id,
        _events.c.action,
        _events.c.from_state,
        _events.c.to_state,
        _events.c.actor_id,
        _events.c.occurred_at,
        _events.c.comment,
        _events.c.inputs,
    )
    .where(
        _events.c.position > bindparam("after"),
        _events.c.position <= bindparam("head"),
        _events.c.to_state.is_not(None),
    )
    .order_by(_events.c.position)
    .limit(bindparam("batch"))
)


def dispatch(
    db: Database,
    clock: Callable[[], datetime],
    *,
    workflows: WorkflowRegistry | None = None,
    batch: int = BATCH,
) -> int:
    """Write the messages of every audit event past the cursor, batch by batch, each batch in
    one transaction with the cursor's advance; return how many messages were written."""
    registry = workflows or default_registry()
    written = 0
    while (step := _dispatch_batch(db, clock, registry, batch)) is not None:
        written += step
    return written


def _dispatch_batch(db: Database, clock, registry: WorkflowRegistry, batch: int) -> int | None:
    """Dispatch the next batch; None once caught up with the log's head."""
    now = clock()
    # Read and resolve outside the write lock (SQLite has one for the whole database): the
    # transitions of the requests meanwhile wait only for the inserts below.
    with UnitOfWork(db, clock=clock, autocommit_reads=True) as uow:
        conn = uow.connection
        after = conn.execute(_POSITION).scalar()
        head = conn.execute(_HEAD).scalar() or 0
        if after is not None and head <= after:
            return None
        events = [] if after is None else conn.execute(_PAST, _bounds(after, head, batch)).all()
        fresh = [e for e in events if e.occurred_at >= now - TOO_OLD]
        if len(fresh) < len(events):
            log.info("%d audit events too old to notify", len(events) - len(fresh))
        # Delegates are told of what is lent to them now, when they are asked to act.
        messages = notices(conn, fresh, registry, at=now)
    reached = events[-1].position if len(events) == batch else head
    with UnitOfWork(db, clock=clock) as uow:
        conn = uow.begin_write()
        if db.is_postgresql:
            # The messages and the cursor's advance are lost or kept together: a crash of the
            # database server that forgot them would have them written again, under the same
            # keys. Not waiting for the disk keeps the dispatcher off the requests' commits.
            conn.execute(ASYNC_COMMIT)
        if _locked_cursor(conn, db.is_postgresql) != after:
            return 0  # another worker dispatched meanwhile: read again from where it stopped
        written = enqueue(conn, messages, now)
        _advance(conn, reached)
        uow.commit()
    return written


def _bounds(after: int, head: int, batch: int) -> dict[str, int]:
    return {"after": after, "head": head, "batch": batch}


def _locked_cursor(conn: Connection, postgresql: bool) -> int | None:
    position = conn.execute(_POSITION.with_for_update() if postgresql else _POSITION).scalar()
    if position is None:
        # Revision 0010 seeds it; a database without it starts at the log's head: what came
        # before is history, not news.
        move_cursor_to_head(conn)
    return position


def _advance(conn: Connection, position: int) -> None:
    conn.execute(update(_cursor).where(_cursor.c.name == CURSOR).values(position=position))


def move_cursor_to_head(conn: Connection) -> int:
    """Put the cursor at the audit log's head in the caller's transaction, so that what is in
    the log now is never mailed (a demo's invented history); return the position."""
    head = conn.execute(_HEAD).scalar() or 0
    if conn.execute(_POSITION).first() is None:
        conn.execute(insert(_cursor).values(name=CURSOR, position=head))
    else:
        _advance(conn, head)
    return head
