"""The audit log: append-only events chained by SHA-256."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, JSONType

BigId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_record", "record_type", "record_id", "position"),
        # The dashboard's weekly flow (transitions of a record type over the last weeks) read
        # from the index alone, without a million-row table's pages (0007).
        Index("ix_audit_event_type_action_occurred", "record_type", "action", "occurred_at"),
        # The time-in-state report: each record's state changes in order, with their state
        # and instant, from the index alone (0012).
        Index(
            "ix_audit_event_state_change",
            "record_type",
            "record_id",
            "position",
            "to_state",
            "occurred_at",
            postgresql_where=text("to_state IS NOT NULL"),
            sqlite_where=text("to_state IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Position in the chain: 1, 2, 3… with no gap; unique so two appends can never fork it.
    position: Mapped[int] = mapped_column(BigInteger, unique=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int | None]
    record_reference: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40), index=True)
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    actor_label: Mapped[str | None] = mapped_column(String(254))
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    inputs: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
