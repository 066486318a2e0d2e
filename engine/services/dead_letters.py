"""The outbox seen by administrators: messages per status, the dead letters, and sending one
again (audited)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound
from engine.models import User
from engine.models.notification import STATUSES, OutboxMessage
from engine.records import audit
from engine.rules.policy import Actor
from engine.services.users import _ensure_admin

LIMIT = 200


@dataclass(frozen=True)
class DeadLetter:
    id: int
    template: str
    recipient: str | None  # the user's name, when the account exists
    email: str
    record_type: str | None
    record_id: int | None
    attempts: int
    created_at: datetime
    last_error: str | None


def outbox_counts(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    """Count the outbox's messages per status, every status present (administrators)."""
    _ensure_admin(actor)
    rows = uow.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {**dict.fromkeys(STATUSES, 0), **dict(rows)}


def dead_letters(uow: UnitOfWork, actor: Actor) -> list[DeadLetter]:
    """The messages given up, newest first (administrators)."""
    _ensure_admin(actor)
    m = OutboxMessage
    rows = uow.session.execute(
        select(
            m.id,
            m.template,
            User.name,
            m.recipient_email,
            m.record_type,
            m.record_id,
            m.attempts,
            m.created_at,
            m.last_error,
        )
        .outerjoin(User, User.id == m.recipient_id)
        .where(m.status == "dead")
        .order_by(m.created_at.desc(), m.id.desc())
        .limit(LIMIT)
    ).all()
    return [DeadLetter(*row) for row in rows]


def resend(uow: UnitOfWork, actor: Actor, message_id: int) -> OutboxMessage:
    """Put a dead letter back in the queue, due now with its attempts at 0; audited."""
    uow.begin_write()
    _ensure_admin(actor)
    message = uow.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound()
    if message.status != "dead":
        raise InvalidInput({"_": ["Ce message n'est pas en échec : il n'y a rien à renvoyer."]})
    now = uow.clock()
    # The address is not logged: the log is read by the COTECH and the COPIL.
    data = {
        "template": message.template,
        "recipient_id": message.recipient_id,
        "record_type": message.record_type,
        "record_id": message.record_id,
        "attempts": message.attempts,
        "last_error": message.last_error,
    }
    message.status, message.attempts, message.next_attempt_at = "pending", 0, now
    message.lease_until = None
    audit.append(
        uow.connection,
        [
            audit.Entry(
                record_type="notification",
                record_id=message.id,
                record_reference=message.key[:254],
                action="notification_resend",
                occurred_at=now,
                actor_id=actor.id,
                actor_label=actor.label,
                changes={"status": {"before": "dead", "after": "pending"}},
                data=data,
            )
        ],
    )
    uow.commit()
    return message
