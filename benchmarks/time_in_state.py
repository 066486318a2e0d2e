"""Benchmark the time-in-state report at 100,000 schemes and 1,000,000 audit events.

The data is loaded as benchmarks/ui.py loads it (its `load`). Timed, each `--requests` times
per round: the report's query (`engine.queries.time_in_state`, every figure the page shows:
stays per state and per organisation, lead times overall and per organisation, open stays),
and the page itself through the Flask test client as a COTECH member. The floor, measured in
the same run with rounds interleaved, is hand-written SQL through the driver computing the
same figures the obvious way: on PostgreSQL `percentile_cont` per group; on SQLite, which has
no percentile function, the closed stays' durations fetched in order and interpolated in
Python. Figures are medians of the requests, then of the `--repeat` rounds.

Usage: python -m benchmarks.time_in_state [--schemes 100000] [--events 1000000] [--repeat 3]
       [--requests 3] [--pg-url URL] [--no-postgresql] [--no-sqlite] [--sqlite-path PATH]
       [--keep]
The last line printed is one JSON object of the figures.
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_database import BenchDatabase
from benchmarks.ui import inventory_parser
from engine.db.config import Settings
from engine.db.database import Database
from engine.db.migrate import upgrade
from engine.db.uow import UnitOfWork
from engine.queries import time_in_state as tis
from engine.rules.workflow import default_registry

BENCH_DB = "maillage_bench_tis"
MEASURED = "('recorded', 'changes_requested', 'reviewed', 'proposed')"

# The stays and leads, as anyone would write them by hand.
STAYS = f"""
WITH e AS (
  SELECT record_id, to_state AS state, occurred_at AS entered,
         LEAD(occurred_at) OVER (PARTITION BY record_id ORDER BY position) AS left_at
  FROM audit_event WHERE record_type = 'scheme' AND to_state IS NOT NULL
)
SELECT e.state, s.organisation_id, {{seconds}} AS seconds
FROM e JOIN scheme s ON s.id = e.record_id
WHERE e.left_at IS NOT NULL AND e.state IN {MEASURED}
"""
LEADS = f"""
SELECT s.organisation_id, {{seconds}} AS seconds
FROM (SELECT record_id, min(occurred_at) AS at FROM audit_event
      WHERE record_type = 'scheme' AND to_state IN ('approved', 'rejected')
      GROUP BY record_id) d
JOIN (SELECT record_id, min(occurred_at) AS at FROM audit_event
      WHERE record_type = 'scheme' AND to_state IN {MEASURED}
      GROUP BY record_id) u ON u.record_id = d.record_id
