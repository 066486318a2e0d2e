"""Benchmark what notifications cost: the transition's overhead, dispatch, the worker's sending.

(a) The outbox's cost to `apply_transition`. A transition writes no message itself: its audit
event is the cause, which `dispatch` reads after commit. So the same `review` transitions (three
COTECH members to tell besides the actor) are timed with the shipped workflows (`notify` lists)
against the same workflows without any `notify`: the request's own overhead, about zero.
(b) The extra work a transition causes: then, sequentially in the same run, one `dispatch` of
those `n` events is timed; (dispatch time / n) / (transition time / n). Target: ≤ 10 % on both
databases. A third set of transitions runs while another process dispatches every
`--dispatch-interval` seconds (25 times a worker's default): the contention of two processes on
the same cores, reported as a secondary figure.

(c) The worker's throughput: `--messages` queued messages sent by `Worker.run_once` (claim,
render, encode, send, mark each sent in its own transaction) to an aiosmtpd server on loopback,
against a bare `smtplib` loop sending the same messages — rendered and encoded to the very bytes
the worker sends (text and HTML, same size) beforehand, untimed — in one connection to the same
server. Target: ≥ 50 % of the bare loop.

Usage: python -m benchmarks.notifications [--n 500] [--messages 500] [--repeat 3]
       [--dispatch-interval 0.2] [--database-url URL] [--no-postgresql]
The last line printed is one JSON object of the figures.
"""

import argparse
import json
import multiprocessing
import os
import smtplib
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, select, text

from benchmarks.engine import DEFAULT_PG, prepare
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.models import User, UserRole
from engine.models.notification import OutboxMessage
from engine.notifications.dispatch import dispatch, move_cursor_to_head
from engine.notifications.mailer import encode
from engine.notifications.outbox import Message, enqueue
from engine.notifications.rendering import render
from engine.notifications.settings import MailSettings
from engine.notifications.worker import Worker
from engine.rules.policy import Actor
from engine.rules.workflow import WORKFLOW_DIR, WorkflowRegistry, default_registry
from engine.services.common import RecordRef
from engine.services.transitions import apply_transition
from tests.mail import free_port

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WARM_UP = 20


def clock() -> datetime:
    return NOW


def silent_workflows(tmp: Path) -> WorkflowRegistry:
    """The shipped workflows without any `notify`: what the transitions cost without the outbox."""
    for source in WORKFLOW_DIR.glob("*.yaml"):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        for state in data["states"].values():
            state.pop("notify", None)
        (tmp / source.name).write_text(yaml.safe_dump(data, allow_unicode=True))
    return WorkflowRegistry.from_directory(tmp)


def add_cotechs(db: Database, count: int = 3) -> None:
    """COTECH members besides the one acting: each review tells them."""
    with UnitOfWork(db) as uow:
        uow.session.add_all(
            User(email=f"cotech{i}@bench.mq", name=f"cotech{i}", password_hash="x",
                 created_at=NOW, role_rows=[UserRole(role="cotech")])
            for i in range(count)
        )  # fmt: skip
        uow.commit()


def transitions(db: Database, actor: Actor, ids: list[int], workflows) -> float:
    start = time.perf_counter()
    for record_id in ids:
        with UnitOfWork(db, clock=clock, workflows=workflows) as uow:
            apply_transition(uow, RecordRef("scheme", record_id), "review", actor, None, 1)
    return time.perf_counter() - start


def _dispatcher(url: str, interval: float, ready, stop) -> None:
    db = Database(url)
    while not stop.is_set():
        dispatch(db, clock)
        ready.set()
        stop.wait(interval)
    dispatch(db, clock)
    db.dispose()


def skip_to_head(db: Database) -> None:
    with UnitOfWork(db) as uow:
        move_cursor_to_head(uow.begin_write())
        uow.commit()


