"""Benchmark the census in and out: import a 10,000-row XLSX and export 10,000 schemes.

Baselines, measured in the same run: reading the same XLSX with openpyxl alone (read-only, every
cell) and writing the same rows with openpyxl alone (write-only). Each phase runs in a fresh
process so that its peak resident memory is its own. Runs on SQLite and on PostgreSQL.

Usage: python -m benchmarks.census [--rows 10000] [--repeat 3] [--pg-url URL] [--no-postgresql]
The last line printed is one JSON object of the figures.
"""

import argparse
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from engine.records.fields import SCHEME_COLUMNS

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FORMATS = ("csv", "xlsx", "json", "dispositif-aide")
IMPORTED = (
    "title",
    "organisation",
    "summary",
    "description",
    "themes",
    "publics",
    "aid_types",
    "territories",
    "annual_budget",
    "start_date",
    "eligibility",
    "contact_email",
    "contact_phone",
)
THEMES = (
    "réussite éducative et décrochage scolaire",
    "soutien à la parentalité",
    "insertion sociale et professionnelle",
    "sport, culture et loisirs",
)
PUBLICS = ("adolescents (12–17 ans)", "familles et parents", "jeunes adultes (18–25 ans)")
AIDS = ("accompagnement / suivi", "aide financière", "médiation", "formation")
PLACES = (
    "Fort-de-France",
    "Le Lamentin",
    "Schœlcher",
    "Le Robert",
    "CACEM",
    "Espace Sud",
    "Toute la Martinique",
    "Sainte-Marie; La Trinité",
)
ORGS = (
    "Ville de Fort-de-France",
    "Ville du Lamentin",
    "Ville du Robert",
    "Association Ansanm",
    "Association Horizon Jeunesse",
    "CACEM",
)


def make_xlsx(path: Path, rows: int) -> None:
    """Write a census spreadsheet the way the export writes it (French headers)."""
    from openpyxl import Workbook

    rng = random.Random(972)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dispositifs")
    sheet.append([SCHEME_COLUMNS[f][0] for f in IMPORTED])
    for i in range(1, rows + 1):
        sheet.append(_row(rng, i))
    book.save(path)


def _row(rng: random.Random, i: int) -> list:
    return [
        f"Dispositif d'accompagnement n°{i}",
        rng.choice(ORGS),
        "Accompagner les jeunes et leurs familles",
        "Un dispositif de terrain. " * 8,
        "; ".join(rng.sample(THEMES, 2)),
        rng.choice(PUBLICS),
        "; ".join(rng.sample(AIDS, 2)),
        rng.choice(PLACES),
        round(rng.uniform(1_000, 250_000), 2),
        date(2020, 1, 1) + timedelta(days=rng.randrange(2000)),
        "Résider sur le territoire.",
        f"contact{i}@example.mq",
        "0596 00 12 34",
    ]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(target, args, queue) -> None:
    start = time.perf_counter()
    extra = target(*args)
    queue.put((time.perf_counter() - start, _peak_mib(), extra))


def in_process(target, *args) -> tuple[float, float, object]:
    """Run `target(*args)` in a fresh process; return (seconds, peak MiB, its result)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if proc.exitcode:
        raise RuntimeError(f"{target.__name__} failed with exit code {proc.exitcode}")
    return result


def bare_read(path: str) -> int:
    """The floor of an import: openpyxl reading every cell of the file."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for row in book.active.iter_rows(values_only=True) if any(row))
    book.close()
    return count - 1


def bare_write(path: str, rows: int) -> int:
    """The floor of an export: openpyxl writing the same number of rows, all columns."""
    from openpyxl import Workbook

    rng = random.Random(972)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dispositifs")
    sheet.append([label for label, _ in SCHEME_COLUMNS.values()])
    for i in range(1, rows + 1):
        sheet.append(_row(rng, i) + [None] * (len(SCHEME_COLUMNS) - len(IMPORTED)))
    book.save(path)
    return rows


def bare_write_same(exported: str, path: str) -> float:
    """The floor of an export: openpyxl writing the exported workbook's own cells from memory.

    The rows of every sheet are read first (not timed), then written to a write-only workbook;
    returns the seconds spent writing.
    """
    from openpyxl import Workbook, load_workbook

    source = load_workbook(exported, read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in source.worksheets}
    source.close()
    start = time.perf_counter()
    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return time.perf_counter() - start


def prepare_database(url: str) -> None:
    """Migrate an empty database and load the reference data."""
    from engine.db.database import Database
    from engine.db.migrate import upgrade
    from engine.db.uow import UnitOfWork
    from engine.records.reference import load_reference

    db = Database(url)
    upgrade(db)
    with UnitOfWork(db) as uow:
        load_reference(uow.session)
        uow.commit()
    db.dispose()


def do_import(url: str, path: str, dry_run: bool) -> int:
    """Plan (dry run) or run the import of the file as an administrator."""
    from engine.db.database import Database
    from engine.db.uow import UnitOfWork
    from engine.rules.policy import Actor
    from engine.services.imports import plan_import, run_import

    db = Database(url)
    actor = Actor(None, "benchmark", frozenset({"admin"}))
    with UnitOfWork(db) as uow:
        step = plan_import if dry_run else run_import
        report = step(uow, actor, Path(path).read_bytes(), Path(path).name)
    db.dispose()
    return report.counts["create"] if hasattr(report, "counts") else len(report.rows)


