"""The dispatch: tail the audit log and write, after commit, who is told of each change.

A change and its audit event commit together, and the chain's appends are serialised, so
positions commit in order: reading the log past a cursor sees every committed change once, and
a rolled-back one never (it left no event). `dispatch` holds the cursor row `audit` locked
(SELECT … FOR UPDATE on PostgreSQL; SQLite's write transaction), reads the events past it in
position order by batches, writes their messages (notices.py) with keys
`event:<position>:user:<id>`, and advances the cursor, all in ONE transaction: a crash loses
nothing and a second worker waits for the first, then finds nothing left to write. The request
that made the change pays nothing for its notifications.

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
from engine.rules.workflow import WorkflowRegistry

log = logging.getLogger(__name__)

CURSOR = "audit"
BATCH = 500
TOO_OLD = timedelta(days=3)

_events = AuditEvent.__table__
_cursor = OutboxCursor.__table__
_HEAD = select(func.max(_events.c.position))
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
    """Write the messages of every audit event past the cursor and advance it to the log's
    head, in one transaction; return how many messages were written."""
    with UnitOfWork(db, clock=clock, workflows=workflows) as uow:
        conn = uow.begin_write()
        after = _locked_cursor(conn, db.is_postgresql)
        head = conn.execute(_HEAD).scalar() or 0
        if head <= after:
            return 0
        now = clock()
        written = 0
        while True:
            events = conn.execute(_PAST, {"after": after, "head": head, "batch": batch}).all()
            fresh = [e for e in events if e.occurred_at >= now - TOO_OLD]
            if len(fresh) < len(events):
                log.info("%d audit events too old to notify", len(events) - len(fresh))
            written += enqueue(conn, notices(conn, fresh, uow.workflows), now)
            if len(events) < batch:
                break
            after = events[-1].position
        _advance(conn, head)
        uow.commit()
    return written


def _locked_cursor(conn: Connection, postgresql: bool) -> int:
    query = select(_cursor.c.position).where(_cursor.c.name == CURSOR)
    position = conn.execute(query.with_for_update() if postgresql else query).scalar()
    if position is None:
        # Revision 0010 seeds it; a database without it starts at the log's head: what came
        # before is history, not news.
        position = conn.execute(_HEAD).scalar() or 0
        conn.execute(insert(_cursor).values(name=CURSOR, position=position))
    return position


def _advance(conn: Connection, position: int) -> None:
    conn.execute(update(_cursor).where(_cursor.c.name == CURSOR).values(position=position))


def move_cursor_to_head(conn: Connection) -> int:
    """Put the cursor at the audit log's head in the caller's transaction, so that what is in
    the log now is never mailed (a demo's invented history); return the position."""
    head = conn.execute(_HEAD).scalar() or 0
    if conn.execute(select(_cursor.c.name).where(_cursor.c.name == CURSOR)).first() is None:
        conn.execute(insert(_cursor).values(name=CURSOR, position=head))
    else:
        _advance(conn, head)
    return head
