"""The dashboard's figures, each one GROUP BY query: states, overdue records, weekly flow,
and the coverage of communes by themes."""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from engine.clock import MARTINIQUE, local
from engine.models import AuditEvent, Scheme, Territory, VocabularyTerm
from engine.models.scheme import scheme_territory, scheme_theme
from engine.queries.inventory import visible_to
from engine.records.registry import record_type
from engine.rules.policy import Actor
from engine.rules.workflow import WorkflowRegistry, default_registry

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
    model = record_type(kind).model
    seen = visible_to(actor, workflows) if kind == "scheme" else model.id.isnot(None)
    rows = session.execute(
        select(model.state, func.count()).where(seen).group_by(model.state)
    ).all()
    return {state: count for state, count in rows}


def overdue_counts(
    session: Session, kind: str, now: datetime, workflows: WorkflowRegistry | None = None
) -> dict[str, int]:
    """Count the records of `kind` past their state's deadline, per state."""
    model, workflow = record_type(kind).model, (workflows or default_registry()).current(kind)
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


# The matrix reads every counted scheme (about half a second at 100,000 schemes), so each
# process keeps the last one with the audit chain's head it was computed at. Every change to
# a scheme's state, themes or territories appends an audit event; but sign-ins, exports,
# prints and comments append events too, and the matrix would be counted again after each.
# So when the head has moved, the events since the kept one are looked at (a short range of
# the primary key): only when one of them may change the matrix is it counted again. Appends
# are serialised (audit.append), so positions are committed in order and none is missed.
_COVERAGE: dict[str, tuple] = {}
# What cannot change the matrix; anything else (a scheme's creation, edit, transition, link,
# an import, a pooling's events) counts it again, to be safe.
HARMLESS_RECORDS = (
    "user",
    "organisation",
    "export",
    "vocabulary_term",
    "notification",
    "diagnostic",
)
HARMLESS_ACTIONS = ("comment", "print")


def coverage(session: Session) -> dict[tuple[int, int], Cell]:
    """Count approved and in-progress schemes per (commune id, theme id).

    A scheme covering an EPCI or the whole of Martinique counts once for each commune in it.
    """
    key = _head_key(session)
    # One tuple stored and read whole: threads of a process may share it without a lock.
    kept = _COVERAGE.get("last")
    if kept is None or not _unchanged_since(session, kept[0], key):
        kept = (key, count_coverage(session))
    _COVERAGE["last"] = (key, kept[1])
    return dict(kept[1])


def coverage_of(session: Session, theme_ids: Collection[int]) -> dict[tuple[int, int], Cell]:
    """The cells of some themes only: read from the kept matrix while it holds, else counted
    for those themes alone — a few themes cost a fraction of the whole matrix, which is left
    for the dashboard to count again."""
    key = _head_key(session)
    kept = _COVERAGE.get("last")
    if kept is not None and _unchanged_since(session, kept[0], key):
        _COVERAGE["last"] = (key, kept[1])
        matrix = kept[1]
    else:
        matrix = count_coverage(session, theme_ids)
    return {cell: counts for cell, counts in matrix.items() if cell[1] in theme_ids}


def _head_key(session: Session) -> tuple:
    head = session.execute(
        select(AuditEvent.position, AuditEvent.hash).order_by(AuditEvent.position.desc()).limit(1)
    ).first()
    return (str(session.get_bind().engine.url), tuple(head) if head else None)


def _unchanged_since(session: Session, kept: tuple, key: tuple) -> bool:
    """Whether no event between the kept head and `key`'s head can change the matrix."""
    if kept == key:
        return True
    if kept[0] != key[0] or kept[1] is None or key[1] is None or kept[1][0] > key[1][0]:
        return False
    (since, kept_hash), (until, _) = kept[1], key[1]
    # The kept head must still be there: a database emptied and filled again is not the same.
    if session.scalar(select(AuditEvent.hash).where(AuditEvent.position == since)) != kept_hash:
        return False
    changing = session.scalar(
        select(AuditEvent.position)
        .where(
            AuditEvent.position > since,
            AuditEvent.position <= until,
            AuditEvent.record_type.notin_(HARMLESS_RECORDS),
            AuditEvent.action.notin_(HARMLESS_ACTIONS),
        )
        .limit(1)
    )
    return changing is None


def forget_coverage() -> None:
    """Drop the kept coverage matrix, so the next call counts again."""
    _COVERAGE.clear()


