"""Benchmark the public catalogue's pages against a hand-written floor, at 100,000 schemes.

The schemes (a quarter approved) are bulk-loaded by benchmarks/ui.py's loader. An anonymous
visitor then requests, each several times: the catalogue's first page (from the cache, and with
the cache emptied before each request), the same page filtered by a commune and a word
(uncached), and an approved scheme's page (cached and uncached). Each uncached page's floor is
measured in the same run: the same rows fetched by hand-written SQL through the driver and
rendered by a bare Jinja template. Figures are medians (of `--requests` requests, then of the
`--repeat` rounds).

Usage: python -m benchmarks.catalogue [--schemes 100000] [--events 200000] [--repeat 3]
       [--requests 20] [--pg-url URL] [--no-postgresql] [--no-sqlite] [--keep]
       [--sqlite-path PATH]
The last line printed is one JSON object of the figures.
"""

import statistics
import sys
import time
from pathlib import Path

from jinja2 import Template

from benchmarks.ui import (
    Floor,
    _analyze,
    inventory_parser,
    load,
    run_on_both,
    timed,
)
from engine.db.config import Settings
from engine.db.database import Database
from engine.db.migrate import upgrade
from web.public_cache import EXTENSION

# Its own database: benchmarks/ui.py's may be in use by another run meanwhile.
BENCH_DB = "maillage_bench_catalogue"
TARGET_MS = 50
FIRST = "/catalogue"
FILTERED = "/catalogue?commune=97209&q=mediation"

CARDS = Template(
    "<ul>{% for r in rows %}<li><h3><a href='/catalogue/{{ r[0] }}'>{{ r[1] }}</a></h3>"
    "<p>{{ r[2] }}</p><p>{{ r[3] }} {{ r[4] }} {{ r[5] }}</p></li>{% endfor %}</ul>"
    "<p>{{ total }}</p>"
)
# {index}: on SQLite, the unfiltered page walks the title index (SQLite would otherwise read the
# 25,000 approved schemes by state and sort them, ten times slower): the floor takes the best plan.
PAGE_SQL = (
    "SELECT s.id, s.title, s.summary, o.name, s.age_min, s.age_max FROM scheme s {index}"
    "JOIN organisation o ON o.id = s.organisation_id WHERE s.state = 'approved' {where} "
    "ORDER BY s.title, s.id LIMIT 21"
)
COUNT_SQL = (
    "SELECT count(*) FROM (SELECT s.id FROM scheme s WHERE s.state = 'approved' {where} "
    "LIMIT 10001) AS page"
)
# Fort-de-France, its EPCI (CACEM) and Martinique, as the catalogue expands a commune.
COVERING = (
    "AND s.id IN (SELECT x.scheme_id FROM scheme_territory x JOIN territory t "
    "ON t.id = x.territory_id WHERE (t.kind = 'commune' AND t.code = '97209') "
    "OR t.id = (SELECT epci_id FROM territory WHERE kind = 'commune' AND code = '97209') "
    "OR t.kind = 'department')"
)
SQLITE_WORD = "AND s.id IN (SELECT rowid FROM scheme_fts WHERE scheme_fts MATCH '\"mediation\"')"
PG_WORD = "AND s.search_text LIKE '%%mediation%%'"
SCHEME_TEMPLATE = Template(
    "<h1>{{ s[1] }}</h1>{% for v in s[2:] %}<p>{{ v }}</p>{% endfor %}"
    "<ul>{% for r in links %}<li>{{ r[0] }} {{ r[1] }}</li>{% endfor %}</ul>"
)
SCHEME_SQL = (
    "SELECT s.id, s.title, s.summary, s.description, s.eligibility, s.age_min, s.age_max, "
    "s.contact_name, s.contact_email, s.contact_phone, s.url, s.start_date, s.end_date, "
    "s.updated_at, o.name FROM scheme s JOIN organisation o ON o.id = s.organisation_id "
    "WHERE s.id = %(id)s AND s.state = 'approved'"
)
LINKS_SQL = " UNION ALL ".join(
    [
        f"SELECT v.vocabulary, v.label_fr FROM {link} x JOIN vocabulary_term v "
        f"ON v.id = x.vocabulary_term_id WHERE x.scheme_id = %(id)s"
        for link in ("scheme_theme", "scheme_public", "scheme_aid_type")
    ]
    + [
        "SELECT t.kind, t.name FROM scheme_territory x JOIN territory t ON t.id = x.territory_id "
        "WHERE x.scheme_id = %(id)s"
    ]
)


