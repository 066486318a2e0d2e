"""Reading the audit log: who may, which events, and whether the chain holds."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, not_, or_, select

from engine.db.uow import UnitOfWork
from engine.errors import NotPermitted, Reason
from engine.models import AuditEvent, Scheme
from engine.queries.inventory import visible_to
from engine.records import audit
from engine.rules.policy import Actor, inactive_reason
from engine.services.users import require_admin

# The log is for the committees and administrators; a draft's events stay with those who may see
# the draft (its organisation's owners and administrators) until it is submitted.
LOG_READERS = frozenset({"cotech", "copil", "admin"})


@dataclass(frozen=True)
class EventFilter:
    record_type: str | None = None
    record_id: int | None = None
    actor_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def ensure_may_read_log(actor: Actor) -> None:
    """Refuse the audit log to anyone but COTECH, COPIL members and administrators."""
    if not actor.active:
        raise NotPermitted(inactive_reason())
    if actor.id is not None and not actor.roles & LOG_READERS:
        raise NotPermitted(
            Reason(
                "role_required",
                "Le journal d'audit est réservé aux membres du COTECH, du COPIL "
                "et aux administrateurs.",
            )
        )


def find_events(
    uow: UnitOfWork, actor: Actor, wanted: EventFilter, offset: int, limit: int
) -> tuple[int, list[AuditEvent]]:
    """Return how many events match and one page of them, in chain order."""
    ensure_may_read_log(actor)
    conditions = readable_event_conditions(actor, wanted)
    total = uow.session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions))
    stmt = (
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.position)
        .offset(offset)
        .limit(limit)
    )
    return total or 0, list(uow.session.scalars(stmt))


def verify_log(uow: UnitOfWork, actor: Actor) -> audit.Verification:
    """Walk the audit chain for an administrator, as `maillage audit verify` does."""
    require_admin(actor)
    return audit.verify(uow.connection)


def readable_event_conditions(actor: Actor, wanted: EventFilter) -> list:
    """Return the conditions of the events `wanted` that `actor` may read (no hidden draft's)."""
    conditions = event_conditions(wanted)
    if "admin" not in actor.roles and actor.id is not None:
        hidden = select(Scheme.id).where(not_(visible_to(actor)))
        conditions.append(
            or_(AuditEvent.record_type != "scheme", AuditEvent.record_id.not_in(hidden))
        )
    return conditions


def event_conditions(wanted: EventFilter) -> list:
    """Return the SQL conditions selecting the events `wanted` describes."""
    columns = {
        "record_type": AuditEvent.record_type,
        "record_id": AuditEvent.record_id,
        "actor_id": AuditEvent.actor_id,
        "action": AuditEvent.action,
    }
    conditions = [
        column == getattr(wanted, key)
        for key, column in columns.items()
        if getattr(wanted, key) is not None
    ]
    if wanted.since is not None:
        conditions.append(AuditEvent.occurred_at >= wanted.since)
    if wanted.until is not None:
        conditions.append(AuditEvent.occurred_at < wanted.until)
    return conditions
