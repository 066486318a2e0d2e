"""Benchmark the busiest pages through the Flask test client against hand-written floors.

100,000 schemes and 1,000,000 audit events are bulk-loaded into a database migrated to head
(so SQLite has its FTS5 table, PostgreSQL its pg_trgm index). A signed-in COTECH member then
requests, each several times: the inventory filtered by a state and a word (page 1 and a page
5,000 rows deep), a scheme's page with its timeline, and the dashboard. Each page's floor is
measured in the same run: the same rows fetched by hand-written SQL through the driver and
rendered by a bare Jinja template. Figures are medians (of `--requests` requests, then of the
`--repeat` rounds).

Usage: python -m benchmarks.ui [--schemes 100000] [--events 1000000] [--repeat 3]
       [--requests 10] [--pg-url URL] [--no-postgresql] [--no-sqlite] [--keep]
       [--sqlite-path PATH]
`--sqlite-path` keeps the loaded SQLite file and reuses it when it exists; `--keep` leaves
the PostgreSQL database in place and reuses it next time (to profile between runs).
The last line printed is one JSON object of the figures.
"""

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from pathlib import Path

from jinja2 import Template
from sqlalchemy import select

from benchmarks.bench_database import BenchDatabase
from engine.db.bulk import bulk_insert
from engine.db.config import Settings
from engine.db.database import Database
from engine.db.migrate import upgrade
from engine.db.uow import UnitOfWork
from engine.french.text import searchable
from engine.models import AuditEvent, Organisation, Scheme, Territory, VocabularyTerm
from engine.models.scheme import scheme_territory, scheme_theme
from engine.queries import dashboard
from engine.records import audit
from engine.records.reference import load_reference
from engine.rules.policy import SYSTEM
from engine.services.users import add_user

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DB = "maillage_bench_ui"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PASSWORD = "banc d'essai des pages 2026"
WORDS = [
    "médiation",
    "parentalité",
    "réussite",
    "éducative",
    "insertion",
    "prévention",
    "récidive",
    "victimes",
    "violences",
    "addictions",
    "sport",
    "culture",
    "santé",
    "logement",
    "citoyenneté",
    "numérique",
    "jeunes",
    "familles",
    "quartier",
    "soirée",
    "accompagnement",
    "formation",
    "écoute",
    "permanence",
    "atelier",
    "chantier",
]
STATES = ["draft"] * 5 + ["recorded"] * 30 + ["reviewed"] * 20 + ["proposed"] * 10
STATES += ["approved"] * 25 + ["changes_requested"] * 5 + ["rejected"] * 3 + ["withdrawn"] * 2
PATHS = {
    "draft": [],
    "recorded": ["submit"],
    "changes_requested": ["submit", "request_changes"],
    "reviewed": ["submit", "review"],
    "proposed": ["submit", "review", "propose"],
    "approved": ["submit", "review", "propose", "approve"],
    "rejected": ["submit", "reject"],
    "withdrawn": ["withdraw"],
}
LIST = "/dispositifs?states=recorded&q=mediation"


def load(db: Database, schemes: int, events: int) -> dict:
    """Migrate, load reference data and users, then bulk-load schemes and audit events."""
    upgrade(db)
    with UnitOfWork(db) as uow:
        load_reference(uow.session)
        uow.commit()
    _drop_search_index(db)
    with UnitOfWork(db) as uow:
        add_user(uow, SYSTEM, "cotech@bench.mq", "Cotech", ["cotech"], PASSWORD, None)
    rng = random.Random(972)
    with UnitOfWork(db) as uow:
        conn = uow.begin_write()
        orgs = _organisations(conn, 60)
        terms = dict(uow.session.execute(select(VocabularyTerm.code, VocabularyTerm.id)).all())
        themes = [i for c, i in terms.items() if c in _theme_codes(uow)]
        territories = _territories(uow)
        states = _schemes(conn, rng, schemes, orgs, themes, territories)
        _events(conn, rng, states, events)
        if db.is_postgresql:
            # COPY with explicit ids leaves the sequences behind.
            for name in ("organisation", "scheme", "audit_event"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"
                )
        uow.commit()
    _create_search_index(db)
    return {"schemes": schemes, "events": events}


