"""Concurrent units of work: processes on one SQLite file, threads on one PostgreSQL database."""

import multiprocessing
import sqlite3
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.errors import Conflict
from engine.models import AuditEvent, Scheme
from engine.records import audit
from engine.rules.policy import Actor
from engine.services.comments import add_comment
from engine.services.common import RecordRef
from engine.services.transitions import apply_transition

PROCESSES = 4
PER_PROCESS = 50
THREADS = 16
# (transition, actor key, inputs) of each process, on records of its own.
PROCESS_WORK = [
    ("review", "cotech2", {}),
    ("request_changes", "cotech", {"comment": "Précisez le budget."}),
    ("review", "cotech2", {}),
    ("request_changes", "cotech", {"comment": "Précisez le public."}),
]
DESTINATION = {"review": "reviewed", "request_changes": "changes_requested"}


def _audit_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def _verify(db: Database) -> audit.Verification:
    with db.engine.connect() as conn:
        return audit.verify(conn)


def _apply_all(url, name, actor: Actor, inputs, record_ids, barrier, messages) -> None:
    """Worker process with its own engine, as a gunicorn worker has; reports, then says "done".

    The barrier starts every round of transitions in all processes at once: each transition
    races three others for the write lock, instead of one process running its batch alone.
    """
    db = Database(url)
    try:
        with db.engine.connect():
            pass  # connect before the races, not during them
        for record_id in record_ids:
            barrier.wait(timeout=60)
            try:
                with UnitOfWork(db) as uow:
                    apply_transition(uow, RecordRef("scheme", record_id), name, actor, inputs)
            except Exception:
                messages.put(f"{name} #{record_id}: {traceback.format_exc()}")
    except Exception:
        messages.put(traceback.format_exc())
    finally:
        db.dispose()
        messages.put("done")


@pytest.mark.sqlite
@pytest.mark.slow
def test_processes_writing_at_once_never_see_database_is_locked(db, world):
    ids = [world.scheme("recorded", title=f"Dispositif {i}").id for i in range(200)]
    batches = [ids[i::PROCESSES] for i in range(PROCESSES)]
    events_before = _audit_count(db)
    ctx = multiprocessing.get_context("spawn")
    barrier, messages = ctx.Barrier(PROCESSES), ctx.Queue()
    workers = [
        ctx.Process(
            target=_apply_all,
            args=(
                db.url.render_as_string(),
                name,
                world.actors[who],
                inputs,
                batch,
                barrier,
                messages,
            ),
        )
        for (name, who, inputs), batch in zip(PROCESS_WORK, batches, strict=True)
    ]
    for worker in workers:
        worker.start()
    try:
        # Drain the queue before joining: a worker cannot exit while its messages are unread.
        errors, done = [], 0
        while done < PROCESSES:
            message = messages.get(timeout=120)
            if message == "done":
                done += 1
            else:
                errors.append(message)
        for worker in workers:
            worker.join(timeout=30)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()

    assert errors == []
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    with db.engine.connect() as conn:
        rows = dict(conn.execute(select(Scheme.id, Scheme.state).where(Scheme.id.in_(ids))).all())
        new_events = conn.execute(
            select(AuditEvent.record_id)
            .where(AuditEvent.position > events_before)
            .order_by(AuditEvent.position)
        ).scalars()
        worker_of = {record_id: n for n, batch in enumerate(batches) for record_id in batch}
        order = [worker_of[record_id] for record_id in new_events]
    for (name, _, _), batch in zip(PROCESS_WORK, batches, strict=True):
        assert {rows[i] for i in batch} == {DESTINATION[name]}
    assert len(order) == len(ids)
    # Every round is in the chain as one event of each process, in the order they won the lock.
    rounds = [order[i : i + PROCESSES] for i in range(0, len(order), PROCESSES)]
    assert all(sorted(r) == list(range(PROCESSES)) for r in rounds)
    assert _verify(db).ok


def _raw_sqlite(path: str, busy_timeout_s: float) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


def _read_then_increment(conn: sqlite3.Connection) -> None:
    value = conn.execute("SELECT n FROM counter").fetchone()[0]
    conn.execute("UPDATE counter SET n = ?", (value + 1,))


@pytest.fixture
def counter_file(tmp_path) -> str:
    path = str(tmp_path / "counter.sqlite")
    with _raw_sqlite(path, 1) as conn:
        conn.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
        conn.execute("INSERT INTO counter VALUES (0)")
    return path


