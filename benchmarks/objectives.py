"""Benchmark the objectives' progress page and the diagnostic page against their raw SQL
aggregates, at 100,000 schemes.

The schemes (a quarter approved, each with one or two themes and one territory) are bulk-loaded
by benchmarks/ui.py's loader; three objectives are then set through the engine's services: nine
indicators (seven computed from the inventory, two reported with a history of values) and four
milestones (one late). A signed-in COTECH member requests /objectifs/avancement, which
recomputes every computed indicator and each objective's coverage per commune. Its floor, in
the same run: the same aggregates written by hand (per objective, the approved schemes of its
themes counted per territory in one GROUP BY, and one statement of the scheme and pooling
totals), through the driver, rendered by a bare Jinja template. Then the demo's SSMSI files are
imported and the diagnostic page is timed, with the coverage matrix kept and cold, against its
own floor (benchmarks/diagnostic.py, which also times the import of a national-size file).
Figures are medians (of `--requests` requests, then of the `--repeat` rounds).

Usage: python -m benchmarks.objectives [--schemes 100000] [--events 20000] [--repeat 3]
       [--requests 20] [--pg-url URL] [--no-postgresql] [--no-sqlite] [--keep]
       [--sqlite-path PATH]
The last line printed is one JSON object of the figures.
"""

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from jinja2 import Template
from sqlalchemy import func, select

from benchmarks.diagnostic import diagnostic_pages, import_files
from benchmarks.ui import (
    PASSWORD,
    Client,
    Floor,
    _analyze,
    inventory_parser,
    load,
    run_on_both,
    timed,
)
from engine.clock import local, system_clock
from engine.db.config import Settings
from engine.db.database import Database
from engine.db.migrate import upgrade
from engine.db.uow import UnitOfWork
from engine.models import Objective, VocabularyTerm
from engine.objectives.services import (
    add_indicator,
    add_milestone,
    create_objective,
    report_value,
)
from engine.rules.policy import SYSTEM, Actor
from engine.services.users import add_user

BENCH_DB = "maillage_bench_objectives"
TARGET_MS = 200
RATIO = 3
PAGE = "/objectifs/avancement"

FLOOR_TEMPLATE = Template(
    "{% for o in objectives %}<h2>{{ o.title }}</h2>"
    "{% for k, v in o.totals.items() %}<svg><title>{{ k }}</title><circle r='{{ v }}'/></svg>"
    "<table><tr><td>{{ k }}</td><td>{{ v }}</td></tr></table>{% endfor %}"
    "<table>{% for c in communes %}<tr><th>{{ c[1] }}</th><td>{{ o.counts.get(c[0], 0) }}</td>"
    "<td>{{ o.counts.get(c[2], 0) }}</td><td>{{ o.martinique }}</td></tr>{% endfor %}</table>"
    "{% endfor %}"
)
THEMED = (
    "AND EXISTS (SELECT 1 FROM scheme_theme x WHERE x.scheme_id = s.id "
    "AND x.vocabulary_term_id IN ({ids}))"
)
COVERAGE_SQL = (
    "SELECT st.territory_id, count(*) FROM scheme_territory st JOIN scheme s "
    "ON s.id = st.scheme_id WHERE s.state = 'approved' {themed} GROUP BY st.territory_id"
)
TOTALS_SQL = (
    "SELECT count(*), coalesce(sum(s.annual_budget), 0), "
    "coalesce(sum(s.beneficiaries_last_year), 0) FROM scheme s WHERE s.state = 'approved' {themed}"
)
POOLINGS_SQL = (
    "SELECT count(*), coalesce(sum(expected_savings), 0) FROM pooling WHERE state = 'approved'"
)
COMMUNES_SQL = "SELECT id, name, epci_id, kind FROM territory ORDER BY name"


