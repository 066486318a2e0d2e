"""A unit of work commits everything or nothing: failures and a killed process leave no trace."""

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError

from engine.db.base import Base
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from engine.records import audit
from engine.services.comments import add_comment
from engine.services.common import RecordRef
from engine.services.records import edit_record
from engine.services.transitions import apply_transition, apply_uncommitted
from tests.factories import World, in_session

ROOT = Path(__file__).resolve().parents[2]


class Injected(Exception):
    """The failure a test injects; nothing in the engine raises it."""


def _snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in primary key order: what "no trace" is compared against."""
    with db.engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def _events(conn) -> int:
    return conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def _verify(db: Database) -> audit.Verification:
    with db.engine.connect() as conn:
        return audit.verify(conn)


@dataclass(frozen=True)
class Operation:
    """A unit of work under test: what it needs, and the service call that writes."""

    name: str
    prepare: Callable[[World], RecordRef]
    run: Callable[[UnitOfWork, World, RecordRef], object]


OPERATIONS = [
    Operation(
        "transition",
        lambda world: world.scheme("recorded"),
        lambda uow, world, ref: apply_transition(uow, ref, "review", world.actors["cotech2"]),
    ),
    Operation(
        "edit",
        lambda world: world.scheme("recorded"),
        lambda uow, world, ref: edit_record(
            uow, ref, {"summary": "Un résumé revu par le COTECH"}, world.actors["cotech"]
        ),
    ),
    Operation(
        "comment",
        lambda world: world.scheme("recorded"),
        lambda uow, world, ref: add_comment(uow, ref, world.actors["cotech"], "Budget ?"),
    ),
    # Several rows and several events in one unit of work: the pooling and its member schemes,
    # approved in session as a meeting's close approves it.
    Operation(
        "pooling_approval",
        lambda world: world.pooling("proposed"),
        lambda uow, world, ref: _approve_in_session(uow, world, ref),
    ),
]


def _approve_in_session(uow: UnitOfWork, world: World, ref: RecordRef) -> None:
    session = in_session("COPIL-2026-01/D05")
    inputs = {"decision_reference": session.decision}
    apply_uncommitted(uow, ref, "approve", world.actors["copil"], inputs, session=session)
    uow.commit()


def _run(db: Database, world: World, operation: Operation, ref: RecordRef) -> None:
    with UnitOfWork(db) as uow:
        operation.run(uow, world, ref)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_failure_after_the_audit_insert_rolls_everything_back(db, world, operation, monkeypatch):
    ref = operation.prepare(world)
    before = _snapshot(db)
    real_append, written = audit.append, []

    def append_then_fail(conn, entries):
        real_append(conn, entries)
        written.append(_events(conn))  # the insert did happen, in the transaction
        raise Injected

    monkeypatch.setattr(audit, "append", append_then_fail)
    with pytest.raises(Injected):
        _run(db, world, operation, ref)
    monkeypatch.undo()

    assert written and written[0] > len(before["audit_event"])
    assert _snapshot(db) == before
    # Nothing stays locked or half-written: the same unit of work now goes through.
    _run(db, world, operation, ref)
    assert _verify(db).ok


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_failure_of_the_commit_itself_rolls_everything_back(db, world, operation):
    ref = operation.prepare(world)
    before = _snapshot(db)
    pending = []

    def fail_commit(conn):
        # Called by the real commit, just before the driver's: every statement has run.
        pending.append(_events(conn))
        raise Injected

    event.listen(db.engine, "commit", fail_commit)
    try:
        with pytest.raises(Injected):
            _run(db, world, operation, ref)
    finally:
        event.remove(db.engine, "commit", fail_commit)

    assert pending and pending[0] > len(before["audit_event"])
    assert _snapshot(db) == before
    _run(db, world, operation, ref)
    assert _verify(db).ok


@pytest.mark.sqlite
def test_commit_refused_by_sqlite_leaves_no_open_transaction_behind(db, world, monkeypatch):
    # A deferred foreign key is checked by COMMIT itself: SQLite refuses the COMMIT and keeps the
    # transaction open, write lock included. The unit of work must not pool that connection.
    ref = world.scheme("recorded")
    before = _snapshot(db)
    real_append = audit.append

    def append_then_break_a_deferred_key(conn, entries):
        positions = real_append(conn, entries)
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        conn.execute(
            update(AuditEvent).where(AuditEvent.position == positions[-1]).values(actor_id=-1)
        )
        return positions

    monkeypatch.setattr(audit, "append", append_then_break_a_deferred_key)
    with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
        world.fire(ref, "review", "cotech2")
    monkeypatch.undo()

    assert _snapshot(db) == before
    world.fire(ref, "review", "cotech2")
    assert _verify(db).ok


KILLED_BEFORE_COMMIT = """
import json, os, signal, sys

from sqlalchemy import event

from engine.db.database import Database
from engine.rules.policy import Actor
from engine.services.common import RecordRef
from engine.services.transitions import apply_transition
from engine.db.uow import UnitOfWork

url, record_id, actor = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
db = Database(url)


@event.listens_for(db.engine, "commit")
def die(conn):
    # Every statement of the transition has run; the commit is next. Say what was written
    # (through the driver: the connection is committing), then die without a chance to clean up.
    cursor = conn.connection.dbapi_connection.cursor()
    cursor.execute(f"SELECT state FROM scheme WHERE id = {record_id}")
    state = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM audit_event")
    print(state, cursor.fetchone()[0], flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


actor = Actor(actor["id"], actor["label"], frozenset(actor["roles"]), actor["organisation_id"])
with UnitOfWork(db) as uow:
    apply_transition(uow, RecordRef("scheme", record_id), "review", actor)
print("committed", flush=True)
"""


def test_process_killed_between_its_writes_and_its_commit_leaves_no_trace(db, world, tmp_path):
    ref = world.scheme("recorded")
    cotech2 = world.actors["cotech2"]
    before = _snapshot(db)
    script = tmp_path / "killed_before_commit.py"
    script.write_text(KILLED_BEFORE_COMMIT)
    actor = {
        "id": cotech2.id,
        "label": cotech2.label,
        "roles": sorted(cotech2.roles),
        "organisation_id": cotech2.organisation_id,
    }
    url = db.url.render_as_string(hide_password=False)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }

    child = subprocess.run(
        [sys.executable, str(script), url, str(ref.id), json.dumps(actor)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )

    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.split() == ["reviewed", str(len(before["audit_event"]) + 1)]
    assert _snapshot(db) == before
    assert _verify(db).ok
    # The dead process held the write lock (SQLite) or the row and chain locks (PostgreSQL).
    result = world.fire(ref, "review", "cotech2")
    assert (result.to_state, result.positions) == ("reviewed", (len(before["audit_event"]) + 1,))
    assert _verify(db).ok