def count_coverage(
    session: Session, theme_ids: Collection[int] | None = None
) -> dict[tuple[int, int], Cell]:
    """Count the coverage matrix from the database (what `coverage` keeps), or only the cells
    of `theme_ids`."""
    # Joining each scheme to every commune it covers multiplies 100,000 schemes into millions
    # of rows: SQL counts per (territory, theme, approved) instead, a few hundred rows, and
    # Python spreads each count to the territory's communes. A scheme listing a commune and
    # its EPCI would then count twice there: those few schemes are corrected one by one.
    communes = _communes_of(session)
    counts: dict[tuple[int, int], list[int]] = {}
    for territory, theme, approved, count in session.execute(_per_territory(theme_ids)).all():
        for commune in communes.get(territory, ()):
            counts.setdefault((commune, theme), [0, 0])[0 if approved else 1] += count
    for (theme, approved), extra in _overlaps(session, communes, theme_ids).items():
        for commune, times in extra.items():
            counts[(commune, theme)][0 if approved else 1] -= times
    return {key: Cell(a, p) for key, (a, p) in counts.items() if a or p}


def _communes_of(session: Session) -> dict[int, set[int]]:
    """Map each territory id to the ids of the communes it covers (itself for a commune)."""
    rows = session.execute(select(Territory.id, Territory.kind, Territory.epci_id)).all()
    every = {tid for tid, kind, _ in rows if kind == "commune"}
    out: dict[int, set[int]] = {tid: set() for tid, _, _ in rows}
    for tid, kind, epci in rows:
        if kind == "commune":
            out[tid].add(tid)
            if epci in out:
                out[epci].add(tid)
        elif kind == "department":
            out[tid] = every
    return out


def _counted():
    return Scheme.state.in_(("approved", *IN_PROGRESS))


def _per_territory(theme_ids: Collection[int] | None = None) -> Select:
    approved = (Scheme.state == "approved").label("approved")
    territory, theme = scheme_territory.c.territory_id, scheme_theme.c.vocabulary_term_id
    stmt = (
        select(territory, theme, approved, func.count())
        .select_from(Scheme)
        .join(scheme_theme, scheme_theme.c.scheme_id == Scheme.id)
        .join(scheme_territory, scheme_territory.c.scheme_id == Scheme.id)
        .where(_counted())
        .group_by(territory, theme, approved)
    )
    return stmt if theme_ids is None else stmt.where(theme.in_(list(theme_ids)))


def _overlaps(
    session: Session, communes: dict[int, set[int]], theme_ids: Collection[int] | None = None
) -> dict[tuple, dict[int, int]]:
    """For schemes with several territories: per (theme, approved), the communes counted
    more than once by the per-territory counts, with how many times too many."""
    several = (
        select(scheme_territory.c.scheme_id)
        .group_by(scheme_territory.c.scheme_id)
        .having(func.count() > 1)
    )
    rows = session.execute(
        select(Scheme.id, Scheme.state == "approved", scheme_territory.c.territory_id)
        .join(scheme_territory, scheme_territory.c.scheme_id == Scheme.id)
        .where(_counted(), Scheme.id.in_(several))
    ).all()
    covered: dict[int, tuple[bool, list[int]]] = {}
    for scheme_id, approved, territory in rows:
        covered.setdefault(scheme_id, (approved, []))[1].append(territory)
    themes_of = _themes_of(session, list(covered))
    extra: dict[tuple, dict[int, int]] = {}
    for scheme_id, (approved, territories) in covered.items():
        seen = Counter(c for t in territories for c in communes.get(t, ()))
        for theme in themes_of.get(scheme_id, ()):
            if theme_ids is not None and theme not in theme_ids:
                continue
            cell = extra.setdefault((theme, approved), {})
            for commune, times in seen.items():
                if times > 1:
                    cell[commune] = cell.get(commune, 0) + times - 1
    return extra


def _themes_of(session: Session, scheme_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for start in range(0, len(scheme_ids), 500):
        chunk = scheme_ids[start : start + 500]
        for scheme_id, theme in session.execute(
            select(scheme_theme.c.scheme_id, scheme_theme.c.vocabulary_term_id).where(
                scheme_theme.c.scheme_id.in_(chunk)
            )
        ):
            out.setdefault(scheme_id, []).append(theme)
    return out


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
