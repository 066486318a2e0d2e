"""Benchmark closing a meeting of 200 decisions against the same 200 transitions in one transaction.

The floor is what closing must at least do: `apply_uncommitted` in session (every rule of
`apply_transition`, the update and the audit event) for 200 proposed schemes, then one commit.
Closing the meeting does that through `close_meeting`, which also locks the meeting, checks
each item (version pinned on the agenda, quorum without the recused members, the decision's
inputs) and closes the meeting itself. The dry run checks the items and writes nothing. Each
repeat uses fresh schemes of the same database; the medians are compared.

Usage: python -m benchmarks.meetings [--n 200] [--repeat 3] [--pg-url URL] [--no-postgresql]
The last line printed is one JSON object of the figures.
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update

from benchmarks.engine import DEFAULT_PG, bench_schema, prepare
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import Meeting, Scheme, User, UserRole
from engine.rules.policy import Actor
from engine.services.common import RecordRef
from engine.services.meetings import (
    add_item,
    close_meeting,
    plan_meeting,
    record_decision,
    set_attendance,
)
from engine.services.transitions import InSession, apply_transition, apply_uncommitted

STARTS = datetime(2027, 1, 14, 13, 0, tzinfo=UTC)
WARM_UP = 5  # decisions of a first, untimed meeting: statements compiled, caches filled


def setup(db: Database, n: int, repeat: int) -> dict:
    """Schemes proposed to the COPIL (2 batches per repeat, and a few to warm up), a secretary
    and three members."""
    cotech, ids = prepare(db, n * 2 * repeat + 2 * WARM_UP)
    with UnitOfWork(db) as uow:
        uow.connection.execute(
            update(Scheme.__table__).values(state="proposed", proposed_by_id=cotech.id)
        )
        users = [
            User(email=f"{key}@bench.mq", name=key, password_hash="x", created_at=STARTS,
                 role_rows=[UserRole(role=role)])
            for key, role in (("secretary", "secretary"), ("m1", "copil"), ("m2", "copil"),
                              ("m3", "copil"))
        ]  # fmt: skip
        uow.session.add_all(users)
        uow.commit()
        actors = [Actor(u.id, u.email, frozenset(u.roles)) for u in users]
    return {"secretary": actors[0], "members": actors[1:], "ids": ids}


def floor(db: Database, copil: Actor, ids: list[int]) -> float:
    start = time.perf_counter()
    with UnitOfWork(db) as uow:
        uow.begin_write()
        for number, record_id in enumerate(ids, start=1):
            decision = f"COPIL-2027-99/D{number:03d}"
            apply_uncommitted(
                uow,
                RecordRef("scheme", record_id),
                "approve",
                copil,
                {"decision_reference": decision},
                1,
                session=InSession("COPIL-2027-99", decision),
            )
        uow.commit()
    return time.perf_counter() - start


def meeting_with(db: Database, world: dict, ids: list[int]) -> int:
    """A convened meeting with every scheme of `ids` on its agenda, decided (not timed)."""
    secretary, members = world["secretary"], world["members"]
    with UnitOfWork(db) as uow:
        meeting_id = plan_meeting(
            uow, secretary, committee="copil", title="Séance de mesure", starts_at=STARTS,
            secretary_id=secretary.id, member_ids=[m.id for m in members],
        ).id  # fmt: skip
    items = []
    for record_id in ids:
        with UnitOfWork(db) as uow:
            items.append(add_item(uow, secretary, meeting_id, RecordRef("scheme", record_id)).id)
    with UnitOfWork(db) as uow:
        apply_transition(uow, RecordRef("meeting", meeting_id), "convene", secretary)
    for member in members:
        with UnitOfWork(db) as uow:
            set_attendance(uow, secretary, meeting_id, member.id, "present")
    for item_id in items:
        with UnitOfWork(db) as uow:
            record_decision(uow, secretary, item_id, "approve")
    return meeting_id


def timed_close(db: Database, secretary: Actor, meeting_id: int, dry_run: bool) -> float:
    start = time.perf_counter()
    with UnitOfWork(db) as uow:
        report = close_meeting(uow, secretary, meeting_id, dry_run=dry_run)
    elapsed = time.perf_counter() - start
    assert report.ready and report.closed is not dry_run, report
    return elapsed


def measure(label: str, db: Database, n: int, repeat: int) -> dict:
    world = setup(db, n, repeat)
    copil = Actor(world["members"][0].id, "copil@bench.mq", frozenset({"copil"}))
    ids, floors, closes, dry_runs = world["ids"][2 * WARM_UP :], [], [], []
    floor(db, copil, world["ids"][:WARM_UP])
    warm = meeting_with(db, world, world["ids"][WARM_UP : 2 * WARM_UP])
    timed_close(db, world["secretary"], warm, dry_run=True)
    timed_close(db, world["secretary"], warm, dry_run=False)
    for r in range(repeat):
        batch = ids[2 * r * n : 2 * r * n + n]
        floors.append(floor(db, copil, batch))
        meeting_id = meeting_with(db, world, ids[2 * r * n + n : 2 * (r + 1) * n])
        dry_runs.append(timed_close(db, world["secretary"], meeting_id, dry_run=True))
        closes.append(timed_close(db, world["secretary"], meeting_id, dry_run=False))
    with UnitOfWork(db) as uow:
        held = uow.session.scalar(select(Meeting).where(Meeting.state == "held").limit(1))
        assert held is not None
    figures = {
        "floor_s": statistics.median(floors),
        "close_s": statistics.median(closes),
        "dry_run_s": statistics.median(dry_runs),
    }
    figures["close_ratio"] = figures["close_s"] / figures["floor_s"]
    figures["dry_run_ratio"] = figures["dry_run_s"] / figures["floor_s"]
    print(
        f"{label}: {n} decisions — floor {figures['floor_s'] * 1000:.0f} ms, close "
        f"{figures['close_s'] * 1000:.0f} ms (×{figures['close_ratio']:.2f}, target ≤ 1.5), "
        f"dry run {figures['dry_run_s'] * 1000:.0f} ms (×{figures['dry_run_ratio']:.2f}, "
        "target ≤ 0.5); "
        f"closes {', '.join(f'{c * 1000:.0f}' for c in closes)} ms"
    )
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="decisions per meeting")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("MAILLAGE_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)
    figures: dict = {"n": args.n, "repeat": args.repeat}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        figures.update(
            {f"sqlite_{k}": v for k, v in measure("sqlite", db, args.n, args.repeat).items()}
        )
        db.dispose()
    if not args.no_postgresql:
        with bench_schema(args.pg_url) as (db, _url):
            pg = measure("postgresql", db, args.n, args.repeat)
        figures.update({f"postgresql_{k}": v for k, v in pg.items()})
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