@pytest.mark.sqlite
def test_plain_begin_fails_at_once_when_another_writer_committed_since_its_read(counter_file):
    # Why write units of work begin with BEGIN IMMEDIATE. A reader whose snapshot is older than
    # the last commit cannot become a writer: SQLite answers SQLITE_BUSY without calling the busy
    # handler, since waiting would not help. The busy timeout does not save it.
    a, b = _raw_sqlite(counter_file, 5), _raw_sqlite(counter_file, 5)
    a.execute("BEGIN")
    assert a.execute("SELECT n FROM counter").fetchone() == (0,)
    b.execute("BEGIN IMMEDIATE")
    _read_then_increment(b)
    b.execute("COMMIT")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        a.execute("UPDATE counter SET n = 1")
    assert time.monotonic() - started < 1, "the busy timeout was waited for"
    a.execute("ROLLBACK")
    assert a.execute("SELECT n FROM counter").fetchone() == (1,)
    a.close()
    b.close()


@pytest.mark.sqlite
def test_begin_immediate_makes_the_second_writer_wait_and_lose_no_update(counter_file):
    a, b = _raw_sqlite(counter_file, 10), _raw_sqlite(counter_file, 10)
    a.execute("BEGIN IMMEDIATE")
    _read_then_increment(a)
    waiting = threading.Event()

    def second_writer() -> None:
        waiting.set()
        b.execute("BEGIN IMMEDIATE")  # waits in the busy handler until A commits
        _read_then_increment(b)
        b.execute("COMMIT")

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(second_writer)
        waiting.wait(5)
        time.sleep(0.05)
        a.execute("COMMIT")
        future.result(timeout=10)
    assert a.execute("SELECT n FROM counter").fetchone() == (2,)
    a.close()
    b.close()


@pytest.mark.sqlite
def test_write_unit_of_work_holds_the_write_lock_from_its_first_statement(db, counter_file):
    # The engine's own sessions: begin_write() is BEGIN IMMEDIATE, a plain read is BEGIN.
    other = sqlite3.connect(db.url.database, timeout=0, isolation_level=None)
    with UnitOfWork(db) as uow:
        uow.connection.exec_driver_sql("SELECT 1")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    with UnitOfWork(db) as uow:
        uow.begin_write()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
    other.close()


def _race(count: int, attempt) -> list:
    """Run `attempt(i, barrier)` in `count` threads; return each result or exception."""
    barrier = threading.Barrier(count)

    def guarded(i):
        try:
            return attempt(i, barrier)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(guarded, i) for i in range(count)]
        return [future.result(timeout=120) for future in futures]


def test_one_of_sixteen_identical_transitions_wins_the_others_conflict(db, world):
    ref = world.scheme("recorded")
    cotech2 = world.actors["cotech2"]
    with db.engine.connect() as conn:
        version = conn.execute(select(Scheme.version).where(Scheme.id == ref.id)).scalar_one()
    events_before = _audit_count(db)

    def review(_, barrier):
        with UnitOfWork(db) as uow:
            barrier.wait(timeout=30)
            return apply_transition(uow, ref, "review", cotech2, {}, expected_version=version)

    outcomes = _race(THREADS, review)

    wins = [o for o in outcomes if not isinstance(o, Exception)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(wins) == 1 and len(conflicts) == THREADS - 1, outcomes
    assert wins[0].version == version + 1
    assert {(c.current_version, c.changed_by) for c in conflicts} == {(version + 1, cotech2.label)}
    with db.engine.connect() as conn:
        reviews = conn.execute(
            select(func.count()).where(
                AuditEvent.record_id == ref.id, AuditEvent.action == "review"
            )
        ).scalar_one()
    assert reviews == 1
    assert _audit_count(db) == events_before + 1
    assert _verify(db).ok


def test_sixteen_writers_on_distinct_records_extend_one_unforked_chain(db, world):
    refs = [world.scheme("recorded", title=f"Dispositif {i}") for i in range(THREADS)]
    cotech, cotech2 = world.actors["cotech"], world.actors["cotech2"]
    events_before = _audit_count(db)

    def review_and_comment(i, barrier):
        ref = refs[i]
        barrier.wait(timeout=30)
        with UnitOfWork(db) as uow:
            apply_transition(uow, ref, "review", cotech2, {})
        for n in range(3):
            with UnitOfWork(db) as uow:
                add_comment(uow, ref, cotech, f"Remarque {n} sur #{ref.id}")

    outcomes = _race(THREADS, review_and_comment)

    assert outcomes == [None] * THREADS
    with db.engine.connect() as conn:
        positions = conn.execute(select(AuditEvent.position).order_by("position")).scalars()
        assert list(positions) == list(range(1, events_before + 4 * THREADS + 1))
    assert _verify(db).ok
