"""Benchmark the REST API over real HTTP: gunicorn on 127.0.0.1, 16 concurrent clients.

Scenarios, each a bounded number of requests: reads of one scheme, pages of the scheme list,
and `review` transitions on distinct recorded schemes (each by a COTECH token). The floor,
measured in the same run with the same gunicorn workers and the same clients, is a minimal
Flask route returning a constant JSON (benchmarks/api_floor.py). Runs on SQLite and PostgreSQL
(a dedicated database created on the server and dropped after).

The load comes from this process (16 threads, one httpx client each); gunicorn and its
workers are other processes. Every figure is the median over the repeats.

Usage: python -m benchmarks.api [--workers 4] [--clients 16] [--repeat 3] [--reads 2000]
       [--lists 1000] [--transitions 1000] [--pg-url URL] [--no-postgresql]
The last line printed is one JSON object of the figures.
"""

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DB = "maillage_bench_api"
REPO_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mot de passe du banc d'essai"
LIST_PAGE_SIZE = 20


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    token: str | None = None
    body: dict | None = None


@dataclass
class Load:
    """What one scenario measured: throughput, latency percentiles and failures."""

    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    first_error: str | None = None

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def drive(base_url: str, calls: list[Call], clients: int) -> Load:
    """Send `calls` from `clients` threads (one keep-alive httpx client each); time the lot."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    pending = iter(calls)

    def worker() -> None:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            while True:
                with lock:
                    call = next(pending, None)
                if call is None:
                    return
                headers = {"Authorization": f"Bearer {call.token}"} if call.token else {}
                start = time.perf_counter()
                try:
                    answer = http.request(call.method, call.path, json=call.body, headers=headers)
                    failure = None if answer.is_success else f"{answer.status_code} {answer.text}"
                except httpx.HTTPError as exc:
                    failure = f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if failure:
                        errors.append(f"{call.method} {call.path}: {failure[:300]}")

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    return Load(len(calls), seconds, latencies, len(errors), errors[0] if errors else None)


# --- servers -----------------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(app: str, workers: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """Serve `app` with gunicorn sync workers on a free port; yield its base URL; stop it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "gunicorn",
        "-w", str(workers),
        "-b", f"127.0.0.1:{port}",
        "--backlog", "256",
        app,
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(process, base_url, log)
        yield base_url
    finally:
        _stop(process)


def _wait_until_ready(process: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.TransportError):
            # Any HTTP answer (404 on the floor's /) means the workers are up.
            httpx.get(base_url + "/api/v1/openapi.json", timeout=2)
            return
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _warm(base_url: str, call: Call, workers: int) -> None:
    """A few requests first, so that every worker has loaded and connected before timing."""
    drive(base_url, [call] * (workers * 8), workers)


# --- data --------------------------------------------------------------------------------------


@dataclass
class Seeded:
    cotech: str
    read_id: int
    transition_ids: list[int]
    schemes: int


def seed(url: str, schemes: int) -> Seeded:
    """Migrate, load reference data, create users and tokens, insert `schemes` recorded ones."""
    from sqlalchemy import select

    from benchmarks.engine import _bulk_schemes
    from engine.db.database import Database
    from engine.db.migrate import upgrade
    from engine.db.uow import UnitOfWork
    from engine.models import Territory, VocabularyTerm
    from engine.records.reference import load_reference
    from engine.rules.policy import SYSTEM, Actor
    from engine.services.tokens import create_token
    from engine.services.users import add_organisation, add_user

    db = Database(url)
    try:
        upgrade(db)
        with UnitOfWork(db) as uow:
            load_reference(uow.session)
            uow.commit()
        with UnitOfWork(db) as uow:
            org = add_organisation(uow, SYSTEM, "Ville de Fort-de-France", "commune")
        actors = {}
        for key, roles, org_id in (("owner", ["owner"], org.id), ("cotech", ["cotech"], None)):
            with UnitOfWork(db) as uow:
                user = add_user(
                    uow, SYSTEM, f"{key}@bench.mq", key.title(), roles, PASSWORD, org_id
                )
                actors[key] = Actor.of(user)
        with UnitOfWork(db) as uow:
            cotech = actors["cotech"]
            secret = create_token(uow, cotech, cotech.id, "benchmark").secret
        with UnitOfWork(db) as uow:
            session = uow.session
            terms = {t.vocabulary: t.id for t in session.scalars(select(VocabularyTerm))}
            commune = session.scalars(select(Territory).where(Territory.kind == "commune")).first()
            ids = _bulk_schemes(uow, schemes, org.id, actors["owner"].id, terms, commune.id)
            uow.commit()
    finally:
        db.dispose()
    return Seeded(secret, ids[0], ids[1:], schemes)