class CatalogueFloor(Floor):
    def cards(self, where: str) -> str:
        index = "INDEXED BY ix_scheme_title " if self.sqlite and not where else ""
        rows = self.rows(PAGE_SQL.format(where=where, index=index))
        total = self.rows(COUNT_SQL.format(where=where))[0][0]
        self.raw.rollback()
        return CARDS.render(rows=rows[:20], total=total)

    def filtered(self) -> str:
        return self.cards(COVERING + " " + (SQLITE_WORD if self.sqlite else PG_WORD))

    def scheme(self, scheme_id: int) -> str:
        scheme = self.rows(SCHEME_SQL, {"id": scheme_id})[0]
        links = self.rows(LINKS_SQL, {"id": scheme_id})
        self.raw.rollback()
        return SCHEME_TEMPLATE.render(s=scheme, links=links)


def run_backend(url: str, args, tmp: Path, reuse: bool = False) -> dict:
    from web import DATABASE, create_app

    db = Database(url)
    start = time.perf_counter()
    if reuse:
        upgrade(db)
    else:
        print(f"  loaded {load(db, args.schemes, args.events)}", flush=True)
    _analyze(db)
    figures: dict = {"load_s": round(time.perf_counter() - start, 1)}
    app = create_app(Settings(instance_path=tmp, database_url=url, secret_key="bench"))
    client, floor = app.test_client(), CatalogueFloor(db)
    shown = floor.rows("SELECT min(id) FROM scheme WHERE state = 'approved'")[0][0]
    floor.raw.rollback()
    page = client.get(f"/catalogue/{shown}").location  # its canonical address

    def get(path: str, cached: bool):
        if not cached:
            app.extensions[EXTENSION].entries.clear()
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)

    pages = {
        "first_page_cached": (FIRST, True, None),
        "first_page": (FIRST, False, lambda: floor.cards("")),
        "filtered": (FILTERED, False, floor.filtered),
        "scheme_cached": (page, True, None),
        "scheme": (page, False, lambda: floor.scheme(shown)),
    }
    for name, (path, cached, floor_fn) in pages.items():
        rounds = [
            (
                timed(lambda p=path, c=cached: get(p, c), args.requests),
                timed(floor_fn, args.requests) if floor_fn else None,
            )
            for _ in range(args.repeat)
        ]
        page_ms = statistics.median(r[0] for r in rounds)
        entry = {"page_ms": round(page_ms, 2), "target_ms": TARGET_MS}
        line = f"  {name:18} {page_ms:8.2f} ms"
        if floor_fn:
            floor_ms = statistics.median(r[1] for r in rounds)
            entry |= {"floor_ms": round(floor_ms, 2), "ratio": round(page_ms / floor_ms, 2)}
            line += f"  floor {floor_ms:7.2f} ms  ×{page_ms / floor_ms:.2f}"
        figures[name] = entry
        print(line + f"  (target < {TARGET_MS} ms)", flush=True)
    floor.raw.close()
    app.extensions[DATABASE].dispose()
    db.dispose()
    return figures


def met(figures: dict) -> bool:
    return all(f["page_ms"] <= f["target_ms"] for f in figures.values() if isinstance(f, dict))


def main(argv: list[str] | None = None) -> dict:
    parser = inventory_parser(__doc__.splitlines()[0], events=200_000, requests=20)
    return run_on_both(parser.parse_args(argv), run_backend, met, BENCH_DB, "catalogue.sqlite")


if __name__ == "__main__":
    sys.exit(0 if main()["targets_met"] else 1)