def approve_all(url: str) -> None:
    """Make the imported drafts exportable as open data (a shortcut for the benchmark only)."""
    from sqlalchemy import text

    from engine.db.database import Database

    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE scheme SET state = 'approved', decision_reference = 'COPIL'"))
    db.dispose()


def do_export(url: str, fmt: str, path: str) -> int:
    """Export every scheme in one format as an administrator."""
    from engine.db.database import Database
    from engine.db.uow import UnitOfWork
    from engine.queries.inventory import InventoryFilter
    from engine.rules.policy import Actor
    from engine.services.exports import export_inventory

    db = Database(url)
    actor = Actor(None, "benchmark", frozenset({"admin"}))
    with UnitOfWork(db) as uow, open(path, "wb") as out:
        count = export_inventory(uow, actor, fmt, InventoryFilter(), out)
    db.dispose()
    return count


def run_backend(label: str, url: str, source: Path, rows: int, tmp: Path, repeat: int) -> dict:
    """Import then export on one database; return medians per phase."""
    figures: dict = {}
    in_process(prepare_database, url)
    for name, dry in (("import_dry_run", True), ("import", False)):
        runs = [
            in_process(do_import, url, str(source), dry) for _ in range(1 if not dry else repeat)
        ]
        _record(figures, name, runs, rows)
    in_process(approve_all, url)
    for fmt in FORMATS:
        runs = [in_process(do_export, url, fmt, str(tmp / f"export.{fmt}")) for _ in range(repeat)]
        _record(figures, f"export_{fmt.replace('-', '_')}", runs, rows)
    floor = [
        in_process(bare_write_same, str(tmp / "export.xlsx"), str(tmp / "floor.xlsx"))
        for _ in range(repeat)
    ]
    _record(figures, "openpyxl_write_same", [(t, peak, None) for _, peak, t in floor], rows)
    phases = ["import_dry_run", "import", *(f"export_{f.replace('-', '_')}" for f in FORMATS)]
    for phase in phases:
        print(
            f"{label:<10} {phase:<24} {figures[phase + '_s']:7.2f} s  "
            f"{figures[phase + '_rows_per_s']:8.0f} rows/s  "
            f"peak {figures[phase + '_peak_mib']:6.0f} MiB"
        )
    return figures


def _record(figures: dict, name: str, runs: list, rows: int) -> None:
    seconds = statistics.median(r[0] for r in runs)
    figures[f"{name}_s"] = round(seconds, 3)
    figures[f"{name}_rows_per_s"] = round(rows / seconds)
    figures[f"{name}_peak_mib"] = round(max(r[1] for r in runs))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("MAILLAGE_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)
    out: dict = {"rows": args.rows, "repeat": args.repeat}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        source = tmp / "recensement.xlsx"
        make_xlsx(source, args.rows)
        read = [in_process(bare_read, str(source)) for _ in range(args.repeat)]
        write = [
            in_process(bare_write, str(tmp / "bare.xlsx"), args.rows) for _ in range(args.repeat)
        ]
        _record(out, "openpyxl_read", read, args.rows)
        _record(out, "openpyxl_write", write, args.rows)
        print(
            f"{'openpyxl':<10} {'read (floor of import)':<24} {out['openpyxl_read_s']:7.2f} s"
            f"   write (floor of exports) {out['openpyxl_write_s']:.2f} s"
        )
        backends = [("sqlite", f"sqlite:///{tmp / 'census.db'}")]
        if not args.no_postgresql:
            backends.append(("postgresql", _fresh_pg(args.pg_url)))
        try:
            for label, url in backends:
                figures = run_backend(label, url, source, args.rows, tmp, args.repeat)
                out.update({f"{label}_{k}": v for k, v in figures.items()})
                _ratios(out, label)
        finally:
            if not args.no_postgresql:
                _drop_pg(args.pg_url)
    print(json.dumps(out))
    return out


def _ratios(out: dict, label: str) -> None:
    read, write = out["openpyxl_read_s"], out[f"{label}_openpyxl_write_same_s"]
    print(
        f"{label:<10} floor of exports: openpyxl writing the exported workbook's cells "
        f"{write:.2f} s"
    )
    for phase in ("import_dry_run", "import"):
        out[f"{label}_{phase}_ratio"] = round(out[f"{label}_{phase}_s"] / read, 2)
    for fmt in FORMATS:
        key = f"{label}_export_{fmt.replace('-', '_')}"
        out[f"{key}_ratio"] = round(out[f"{key}_s"] / write, 2)
    exports = ", ".join(
        str(out[f"{label}_export_{fmt.replace('-', '_')}_ratio"]) for fmt in FORMATS
    )
    print(
        f"{label:<10} ratios: import {out[f'{label}_import_ratio']}× the bare read, "
        f"exports {exports}× the bare write"
    )


BENCH_DB = "maillage_bench_census"


def _fresh_pg(url: str) -> str:
    from engine.db.database import Database

    _drop_pg(url)
    db = Database(url)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {BENCH_DB}")
    db.dispose()
    return url.rsplit("/", 1)[0] + f"/{BENCH_DB}"


def _drop_pg(url: str) -> None:
    from engine.db.database import Database

    db = Database(url)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    db.dispose()


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
