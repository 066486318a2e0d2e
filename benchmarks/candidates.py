"""Benchmark the pooling candidates at 5,000 poolable schemes: the full recompute, one scheme's
incremental recompute, and the COTECH's page served from the stored scores.

The schemes (all reviewed, proposed or approved, the states scored) are bulk-loaded with 1–2
themes, 1–3 publics, 1–2 aid types, a territory (70 % one or two communes, 20 % an EPCI, 10 %
Martinique), ages for two thirds, and a 25–45-word text drawn from a pool of words per theme
plus common ones, so that texts of a theme resemble each other as real ones do.

Measured, each `--repeat` times (medians reported):
- the full recompute (`recompute_all`, committed), split into reading, scoring and writing;
  its raw baseline, measured in the same run: the same score computed pair by pair in a Python
  double loop over sets and sparse dicts, timed on `--sample` random pairs and extrapolated to
  the n(n-1)/2 pairs (what the blocking and the sparse products avoid);
- one scheme's incremental recompute (`recompute_schemes`), committed;
- the page /pistes-de-mutualisation, first page and filtered by an EPCI, through the Flask test
  client signed in as the COTECH, against its floor: the same rows by hand-written SQL through
  the driver and a bare Jinja template.

Usage: python -m benchmarks.candidates [--schemes 5000] [--repeat 3] [--requests 10]
       [--sample 200000] [--pg-url URL] [--no-postgresql] [--no-sqlite]
The last line printed is one JSON object of the figures.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from jinja2 import Template
from sqlalchemy import select

from benchmarks.bench_database import BenchDatabase
from benchmarks.ui import PASSWORD, Client, Floor, timed
from engine.candidates.features import load_facts
from engine.candidates.scoring import WEIGHTS, Matrices, score_all
from engine.candidates.store import _insert, _regroup, pair_rows, recompute_schemes
from engine.db.bulk import bulk_insert
from engine.db.config import Settings
from engine.db.database import Database
from engine.db.migrate import upgrade
from engine.db.uow import UnitOfWork
from engine.french.text import searchable
from engine.models import Organisation, Scheme, Territory, VocabularyTerm
from engine.models.candidate import PoolingCandidate
from engine.models.scheme import scheme_aid_type, scheme_public, scheme_territory, scheme_theme
from engine.records.reference import load_reference
from engine.rules.policy import SYSTEM
from engine.services.users import add_user

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DB = "maillage_bench_candidates"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TARGET_S = 30
PAGE_TARGET_MS = 100
_COMMON = (
    "équipe accueil accompagnement quartiers soir semaine permanence partenaires orientation "
    "suivi parcours ateliers professionnels bénévoles association commune territoire écoute "
    "prévention lien social proximité information démarches rencontre"
)
COMMON = _COMMON.split()
_TOPIC = (
    "médiation tensions conflits rixes incivilités transports collèges nuit parentalité parents "
    "enfants groupes parole visites domicile réussite scolaire devoirs soutien insertion emploi "
    "formation chantier allocation stage victimes plainte juristes psychologues violences femmes "
    "hébergement urgence addictions alcool cannabis santé soins dépistage sport football "
    "tournoi culture musique théâtre numérique ordinateur citoyenneté justice réparation "
    "récidive détention sortants logement seniors repas isolement"
)
TOPIC = _TOPIC.split()
CARD = Template(
    "<ol>{% for c in rows %}<li><h2>{{ (c[1] * 100)|round|int }} %</h2><ul>"
    "{% for m in members[c[0]] %}<li><a href='/dispositifs/{{ m[0] }}'>{{ m[1] }}</a> "
    "{{ m[2] }} ({{ m[3] }})</li>{% endfor %}</ul><p>{{ c[2] }}</p></li>{% endfor %}</ol>"
    "<p>{{ total }}</p>"
)
TOP_SQL = (
    "SELECT c.id, c.score, c.reasons FROM pooling_candidate c {where} "
    "ORDER BY c.score DESC, c.id DESC LIMIT 30"
)
COUNT_SQL = "SELECT count(*) FROM pooling_candidate c {where}"
MEMBERS_SQL = (
    "SELECT m.candidate_id, s.id, s.reference, s.title, o.name FROM pooling_candidate_member m "
    "JOIN scheme s ON s.id = m.scheme_id JOIN organisation o ON o.id = s.organisation_id "
    "WHERE m.candidate_id IN ({ids}) ORDER BY m.candidate_id, s.reference"
)
IN_EPCI = (
    "WHERE c.id IN (SELECT m.candidate_id FROM pooling_candidate_member m WHERE m.scheme_id IN "
    "(SELECT x.scheme_id FROM scheme_territory x JOIN territory t ON t.id = x.territory_id "
    "WHERE t.id = {epci} OR t.epci_id = {epci}))"
)


def load(db: Database, count: int, seed: int = 972) -> dict:
    """Migrate, load the reference data and a COTECH member, then bulk-load the schemes."""
    upgrade(db)
    with UnitOfWork(db) as uow:
        load_reference(uow.session)
        uow.commit()
    with UnitOfWork(db) as uow:
        add_user(uow, SYSTEM, "cotech@bench.mq", "Cotech", ["cotech"], PASSWORD, None)
    rng = random.Random(seed)
    with UnitOfWork(db) as uow:
        conn = uow.begin_write()
        terms: dict[str, list[int]] = {}
        for vocabulary, term_id in uow.session.execute(
            select(VocabularyTerm.vocabulary, VocabularyTerm.id).order_by(VocabularyTerm.id)
        ):
            terms.setdefault(vocabulary, []).append(term_id)
        places: dict[str, list[int]] = {}
        for kind, place_id in uow.session.execute(select(Territory.kind, Territory.id)):
            places.setdefault(kind, []).append(place_id)
        orgs = [
            {
                "id": i,
                "name": f"Structure {i}",
                "kind": "association",
                "created_at": NOW,
                "search_text": f"structure {i}",
            }
            for i in range(1, 61)
        ]
        bulk_insert(conn, Organisation.__table__, orgs)
        _schemes(conn, rng, count, terms, places)
        if db.is_postgresql:
            for name in ("organisation", "scheme"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"
                )
        uow.commit()
    return {"schemes": count}


def _schemes(conn, rng, count, terms, places) -> None:
    rows, links = [], {scheme_theme: [], scheme_public: [], scheme_aid_type: []}
    territory_rows = []
    themes, publics, aids = terms["theme"], terms["public"], terms["aid_type"]
    pools = {t: rng.sample(TOPIC, 12) for t in themes}
    for i in range(1, count + 1):
        mine = rng.sample(themes, rng.choice((1, 1, 2)))
        words = [rng.choice(pools[mine[0]]) for _ in range(rng.randint(12, 25))]
        words += [rng.choice(COMMON) for _ in range(rng.randint(13, 20))]
        rng.shuffle(words)
        title = " ".join(words[:5]).capitalize()
        description = " ".join(words[5:])
        ages = rng.random() < 0.66
        low = rng.choice((0, 6, 12, 16, 18, 25, 60)) if ages else None
        rows.append(
            {
                "id": i,
                "uuid": uuid.UUID(int=i),
                "reference": f"DSP-2026-{i:06d}",
                "title": title,
                "summary": None,
                "description": description,
                "search_text": searchable(title, description),
                "organisation_id": rng.randint(1, 60),
                "state": rng.choice(("reviewed", "proposed", "approved")),
                "workflow_name": "scheme",
                "workflow_version": 1,
                "version": 1,
                "created_at": NOW,
                "updated_at": NOW,
                "state_changed_at": NOW,
                "decision_reference": "COPIL n°1",
                "age_min": low,
                "age_max": None if low is None else min(120, low + rng.choice((5, 9, 14, 30))),
                "annual_budget": rng.randint(5, 500) * 1000,
            }
        )
        for link, chosen in (
            (scheme_theme, mine),
            (scheme_public, rng.sample(publics, rng.randint(1, 3))),
            (scheme_aid_type, rng.sample(aids, rng.randint(1, 2))),
        ):
            links[link].extend({"scheme_id": i, "vocabulary_term_id": t} for t in chosen)
        kind = rng.choices(("commune", "epci", "department"), (70, 20, 10))[0]
        chosen = rng.sample(places[kind], rng.choice((1, 2)) if kind == "commune" else 1)
        territory_rows.extend({"scheme_id": i, "territory_id": t} for t in chosen)
    bulk_insert(conn, Scheme.__table__, rows)
    for link, link_rows in links.items():
        bulk_insert(conn, link, link_rows)
    bulk_insert(conn, scheme_territory, territory_rows)


def full_recompute(db: Database) -> dict:
    """One full recompute, committed, timed in its three steps."""
    with UnitOfWork(db) as uow:
        conn = uow.begin_write()
        start = time.perf_counter()
        facts = load_facts(conn)
        read = time.perf_counter()
        scored = score_all(facts)
        scoring = time.perf_counter()
        conn.execute(PoolingCandidate.__table__.delete())
        rows = pair_rows(facts, scored, NOW)
        _insert(conn, rows)
        pairs = len(rows)
        groups = _regroup(conn, facts, NOW)
        uow.commit()
        end = time.perf_counter()
    return {
        "total_s": end - start,
        "read_s": read - start,
        "score_s": scoring - read,
        "write_s": end - scoring,
        "pairs": pairs,
        "groups": groups,
    }


def naive_baseline(db: Database, sample: int, rng: random.Random) -> dict:
    """The same score pair by pair in Python, on `sample` random pairs, extrapolated."""
    with db.engine.connect() as conn:
        facts = load_facts(conn)
    m = Matrices.of(facts)
    n = len(facts.schemes)
    texts = [dict(zip(row.indices.tolist(), row.data.tolist(), strict=True)) for row in m.text]
    sets = [
        (set(s.themes), set(s.publics), set(s.aid_types), set(s.territories)) for s in facts.schemes
    ]
    within = {p: place.within for p, place in facts.places.items()}
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(sample)]
    start = time.perf_counter()
    for a, b in pairs:
        _naive_score(sets[a], sets[b], texts[a], texts[b], within)
    spent = time.perf_counter() - start
    per_pair = spent / sample
    return {"per_pair_us": per_pair * 1e6, "extrapolated_s": per_pair * n * (n - 1) / 2}


def _naive_score(a, b, text_a, text_b, within) -> float:
    themes = len(a[0] & b[0]) / (len(a[0] | b[0]) or 1)
    publics = len(a[1] & b[1]) / (len(a[1] | b[1]) or 1)
    aids = len(a[2] & b[2]) / (len(a[2] | b[2]) or 1)
    same = bool(a[3] & b[3])
    nested = any(y in within[x] or x in within[y] for x in a[3] for y in b[3])
    if not (same or nested) or not (themes or publics):
        return 0.0
    cosine = sum(v * text_b.get(k, 0.0) for k, v in text_a.items())
    return (
        WEIGHTS["text"] * cosine
        + WEIGHTS["themes"] * themes
        + WEIGHTS["publics"] * publics
        + WEIGHTS["aid_types"] * aids
        + WEIGHTS["territory"] * (1.0 if same else 0.6)
    )


class CandidateFloor(Floor):
    def page(self, where: str = "") -> str:
        rows = self.rows(TOP_SQL.format(where=where))
        total = self.rows(COUNT_SQL.format(where=where))[0][0]
        members: dict[int, list] = {}
        if rows:
            for cid, *member in self.rows(
                MEMBERS_SQL.format(ids=",".join(str(r[0]) for r in rows))
            ):
                members.setdefault(cid, []).append(member)
        self.raw.rollback()
        return CARD.render(rows=rows, members=members, total=total)


def run_backend(url: str, args, tmp: Path) -> dict:
    from web import DATABASE, create_app

    db = Database(url)
    start = time.perf_counter()
    print(f"  loaded {load(db, args.schemes)}", flush=True)
    figures: dict = {"load_s": round(time.perf_counter() - start, 1)}
    rounds = [full_recompute(db) for _ in range(args.repeat)]
    full = {k: round(statistics.median(r[k] for r in rounds), 2) for k in rounds[0]}
    baseline = naive_baseline(db, args.sample, random.Random(1))
    full |= {
        "target_s": TARGET_S,
        "baseline_extrapolated_s": round(baseline["extrapolated_s"], 1),
        "baseline_per_pair_us": round(baseline["per_pair_us"], 2),
        "speed_up": round(baseline["extrapolated_s"] / full["total_s"], 1),
    }
    figures["full_recompute"] = full
    print(
        f"  full recompute {full['total_s']:6.2f} s (read {full['read_s']:.2f}, score "
        f"{full['score_s']:.2f}, write {full['write_s']:.2f}): {full['pairs']} pairs, "
        f"{full['groups']} groups; Python double loop ≈ {full['baseline_extrapolated_s']:.0f} s "
        f"(×{full['speed_up']}) (target < {TARGET_S} s)",
        flush=True,
    )
    ids = list(np.random.default_rng(2).choice(np.arange(1, args.schemes + 1), 5, replace=False))

    def one(scheme_id):
        with UnitOfWork(db) as uow:
            recompute_schemes(uow.begin_write(), NOW, [int(scheme_id)])
            uow.commit()

    incremental = [timed(lambda s=s: one(s), 1) for s in ids]
    figures["incremental_ms"] = round(statistics.median(incremental), 1)
    print(f"  one scheme's recompute {figures['incremental_ms']:8.1f} ms", flush=True)

    app = create_app(Settings(instance_path=tmp, database_url=url, secret_key="bench"))
    client, floor = Client(app), CandidateFloor(db)
    epci = floor.rows("SELECT id, code FROM territory WHERE kind = 'epci' ORDER BY code")[0]
    floor.raw.rollback()
    pages = {
        "page": ("/pistes-de-mutualisation", ""),
        "page_filtered": (
            f"/pistes-de-mutualisation?territory=EPCI-{epci[1]}",
            IN_EPCI.format(epci=epci[0]),
        ),
    }
    for name, (path, where) in pages.items():
        measured = [
            (
                timed(lambda p=path: client.get(p), args.requests),
                timed(lambda w=where: floor.page(w), args.requests),
            )
            for _ in range(args.repeat)
        ]
        page_ms = statistics.median(r[0] for r in measured)
        floor_ms = statistics.median(r[1] for r in measured)
        figures[name] = {
            "page_ms": round(page_ms, 2),
            "floor_ms": round(floor_ms, 2),
            "ratio": round(page_ms / floor_ms, 2),
            "target_ms": PAGE_TARGET_MS,
        }
        print(
            f"  {name:14} {page_ms:8.2f} ms  floor {floor_ms:7.2f} ms  ×{page_ms / floor_ms:.2f}"
            f"  (target < {PAGE_TARGET_MS} ms)",
            flush=True,
        )
    floor.raw.close()
    app.extensions[DATABASE].dispose()
    db.dispose()
    return figures


def met(figures: dict) -> bool:
    pages = all(figures[k]["page_ms"] <= PAGE_TARGET_MS for k in ("page", "page_filtered"))
    return figures["full_recompute"]["total_s"] <= TARGET_S and pages


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemes", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--pg-url", default=os.environ.get("MAILLAGE_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--no-postgresql", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args(argv)
    out: dict = {"schemes": args.schemes}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.no_sqlite:
            print("SQLite", flush=True)
            out["sqlite"] = run_backend(
                f"sqlite:///{Path(tmp) / 'candidates.sqlite'}", args, Path(tmp)
            )
        if not args.no_postgresql:
            print("PostgreSQL", flush=True)
            bench = BenchDatabase(args.pg_url, BENCH_DB)
            try:
                out["postgresql"] = run_backend(bench.fresh(), args, Path(tmp))
            finally:
                bench.drop()
    out["targets_met"] = all(met(v) for k, v in out.items() if k in ("sqlite", "postgresql"))
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    sys.exit(0 if main()["targets_met"] else 1)