# The text index is built once after the load rather than row by row (the FTS5 triggers
# took most of SQLite's 480 s load): the same statements as migration 0006.
SQLITE_TRIGGERS = [
    s
    for s in import_module("migrations.versions.20261126_0006_inventory_search").SQLITE_SEARCH
    if s.startswith("CREATE TRIGGER")
]
PG_TRGM = "CREATE INDEX ix_scheme_search_trgm ON scheme USING gin (search_text gin_trgm_ops)"


def _drop_search_index(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.is_postgresql:
            conn.exec_driver_sql("DROP INDEX IF EXISTS ix_scheme_search_trgm")
            return
        for name in ("insert", "delete", "update"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS scheme_fts_{name}")


def _create_search_index(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.is_postgresql:
            conn.exec_driver_sql(PG_TRGM)
            return
        conn.exec_driver_sql("INSERT INTO scheme_fts (scheme_fts) VALUES ('rebuild')")
        for statement in SQLITE_TRIGGERS:
            conn.exec_driver_sql(statement)


def _organisations(conn, count: int) -> list[int]:
    rows = [
        {
            "id": i,
            "name": f"Structure {i} de Martinique",
            "kind": "association",
            "created_at": NOW,
            "search_text": f"structure {i} de martinique",
        }
        for i in range(1, count + 1)
    ]
    bulk_insert(conn, Organisation.__table__, rows)
    return [r["id"] for r in rows]


def _theme_codes(uow) -> set[str]:
    query = select(VocabularyTerm.code).where(VocabularyTerm.vocabulary == "theme")
    return set(uow.session.scalars(query))


def _territories(uow) -> dict[str, list[int]]:
    rows = uow.session.execute(select(Territory.kind, Territory.id)).all()
    out: dict[str, list[int]] = {}
    for kind, tid in rows:
        out.setdefault(kind, []).append(tid)
    return out


def _schemes(conn, rng, count, orgs, themes, territories) -> list[str]:
    rows, links, places, states = [], [], [], []
    for i in range(1, count + 1):
        state = rng.choice(STATES)
        words = rng.sample(WORDS, 4)
        title = " ".join(words[:3]).capitalize() + f" n°{i}"
        summary = f"Dispositif de {words[3]} pour les jeunes"
        changed = NOW - timedelta(days=rng.randint(0, 700), seconds=rng.randint(0, 86400))
        rows.append(_scheme_row(i, state, title, summary, rng.choice(orgs), changed))
        states.append(state)
        for theme in rng.sample(themes, rng.choice((1, 2))):
            links.append({"scheme_id": i, "vocabulary_term_id": theme})
        kind = rng.choices(("commune", "epci", "department"), (70, 20, 10))[0]
        places.append({"scheme_id": i, "territory_id": rng.choice(territories[kind])})
    for start in range(0, count, 20_000):
        bulk_insert(conn, Scheme.__table__, rows[start : start + 20_000])
    bulk_insert(conn, scheme_theme, links)
    bulk_insert(conn, scheme_territory, places)
    return states


def _scheme_row(i, state, title, summary, org, changed) -> dict:
    description = "Une équipe va à la rencontre des publics dans les quartiers."
    return {
        "id": i,
        "uuid": uuid.UUID(int=i),
        "reference": f"DSP-2026-{i:06d}",
        "title": title,
        "summary": summary,
        "description": description,
        "search_text": searchable(title, summary, description),
        "organisation_id": org,
        "state": state,
        "workflow_name": "scheme",
        "workflow_version": 1,
        "version": 1,
        "created_at": changed - timedelta(days=30),
        "updated_at": changed,
        "state_changed_at": changed,
        "decision_reference": "COPIL n°1" if state == "approved" else None,
        "start_date": date(2024, 1, 1),
    }


def _events(conn, rng, states: list[str], total: int) -> None:
    """Write `total` events: each scheme's creation and transitions, then field edits."""
    # The chain goes on from the head the user's creation left.
    head = conn.execute(
        select(AuditEvent.position, AuditEvent.hash).order_by(AuditEvent.position.desc()).limit(1)
    ).first()
    position, prev = head if head else (0, "0" * 64)
    batch = []
    per_scheme = total // len(states)
    for scheme_id, state in enumerate(states, start=1):
        steps = PATHS[state]
        edits = max(0, per_scheme - 1 - len(steps))
        actions = ["create"] + ["edit"] * edits + steps
        at = NOW - timedelta(days=rng.randint(30, 700))
        current = "draft"
        for action in actions:
            position += 1
            at += timedelta(hours=rng.randint(1, 48))
            target = _target(action, current)
            digest = hashlib.sha256(f"{position}".encode()).hexdigest()
            batch.append(_event(position, scheme_id, action, current, target, at, prev, digest))
            # Ids follow positions: the user's events came first with ids 1…head.
            current, prev = target or current, digest
        if len(batch) >= 50_000:
            bulk_insert(conn, AuditEvent.__table__, batch)
            batch = []
    bulk_insert(conn, AuditEvent.__table__, batch)


TARGETS = {
    "submit": "recorded",
    "request_changes": "changes_requested",
    "review": "reviewed",
    "propose": "proposed",
    "approve": "approved",
    "reject": "rejected",
    "withdraw": "withdrawn",
}


def _target(action: str, current: str) -> str | None:
    return TARGETS.get(action)


def _event(position, scheme_id, action, current, target, at, prev, digest) -> dict:
    transition = target is not None
    return {
        "id": position,
        "position": position,
        "record_type": "scheme",
        "record_id": scheme_id,
        "record_reference": f"DSP-2026-{scheme_id:06d}",
        "action": action,
        "from_state": current if transition else None,
        "to_state": target,
        "actor_id": None,
        "actor_label": "banc@bench.mq",
        "occurred_at": at,
        "comment": None,
        "inputs": None,
        "changes": {"title": {"before": "a", "after": "b"}} if action == "edit" else None,
        "data": None,
        "prev_hash": prev,
        "hash": digest,
    }


class Client:
    """A test client signed in as the COTECH member, as the tests' Browser does it."""

    def __init__(self, app) -> None:
        self.client = app.test_client()
        page = self.client.get("/connexion").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        form = {"email": "cotech@bench.mq", "password": PASSWORD, "csrf_token": token}
        answer = self.client.post("/connexion", data=form)
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]

    def get(self, path: str) -> str:
        answer = self.client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.get_data(as_text=True)


def timed(fn, requests: int) -> float:
    """Return the median of `requests` calls of `fn`, in milliseconds, after one warm-up."""
    fn()
    runs = []
    for _ in range(requests):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


# ---- floors: hand-written SQL through the driver, a bare template ------------------------

LIST_TEMPLATE = Template(
    "<table>{% for r in rows %}<tr><td>{{ r[1] }}</td><td><a href='/dispositifs/{{ r[0] }}'>"
    "{{ r[2] }}</a></td><td>{{ r[5] }}</td><td>{{ r[3] }}</td><td>{{ r[4] }}</td></tr>"
    "{% endfor %}</table><p>{{ total }}</p>"
)
SCHEME_TEMPLATE = Template(
    "<h1>{{ s[1] }} {{ s[2] }}</h1><dl>{% for v in s[3:] %}<dt>{{ loop.index }}</dt>"
    "<dd>{{ v }}</dd>{% endfor %}</dl><ul>{% for r in links %}<li>{{ r[0] }} {{ r[1] }}</li>"
    "{% endfor %}</ul><ol>{% for e in events %}<li>{{ e[0] }} {{ e[1] }} {{ e[2] }} {{ e[3] }} "
    "{{ e[4] }} {{ e[5] }} {{ e[6] }}{% for k, v in (e[7] or {}).items() %} {{ k }}: {{ v }}"
    "{% endfor %}</li>{% endfor %}</ol>"
)
DASHBOARD_TEMPLATE = Template(
    "{% for t in tables %}<table>{% for r in t %}<tr>{% for c in r %}<td>{{ c }}</td>"
    "{% endfor %}</tr>{% endfor %}</table>{% endfor %}"
)
SQLITE_MATCH = "s.id IN (SELECT rowid FROM scheme_fts WHERE scheme_fts MATCH '\"mediation\"')"
PG_MATCH = "s.search_text LIKE '%%mediation%%'"
LIST_SQL = (
    "SELECT s.id, s.reference, s.title, s.state, s.updated_at, o.name FROM scheme s "
    "JOIN organisation o ON o.id = s.organisation_id WHERE s.state = 'recorded' AND {match} "
    "{after} ORDER BY s.updated_at DESC, s.id DESC LIMIT 51"
)
COUNT_SQL = (
    "SELECT count(*) FROM (SELECT s.id FROM scheme s WHERE s.state = 'recorded' AND {match} "
    "LIMIT 10001) AS page"
)
# The scheme page shows every field, its linked terms, territories, funders and partners, and
# its whole timeline with each edit's changed fields: the floor reads all of it.
SCHEME_SQL = (
    "SELECT s.id, s.reference, s.title, s.summary, s.description, s.state, s.age_min, "
    "s.age_max, s.annual_budget, s.capacity, s.beneficiaries_last_year, s.start_date, "
    "s.end_date, s.eligibility, s.legal_basis, s.contact_name, s.contact_email, "
    "s.contact_phone, s.url, s.copil_target_date, s.decision_reference, s.version, "
    "s.updated_at, o.name FROM scheme s "
    "JOIN organisation o ON o.id = s.organisation_id WHERE s.id = %(id)s"
)
LINKS_SQL = " UNION ALL ".join(
    [
        f"SELECT v.vocabulary, v.label_fr FROM {link} x JOIN vocabulary_term v "
        f"ON v.id = x.vocabulary_term_id WHERE x.scheme_id = %(id)s"
        for link in ("scheme_theme", "scheme_public", "scheme_aid_type")
    ]
    + [
        "SELECT t.kind, t.name FROM scheme_territory x JOIN territory t ON t.id = x.territory_id "
        "WHERE x.scheme_id = %(id)s",
        "SELECT name, CAST(amount AS TEXT) FROM scheme_funder WHERE scheme_id = %(id)s",
        "SELECT name, role FROM scheme_partner WHERE scheme_id = %(id)s",
    ]
)
EVENTS_SQL = (
    "SELECT position, action, from_state, to_state, occurred_at, actor_label, comment, changes "
    "FROM audit_event WHERE record_type = 'scheme' AND record_id = %(id)s ORDER BY position"
)
DASHBOARD_SQL = [
    "SELECT state, count(*) FROM scheme GROUP BY state",
    "SELECT state, count(*) FROM pooling GROUP BY state",
    "SELECT state, count(*) FROM scheme WHERE state = 'recorded' AND state_changed_at < "
    "%(d15)s OR state IN ('changes_requested', 'reviewed') AND state_changed_at < %(d30)s "
    "OR state = 'proposed' AND state_changed_at < %(d60)s GROUP BY state",
    "SELECT action, {weeks} AS week, count(*) FROM audit_event "
    "WHERE action IN ('submit', 'review', 'approve') AND occurred_at >= %(w0)s "
    "AND record_type = 'scheme' GROUP BY action, week",
    # The coverage as engine.queries.dashboard counts it, per (territory, theme, approved); floor
    # stops at these rows, spreading them to the communes is left to the page.
    "SELECT sx.territory_id, st.vocabulary_term_id, s.state = 'approved', count(*) "
    "FROM scheme s JOIN scheme_theme st ON st.scheme_id = s.id "
    "JOIN scheme_territory sx ON sx.scheme_id = s.id WHERE s.state IN ('approved', "
    "'recorded', 'changes_requested', 'reviewed', 'proposed') GROUP BY 1, 2, 3",
]


class Floor:
    """Run hand-written SQL on one driver connection (sqlite3 or psycopg)."""

    def __init__(self, db: Database) -> None:
        self.sqlite = not db.is_postgresql
        self.raw = db.engine.raw_connection()

    def rows(self, sql: str, params: dict | None = None) -> list:
        if self.sqlite:
            sql = re.sub(r"%\((\w+)\)s", r":\1", sql).replace("%%", "%")
            params = {k: _sqlite_value(v) for k, v in (params or {}).items()}
        cursor = self.raw.cursor()
        cursor.execute(sql, params or {})
        found = cursor.fetchall()
        cursor.close()
        return found

    def list_page(self, search: bool, after: tuple | None) -> str:
        match = (SQLITE_MATCH if self.sqlite else PG_MATCH) if search else "1 = 1"
        condition = "AND (s.updated_at, s.id) < (%(at)s, %(id)s)" if after else ""
        params = {"at": after[0], "id": after[1]} if after else {}
        rows = self.rows(LIST_SQL.format(match=match, after=condition), params)
        total = self.rows(COUNT_SQL.format(match=match))[0][0]
        self.raw.rollback()
        return LIST_TEMPLATE.render(rows=rows[:50], total=total)

    def scheme_page(self, scheme_id: int) -> str:
        scheme = self.rows(SCHEME_SQL, {"id": scheme_id})[0]
        links = self.rows(LINKS_SQL, {"id": scheme_id})
        events = [
            (*e[:7], json.loads(e[7]) if isinstance(e[7], str) else e[7])
            for e in self.rows(EVENTS_SQL, {"id": scheme_id})
        ]
        self.raw.rollback()
        return SCHEME_TEMPLATE.render(s=scheme, links=links, events=events)

    def dashboard(self) -> str:
        params = {f"d{n}": NOW - timedelta(days=n) for n in (15, 30, 60)}
        params |= {f"w{n}": NOW - timedelta(weeks=12 - n) for n in range(12)}
        weeks = " ".join(f"WHEN occurred_at >= %(w{n})s THEN {n}" for n in range(11, -1, -1))
        sqls = [sql.replace("{weeks}", f"CASE {weeks} END") for sql in DASHBOARD_SQL]
        tables = [self.rows(sql, params) for sql in sqls]
        self.raw.rollback()
        return DASHBOARD_TEMPLATE.render(tables=tables)


def _sqlite_value(value):
    # The engine stores instants naive in UTC on SQLite, as "YYYY-MM-DD HH:MM:SS.ffffff".
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


# ---- the run -------------------------------------------------------------------------------

TARGETS_MS = {
    "list_search": 100,
    "list_deep": 100,
    "scheme": 100,
    "dashboard": 300,
    "dashboard_cold": 300,
    "dashboard_sign_in": 300,
}


def run_backend(url: str, args, tmp: Path, reuse: bool = False) -> dict:
    from web import DATABASE, create_app

    db = Database(url)
    start = time.perf_counter()
    if reuse:
        print("  reusing the loaded database", flush=True)
        upgrade(db)  # a kept database follows later revisions
        _analyze(db)
    else:
        counts = load(db, args.schemes, args.events)
        _analyze(db)
        print(f"  loaded {counts} in {time.perf_counter() - start:.0f} s", flush=True)
    load_s = time.perf_counter() - start
    app = create_app(Settings(instance_path=tmp, database_url=url, secret_key="bench"))
    client, floor = Client(app), Floor(db)
    pages = _pages(floor, args.schemes)
    figures = {"load_s": round(load_s, 1)}
    for name, (path, floor_fn) in pages.items():
        # The dashboard keeps its coverage matrix while the audit log stands still: "cold"
        # drops it before each request, as the first view after any change finds it.
        # "sign_in" appends a sign-in event first (timed too), as real use does between views.
        before = {
            "dashboard_cold": dashboard.forget_coverage,
            "dashboard_sign_in": lambda: _sign_in_event(db),
        }.get(name, lambda: None)
        rounds = [
            (
                timed(lambda p=path, b=before: b() or client.get(p), args.requests),
                timed(floor_fn, args.requests),
            )
            for _ in range(args.repeat)
        ]
        page_ms = statistics.median(r[0] for r in rounds)
        floor_ms = statistics.median(r[1] for r in rounds)
        figures[name] = {
            "page_ms": round(page_ms, 2),
            "floor_ms": round(floor_ms, 2),
            "ratio": round(page_ms / floor_ms, 2),
            "rounds_ms": [round(r[0], 2) for r in rounds],
            "target_ms": TARGETS_MS[name],
        }
        print(
            f"  {name:12} {page_ms:8.2f} ms  floor {floor_ms:7.2f} ms  ×{page_ms / floor_ms:.2f}"
            f"  (target < {TARGETS_MS[name]} ms and ×3)",
            flush=True,
        )
    # What any signed-in page costs in this stack (session, sign-in, CSRF, base template):
    # the account page, for scale; a floor of a millisecond cannot be approached below it.
    figures["baseline_ms"] = round(
        statistics.median(timed(lambda: client.get("/compte"), args.requests) for _ in range(3)), 2
    )
    print(f"  baseline     {figures['baseline_ms']:8.2f} ms  (the account page)", flush=True)
    floor.raw.close()
    app.extensions[DATABASE].dispose()
    db.dispose()
    return figures


def _analyze(db: Database) -> None:
    if db.is_postgresql:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def _pages(floor: Floor, schemes: int) -> dict:
    # 20,000 rows deep at full size (a recorded scheme in about three).
    depth = min(20_000, schemes // 5)
    deep = floor.rows(
        "SELECT id, updated_at FROM scheme WHERE state = 'recorded' "
        f"ORDER BY updated_at DESC, id DESC LIMIT 1 OFFSET {depth - 1}"
    )[0]
    shown = floor.rows("SELECT min(id) FROM scheme WHERE state = 'approved'")[0][0]
    floor.raw.rollback()
    return {
        "list_search": (LIST, lambda: floor.list_page(True, None)),
        "list_deep": (
            f"/dispositifs?states=recorded&after={deep[0]}",
            lambda: floor.list_page(False, (deep[1], deep[0])),
        ),
        "scheme": (f"/dispositifs/{shown}", lambda: floor.scheme_page(shown)),
        "dashboard": ("/tableau-de-bord", floor.dashboard),
        "dashboard_cold": ("/tableau-de-bord", floor.dashboard),
        "dashboard_sign_in": ("/tableau-de-bord", floor.dashboard),
    }


def _sign_in_event(db: Database) -> None:
    """Append what a sign-in appends (an event about a user), without hashing a password."""
    with UnitOfWork(db) as uow:
        audit.append(
            uow.begin_write(),
            [audit.Entry(record_type="user", action="sign_in", occurred_at=datetime.now(UTC))],
        )
        uow.commit()


def met(figures: dict) -> bool:
    return all(
        f["page_ms"] <= f["target_ms"] and f["ratio"] <= 3
        for f in figures.values()
        if isinstance(f, dict)
    )


def inventory_parser(description: str, *, events: int, requests: int) -> argparse.ArgumentParser:
    """The options of the benchmarks that load this module's inventory (ui, time_in_state,
    catalogue): its size, the repeats, and which databases, kept or reused."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--schemes", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=events)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--pg-url", default=os.environ.get("MAILLAGE_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--sqlite-path", type=Path, help="keep the SQLite file; reuse it")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    return parser


def main(argv: list[str] | None = None) -> dict:
    parser = inventory_parser(__doc__.splitlines()[0], events=1_000_000, requests=10)
    return run_on_both(parser.parse_args(argv), run_backend, met, BENCH_DB, "ui.sqlite")


def run_on_both(args, run_backend, met, bench_db: str, sqlite_name: str) -> dict:
    """Run a benchmark of this module's inventory on SQLite, then on PostgreSQL (as `args`
    choose), each database reused when kept and holding the inventory asked for; print the
    figures as one JSON line, `targets_met` as `met` judges each database's figures."""
    out: dict = {"schemes": args.schemes, "events": args.events}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_sqlite:
            print("SQLite", flush=True)
            path = args.sqlite_path or Path(tmp) / sqlite_name
            if path.exists() and not _loaded(f"sqlite:///{path}", args):
                path.unlink()
            out["sqlite"] = run_backend(f"sqlite:///{path}", args, Path(tmp), path.exists())
        if not args.no_postgresql:
            print("PostgreSQL", flush=True)
            bench = BenchDatabase(args.pg_url, bench_db)
            reuse = args.keep and bench.exists() and _loaded(bench.url, args)
            url = bench.url if reuse else bench.fresh()
            try:
                out["postgresql"] = run_backend(url, args, Path(tmp), reuse)
            finally:
                if not args.keep:
                    bench.drop()
    out["targets_met"] = all(met(v) for k, v in out.items() if k in ("sqlite", "postgresql"))
    print(json.dumps(out))
    return out


def _loaded(url: str, args) -> bool:
    """Whether a kept database holds the requested number of schemes and events."""
    db = Database(url)
    with db.engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT count(*) FROM scheme").scalar()
        events = conn.exec_driver_sql("SELECT count(*) FROM audit_event").scalar()
    db.dispose()
    return found == args.schemes and events >= args.events


if __name__ == "__main__":
    sys.exit(0 if main()["targets_met"] else 1)
