"""What the objectives' pages read: the list, each objective's indicators with their history and
current value, the coverage gap per commune, the late milestones. Knows nothing of Flask."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from engine.models import Indicator, Milestone, Objective, Organisation
from engine.objectives.measures import MEASURES, CommuneCoverage, Reading, compute, within

OPEN_STATES = ("draft", "adopted")


@dataclass(frozen=True)
class Point:
    day: date
    value: Decimal
    source: str | None = None


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    points: list[Point]  # the history, oldest first; a computed one ends with today's value
    current: Decimal | None

    @property
    def reached(self) -> bool:
        target, baseline, current = (self.indicator.target, self.indicator.baseline, self.current)
        if target is None or current is None:
            return False
        if baseline is not None and target < baseline:  # a decrease is the aim
            return current <= target
        return current >= target

    @property
    def measure_label(self) -> str | None:
        measure = MEASURES.get(self.indicator.measure or "")
        return measure.label if measure else None


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: Objective
    indicators: list[IndicatorProgress]
    communes: list[CommuneCoverage]
    late: list[Milestone]

    @property
    def gaps(self) -> list[CommuneCoverage]:
        return [c for c in self.communes if not c.covered]


def objectives(session: Session, states: tuple[str, ...] | None = None) -> list[Objective]:
    """Return the objectives (in the given states), by reference, with what their list shows."""
    stmt = (
        select(Objective)
        .options(
            selectinload(Objective.organisation),
            selectinload(Objective.indicators).selectinload(Indicator.values),
            selectinload(Objective.milestones),
            selectinload(Objective.themes),
            selectinload(Objective.publics),
        )
        .order_by(Objective.reference)
    )
    if states:
        stmt = stmt.where(Objective.state.in_(states))
    return list(session.scalars(stmt))


def indicator_progress(
    conn: Connection, indicator: Indicator, today: date, reading: Reading | None = None
) -> IndicatorProgress:
    """Return an indicator's history and current value (a computed one recomputed now, from
    the aggregates `reading` already holds when they are the same)."""
    points = [Point(v.measured_on, v.value, v.source) for v in indicator.values]
    if indicator.kind == "computed":
        current = compute(conn, indicator.measure, indicator.params, reading)
        points = [p for p in points if p.day != today] + [Point(today, current, None)]
    else:
        current = points[-1].value if points else None
    return IndicatorProgress(indicator, points, current)


def objective_progress(
    session: Session, objective: Objective, today: date, reading: Reading | None = None
) -> ObjectiveProgress:
    """Return an objective's indicators, coverage per commune (its themes and publics) and its
    late milestones."""
    conn = session.connection()
    reading = reading or Reading(conn)
    params = {
        "themes": [t.code for t in objective.themes],
        "publics": [t.code for t in objective.publics],
    }
    return ObjectiveProgress(
        objective,
        [indicator_progress(conn, i, today, reading) for i in objective.indicators],
        within(reading.coverage(params), objective.territory.cog if objective.territory else None),
        [m for m in objective.milestones if is_late(m, today)],
    )


def progress(session: Session, today: date) -> list[ObjectiveProgress]:
    """Return the progress of every open objective (draft or adopted)."""
    reading = Reading(session.connection())
    found = objectives(session, OPEN_STATES)
    return [objective_progress(session, o, today, reading) for o in found]


def is_late(milestone: Milestone, today: date) -> bool:
    return milestone.done_on is None and milestone.due_on < today


@dataclass(frozen=True)
class LateMilestone:
    id: int
    title: str
    due_on: date
    objective_id: int
    objective_reference: str
    objective_title: str
    organisation: str | None


def late_milestones(
    session: Session, today: date, organisation_id: int | None = None, limit: int = 100
) -> tuple[list[LateMilestone], int]:
    """Return the late milestones of open objectives, oldest first, and how many there are;
    with `organisation_id`, only those it answers for (its own, or its objective's when the
    milestone names no organisation)."""
    condition = and_(
        Milestone.done_on.is_(None),
        Milestone.due_on < today,
        Objective.state.in_(OPEN_STATES),
    )
    if organisation_id is not None:
        condition = and_(
            condition,
            or_(
                Milestone.organisation_id == organisation_id,
                and_(
                    Milestone.organisation_id.is_(None),
                    Objective.organisation_id == organisation_id,
                ),
            ),
        )
    base = select(Milestone).join(Objective, Objective.id == Milestone.objective_id)
    total = session.scalar(
        select(func.count()).select_from(Milestone).join(Objective).where(condition)
    )
    rows = session.execute(
        base.with_only_columns(
            Milestone.id,
            Milestone.title,
            Milestone.due_on,
            Objective.id.label("objective_id"),
            Objective.reference,
            Objective.title.label("objective_title"),
            Organisation.name,
        )
        .outerjoin(
            Organisation,
            Organisation.id == func.coalesce(Milestone.organisation_id, Objective.organisation_id),
        )
        .where(condition)
        .order_by(Milestone.due_on, Milestone.id)
        .limit(limit)
    ).all()
    return [LateMilestone(*row) for row in rows], total or 0
