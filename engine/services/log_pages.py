"""The audit log a page at a time, newest first, for the committees and administrators.

Pages are cut by chain position (keyset), never by OFFSET: the thousandth page of a log of a
million events costs what the first does. Each filter has its index: (record_type, record_id,
position) for a record, action, actor_id and occurred_at for the others.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from engine.clock import MARTINIQUE
from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, User
from engine.records import audit
from engine.records.registry import RECORD_TYPES
from engine.rules.policy import Actor
from engine.services.events import EventFilter, ensure_may_read_log, readable_event_conditions


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    newer: int | None  # pass as `after` to see the newer page; None on the newest
    older: int | None  # pass as `before` to see the older page; None on the oldest


def page_events(
    uow: UnitOfWork,
    actor: Actor,
    wanted: EventFilter,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> EventPage:
    """Return up to `limit` matching events, newest first, before or after a chain position."""
    ensure_may_read_log(actor)
    conditions = readable_event_conditions(actor, wanted)
    stmt = select(AuditEvent).where(*conditions).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(AuditEvent.position > after).order_by(AuditEvent.position.asc())
        rows = list(uow.session.scalars(stmt))
        more, rows = len(rows) > limit, rows[:limit][::-1]
        newer = rows[0].position if more else None
        older = (
            rows[-1].position
            if rows and _exists(uow, conditions, before=rows[-1].position)
            else None
        )
        return EventPage(rows, newer, older)
    if before is not None:
        stmt = stmt.where(AuditEvent.position < before)
    rows = list(uow.session.scalars(stmt.order_by(AuditEvent.position.desc())))
    more, rows = len(rows) > limit, rows[:limit]
    newer = None
    if before is not None and rows and _exists(uow, conditions, after=rows[0].position):
        newer = rows[0].position
    return EventPage(rows, newer, rows[-1].position if more else None)


def _exists(uow: UnitOfWork, conditions: list, *, before=None, after=None) -> bool:
    edge = AuditEvent.position < before if before is not None else AuditEvent.position > after
    stmt = select(AuditEvent.position).where(*conditions, edge).limit(1)
    return uow.session.scalar(stmt) is not None


def find_record(uow: UnitOfWork, record_type: str | None, text: str) -> tuple[str, int] | None:
    """Return the (type, id) a log reader means by a number or a reference (DSP-2026-0042)."""
    text = text.strip()
    if text.isdigit() and len(text) <= 12:
        return (record_type, int(text)) if record_type else None
    kinds = [record_type] if record_type else [*RECORD_TYPES, "user"]
    for kind in kinds:
        found = _by_reference(uow, kind, text)
        if found is not None:
            return kind, found
    return None


def _by_reference(uow: UnitOfWork, kind: str, text: str) -> int | None:
    if kind in RECORD_TYPES:
        model = RECORD_TYPES[kind].model
        return uow.session.scalar(select(model.id).where(model.reference == text.upper()))
    if kind == "user":
        return uow.session.scalar(select(User.id).where(func.lower(User.email) == text.lower()))
    return None


def day_range(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """Return the instants bounding whole Martinique days, `until` included."""
    start = datetime.combine(since, time(), MARTINIQUE) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), MARTINIQUE) if until else None
    return start, end


def log_head(uow: UnitOfWork, actor: Actor) -> audit.Checkpoint | None:
    """Return the chain's head, which a checkpoint kept elsewhere can be compared with."""
    ensure_may_read_log(actor)
    return audit.checkpoint(uow.connection)


def log_actors(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str, str]]:
    """Return every user (id, name, email) a log reader may filter the log by."""
    ensure_may_read_log(actor)
    rows = uow.session.execute(select(User.id, User.name, User.email).order_by(User.name, User.id))
    return [tuple(row) for row in rows]
