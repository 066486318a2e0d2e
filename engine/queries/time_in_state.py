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
    and_,
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
    for (state,), stat in _percentiles(session, stays, [stays.c.state]).items():
        report.per_state[state] = stat
    by_org = _percentiles(session, stays, [stays.c.state, stays.c.organisation_id])
    report.per_organisation = {(s, o): stat for (s, o), stat in by_org.items()}
    leads = _leads(session, filters, workflow.initial)
    report.lead = _percentiles(session, leads, []).get(())
    by_org = _percentiles(session, leads, [leads.c.organisation_id])
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


def _leads(session: Session, filters: Filters, initial: str) -> CTE:
    """The decided records: (organisation_id, seconds) from first submission to decision."""
    ev = AuditEvent
    submitted = (
        select(ev.record_id, func.min(ev.occurred_at).label("at"))
        .where(
            ev.record_type == filters.kind,
            # Submitted: a draft's `submit`, or a record created past its draft (a pooling, an
            # imported scheme).
            or_(ev.action == "submit", and_(ev.action == "create", ev.to_state != initial)),
        )
        .group_by(ev.record_id)
        .subquery("submitted")
    )
    decided = (
        select(ev.record_id, func.min(ev.occurred_at).label("at"))
        .where(ev.record_type == filters.kind, ev.to_state.in_(DECISIONS))
        .group_by(ev.record_id)
        .subquery("decided")
    )
    model, org = _organisation(filters.kind)
    return (
        select(
            org.label("organisation_id"),
            _seconds(session, decided.c.at, submitted.c.at).label("seconds"),
        )
        .select_from(decided)
        .join(submitted, submitted.c.record_id == decided.c.record_id)
        .join(model, model.id == decided.c.record_id)
        .where(*_within(decided.c.at, filters), *_same_organisation(org, filters))
        .cte("leads")
    )


def _percentiles(session: Session, source: CTE, groups: list) -> dict[tuple, Stat]:
    """Count, median and 90th percentile (in days) of `source.seconds` per group."""
    partition = groups or None
    ranked = select(
        *groups,
        source.c.seconds,
        (func.row_number().over(partition_by=partition, order_by=source.c.seconds) - 1).label(
            "rank"
        ),
        func.count().over(partition_by=partition).label("n"),
    ).subquery("ranked")
    keys = [ranked.c[g.name] for g in groups]
    wanted = [r for p in (MEDIAN, P90) for r in _ranks(ranked.c.n, *p)]
    rows = session.execute(
        select(*keys, ranked.c.n, ranked.c.rank, ranked.c.seconds).where(
            or_(*(ranked.c.rank == r for r in wanted))
        )
    ).all()
    picked: dict[tuple, dict[int, int]] = {}
    counts: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row[: len(keys)])
        counts[key] = row.n
        picked.setdefault(key, {})[row.rank] = row.seconds
    return {
        key: Stat(counts[key], *(_interpolate(values, counts[key], *p) for p in (MEDIAN, P90)))
        for key, values in picked.items()
    }


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
