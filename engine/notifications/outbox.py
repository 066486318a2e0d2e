"""The outbox's entry point: write messages in the caller's transaction, once per key."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection

from engine.models.notification import OutboxMessage

_table = OutboxMessage.__table__


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
    if conn.dialect.name == "postgresql":
        return _unnest(conn, rows)
    # One prepared INSERT run for every row (sqlite3's executemany); its rowcount is the rows
    # written, a key already there counting for none. The values go through the columns' own
    # bind processors (JSON, UTC instants), then straight to the driver: SQLAlchemy's generic
    # per-row handling of an executemany cost twice the inserts themselves.
    processors = _sqlite_processors(conn.dialect)
    values = [
        tuple(process(row[c]) if process else row[c] for c, process in processors) for row in rows
    ]
    return conn.exec_driver_sql(_SQLITE_INSERT, values).rowcount


_COLUMNS = (
    "key", "template", "context", "recipient_id", "recipient_email", "locale", "record_type",
    "record_id", "event_position", "status", "attempts", "next_attempt_at", "created_at",
)  # fmt: skip
_SQLITE_INSERT = (
    f"INSERT INTO outbox_message ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _COLUMNS)}) ON CONFLICT (key) DO NOTHING"
)


@cache
def _sqlite_processors(dialect) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    return tuple(
        (c, _table.c[c].type.dialect_impl(dialect).bind_processor(dialect)) for c in _COLUMNS
    )


# PostgreSQL: ONE statement whatever the number of rows, each column passed as an array, instead
# of a multi-row VALUES of 13 parameters a row that the driver rewrites and the server parses
# again for every batch. Its rowcount is the rows written. The arrays go in binary (`%(c)b`):
# psycopg escapes every element of a text-format array with a regular expression, which cost
# more than the server's whole insert.
_PG_COLUMNS = {
    "key": "text",
    "template": "text",
    "context": "jsonb",
    "recipient_id": "bigint",
    "recipient_email": "text",
    "locale": "text",
    "record_type": "text",
    "record_id": "bigint",
    "event_position": "bigint",
    "status": "text",
    "attempts": "integer",
    "next_attempt_at": "timestamptz",
    "created_at": "timestamptz",
}
_PG_INSERT = (
    f"INSERT INTO outbox_message ({', '.join(_PG_COLUMNS)}) "
    f"SELECT * FROM unnest({', '.join(f'%({c})b::{t}[]' for c, t in _PG_COLUMNS.items())}) "
    "ON CONFLICT (key) DO NOTHING"
)


def _unnest(conn: Connection, rows: list[dict[str, Any]]) -> int:
    columns = {column: [row[column] for row in rows] for column in _PG_COLUMNS}
    columns["context"] = [json.dumps(context) for context in columns["context"]]
    return conn.exec_driver_sql(_PG_INSERT, columns).rowcount


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
