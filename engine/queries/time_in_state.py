"""Time in state: per state and per organisation, how long records stay (count, median, 90th
percentile), and the lead time from submission to decision, read from the audit log.

A stay is an entry into a state (an audit event with a `to_state`) up to the next one of the
same record (LEAD over the record's events, in the order of the index ix_audit_event_record).
Only closed stays are measured: a record still in a state has not spent its time there yet, and
counting it up to now would mix a lower bound with measures. The stays still open are counted
beside (`Report.open`). Final states are never left, and the states that only their
organisation sees (the scheme's draft) are not the process's time: neither is reported.

Percentiles interpolate linearly between the two nearest ranks (PostgreSQL's percentile_cont,
Python's `statistics.quantiles(method="inclusive")`). SQL does the work on both databases:
durations in whole seconds, ranked per group by a window, and only the few rows at the ranks a
percentile needs come back (four per group), so a million events never cross into Python.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    case,
    cast,
    extract,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from engine.clock import MARTINIQUE
from engine.models import AuditEvent, Organisation
from engine.records.registry import record_type
from engine.rules.workflow import Workflow

DAY = 86400
DECISIONS = ("approved", "rejected")
# (numerator, denominator) of each percentile: ranks are found with integer arithmetic only.
MEDIAN, P90 = (1, 2), (9, 10)


@dataclass(frozen=True)
class Filters:
    kind: str = "scheme"
    start: date | None = None  # first day included (Martinique time)
    end: date | None = None  # last day included
    organisation_id: int | None = None


@dataclass(frozen=True)
class Stat:
    count: int
    median: float  # days
    p90: float  # days


@dataclass
class Report:
    states: list[str]  # the measured states, in the workflow's order
    per_state: dict[str, Stat] = field(default_factory=dict)
    per_organisation: dict[tuple[str, int | None], Stat] = field(default_factory=dict)
    lead: Stat | None = None
    lead_per_organisation: dict[int | None, Stat] = field(default_factory=dict)
    open: dict[str, int] = field(default_factory=dict)
    organisations: dict[int, str] = field(default_factory=dict)


def measured_states(workflow: Workflow) -> list[str]:
    """Return the states a record spends process time in: neither final nor private."""
    return [
        name
        for name, state in workflow.states.items()
        if not state.final and state.visible_to is None
    ]


def time_in_state(session: Session, filters: Filters, workflow: Workflow) -> Report:
    """Measure the stays in each state and the lead times of the records of `filters.kind`."""
    states = measured_states(workflow)
    report = Report(states)
    stays = _stays(session, filters, states)
    per_state, by_org = _percentiles(
        session, stays, [[stays.c.state], [stays.c.state, stays.c.organisation_id]]
    )
    report.per_state = {state: stat for (state,), stat in per_state.items()}
    report.per_organisation = by_org
    leads = _leads(session, filters, states)
    overall, by_org = _percentiles(session, leads, [[], [leads.c.organisation_id]])
    report.lead = overall.get(())
    report.lead_per_organisation = {o: stat for (o,), stat in by_org.items()}
    report.open = _open(session, filters, states)
    ids = {o for _, o in report.per_organisation} | set(report.lead_per_organisation)
    report.organisations = _names(session, ids)
    return report


def bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """Return the period's instants: the start day's midnight, the day after the end's."""
    start = filters.start and datetime.combine(filters.start, time(), MARTINIQUE)
    end = filters.end and datetime.combine(filters.end + timedelta(days=1), time(), MARTINIQUE)
    return start, end


def _within(column, filters: Filters) -> list[ColumnElement[bool]]:
    start, end = bounds(filters)
    return [c for c in (start and column >= start, end and column < end) if c is not None]


def _organisation(kind: str):
    rtype = record_type(kind)
    return rtype.model, getattr(rtype.model, rtype.organisation_column)


def _seconds(session: Session, later, earlier) -> ColumnElement:
    """Whole seconds between two instants, the same on both databases."""
    if session.get_bind().dialect.name == "sqlite":
        days = func.julianday(later) - func.julianday(earlier)
        return cast(func.round(days * DAY), Integer)
    return cast(func.round(extract("epoch", later - earlier)), Integer)


def _stays(session: Session, filters: Filters, states: list[str]) -> CTE:
    """The closed stays: (state, organisation_id, seconds) of each entry within the period."""
    ev = AuditEvent
    entries = (
        select(
            ev.record_id,
            ev.to_state.label("state"),
            ev.occurred_at.label("entered"),
            func.lead(ev.occurred_at)
            .over(partition_by=ev.record_id, order_by=ev.position)
            .label("left_at"),
        )
        .where(ev.record_type == filters.kind, ev.to_state.isnot(None))
        .subquery("entries")
    )
    model, org = _organisation(filters.kind)
    query = (
        select(
            entries.c.state,
            org.label("organisation_id"),
            _seconds(session, entries.c.left_at, entries.c.entered).label("seconds"),
        )
        .join(model, model.id == entries.c.record_id)
        .where(
            entries.c.left_at.isnot(None),
            entries.c.state.in_(states),
            *_within(entries.c.entered, filters),
            *_same_organisation(org, filters),
        )
    )
    return query.cte("stays")