def set_objectives(db: Database) -> list[list[int]]:
    """Set the three objectives once (kept databases keep them); return their theme ids."""
    with UnitOfWork(db) as uow:
        themes = list(
            uow.session.execute(
                select(VocabularyTerm.code, VocabularyTerm.id)
                .where(VocabularyTerm.vocabulary == "theme")
                .order_by(VocabularyTerm.position)
            )
        )
        existing = uow.session.scalar(select(func.count()).select_from(Objective))
    chosen = [[themes[0]], [themes[1], themes[2]], []]
    if existing:
        return [[i for _, i in group] for group in chosen]
    with UnitOfWork(db) as uow:
        user = add_user(uow, SYSTEM, "copil@bench.mq", "Copil", ["copil"], PASSWORD, 1)
        copil = Actor.of(user)
    today = local(system_clock()).date()
    plans = [
        ("coverage_share", "approved_schemes", "budget"),
        ("coverage_share", "beneficiaries", None),
        ("approved_poolings", "pooling_savings", "coverage_share"),
    ]
    for number, (group, measures) in enumerate(zip(chosen, plans, strict=True), start=1):
        data = {"title": f"Objectif {number}", "organisation_id": 1}
        data["themes"] = [code for code, _ in group]
        objective_id = _write(db, lambda w, d=data: create_objective(w, copil, d)).id
        for measure in filter(None, measures):
            indicator = {"title": measure, "kind": "computed", "measure": measure, "target": "50"}
            _write(db, lambda w, i=indicator, o=objective_id: add_indicator(w, copil, o, i))
        if number == 2:
            reported = {"title": "Jeunes suivis", "kind": "reported", "organisation_id": 1}
            indicator_id = _write(
                db, lambda w, o=objective_id, r=reported: add_indicator(w, copil, o, r)
            ).id
            for months in range(5, 0, -1):
                value = {
                    "value": str(10 * (6 - months)),
                    "measured_on": today - timedelta(days=30 * months),
                    "source": "Bilan mensuel",
                }
                _write(db, lambda w, v=value, i=indicator_id: report_value(w, copil, i, v))
        for days in (-10, 60):
            milestone = {"title": f"Étape {days}", "due_on": today + timedelta(days=days)}
            _write(db, lambda w, m=milestone, o=objective_id: add_milestone(w, copil, o, m))
    return [[i for _, i in group] for group in chosen]


def _write(db: Database, action):
    with UnitOfWork(db) as uow:
        return action(uow)


class ObjectivesFloor(Floor):
    def progress(self, groups: list[list[int]]) -> str:
        territories = self.rows(COMMUNES_SQL)
        department = next(t[0] for t in territories if t[3] == "department")
        communes = [t for t in territories if t[3] == "commune"]
        poolings = self.rows(POOLINGS_SQL)[0]
        shown = []
        for ids in groups:
            themed = THEMED.format(ids=", ".join(map(str, ids))) if ids else ""
            counts = dict(self.rows(COVERAGE_SQL.format(themed=themed)))
            totals = self.rows(TOTALS_SQL.format(themed=themed))[0]
            shown.append(
                {
                    "title": str(ids),
                    "counts": counts,
                    "martinique": counts.get(department, 0),
                    "totals": dict(enumerate([*totals, *poolings])),
                }
            )
        self.raw.rollback()
        return FLOOR_TEMPLATE.render(objectives=shown, communes=communes)


def run_backend(url: str, args, tmp: Path, reuse: bool = False) -> dict:
    from web import DATABASE, create_app

    db = Database(url)
    start = time.perf_counter()
    if reuse:
        upgrade(db)
    else:
        print(f"  loaded {load(db, args.schemes, args.events)}", flush=True)
    groups = set_objectives(db)
    _analyze(db)
    figures: dict = {"load_s": round(time.perf_counter() - start, 1)}
    app = create_app(Settings(instance_path=tmp, database_url=url, secret_key="bench"))
    client, floor = Client(app), ObjectivesFloor(db)
    page = client.get(PAGE)
    assert page.count("<svg") == 9 and "communes non couvertes" in page, page[:2000]
    rounds = [
        (
            timed(lambda: client.get(PAGE), args.requests),
            timed(lambda: floor.progress(groups), args.requests),
        )
        for _ in range(args.repeat)
    ]
    page_ms = statistics.median(r[0] for r in rounds)
    floor_ms = statistics.median(r[1] for r in rounds)
    figures["progress"] = {
        "page_ms": round(page_ms, 2),
        "floor_ms": round(floor_ms, 2),
        "ratio": round(page_ms / floor_ms, 2),
        "target_ms": TARGET_MS,
        "target_ratio": RATIO,
    }
    print(
        f"  progress page {page_ms:8.2f} ms  floor {floor_ms:7.2f} ms  ×{page_ms / floor_ms:.2f}"
        f"  (target < {TARGET_MS} ms, ≤ ×{RATIO})",
        flush=True,
    )
    floor.raw.close()
    # The diagnostic page on the same inventory, the demo's SSMSI files imported.
    import_files(db)
    pages = diagnostic_pages(db, client, args)
    figures |= {"diagnostic": pages["page"], "diagnostic_cold": pages["page_cold"]}
    app.extensions[DATABASE].dispose()
    db.dispose()
    return figures


def met(figures: dict) -> bool:
    f = figures["progress"]
    shown = [figures[name] for name in ("diagnostic", "diagnostic_cold")]
    return (
        f["page_ms"] < f["target_ms"]
        and f["ratio"] <= f["target_ratio"]
        and all(d["page_ms"] < d["target_ms"] and d["ratio"] <= 3 for d in shown)
    )


def main(argv: list[str] | None = None) -> dict:
    parser = inventory_parser(__doc__.splitlines()[0], events=20_000, requests=20)
    return run_on_both(parser.parse_args(argv), run_backend, met, BENCH_DB, "objectives.sqlite")


if __name__ == "__main__":
    sys.exit(0 if main()["targets_met"] else 1)