def outbox_cost(label: str, db: Database, url: str, n: int, repeat: int, interval: float):
    actor, ids = prepare(db, WARM_UP + 3 * n * repeat)
    add_cotechs(db)
    silent = silent_workflows(Path(tempfile.mkdtemp()))
    shipped = default_registry()
    transitions(db, actor, ids[:WARM_UP], silent)
    dispatch(db, clock)
    ids = ids[WARM_UP:]
    plain, idle, dispatches, concurrent, written = [], [], [], [], 0
    context = multiprocessing.get_context("fork")
    for r in range(repeat):
        batch = ids[3 * n * r : 3 * n * (r + 1)]
        plain.append(transitions(db, actor, batch[:n], silent))
        skip_to_head(db)
        # (a) and (b): the transitions with the shipped workflows, then, sequentially, the one
        # dispatch of their n events.
        idle.append(transitions(db, actor, batch[n : 2 * n], shipped))
        start = time.perf_counter()
        written = dispatch(db, clock)
        dispatches.append(time.perf_counter() - start)
        assert written == 3 * n, written
        # Contention: a dispatcher in another process beside the transitions.
        ready, stop = context.Event(), context.Event()
        dispatcher = context.Process(target=_dispatcher, args=(url, interval, ready, stop))
        dispatcher.start()
        ready.wait()
        concurrent.append(transitions(db, actor, batch[2 * n :], shipped))
        stop.set()
        dispatcher.join()
    figures = {
        "plain_s": statistics.median(plain),
        "notify_no_dispatcher_s": statistics.median(idle),
        "concurrent_s": statistics.median(concurrent),
        "transition_ms": statistics.median(idle) / n * 1000,
        "dispatch_per_event_ms": statistics.median(dispatches) / n * 1000,
        "dispatch_fraction": statistics.median(
            d / t for d, t in zip(dispatches, idle, strict=True)
        ),
    }
    figures["overhead_no_dispatcher"] = figures["notify_no_dispatcher_s"] / figures["plain_s"] - 1
    figures["overhead_concurrent"] = figures["concurrent_s"] / figures["plain_s"] - 1
    print(
        f"{label}: {n} transitions — (a) apply_transition with notify lists "
        f"{figures['overhead_no_dispatcher']:+.1%} against without (runs {_pairs(plain, idle)} ms);"
        f" (b) dispatch {figures['dispatch_per_event_ms']:.3f} ms per event (3 messages) for "
        f"{figures['transition_ms']:.3f} ms per transition: {figures['dispatch_fraction']:.1%} "
        f"(target ≤ 10 %; runs {_pairs(dispatches, idle)} ms); contention, a dispatcher every "
        f"{interval} s in another process: {figures['overhead_concurrent']:+.1%}"
    )
    return figures


def _pairs(first: list[float], second: list[float]) -> str:
    return ", ".join(f"{a * 1000:.0f}/{b * 1000:.0f}" for a, b in zip(first, second, strict=True))


