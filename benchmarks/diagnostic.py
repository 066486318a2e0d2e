"""Benchmark the diagnostic page and the SSMSI import, at 100,000 schemes.

The schemes are bulk-loaded by benchmarks/ui.py's loader, then the demo's SSMSI files (invented
numbers) are imported. A signed-in COTECH member requests the diagnostic page of an indicator
and year, each several times: with the coverage matrix kept between requests (the audit log
standing still), and cold (the matrix dropped before each request, as the first view after any
change finds it). The floor, measured in the same run: the raw SQL aggregate the page needs —
the indicator's figures for the year, and the approved and in-progress schemes of the matching
themes counted per territory — through the driver, rendered by a bare Jinja template. Figures are
medians (of `--requests` requests, then of the `--repeat` rounds).

The import: a national-size file is written (`--import-rows` rows of other départements around
Martinique's 204, the national file's shape), then read and imported; its rows per second.

Usage: python -m benchmarks.diagnostic [--schemes 100000] [--events 200000] [--repeat 3]
       [--requests 10] [--import-rows 1000000] [--pg-url URL] [--no-postgresql] [--no-sqlite]
       [--keep] [--sqlite-path PATH]
The last line printed is one JSON object of the figures.
"""

import statistics
import sys
import time
from pathlib import Path

from jinja2 import Template

from benchmarks.ui import (
    Client,
    Floor,
    _analyze,
    inventory_parser,
    load,
    run_on_both,
    timed,
)
from demo.diagnostic import FILES, FOLDER
from engine.db.config import Settings
from engine.db.database import Database
from engine.db.migrate import upgrade
from engine.db.uow import UnitOfWork
from engine.queries import dashboard
from engine.rules.policy import SYSTEM
from engine.services.diagnostic import import_diagnostic

BENCH_DB = "maillage_bench_diagnostic"
TARGET_MS = 200
INDICATOR = "Violences physiques intrafamiliales"
PAGE = f"/diagnostic?indicateur={INDICATOR}&annee=2024"
THEMES = ("violences_intrafamiliales", "aide_victimes")
FIGURES_SQL = (
    "SELECT f.territory_code, t.name, f.published, f.count, f.rate FROM crime_figure f "
    "LEFT JOIN territory t ON t.code = f.territory_code AND t.kind = 'commune' "
    "WHERE f.indicator = %(indicator)s AND f.year = 2024 ORDER BY t.name"
)
COVERAGE_SQL = (
    "SELECT x.territory_id, v.code, s.state = 'approved', count(*) FROM scheme s "
    "JOIN scheme_theme th ON th.scheme_id = s.id "
    "JOIN vocabulary_term v ON v.id = th.vocabulary_term_id "
    "JOIN scheme_territory x ON x.scheme_id = s.id "
    "WHERE v.code IN ('violences_intrafamiliales', 'aide_victimes') AND s.state IN "
    "('approved', 'recorded', 'changes_requested', 'reviewed', 'proposed') "
    "GROUP BY x.territory_id, v.code, s.state = 'approved'"
)
TERRITORIES_SQL = "SELECT id, kind, code, epci_id FROM territory"
TEMPLATE = Template(
    "<table>{% for r in figures %}<tr><td>{{ r[1] }}</td><td>{{ r[3] }}</td><td>{{ r[4] }}</td>"
    "</tr>{% endfor %}</table><table>{% for r in coverage %}<tr><td>{{ r[0] }}</td>"
    "<td>{{ r[1] }}</td><td>{{ r[2] }}</td><td>{{ r[3] }}</td></tr>{% endfor %}</table>"
)
OTHER_ROW = (
    '"{code}";"2024";"Cambriolages de logement";"Infraction";"12";"0,5000000";"diff";'
    '"24000";"2022";"11000";"2022";NA;NA\n'
)


class DiagnosticFloor(Floor):
    def page(self) -> str:
        figures = self.rows(FIGURES_SQL, {"indicator": INDICATOR})
        coverage = self.rows(COVERAGE_SQL)
        territories = self.rows(TERRITORIES_SQL)
        self.raw.rollback()
        return TEMPLATE.render(figures=figures, coverage=coverage, territories=territories)


