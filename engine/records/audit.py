"""The audit log: append events to the SHA-256 chain, verify it, checkpoint its head."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, text

from engine.db.bulk import bulk_insert
from engine.models.audit import AuditEvent

GENESIS = "0" * 64
# From this many events (an import), PostgreSQL takes them by COPY.
BULK_ROWS = 50
# Key of the PostgreSQL advisory lock that serialises appends to the chain ("MAILLAGE" in hex-ish).
CHAIN_LOCK_KEY = 0x4D41494C4C414745

_table = AuditEvent.__table__
_HEAD = select(_table.c.position, _table.c.hash).order_by(_table.c.position.desc()).limit(1)
_INSERT = insert(_table)
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
HASHED = (
    "record_type",
    "record_id",
    "record_reference",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_label",
    "occurred_at",
    "comment",
    "inputs",
    "changes",
    "data",
)


@dataclass
class Entry:
    """An event about to be appended; the chain gives it its position and hashes."""

    record_type: str
    action: str
    occurred_at: datetime
    record_id: int | None = None
    record_reference: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    actor_id: int | None = None
    actor_label: str | None = None
    comment: str | None = None
    inputs: dict[str, Any] | None = None
    changes: dict[str, Any] | None = None
    data: dict[str, Any] | None = field(default=None)


def jsonable(value: Any) -> Any:
    """Return `value` with only JSON-native types, so the hash survives a database round trip."""
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    return value


def event_hash(values: dict[str, Any], position: int, prev_hash: str) -> str:
    """Hash an event: SHA-256 over a canonical JSON of its fields, position and previous hash."""
    return _digest({key: jsonable(values[key]) for key in HASHED}, position, prev_hash)


def _digest(payload: dict[str, Any], position: int, prev_hash: str) -> str:
    """SHA-256 of the canonical JSON of already JSON-native fields, position and previous hash."""
    payload = {**payload, "position": position, "prev_hash": prev_hash}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(conn: Connection, entries: Iterable[Entry]) -> list[int]:
    """Append entries to the chain in this transaction; return their positions.

    The head is read under the write lock: PostgreSQL takes a transaction-level advisory lock,
    SQLite already holds its database write lock (the unit of work began with BEGIN IMMEDIATE).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK, {"key": CHAIN_LOCK_KEY})
    head = conn.execute(_HEAD).first()
    position, prev = (head.position, head.hash) if head else (0, GENESIS)
    rows = []
    for entry in entries:
        position += 1
        values = {key: getattr(entry, key) for key in HASHED}
        for key in ("inputs", "changes", "data"):
            values[key] = jsonable(values[key])
        # Converted once: the other fields are plain text and numbers already.
        digest = _digest({**values, "occurred_at": jsonable(entry.occurred_at)}, position, prev)
        rows.append({**values, "position": position, "prev_hash": prev, "hash": digest})
        prev = digest
    if len(rows) >= BULK_ROWS:
        bulk_insert(conn, _table, rows)
    elif rows:
        conn.execute(_INSERT, rows)
    return [row["position"] for row in rows]


@dataclass(frozen=True)
class Checkpoint:
    position: int
    hash: str

    def __str__(self) -> str:
        return f"position={self.position} hash={self.hash}"

    @classmethod
    def parse(cls, line: str) -> "Checkpoint":
        """Read a line written by `maillage audit checkpoint` (its last one, when given a file)."""
        fields_ = dict(part.split("=", 1) for part in line.split() if "=" in part)
        try:
            position, digest = int(fields_["position"]), fields_["hash"]
        except (KeyError, ValueError) as exc:
            raise ValueError(f"point de contrôle illisible : {line.strip()!r}") from exc
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"empreinte de point de contrôle invalide : {digest!r}")
        return cls(position, digest)


def checkpoint(conn: Connection) -> Checkpoint | None:
    """Return the chain's head (position and hash), or None for an empty log."""
    head = conn.execute(_HEAD).first()
    return Checkpoint(head.position, head.hash) if head else None


@dataclass
class Verification:
    ok: bool
    count: int
    message: str
    position: int | None = None  # the first bad event's position


def verify(conn: Connection, expected: Checkpoint | None = None) -> Verification:
    """Walk the chain from its first event; name the first event altered, removed or inserted."""
    count, previous, before_previous, seen_checkpoint = 0, None, None, expected is None
    for row in _stream(conn):
        count += 1
        problem = _check_row(row, previous, before_previous)
        if problem:
            return Verification(False, count, *problem)
        if expected and row.position == expected.position:
            if row.hash != expected.hash:
                return Verification(
                    False,
                    count,
                    f"L'événement n°{row.position} ne correspond pas au point de contrôle.",
                    row.position,
                )
            seen_checkpoint = True
        before_previous, previous = previous, row
    if not seen_checkpoint:
        last = previous.position if previous else 0
        return Verification(
            False,
            count,
            f"Journal tronqué : il s'arrête à l'événement n°{last} "
            f"alors que le point de contrôle atteste l'événement "
            f"n°{expected.position}.",
            last + 1,
        )
    return Verification(True, count, f"Journal intègre : {count} événements vérifiés.")


def _stream(conn: Connection) -> Iterator:
    stmt = select(_table).order_by(_table.c.position).execution_options(yield_per=2000)
    # Closed when verify() stops early too: on PostgreSQL this is a server-side cursor.
    with conn.execute(stmt) as rows:
        yield from rows


def _check_row(row, previous, before_previous) -> tuple[str, int] | None:
    """Return what is wrong with `row` and the position of the event to blame, or None."""
    expected_position = previous.position + 1 if previous else 1
    expected_prev = previous.hash if previous else GENESIS
    if row.position != expected_position:
        return (
            f"Événement(s) supprimé(s) : le n°{expected_position} manque "
            f"(le suivant est le n°{row.position}).",
            row.position,
        )
    # After an inserted event, the next one chains to the event before it; its hash covers its
    # position from before the tail was shifted to make room.
    earlier = before_previous.hash if before_previous is not None else GENESIS
    inserted = previous is not None and row.prev_hash == earlier
    if event_hash(row._mapping, row.position, row.prev_hash) != row.hash:
        if inserted and event_hash(row._mapping, row.position - 1, row.prev_hash) == row.hash:
            return _inserted(previous)
        return (
            f"L'événement n°{row.position} a été modifié : son empreinte ne correspond plus.",
            row.position,
        )
    if row.prev_hash != expected_prev:
        if inserted:
            return _inserted(previous)
        return (
            f"La chaîne est rompue avant l'événement n°{row.position} : un événement "
            "a été supprimé ou modifié.",
            row.position,
        )
    return None


def _inserted(event) -> tuple[str, int]:
    return f"L'événement n°{event.position} a été inséré dans la chaîne.", event.position


def replay(workflow_initial: str, events: Iterable) -> tuple[str | None, str | None]:
    """Replay state-changing events in order; return (final state, problem or None)."""
    state = None
    for event in events:
        if event.to_state is None:
            continue
        if state is None and event.from_state is None:
            state = event.to_state
            if state != workflow_initial:
                return state, f"état initial {state} au lieu de {workflow_initial}"
            continue
        if event.from_state != state:
            return state, f"événement n°{event.position} part de {event.from_state}, pas de {state}"
        state = event.to_state
    return state, None