class _Counting:
    def __init__(self, count) -> None:
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _smtp_server(port: int, count, ready, stop) -> None:
    controller = Controller(_Counting(count), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def throughput(label: str, db: Database, count: int, repeat: int) -> dict:
    """The worker, then the bare loop, sending to an aiosmtpd server in a process of its own
    (in this one, it would compete with the sender for the interpreter's lock)."""
    context = multiprocessing.get_context("fork")
    port, received = free_port(), context.Value("i", 0)
    ready, stop = context.Event(), context.Event()
    server = context.Process(target=_smtp_server, args=(port, received, ready, stop))
    server.start()
    ready.wait()
    settings = MailSettings.from_url(f"smtp://127.0.0.1:{port}", base_url="https://m.example")
    try:
        prepare(db, 1)
        # A worker is a long-lived process: its templates compiled and its pools open before
        # the timed passes, as are the bare loop's.
        queue(db, WARM_UP, -1)
        Worker(db, settings, clock, batch=100, producers=()).run_once()
        bare_loop(settings, WARM_UP, -1)
        worker_s, bare_s = [], []
        for r in range(repeat):
            queue(db, count, r)
            start = time.perf_counter()
            tally = Worker(db, settings, clock, batch=100, producers=()).run_once()
            worker_s.append(time.perf_counter() - start)
            assert tally.sent == count, tally
            bare_s.append(bare_loop(settings, count, r))
    finally:
        stop.set()
        server.join()
    assert received.value == 2 * (count * repeat + WARM_UP), received.value
    figures = {
        "worker_per_s": count / statistics.median(worker_s),
        "bare_per_s": count / statistics.median(bare_s),
    }
    # Each repeat runs the worker then the bare loop back to back, under the same load: the
    # ratio is the median of the repeats' own ratios.
    figures["worker_ratio"] = statistics.median(
        b / w for w, b in zip(worker_s, bare_s, strict=True)
    )
    print(
        f"{label}: {count} messages — worker {figures['worker_per_s']:.0f}/s, bare smtplib "
        f"{figures['bare_per_s']:.0f}/s (×{figures['worker_ratio']:.2f}, target ≥ 0.5); runs "
        f"{_pairs(worker_s, bare_s)} ms"
    )
    return figures


def _message(i: int, r: int) -> Message:
    context = {
        "reference": f"DSP-2026-{i:06d}",
        "title": f"Dispositif {i}",
        "state": "enregistré",
        "path": f"/dispositifs/{i}",
        # Three recipients an event, as dispatch writes them: each event's own instant.
        "occurred_at": (NOW + timedelta(seconds=i // 3)).isoformat(),
    }
    return Message(f"bench:{r}:{i}", "record_waiting", f"u{i}@bench.mq", "fr", context)


def queue(db: Database, count: int, r: int) -> None:
    with UnitOfWork(db) as uow:
        conn = uow.begin_write()
        conn.execute(delete(OutboxMessage.__table__))
        enqueue(conn, [_message(i, r) for i in range(count)], NOW)
        uow.commit()


def bare_loop(settings: MailSettings, count: int, r: int) -> float:
    """smtplib alone: the same messages as the worker's, rendered and encoded to the same bytes
    beforehand (not timed), sent in one connection."""
    mails = []
    for i in range(count):
        message = _message(i, r)
        rendered = render(
            message.template, "fr", {**message.context, "base_url": settings.base_url}
        )
        key = f"bare:{r}:{i}"
        mails.append(
            (message.recipient_email, encode(settings, message.recipient_email, key, rendered))
        )
    start = time.perf_counter()
    with smtplib.SMTP(settings.host, settings.port) as smtp:
        for to, raw in mails:
            smtp.sendmail(settings.sender, [to], raw)
    return time.perf_counter() - start


def measure(label: str, db: Database, url: str, args) -> dict:
    figures = outbox_cost(label, db, url, args.n, args.repeat, args.dispatch_interval)
    figures.update(throughput(label, db, args.messages, args.repeat))
    with UnitOfWork(db) as uow:
        assert uow.connection.execute(select(func.count()).select_from(OutboxMessage)).scalar()
    return figures


SCHEMA = "maillage_bench_notifications"


@contextmanager
def bench_schema(url: str) -> Iterator[tuple[Database, str]]:
    """A fresh schema of its own on the server (other benchmarks use theirs), and a database
    searching it first; dropped afterwards, whatever happened."""
    admin = Database(url)
    with admin.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in url else "?"
    scoped = f"{url}{separator}options=-csearch_path%3D{SCHEMA}"
    db = Database(scoped)
    try:
        yield db, scoped
    finally:
        db.dispose()
        with admin.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="transitions per run")
    parser.add_argument("--messages", type=int, default=500, help="messages the worker sends")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dispatch-interval", type=float, default=0.2)
    parser.add_argument(
        "--database-url", default=os.environ.get("MAILLAGE_BENCH_PG_URL", DEFAULT_PG)
    )
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)
    figures: dict = {"n": args.n, "messages": args.messages, "repeat": args.repeat}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        figures.update({f"sqlite_{k}": v for k, v in measure("sqlite", db, url, args).items()})
        db.dispose()
    if not args.no_postgresql:
        with bench_schema(args.database_url) as (db, url):
            pg = measure("postgresql", db, url, args)
        figures.update({f"postgresql_{k}": v for k, v in pg.items()})
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}))
    return figures


if __name__ == "__main__":
    main()