def _same_organisation(org, filters: Filters) -> list[ColumnElement[bool]]:
    return [] if filters.organisation_id is None else [org == filters.organisation_id]


def _leads(session: Session, filters: Filters, states: list[str]) -> CTE:
    """The decided records: (organisation_id, seconds) from first submission to decision.

    Submitted is the first entry into a measured state: a draft's submission, or the creation
    of a record that starts past any draft (a pooling, an imported scheme). One pass over the
    record's state-changing events, grouped by record.
    """
    ev = AuditEvent
    first = select(
        ev.record_id,
        func.min(case((ev.to_state.in_(states), ev.occurred_at))).label("submitted"),
        func.min(case((ev.to_state.in_(DECISIONS), ev.occurred_at))).label("decided"),
    )
    per_record = (
        first.where(ev.record_type == filters.kind, ev.to_state.isnot(None))
        .group_by(ev.record_id)
        .subquery("per_record")
    )
    model, org = _organisation(filters.kind)
    decided, submitted = per_record.c.decided, per_record.c.submitted
    return (
        select(
            org.label("organisation_id"),
            _seconds(session, decided, submitted).label("seconds"),
        )
        .select_from(per_record)
        .join(model, model.id == per_record.c.record_id)
        .where(
            decided.isnot(None),
            submitted.isnot(None),
            *_within(decided, filters),
            *_same_organisation(org, filters),
        )
        .cte("leads")
    )


def _percentiles(session: Session, source: CTE, levels: list[list]) -> list[dict[tuple, Stat]]:
    """Count, median and 90th percentile (in days) of `source.seconds` per group, for each
    level of grouping (a list of columns; [] for the whole), all in one pass over `source`."""
    ranks, wanted = [], []
    for i, groups in enumerate(levels):
        partition = groups or None
        order = func.row_number().over(partition_by=partition, order_by=source.c.seconds)
        ranks += [
            (order - 1).label(f"rank{i}"),
            func.count().over(partition_by=partition).label(f"n{i}"),
        ]
    keys = sorted({c.name for groups in levels for c in groups})
    ranked = select(*(source.c[k] for k in keys), source.c.seconds, *ranks).subquery("ranked")
    for i in range(len(levels)):
        rank, n = ranked.c[f"rank{i}"], ranked.c[f"n{i}"]
        wanted += [rank == r for p in (MEDIAN, P90) for r in _ranks(n, *p)]
    rows = session.execute(select(ranked).where(or_(*wanted))).mappings().all()
    out = []
    for i, groups in enumerate(levels):
        picked: dict[tuple, dict[int, int]] = {}
        counts: dict[tuple, int] = {}
        for row in rows:
            key = tuple(row[c.name] for c in groups)
            counts[key] = row[f"n{i}"]
            picked.setdefault(key, {})[row[f"rank{i}"]] = row["seconds"]
        out.append(
            {
                key: Stat(counts[key], *(_interpolate(v, counts[key], *p) for p in (MEDIAN, P90)))
                for key, v in picked.items()
            }
        )
    return out


def _ranks(n, num: int, den: int) -> tuple:
    """The 0-based ranks around (n - 1) × num / den: its floor and its ceiling."""
    return (n - 1) * num // den, ((n - 1) * num + den - 1) // den


def _interpolate(values: dict[int, int], n: int, num: int, den: int) -> float:
    """Interpolate linearly between the ranks around (n - 1) × num / den; in days."""
    low, rest = divmod((n - 1) * num, den)
    high = low + (1 if rest else 0)
    seconds = values[low] + (values[high] - values[low]) * rest / den
    return seconds / DAY


def _open(session: Session, filters: Filters, states: list[str]) -> dict[str, int]:
    """Count the records now in each measured state (their stays are still open)."""
    model, org = _organisation(filters.kind)
    rows = session.execute(
        select(model.state, func.count())
        .where(
            model.state.in_(states),
            *_within(model.state_changed_at, filters),
            *_same_organisation(org, filters),
        )
        .group_by(model.state)
    ).all()
    return {state: count for state, count in rows}


def _names(session: Session, ids: set) -> dict[int, str]:
    known = [i for i in ids if i is not None]
    if not known:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(known))
    )
    return {ident: name for ident, name in rows}