JOIN scheme s ON s.id = d.record_id
"""
SQLITE_SECONDS = "CAST(round((julianday({later}) - julianday({earlier})) * 86400) AS INTEGER)"
PG_SECONDS = "CAST(round(extract(epoch FROM {later} - {earlier})) AS INTEGER)"
OPEN = f"SELECT state, count(*) FROM scheme WHERE state IN {MEASURED} GROUP BY state"


def _sql(pg: bool) -> tuple[str, str]:
    seconds = PG_SECONDS if pg else SQLITE_SECONDS
    stays = STAYS.format(seconds=seconds.format(later="e.left_at", earlier="e.entered"))
    leads = LEADS.format(seconds=seconds.format(later="d.at", earlier="u.at"))
    return stays, leads


def floor_postgresql(raw) -> int:
    """The figures by percentile_cont: per state, per state and organisation, leads."""
    stays, leads = _sql(True)
    pct = "count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds), "
    pct += "percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)"
    n = 0
    with raw.cursor() as cur:
        for query in (
            f"SELECT state, {pct} FROM ({stays}) x GROUP BY state",
            f"SELECT state, organisation_id, {pct} FROM ({stays}) x GROUP BY 1, 2",
            f"SELECT {pct} FROM ({leads}) x",
            f"SELECT organisation_id, {pct} FROM ({leads}) x GROUP BY 1",
            OPEN,
        ):
            cur.execute(query)
            n += len(cur.fetchall())
    raw.rollback()
    return n


def floor_sqlite(raw) -> int:
    """The durations fetched in order per group and interpolated in Python."""
    stays, leads = _sql(False)
    groups: dict[tuple, list[int]] = {}
    for state, org, seconds in raw.execute(f"{stays} ORDER BY 1, 2, 3"):
        groups.setdefault((state, None), []).append(seconds)
        groups.setdefault((state, org), []).append(seconds)
    for org, seconds in raw.execute(f"{leads} ORDER BY 1, 2"):
        groups.setdefault(("lead", None), []).append(seconds)
        groups.setdefault(("lead", org), []).append(seconds)
    for values in groups.values():
        values.sort()  # the per-state groups gather several organisations
        for p in (0.5, 0.9):
            h = (len(values) - 1) * p
            low = int(h)
            high = min(low + 1, len(values) - 1)
            values[low] + (values[high] - values[low]) * (h - low)
    raw.execute(OPEN).fetchall()
    return len(groups)


def timed(fn, requests: int) -> float:
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run_backend(url: str, args, tmp: Path, reuse: bool) -> dict:
    from benchmarks.ui import Client, _analyze, load
    from web import DATABASE, create_app

    db = Database(url)
    start = time.perf_counter()
    if reuse:
        upgrade(db)
    else:
        print(f"  loaded {load(db, args.schemes, args.events)}", flush=True)
    _analyze(db)
    load_s = time.perf_counter() - start
    workflow = default_registry().current("scheme")

    def query():
        with UnitOfWork(db) as uow:
            return tis.time_in_state(uow.session, tis.Filters(), workflow)

    raw = _raw(db, url)
    floor = (lambda: floor_postgresql(raw)) if db.is_postgresql else (lambda: floor_sqlite(raw))
    app = create_app(Settings(instance_path=tmp, database_url=url, secret_key="bench"))
    client = Client(app)
    rounds = [
        (
            timed(query, args.requests),
            timed(lambda: client.get("/rapports/delais"), args.requests),
            timed(floor, args.requests),
        )
        for _ in range(args.repeat)
    ]
    query_ms, page_ms, floor_ms = (statistics.median(r[i] for r in rounds) for i in range(3))
    report = query()
    figures = {
        "load_s": round(load_s, 1),
        "query_ms": round(query_ms, 1),
        "page_ms": round(page_ms, 1),
        "floor_ms": round(floor_ms, 1),
        "ratio": round(query_ms / floor_ms, 2),
        "rounds_ms": [[round(x, 1) for x in r] for r in rounds],
        "stays_measured": sum(s.count for s in report.per_state.values()),
        "decided": report.lead.count if report.lead else 0,
    }
    print(
        f"  query {query_ms:8.1f} ms  page {page_ms:8.1f} ms  floor {floor_ms:8.1f} ms"
        f"  ×{query_ms / floor_ms:.2f}",
        flush=True,
    )
    raw.close()
    app.extensions[DATABASE].dispose()
    db.dispose()
    return figures


def _raw(db: Database, url: str):
    if db.is_postgresql:
        import psycopg

        return psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
    import sqlite3

    return sqlite3.connect(url.removeprefix("sqlite:///"))


def main(argv: list[str] | None = None) -> dict:
    parser = inventory_parser(__doc__.splitlines()[0], events=1_000_000, requests=3)
    args = parser.parse_args(argv)
    out: dict = {"schemes": args.schemes, "events": args.events}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_sqlite:
            print("SQLite", flush=True)
            path = args.sqlite_path or Path(tmp) / "tis.sqlite"
            out["sqlite"] = run_backend(f"sqlite:///{path}", args, Path(tmp), path.exists())
        if not args.no_postgresql:
            print("PostgreSQL", flush=True)
            bench = BenchDatabase(args.pg_url, BENCH_DB)
            reuse = args.keep and bench.exists()
            url = bench.url if reuse else bench.fresh()
            try:
                out["postgresql"] = run_backend(url, args, Path(tmp), reuse)
            finally:
                if not args.keep:
                    bench.drop()
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
    sys.exit(0)
