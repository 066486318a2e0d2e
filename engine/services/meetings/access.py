"""Who may change a meeting, opening it locked in the state an action needs, and its log."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine.db.uow import UnitOfWork
from engine.errors import Conflict, NotFound, NotPermitted, Reason
from engine.models import (
    Meeting,
    MeetingItem,
)
from engine.records import audit
from engine.records.registry import MEETING
from engine.rules.policy import Actor, inactive_reason

SECRETARIES = frozenset({"secretary", "admin"})
EDITABLE = ("planned", "convened")


def ensure_secretary(actor: Actor) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())
    if not SECRETARIES & actor.roles:
        raise NotPermitted(
            Reason(
                "role_required", "Action réservée aux secrétaires de séance et aux administrateurs."
            )
        )


def open_meeting(
    uow: UnitOfWork,
    actor: Actor,
    meeting_id: int,
    *,
    states: tuple[str, ...] = EDITABLE,
    expected_version: int | None = None,
    allow_self: int | None = None,
) -> Meeting:
    """Begin the write, lock the meeting, check who acts and that the meeting is in `states`."""
    conn = uow.ensure_write()
    if not (allow_self is not None and actor.id == allow_self and actor.active):
        ensure_secretary(actor)
    if not isinstance(meeting_id, int):
        raise NotFound()
    t = Meeting.__table__
    row = conn.execute(
        select(t.c.state, t.c.version).where(t.c.id == meeting_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound()
    if expected_version is not None and row.version != expected_version:
        raise Conflict(current_version=row.version, message="La séance a changé entre-temps.")
    if row.state not in states:
        label = uow.workflows.current("meeting").states[row.state].label
        raise Conflict(
            current_version=row.version, message=f"La séance est {label} : action impossible."
        )
    # The agenda, its recusals and the members in three statements, not one per item.
    return uow.session.get(Meeting, meeting_id, options=WHOLE)


WHOLE = (
    selectinload(Meeting.items).selectinload(MeetingItem.recusals),
    selectinload(Meeting.members),
)


def item_to_change(uow: UnitOfWork, item_id: int) -> MeetingItem:
    uow.begin_write()
    item = uow.session.get(MeetingItem, item_id) if isinstance(item_id, int) else None
    if item is None:
        raise NotFound()
    return item


def clean_text(value: str | None) -> str | None:
    return (value or "").strip()[:5000] or None


def log_meeting(uow: UnitOfWork, actor: Actor, meeting: Meeting, action: str, **fields) -> None:
    audit.append(
        uow.connection,
        [
            audit.Entry(
                record_type=MEETING.name,
                record_id=meeting.id,
                record_reference=meeting.reference,
                action=action,
                occurred_at=uow.clock(),
                actor_id=actor.id,
                actor_label=actor.label,
                **fields,
            )
        ],
    )
