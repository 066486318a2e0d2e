"""Benchmark the inventory exports against a bare openpyxl write of the same data.

10,000 approved schemes with realistic content (long description, two of each vocabulary, two
territories, partners and funders) are inserted in a fresh SQLite database. Each format is
exported through export_inventory to a file (database read, rendering, write, audit event), and
compared with the floor: the same rows, already in memory as plain values, appended to a
write-only openpyxl workbook and saved. Peak memory is measured in a separate run under
tracemalloc (which slows Python down), so the timings are not distorted by it.

Usage: python -m benchmarks.exports [--n 10000] [--repeat 3] [--url sqlite:///…]
The last line printed is one JSON object of the figures.
"""

import argparse
import gc
import json
import os
import statistics
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import insert, select

from engine.db.base import Base
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.exporting.source import Inventory
from engine.exporting.table import scheme_headers, scheme_row
from engine.models import Organisation, Scheme, Territory, VocabularyTerm
from engine.models.scheme import (
    SchemeFunder,
    SchemePartner,
    scheme_aid_type,
    scheme_public,
    scheme_territory,
    scheme_theme,
)
from engine.queries.inventory import InventoryFilter
from engine.records.reference import load_reference
from engine.rules.policy import Actor
from engine.services.exports import FORMATS, export_inventory

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ACTOR = Actor(None, "benchmark", frozenset({"cotech"}))
TEXT = (
    "Une équipe de médiateurs va à la rencontre des jeunes et des familles dans les quartiers, "
    "règle les petits conflits, oriente vers les structures d'insertion et de soin ; un bilan "
    "est présenté chaque mois à la cellule de veille du CLSPD.\n"
) * 4


def prepare(db: Database, count: int) -> None:
    """Create the schema, the reference data and `count` approved, complete schemes."""
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    with UnitOfWork(db) as uow:
        load_reference(uow.session)
        orgs = [
            Organisation(name=f"Structure {i}", kind="commune", siren=f"2197220{i:02d}",
                         created_at=NOW)
            for i in range(10)
        ]  # fmt: skip
        uow.session.add_all(orgs)
        uow.session.flush()
        terms = {}
        for term in uow.session.scalars(select(VocabularyTerm)):
            terms.setdefault(term.vocabulary, []).append(term.id)
        places = list(uow.session.scalars(select(Territory.id).order_by(Territory.id)))
        _insert(uow.connection, count, [o.id for o in orgs], terms, places)
        uow.commit()


def _insert(conn, count, orgs, terms, places) -> None:
    conn.execute(insert(Scheme.__table__), [_scheme(i, orgs) for i in range(count)])
    ids = list(conn.scalars(select(Scheme.id).order_by(Scheme.id)))
    for table, vocabulary in (
        (scheme_theme, "theme"),
        (scheme_public, "public"),
        (scheme_aid_type, "aid_type"),
    ):
        pool = terms[vocabulary]
        conn.execute(
            insert(table),
            [
                {"scheme_id": s, "vocabulary_term_id": pool[(s + k) % len(pool)]}
                for s in ids
                for k in (0, 3)
            ],
        )
    conn.execute(
        insert(scheme_territory),
        [
            {"scheme_id": s, "territory_id": places[(s + k) % len(places)]}
            for s in ids
            for k in (0, 7)
        ],
    )
    # One statement per shape of row: executemany needs the same keys in every row.
    for table, rows in (
        (SchemePartner, [{"scheme_id": s, "organisation_id": orgs[s % 10], "role": "operateur"}
                         for s in ids]),
        (SchemePartner, [{"scheme_id": s, "name": "Association partenaire", "role": "partenaire"}
                         for s in ids]),
        (SchemeFunder, [{"scheme_id": s, "organisation_id": orgs[(s + 1) % 10],
                         "amount": Decimal("8000.25")} for s in ids]),
        (SchemeFunder, [{"scheme_id": s, "name": "FIPD", "amount": Decimal("4000")} for s in ids]),
    ):  # fmt: skip
        conn.execute(insert(table.__table__), rows)


def _scheme(i: int, orgs: list[int]) -> dict:
    return {
        "reference": f"DSP-2026-{i:06d}",
        "uuid": uuid.uuid4(),
        "title": f"Médiation sociale n°{i}",
        "summary": "Médiateurs de rue auprès des jeunes le soir",
        "description": TEXT,
        "organisation_id": orgs[i % len(orgs)],
        "age_min": 12,
        "age_max": 25,
        "annual_budget": Decimal("12500.50") + i,
        "capacity": 120,
        "beneficiaries_last_year": 98,
        "start_date": date(2024, 1, 15),
        "end_date": date(2027, 12, 31) if i % 2 else None,
        "eligibility": "Jeunes de 12 à 25 ans résidant sur le territoire.",
        "legal_basis": "FIPD",
        "contact_email": "contact@bench.mq",
        "contact_phone": "0596 12 34 56",
        "url": "https://example.mq/dispositif",
        "decision_reference": "COPIL du 09/12/2025, décision n°3",
        "state": "approved",
        "workflow_name": "scheme",
        "workflow_version": 1,
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
        "state_changed_at": NOW,
    }


def run_export(db: Database, fmt: str, path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    with UnitOfWork(db) as uow, path.open("wb") as out:
        rows = export_inventory(uow, ACTOR, fmt, InventoryFilter(), out)
    return time.perf_counter() - start, rows


def floor_rows(db: Database) -> list[list]:
    """The same rows as plain values, read once, outside any timing."""
    with UnitOfWork(db) as uow:
        inventory = Inventory(uow.session, ACTOR, InventoryFilter(), uow.workflows)
        return [scheme_row(s, inventory) for s in inventory.schemes()]


def floor_openpyxl(rows: list[list], path: Path) -> float:
    """A bare write-only openpyxl workbook of the same rows; return seconds."""
    start = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dispositifs")
    sheet.append(scheme_headers())
    for row in rows:
        sheet.append(row)
    book.save(path)
    return time.perf_counter() - start


def peak_mb(db: Database, fmt: str, path: Path) -> float:
    gc.collect()
    tracemalloc.start()
    run_export(db, fmt, path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = Database(args.url or f"sqlite:///{work / 'bench.sqlite'}")
        prepare(db, args.n)
        rows = floor_rows(db)
        floor = statistics.median(
            floor_openpyxl(rows, work / "floor.xlsx") for _ in range(args.repeat)
        )
        del rows
        figures = {"n": args.n, "floor_openpyxl_s": round(floor, 2)}
        for fmt in FORMATS:
            path = work / f"export.{fmt}"
            runs = [run_export(db, fmt, path) for _ in range(args.repeat)]
            assert all(count == args.n for _, count in runs), runs
            seconds = statistics.median(s for s, _ in runs)
            figures[fmt] = {
                "seconds": round(seconds, 2),
                "ratio_to_floor": round(seconds / floor, 2),
                "peak_mb": peak_mb(db, fmt, path),
                "file_mb": round(os.path.getsize(path) / 2**20, 1),
            }
            print(fmt, figures[fmt], flush=True)
        db.dispose()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
