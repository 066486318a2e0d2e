"""Benchmark apply_transition against the database driver issuing the same statements.

Each transition is its own transaction: lock and read the record, compare-and-swap update,
read the audit chain head under the write lock, insert the audit row, commit. The floor runs
exactly those statements through the driver (sqlite3, psycopg) with bound parameters; the
engine runs them through apply_transition with every rule checked. Both run in the same
process, on the same database, alternately, and the medians of the repeats are compared.

Usage: python -m benchmarks.engine [--n 2000] [--repeat 3] [--pg-url URL] [--no-postgresql]
The last line printed is one JSON object of the figures.
"""

import argparse
import gc
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, select, text

from engine.db.base import Base
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import Organisation, Scheme, Territory, User, UserRole, VocabularyTerm
from engine.models.scheme import scheme_aid_type, scheme_public, scheme_territory, scheme_theme
from engine.records.reference import load_reference
from engine.rules.policy import Actor
from engine.services.common import RecordRef
from engine.services.transitions import apply_transition

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def prepare(db: Database, count: int) -> tuple[Actor, list[int]]:
    """Create reference data, users and `count` complete schemes in state `recorded`."""
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    with UnitOfWork(db) as uow:
        load_reference(uow.session)
        session = uow.session
        org = Organisation(name="Ville de Fort-de-France", kind="commune", created_at=NOW)
        owner = User(
            email="owner@bench.mq",
            name="Owner",
            password_hash="x",
            created_at=NOW,
            organisation=org,
            role_rows=[UserRole(role="owner")],
        )
        cotech = User(
            email="cotech@bench.mq",
            name="Cotech",
            password_hash="x",
            created_at=NOW,
            role_rows=[UserRole(role="cotech")],
        )
        session.add_all([org, owner, cotech])
        session.flush()
        terms = {t.vocabulary: t.id for t in session.scalars(select(VocabularyTerm))}
        commune = session.scalars(select(Territory).where(Territory.kind == "commune")).first()
        ids = _bulk_schemes(uow, count, org.id, owner.id, terms, commune.id)
        uow.commit()
        return Actor(cotech.id, cotech.email, frozenset({"cotech"})), ids


def _bulk_schemes(uow, count, org_id, owner_id, terms, commune_id) -> list[int]:
    conn = uow.connection
    rows = [
        {
            "reference": f"DSP-2026-{i:06d}",
            "title": f"Dispositif {i}",
            "summary": "Résumé",
            "description": "Description",
            "organisation_id": org_id,
            "start_date": date(2024, 1, 1),
            "eligibility": "Tous",
            "contact_email": "contact@bench.mq",
            "state": "recorded",
            "workflow_name": "scheme",
            "workflow_version": 1,
            "version": 1,
            "created_at": NOW,
            "updated_at": NOW,
            "state_changed_at": NOW,
            "created_by_id": owner_id,
            "submitted_by_id": owner_id,
            "uuid": uuid.uuid4(),
        }
        for i in range(1, count + 1)
    ]
    conn.execute(insert(Scheme.__table__), rows)
    ids = list(conn.scalars(select(Scheme.id).order_by(Scheme.id)))
    for table, target in (
        (scheme_theme, terms["theme"]),
        (scheme_public, terms["public"]),
        (scheme_aid_type, terms["aid_type"]),
    ):
        conn.execute(insert(table), [{"scheme_id": i, "vocabulary_term_id": target} for i in ids])
    conn.execute(
        insert(scheme_territory), [{"scheme_id": i, "territory_id": commune_id} for i in ids]
    )
    return ids


def run_engine(db: Database, actor: Actor, ids: list[int]) -> float:
    """Apply `review` to each record through apply_transition; return seconds."""
    start = time.perf_counter()
    for record_id in ids:
        with UnitOfWork(db) as uow:
            apply_transition(uow, RecordRef("scheme", record_id), "review", actor, None, 1)
    return time.perf_counter() - start


