"""What a pooling's page adds to its fields: its members and their totals, the area covered."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engine.models import Organisation, Pooling, Scheme, Territory
from engine.models.pooling import pooling_member


@dataclass(frozen=True)
class Totals:
    budget: Decimal | None  # sum of the members' annual budgets, None when none is known
    budgets_known: int
    funded: Decimal | None  # sum of what the members' funders give
    communes: int
    by_epci: list[tuple[str, list[str]]]  # each EPCI's name and the communes covered in it


def load_pooling(session: Session, pooling_id: int) -> Pooling:
    """Return the pooling with its members, their organisations and funders, and territories."""
    stmt = (
        select(Pooling)
        .where(Pooling.id == pooling_id)
        .options(
            selectinload(Pooling.members).selectinload(Scheme.organisation),
            selectinload(Pooling.members).selectinload(Scheme.funders),
            selectinload(Pooling.territories),
        )
    )
    return session.scalars(stmt).one()


def totals(session: Session, pooling: Pooling) -> Totals:
    """Add up the members' budgets and funders, and list the communes the pooling covers."""
    budgets = [m.annual_budget for m in pooling.members if m.annual_budget is not None]
    funded = [f.amount for m in pooling.members for f in m.funders if f.amount is not None]
    communes = covered_communes(session, pooling.territories)
    groups: dict[str, list[str]] = {}
    for commune in communes:
        groups.setdefault(commune.epci.name if commune.epci else "—", []).append(commune.name)
    return Totals(
        sum(budgets, Decimal(0)) if budgets else None,
        len(budgets),
        sum(funded, Decimal(0)) if funded else None,
        len(communes),
        sorted((epci, sorted(names)) for epci, names in groups.items()),
    )


def covered_communes(session: Session, territories: list[Territory]) -> list[Territory]:
    """Expand Martinique and each EPCI to their communes; each commune once."""
    if any(t.kind == "department" for t in territories):
        wanted = select(Territory).where(Territory.kind == "commune")
    else:
        epcis = [t.id for t in territories if t.kind == "epci"]
        ids = [t.id for t in territories if t.kind == "commune"]
        wanted = select(Territory).where(
            Territory.kind == "commune", Territory.id.in_(ids) | Territory.epci_id.in_(epcis)
        )
    stmt = wanted.options(selectinload(Territory.epci)).order_by(Territory.name)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class ListedPooling:
    id: int
    reference: str
    title: str
    state: str
    members: int
    lead: str | None
    updated_at: object


def list_poolings(session: Session, state: str | None, limit: int = 200) -> list[ListedPooling]:
    """Return the poolings (every signed-in user sees them), newest change first."""
    members = (
        select(func.count())
        .where(pooling_member.c.pooling_id == Pooling.id)
        .correlate(Pooling)
        .scalar_subquery()
    )
    stmt = (
        select(Pooling, members.label("members"), Organisation.name)
        .outerjoin(Organisation, Organisation.id == Pooling.lead_organisation_id)
        .order_by(Pooling.updated_at.desc(), Pooling.id.desc())
        .limit(limit)
    )
    if state:
        stmt = stmt.where(Pooling.state == state)
    return [
        ListedPooling(p.id, p.reference, p.title, p.state, count, lead, p.updated_at)
        for p, count, lead in session.execute(stmt)
    ]
