"""The outbox: mail to send after the change that caused it has committed.

A row is written in the same transaction as its cause (the audit event it follows from, a
password reset, a reminder), then sent by `maillage worker`. Its `key` makes it idempotent: the
same notification of the same event to the same person is written once and sent once.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, JSONType

BigId = BigInteger().with_variant(Integer(), "sqlite")

# pending: to send when due; held: waiting for its recipient's digest; sending: claimed by a
# worker until `lease_until`; sent; digested: sent inside a digest (`digest_id`); dead: given up.
STATUSES = ("pending", "held", "sending", "sent", "digested", "dead")
FREQUENCIES = {
    "immediate": "Un message par notification",
    "daily": "Un récapitulatif par jour",
    "weekly": "Un récapitulatif par semaine",
}


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{s}'" for s in STATUSES)), name="status"
        ),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
        # What the worker claims: the due messages, oldest first.
        Index("ix_outbox_message_status_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_record", "record_type", "record_id"),
        Index("ix_outbox_message_recipient_status", "recipient_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The idempotency key: e.g. "event:1234:user:5"; a second message with the same key is
    # not written.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    template: Mapped[str] = mapped_column(String(60))
    context: Mapped[dict[str, Any]] = mapped_column(JSONType)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    recipient_email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    record_type: Mapped[str | None] = mapped_column(String(20))
    record_id: Mapped[int | None]
    # The audit event it follows from, if any.
    event_position: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    subject: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))


class OutboxCursor(Base):
    """How far a producer has read a source (the audit log): its last position handled."""

    __tablename__ = "outbox_cursor"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