@contextlib.contextmanager
def database(backend: str, pg_url: str, tmp: Path) -> Iterator[str]:
    """A fresh database URL for one backend; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'bench_api.db'}"
        return
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {BENCH_DB}")
    try:
        yield pg_url.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.dispose()


# --- scenarios ---------------------------------------------------------------------------------


def read_calls(seeded: Seeded, n: int) -> list[Call]:
    return [Call("GET", f"/api/v1/schemes/{seeded.read_id}", seeded.cotech)] * n


def list_calls(seeded: Seeded, n: int) -> list[Call]:
    pages = max(1, seeded.schemes // LIST_PAGE_SIZE)
    return [
        Call(
            "GET", f"/api/v1/schemes?page={i % pages + 1}&per_page={LIST_PAGE_SIZE}", seeded.cotech
        )
        for i in range(n)
    ]


def transition_calls(seeded: Seeded, ids: list[int]) -> list[Call]:
    body = {"transition": "review", "version": 1}
    return [Call("POST", f"/api/v1/schemes/{i}/transitions", seeded.cotech, body) for i in ids]


def summary(loads: list[Load]) -> dict:
    """Medians over the repeats of one scenario."""
    return {
        "per_s": round(statistics.median(load.per_s for load in loads), 1),
        "p50_ms": round(statistics.median(load.percentile(50) for load in loads) * 1000, 1),
        "p99_ms": round(statistics.median(load.percentile(99) for load in loads) * 1000, 1),
        "errors": sum(load.errors for load in loads),
        "range_per_s": [
            round(min(x.per_s for x in loads), 1),
            round(max(x.per_s for x in loads), 1),
        ],
    }


def measure(backend: str, url: str, args, tmp: Path) -> dict:
    """Seed, serve the floor and the app side by side, run every scenario `repeat` times."""
    n_tr = args.transitions
    seeded = seed(url, 1 + max(n_tr * args.repeat, args.list_schemes))
    env = {
        "MAILLAGE_DATABASE_URL": url,
        "MAILLAGE_SECRET_KEY": "benchmark-secret-key",
        "MAILLAGE_INSTANCE_PATH": str(tmp / f"instance-{backend}"),
    }
    loads: dict[str, list[Load]] = {k: [] for k in ("floor", "read", "list", "transition")}
    floor_app, app = "benchmarks.api_floor:create_app()", "web:create_app()"
    with (
        gunicorn(floor_app, args.workers, {}, tmp / f"floor-{backend}.log") as floor_url,
        gunicorn(app, args.workers, env, tmp / f"app-{backend}.log") as app_url,
    ):
        _warm(floor_url, Call("GET", "/floor"), args.workers)
        _warm(app_url, read_calls(seeded, 1)[0], args.workers)
        for r in range(args.repeat):
            # Alternated, so that drift on a noisy machine touches floor and app alike.
            loads["floor"].append(
                drive(floor_url, [Call("GET", "/floor")] * args.reads, args.clients)
            )
            loads["read"].append(drive(app_url, read_calls(seeded, args.reads), args.clients))
            loads["list"].append(drive(app_url, list_calls(seeded, args.lists), args.clients))
            ids = seeded.transition_ids[n_tr * r : n_tr * (r + 1)]
            loads["transition"].append(drive(app_url, transition_calls(seeded, ids), args.clients))
    figures = {name: summary(runs) for name, runs in loads.items()}
    for name, runs in loads.items():
        s = figures[name]
        print(
            f"{backend:<10} {name:<10} {s['per_s']:8.1f} req/s  p50 {s['p50_ms']:6.1f} ms  "
            f"p99 {s['p99_ms']:6.1f} ms  errors {s['errors']}"
        )
        first = next((x.first_error for x in runs if x.first_error), None)
        if first:
            print(f"{'':<10} first error: {first}")
    ratio = figures["read"]["per_s"] / figures["floor"]["per_s"]
    figures["read_over_floor"] = round(ratio, 3)
    figures["list_over_floor"] = round(figures["list"]["per_s"] / figures["floor"]["per_s"], 3)
    print(
        f"{backend:<10} reads ÷ floor {ratio:.1%}   lists ÷ floor {figures['list_over_floor']:.1%}"
    )
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--lists", type=int, default=1000)
    parser.add_argument("--transitions", type=int, default=1000)
    parser.add_argument("--list-schemes", type=int, default=2000, help="schemes at least, listed")
    parser.add_argument("--pg-url", default=os.environ.get("MAILLAGE_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)
    figures: dict = {
        k: getattr(args, k)
        for k in ("workers", "clients", "repeat", "reads", "lists", "transitions")
    }
    backends = ["sqlite"] + ([] if args.no_postgresql else ["postgresql"])
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            with database(backend, args.pg_url, Path(tmp)) as url:
                result = measure(backend, url, args, Path(tmp))
            figures[backend] = result
            ok &= all(result[s]["errors"] == 0 for s in ("floor", "read", "list", "transition"))
    figures["ok"] = ok
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    sys.exit(0 if main()["ok"] else 1)
