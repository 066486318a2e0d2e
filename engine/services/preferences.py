"""A user's notification preferences: each notification at once, or a daily or weekly digest."""

from sqlalchemy import update

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted, Reason
from engine.models import FREQUENCIES, OutboxMessage, User
from engine.records import audit
from engine.rules.policy import Actor, inactive_reason

_outbox = OutboxMessage.__table__


def set_notification_frequency(uow: UnitOfWork, actor: Actor, user_id: int, frequency: str) -> User:
    """Record how a user wants to be told (themselves or an admin); audited.

    Back to `immediate`, what was held for their next digest is released at once: it is sent
    on the worker's next pass instead of waiting for a digest that will no longer come.
    """
    uow.begin_write()
    _ensure_may_change(actor, user_id)
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    change_frequency(uow, actor, user, frequency)
    uow.commit()
    return user


def change_frequency(uow: UnitOfWork, actor: Actor, user: User, frequency: str) -> None:
    """Change the frequency inside the caller's unit of work, checked and audited."""
    if frequency not in FREQUENCIES:
        raise InvalidInput(
            {"notification_frequency": ["Valeur attendue parmi : " + ", ".join(FREQUENCIES) + "."]}
        )
    before = user.notification_frequency
    if before == frequency:
        return
    user.notification_frequency = frequency
    if frequency == "immediate":
        release_held(uow, user.id)
    entry = audit.Entry(
        record_type="user",
        record_id=user.id,
        record_reference=user.email,
        action="user_notification_frequency",
        occurred_at=uow.clock(),
        actor_id=actor.id,
        actor_label=actor.label,
        changes={"notification_frequency": {"before": before, "after": frequency}},
    )
    audit.append(uow.connection, [entry])


def release_held(uow: UnitOfWork, user_id: int) -> int:
    """Make a user's held messages due now, in the unit of work; return how many."""
    uow.session.flush()
    result = uow.connection.execute(
        update(_outbox)
        .where(_outbox.c.recipient_id == user_id, _outbox.c.status == "held")
        .values(status="pending", next_attempt_at=uow.clock())
    )
    return result.rowcount


def _ensure_may_change(actor: Actor, user_id: int) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())
    if actor.id is not None and actor.id != user_id and "admin" not in actor.roles:
        raise NotPermitted(
            Reason("role_required", "Seuls l'intéressé et les administrateurs le peuvent.")
        )
