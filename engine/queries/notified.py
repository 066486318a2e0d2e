"""Who a record's notifications went to, and when: "Notifié à … le …" on its page."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from engine.models import User
from engine.models.notification import OutboxMessage

# What every reader of the record sees; admins see the dead letters too.
SHOWN = ("sent", "digested", "pending", "sending", "held")
LIMIT = 200


@dataclass(frozen=True)
class Notice:
    id: int
    status: str
    recipient: str | None  # the user's name; None when the account is gone
    email: str | None  # admins only
    at: datetime | None  # when it was sent (its digest's sending for a digested one)
    subject: str | None
    last_error: str | None  # admins only


def notices(session: Session, kind: str, record_id: int, admin: bool) -> list[Notice]:
    """Return the notifications about a record, newest first, in one query."""
    msg, digest = OutboxMessage, aliased(OutboxMessage)
    statuses = (*SHOWN, "dead") if admin else SHOWN
    at = func.coalesce(msg.sent_at, digest.sent_at)
    rows = session.execute(
        select(msg.id, msg.status, User.name, msg.recipient_email, at, msg.subject, msg.last_error)
        .outerjoin(User, User.id == msg.recipient_id)
        .outerjoin(digest, digest.id == msg.digest_id)
        .where(msg.record_type == kind, msg.record_id == record_id, msg.status.in_(statuses))
        .order_by(func.coalesce(at, msg.created_at).desc(), msg.id.desc())
        .limit(LIMIT)
    ).all()
    return [
        Notice(
            ident,
            status,
            name,
            email if admin else None,
            sent,
            subject,
            error if admin else None,
        )
        for ident, status, name, email, sent, subject, error in rows
    ]
