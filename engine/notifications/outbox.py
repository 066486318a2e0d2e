"""The outbox's entry point: write messages in the caller's transaction, once per key."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from engine.models.notification import OutboxMessage

_table = OutboxMessage.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class Message:
    """A notification to write: who, which template and its values, and why (the key)."""

    key: str
    template: str
    recipient_email: str
    locale: str = "fr"
    context: dict[str, Any] = field(default_factory=dict)
    recipient_id: int | None = None
    record_type: str | None = None
    record_id: int | None = None
    event_position: int | None = None
    # None: due at once. A reminder may be due later.
    due_at: datetime | None = None
    # Held for the recipient's digest instead of sent on its own.
    held: bool = False


def enqueue(conn: Connection, messages: list[Message], now: datetime) -> int:
    """Write the messages in this transaction, skipping any whose key is already written;
    return how many were written."""
    if not messages:
        return 0
    rows = [_row(message, now) for message in messages]
    insert = _INSERTS[conn.dialect.name](_table).on_conflict_do_nothing(index_elements=["key"])
    # The rows written, counted by what RETURNING gives back (DO NOTHING returns no row for a
    # key already there): an executemany's rowcount is -1 on PostgreSQL.
    return len(conn.execute(insert.returning(_table.c.id), rows).all())


def _row(message: Message, now: datetime) -> dict[str, Any]:
    return {
        "key": message.key,
        "template": message.template,
        "context": message.context,
        "recipient_id": message.recipient_id,
        "recipient_email": message.recipient_email,
        "locale": message.locale if message.locale in ("fr", "en") else "fr",
        "record_type": message.record_type,
        "record_id": message.record_id,
        "event_position": message.event_position,
        "status": "held" if message.held else "pending",
        "attempts": 0,
        "next_attempt_at": message.due_at or now,
        "created_at": now,
    }