SQLITE_FLOOR = {
    "select": "SELECT id, reference, state, version FROM scheme WHERE id = ?",
    "update": "UPDATE scheme SET state = ?, version = ?, updated_at = ?, updated_by_id = ?, "
    "state_changed_at = ? WHERE id = ? AND version = ?",
    "head": "SELECT position, hash FROM audit_event ORDER BY position DESC LIMIT 1",
    "insert": "INSERT INTO audit_event (position, record_type, record_id, record_reference, "
    "action, from_state, to_state, actor_id, actor_label, occurred_at, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def floor_sqlite(path: str, actor: Actor, ids: list[int]) -> float:
    """The same statements through sqlite3 with bound parameters; return seconds."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    q = SQLITE_FLOOR
    start = time.perf_counter()
    for record_id in ids:
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute(q["select"], (record_id,)).fetchone()
        conn.execute(q["update"], ("reviewed", row[3] + 1, now, actor.id, now, record_id, row[3]))
        head = conn.execute(q["head"]).fetchone()
        position, prev = (head[0] + 1, head[1]) if head else (1, "0" * 64)
        digest = hashlib.sha256(f"{prev}{position}{record_id}".encode()).hexdigest()
        conn.execute(
            q["insert"],
            (
                position,
                "scheme",
                record_id,
                row[1],
                "review",
                "recorded",
                "reviewed",
                actor.id,
                actor.label,
                now,
                prev,
                digest,
            ),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def floor_postgresql(url: str, actor: Actor, ids: list[int]) -> float:
    """The same statements through psycopg with bound parameters; return seconds."""
    import psycopg

    q = {k: v.replace("?", "%s") for k, v in SQLITE_FLOOR.items()}
    q["select"] += " FOR UPDATE"
    conn = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
    start = time.perf_counter()
    for record_id in ids:
        now = datetime.now(UTC)
        with conn.transaction():
            row = conn.execute(q["select"], (record_id,)).fetchone()
            conn.execute(
                q["update"], ("reviewed", row[3] + 1, now, actor.id, now, record_id, row[3])
            )
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (0x4D41494C4C414745,))
            head = conn.execute(q["head"]).fetchone()
            position, prev = (head[0] + 1, head[1]) if head else (1, "0" * 64)
            digest = hashlib.sha256(f"{prev}{position}{record_id}".encode()).hexdigest()
            conn.execute(
                q["insert"],
                (
                    position,
                    "scheme",
                    record_id,
                    row[1],
                    "review",
                    "recorded",
                    "reviewed",
                    actor.id,
                    actor.label,
                    now,
                    prev,
                    digest,
                ),
            )
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def measure(label: str, db: Database, floor, n: int, repeat: int) -> dict:
    """Alternate engine and floor runs on fresh records; return medians per transition."""
    actor, ids = prepare(db, 2 * n * repeat)
    engine_times, floor_times = [], []
    for r in range(repeat):
        chunk = ids[2 * n * r : 2 * n * (r + 1)]
        engine_times.append(run_engine(db, actor, chunk[:n]) / n)
        floor_times.append(floor(actor, chunk[n:]) / n)
    engine_s, floor_s = statistics.median(engine_times), statistics.median(floor_times)
    print(
        f"{label:<10} engine {1 / engine_s:8.0f} transitions/s ({engine_s * 1e6:7.1f} µs)   "
        f"floor {1 / floor_s:8.0f}/s ({floor_s * 1e6:7.1f} µs)   ratio {engine_s / floor_s:5.2f}"
    )
    return {
        "engine_per_s": round(1 / engine_s),
        "floor_per_s": round(1 / floor_s),
        "ratio": round(engine_s / floor_s, 2),
    }


def memory_profile(count: int) -> dict:
    """Load `count` schemes in one session; report the peak and how many machines exist."""
    from transitions import Machine

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'memory.db'}")
        prepare(db, count)
        gc.collect()
        before = sum(isinstance(o, Machine) for o in gc.get_objects())
        tracemalloc.start()
        with UnitOfWork(db) as uow:
            schemes = uow.session.scalars(select(Scheme)).all()
            loaded = len(schemes)
            _, peak = tracemalloc.get_traced_memory()
            after = sum(isinstance(o, Machine) for o in gc.get_objects())
        tracemalloc.stop()
        db.dispose()
    per_machine = _machine_per_record_bytes()
    print(
        f"memory     {loaded} schemes loaded in one session: peak {peak / 2**20:.1f} MiB, "
        f"{peak / loaded:.0f} B per scheme; machines before {before}, after {after} "
        f"(a machine per record would add {per_machine / 1024:.1f} KiB each)"
    )
    return {
        "schemes_loaded": loaded,
        "peak_mib": round(peak / 2**20, 1),
        "machines_added": after - before,
        "machine_per_record_kib": round(per_machine / 1024, 1),
    }


def _machine_per_record_bytes(count: int = 1000) -> float:
    """What the design avoids: one `transitions` machine per record, measured on `count`."""
    from transitions import Machine

    from engine.rules.workflow import default_registry

    workflow = default_registry().current("scheme")
    states = list(workflow.states)
    triggers = [
        {"trigger": t.name, "source": sorted(t.sources), "dest": t.dest}
        for t in workflow.transitions
    ]
    tracemalloc.start()
    machines = [
        Machine(
            model=type("Record", (), {})(),
            states=states,
            transitions=triggers,
            initial="draft",
            auto_transitions=False,
        )
        for _ in range(count)
    ]
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del machines
    return size / count


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="transitions per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", type=int, default=100_000, help="schemes to load (0: skip)")
    parser.add_argument("--pg-url", default=os.environ.get("MAILLAGE_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)
    figures: dict = {"n": args.n, "repeat": args.repeat}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.db")
        db = Database(f"sqlite:///{path}")
        sqlite = measure(
            "sqlite", db, lambda a, ids: floor_sqlite(path, a, ids), args.n, args.repeat
        )
        db.dispose()
    figures.update({f"sqlite_{k}": v for k, v in sqlite.items()})
    figures["ratio_sqlite"] = sqlite["ratio"]
    if not args.no_postgresql:
        with bench_schema(args.pg_url) as (db, url):
            pg = measure(
                "postgresql", db, lambda a, ids: floor_postgresql(url, a, ids), args.n, args.repeat
            )
        figures.update({f"postgresql_{k}": v for k, v in pg.items()})
        figures["ratio_postgresql"] = pg["ratio"]
    if args.memory:
        figures.update({f"memory_{k}": v for k, v in memory_profile(args.memory).items()})
    print(json.dumps(figures))
    return figures


@contextmanager
def bench_schema(pg_url: str) -> Iterator[tuple[Database, str]]:
    """A fresh `maillage_bench` schema on the server, and a database (and its URL) searching
    it first; the schema is dropped afterwards, whatever happened."""
    admin = Database(pg_url)
    with admin.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS maillage_bench CASCADE"))
        conn.execute(text("CREATE SCHEMA maillage_bench"))
    url = _with_search_path(pg_url)
    db = Database(url)
    try:
        yield db, url
    finally:
        db.dispose()
        with admin.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS maillage_bench CASCADE"))
        admin.dispose()


def _with_search_path(url: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3Dmaillage_bench"


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
