"""The dashboard's figures, each one GROUP BY query: states, overdue records, weekly flow,
and the coverage of communes by themes."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.clock import MARTINIQUE, local
from engine.inventory import visible_to
from engine.models import AuditEvent, Pooling, Scheme, Territory, VocabularyTerm
from engine.models.scheme import scheme_territory, scheme_theme
from engine.policy import Actor
from engine.workflow import WorkflowRegistry, default_registry

MODELS = {"scheme": Scheme, "pooling": Pooling}
# The weekly flow: entries (submit), reviews, approvals of schemes.
FLOW = ("submit", "review", "approve")
WEEKS = 12
IN_PROGRESS = ("recorded", "changes_requested", "reviewed", "proposed")


@dataclass(frozen=True)
class Week:
    start: date
    counts: dict[str, int]


@dataclass(frozen=True)
class Cell:
    approved: int = 0
    in_progress: int = 0


def state_counts(session: Session, kind: str, actor: Actor, workflows=None) -> dict[str, int]:
    """Count the records of `kind` the actor may see, per state."""
    model = MODELS[kind]
    seen = visible_to(actor, workflows) if kind == "scheme" else model.id.isnot(None)
    rows = session.execute(
        select(model.state, func.count()).where(seen).group_by(model.state)
    ).all()
    return {state: count for state, count in rows}


def overdue_counts(
    session: Session, kind: str, now: datetime, workflows: WorkflowRegistry | None = None
) -> dict[str, int]:
    """Count the records of `kind` past their state's deadline, per state."""
    model, workflow = MODELS[kind], (workflows or default_registry()).current(kind)
    late = [
        and_(
            model.state == name, model.state_changed_at < now - timedelta(days=state.deadline_days)
        )
        for name, state in workflow.states.items()
        if state.deadline_days
    ]
    rows = session.execute(
        select(model.state, func.count()).where(or_(false(), *late)).group_by(model.state)
    ).all()
    return {state: count for state, count in rows}


def week_starts(now: datetime, weeks: int = WEEKS) -> list[date]:
    """Return the Mondays (Martinique time) of the last `weeks` weeks, the current one last."""
    today = local(now).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weekly_flow(session: Session, now: datetime, weeks: int = WEEKS) -> list[Week]:
    """Count scheme submissions, reviews and approvals per week over the last `weeks` weeks."""
    starts = week_starts(now, weeks)
    bounds = [datetime.combine(d, time(), MARTINIQUE) for d in starts]
    # Newest bound first: the first one passed is the event's week.
    week = case(
        *((AuditEvent.occurred_at >= b, i) for i, b in reversed(list(enumerate(bounds)))),
        else_=-1,
    ).label("week")
    rows = session.execute(
        select(AuditEvent.action, week, func.count())
        .where(
            AuditEvent.action.in_(FLOW),
            AuditEvent.occurred_at >= bounds[0],
            AuditEvent.record_type == "scheme",
        )
        .group_by(AuditEvent.action, week)
    ).all()
    table = [Week(start, dict.fromkeys(FLOW, 0)) for start in starts]
    for action, index, count in rows:
        table[index].counts[action] += count
    return table


def coverage(session: Session) -> dict[tuple[int, int], Cell]:
    """Count approved and in-progress schemes per (commune id, theme id).

    A scheme covering an EPCI or the whole of Martinique counts once for each commune in it.
    """
    commune, covered = aliased(Territory), aliased(Territory)
    approved = Scheme.state == "approved"
    rows = session.execute(
        select(
            commune.id,
            scheme_theme.c.vocabulary_term_id,
            func.count(distinct(case((approved, Scheme.id)))),
            func.count(distinct(case((~approved, Scheme.id)))),
        )
        .join(scheme_theme, scheme_theme.c.scheme_id == Scheme.id)
        .join(scheme_territory, scheme_territory.c.scheme_id == Scheme.id)
        .join(covered, covered.id == scheme_territory.c.territory_id)
        .join(
            commune,
            and_(
                commune.kind == "commune",
                or_(
                    commune.id == covered.id,
                    commune.epci_id == covered.id,
                    covered.kind == "department",
                ),
            ),
        )
        .where(Scheme.state.in_(("approved", *IN_PROGRESS)))
        .group_by(commune.id, scheme_theme.c.vocabulary_term_id)
    ).all()
    return {(c, t): Cell(a, p) for c, t, a, p in rows}


def themes(session: Session) -> list[VocabularyTerm]:
    """Return the active themes in their order."""
    return list(
        session.scalars(
            select(VocabularyTerm)
            .where(VocabularyTerm.vocabulary == "theme", VocabularyTerm.active.is_(True))
            .order_by(VocabularyTerm.position)
        )
    )


def communes_by_epci(session: Session) -> list[tuple[Territory, list[Territory]]]:
    """Return each EPCI with its communes, by name."""
    territories = list(session.scalars(select(Territory).order_by(Territory.name)))
    return [
        (epci, [t for t in territories if t.epci_id == epci.id])
        for epci in territories
        if epci.kind == "epci"
    ]
