"""Measure SQLite's two ways to begin a read-then-write transaction under concurrent writers.

Four processes each run N transactions that read a row then update it and append a row (the
shape of a transition), first with a deferred BEGIN, then with BEGIN IMMEDIATE, in WAL mode
with a 30 s busy timeout. It prints, for each mode, the transactions that failed with
"database is locked" and the committed transactions per second; the raw baseline is the same
work by a single process (no contention) in the same run. The last line is one JSON object.

Usage: python -m benchmarks.sqlite_locking [--n 500] [--workers 4]
"""

import argparse
import json
import multiprocessing
import sqlite3
import tempfile
import time
from pathlib import Path


def _setup(path: str, rows: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE record (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)")
    conn.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, record_id INTEGER, body TEXT)")
    conn.executemany(
        "INSERT INTO record (id, version) VALUES (?, 1)", [(i,) for i in range(1, rows + 1)]
    )
    conn.close()


def _work(path: str, begin: str, ids: list[int], barrier, results) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA synchronous=NORMAL")
    failures = 0
    barrier.wait()
    start = time.perf_counter()
    for record_id in ids:
        try:
            conn.execute(begin)
            (version,) = conn.execute(
                "SELECT version FROM record WHERE id = ?", (record_id,)
            ).fetchone()
            conn.execute(
                "UPDATE record SET version = ? WHERE id = ? AND version = ?",
                (version + 1, record_id, version),
            )
            conn.execute("INSERT INTO event (record_id, body) VALUES (?, 'x')", (record_id,))
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            failures += 1
            conn.execute("ROLLBACK")
    results.put((failures, time.perf_counter() - start))
    conn.close()


def run(begin: str, workers: int, n: int) -> dict:
    """Run `workers` processes of `n` transactions each; return failures and throughput."""
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "locking.db")
        _setup(path, workers * n)
        barrier, results = ctx.Barrier(workers), ctx.Queue()
        procs = [
            ctx.Process(
                target=_work,
                args=(path, begin, list(range(w * n + 1, (w + 1) * n + 1)), barrier, results),
            )
            for w in range(workers)
        ]
        for p in procs:
            p.start()
        outcomes = [results.get() for _ in procs]
        for p in procs:
            p.join()
    failures = sum(f for f, _ in outcomes)
    elapsed = max(t for _, t in outcomes)
    committed = workers * n - failures
    return {"failures": failures, "attempts": workers * n, "per_s": round(committed / elapsed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    baseline = run("BEGIN IMMEDIATE", 1, args.n * args.workers)
    deferred = run("BEGIN", args.workers, args.n)
    immediate = run("BEGIN IMMEDIATE", args.workers, args.n)
    for label, figures in (
        ("1 process (baseline)", baseline),
        ("BEGIN (deferred)", deferred),
        ("BEGIN IMMEDIATE", immediate),
    ):
        print(
            f"{label:<22} {figures['failures']:5d} of {figures['attempts']} failed "
            f"'database is locked'; {figures['per_s']:6d} committed/s "
            f"({figures['per_s'] / baseline['per_s']:.2f} × baseline)"
        )
    print(
        json.dumps(
            {
                "workers": args.workers,
                "n": args.n,
                "baseline_per_s": baseline["per_s"],
                "deferred_failures": deferred["failures"],
                "deferred_per_s": deferred["per_s"],
                "immediate_failures": immediate["failures"],
                "immediate_per_s": immediate["per_s"],
            }
        )
    )


if __name__ == "__main__":
    main()
