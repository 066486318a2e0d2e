"""The measures a computed indicator may name: code → function(connection, params) → value.

An indicator computed from the inventory is data (a measure's code and its parameters, JSON:
``{"themes": [...], "publics": [...]}``), never a typed number: its value is recomputed
whenever it is read. A scheme counts when it is approved and has one of the themes (if any are
given) and one of the publics (if any); a commune is covered by an approved scheme of its own
commune, of its EPCI or of Martinique as a whole (the inventory's territory rule).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, and_, func, select

from engine.models.pooling import Pooling
from engine.models.scheme import Scheme, scheme_public, scheme_territory, scheme_theme
from engine.models.territory import Territory
from engine.models.vocabulary import VocabularyTerm

APPROVED = "approved"
_s = Scheme.__table__
_p = Pooling.__table__
_t = Territory.__table__
_terms = VocabularyTerm.__table__


@dataclass(frozen=True)
class Measure:
    label: str  # French, as the indicator form offers it
    unit: str  # "%", "€" or "" (a count)
    compute: Callable[[Connection, dict[str, Any]], Decimal]
    filtered: bool = True  # whether themes and publics narrow it


def _term_ids(vocabulary: str, codes: list[str]) -> Select:
    return select(_terms.c.id).where(_terms.c.vocabulary == vocabulary, _terms.c.code.in_(codes))


def approved_schemes(params: dict[str, Any]) -> Select:
    """Return the ids of the approved schemes of the params' themes and publics."""
    stmt = select(_s.c.id).where(_s.c.state == APPROVED)
    for link, vocabulary, key in (
        (scheme_theme, "theme", "themes"),
        (scheme_public, "public", "publics"),
    ):
        codes = list((params or {}).get(key) or [])
        if codes:
            stmt = stmt.where(
                select(link.c.scheme_id)
                .where(
                    link.c.scheme_id == _s.c.id,
                    link.c.vocabulary_term_id.in_(_term_ids(vocabulary, codes)),
                )
                .exists()
            )
    return stmt


@dataclass(frozen=True)
class CommuneCoverage:
    """How many approved schemes reach a commune: its own, its EPCI's, Martinique's."""

    code: str
    name: str
    communal: int
    intercommunal: int
    martinique: int

    @property
    def covered(self) -> bool:
        return bool(self.communal or self.intercommunal or self.martinique)


def coverage(conn: Connection, params: dict[str, Any]) -> list[CommuneCoverage]:
    """Return each of the communes with the approved schemes reaching it, by name (1 query)."""
    counted = (
        select(scheme_territory.c.territory_id, func.count().label("n"))
        .where(scheme_territory.c.scheme_id.in_(approved_schemes(params)))
        .group_by(scheme_territory.c.territory_id)
        .subquery()
    )
    rows = conn.execute(
        select(_t.c.id, _t.c.kind, _t.c.code, _t.c.name, _t.c.epci_id, counted.c.n)
        .outerjoin(counted, counted.c.territory_id == _t.c.id)
        .order_by(_t.c.name)
    ).all()
    counts = {r.id: r.n or 0 for r in rows}
    martinique = sum(r.n or 0 for r in rows if r.kind == "department")
    return [
        CommuneCoverage(r.code, r.name, r.n or 0, counts.get(r.epci_id, 0), martinique)
        for r in rows
        if r.kind == "commune"
    ]


def _coverage_share(conn: Connection, params: dict[str, Any]) -> Decimal:
    return coverage_share(coverage(conn, params))


def coverage_share(communes: list[CommuneCoverage]) -> Decimal:
    """Return the percentage of the communes covered, two decimals."""
    if not communes:
        return Decimal("0.00")
    share = Decimal(100 * sum(c.covered for c in communes)) / len(communes)
    return share.quantize(Decimal("0.01"))


def _scheme_count(conn: Connection, params: dict[str, Any]) -> Decimal:
    found = approved_schemes(params).subquery()
    return Decimal(conn.scalar(select(func.count()).select_from(found)) or 0)


def _scheme_sum(column: str) -> Callable[[Connection, dict[str, Any]], Decimal]:
    def compute(conn: Connection, params: dict[str, Any]) -> Decimal:
        total = conn.scalar(
            select(func.coalesce(func.sum(_s.c[column]), 0)).where(
                _s.c.id.in_(approved_schemes(params))
            )
        )
        return Decimal(total or 0).quantize(Decimal("0.01"))

    return compute


def _poolings(aggregate) -> Callable[[Connection, dict[str, Any]], Decimal]:
    def compute(conn: Connection, params: dict[str, Any]) -> Decimal:
        value = conn.scalar(select(aggregate).where(and_(_p.c.state == APPROVED)))
        return Decimal(value or 0).quantize(Decimal("0.01"))

    return compute


MEASURES: dict[str, Measure] = {
    "coverage_share": Measure(
        "Part des communes couvertes par au moins un dispositif approuvé", "%", _coverage_share
    ),
    "approved_schemes": Measure("Nombre de dispositifs approuvés", "", _scheme_count),
    "beneficiaries": Measure(
        "Bénéficiaires touchés (dernière année) par les dispositifs approuvés",
        "",
        _scheme_sum("beneficiaries_last_year"),
    ),
    "budget": Measure("Budget annuel des dispositifs approuvés", "€", _scheme_sum("annual_budget")),
    "approved_poolings": Measure(
        "Nombre de mutualisations approuvées", "", _poolings(func.count()), filtered=False
    ),
    "pooling_savings": Measure(
        "Économies attendues des mutualisations approuvées",
        "€",
        _poolings(func.coalesce(func.sum(_p.c.expected_savings), 0)),
        filtered=False,
    ),
}


def compute(conn: Connection, measure: str, params: dict[str, Any] | None) -> Decimal:
    """Return the current value of a measure with its parameters."""
    return MEASURES[measure].compute(conn, params or {})
