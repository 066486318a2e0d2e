"""Reading the audit log: who may, which events, and whether the chain holds."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine import audit
from engine.errors import NotPermitted, Reason
from engine.models import AuditEvent
from engine.policy import Actor, inactive_reason
from engine.services.users import require_admin
from engine.uow import UnitOfWork

# The whole log names every record, drafts included: it is for the committees and administrators.
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
    conditions = event_conditions(wanted)
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