def import_files(db: Database) -> None:
    for name in FILES:
        with UnitOfWork(db) as uow, (FOLDER / name).open("rb") as stream:
            import_diagnostic(uow, SYSTEM, stream, name)


def national_file(path: Path, rows: int) -> None:
    """Martinique's rows among `rows` rows of other communes, as the national file holds them."""
    ours = (FOLDER / "ssmsi-communes-INVENTE.csv").read_text(encoding="utf-8").splitlines(True)
    with path.open("w", encoding="utf-8") as out:
        out.write(ours[0])
        half = rows // 2
        for n in range(half):
            out.write(OTHER_ROW.format(code=f"{1001 + n % 90000:05d}"))
        for line in ours[1:]:
            if not line.startswith(('"97101"', '"75056"')):
                out.write(line)
        for n in range(rows - half):
            out.write(OTHER_ROW.format(code=f"{1001 + n % 90000:05d}"))


def time_import(db: Database, path: Path) -> dict:
    start = time.perf_counter()
    with UnitOfWork(db) as uow, path.open("rb") as stream:
        result = import_diagnostic(uow, SYSTEM, stream, path.name)
    seconds = time.perf_counter() - start
    rows = len(result.file.figures) + result.file.skipped
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "mb": round(path.stat().st_size / 1e6, 1),
    }


def diagnostic_pages(db: Database, client: Client, args) -> dict:
    """Time the diagnostic page, kept and cold, against its floor (the SSMSI files imported)."""
    floor, figures = DiagnosticFloor(db), {}
    client.get("/tableau-de-bord")  # the dashboard keeps the coverage matrix: "page" reads it
    for name, before in (("page", lambda: None), ("page_cold", dashboard.forget_coverage)):
        rounds = [
            (
                timed(lambda b=before: b() or client.get(PAGE), args.requests),
                timed(floor.page, args.requests),
            )
            for _ in range(args.repeat)
        ]
        page_ms = statistics.median(r[0] for r in rounds)
        floor_ms = statistics.median(r[1] for r in rounds)
        figures[name] = {
            "page_ms": round(page_ms, 2),
            "floor_ms": round(floor_ms, 2),
            "ratio": round(page_ms / floor_ms, 2),
            "target_ms": TARGET_MS,
        }
        print(
            f"  diagnostic {name:10} {page_ms:8.2f} ms  floor {floor_ms:7.2f} ms"
            f"  ×{page_ms / floor_ms:.2f}  (target < {TARGET_MS} ms and ×3)",
            flush=True,
        )
    floor.raw.close()
    return figures


def run_backend(url: str, args, tmp: Path, reuse: bool = False) -> dict:
    from web import DATABASE, create_app

    db = Database(url)
    start = time.perf_counter()
    if reuse:
        upgrade(db)
    else:
        print(f"  loaded {load(db, args.schemes, args.events)}", flush=True)
    import_files(db)
    _analyze(db)
    figures: dict = {"load_s": round(time.perf_counter() - start, 1)}
    app = create_app(Settings(instance_path=tmp, database_url=url, secret_key="bench"))
    client = Client(app)
    figures |= diagnostic_pages(db, client, args)
    if args.import_rows:
        national = tmp / "national.csv"
        national_file(national, args.import_rows)
        figures["import"] = time_import(db, national)
        print(f"  import     {figures['import']}", flush=True)
    app.extensions[DATABASE].dispose()
    db.dispose()
    return figures


def met(figures: dict) -> bool:
    pages = [figures[name] for name in ("page", "page_cold")]
    return all(f["page_ms"] <= f["target_ms"] and f["ratio"] <= 3 for f in pages)


def main(argv: list[str] | None = None) -> dict:
    parser = inventory_parser(__doc__.splitlines()[0], events=200_000, requests=10)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    return run_on_both(parser.parse_args(argv), run_backend, met, BENCH_DB, "diagnostic.sqlite")


if __name__ == "__main__":
    sys.exit(0 if main()["targets_met"] else 1)
