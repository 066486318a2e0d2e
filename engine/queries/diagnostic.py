"""The diagnostic: per indicator and year, each commune's recorded-crime rate beside the coverage
of the matching themes by the inventory, the département's rate, and the gaps.

A gap is a commune whose published rate is above the département's, with no approved or
in-progress scheme (recorded, changes requested, reviewed, proposed) of any matching theme
covering it — itself, its EPCI or all Martinique (the dashboard's coverage matrix, kept between
requests). A withheld figure (« non diffusé ») is never compared: it is not a number.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.diagnostic.indicators import Indicator, indicators
from engine.diagnostic.ssmsi import INVENTED
from engine.models import AuditEvent, CrimeFigure, DiagnosticNote, Territory, VocabularyTerm
from engine.queries.dashboard import Cell, coverage_of


@dataclass(frozen=True)
class ThemeCoverage:
    code: str
    label_fr: str
    label_en: str
    cell: Cell


@dataclass(frozen=True)
class CommuneLine:
    code: str
    name: str
    epci: str
    figure: CrimeFigure | None  # None: the file has no row for this commune
    coverage: tuple[ThemeCoverage, ...]
    above: bool  # published and above the département's rate

    @property
    def withheld(self) -> bool:
        return self.figure is not None and not self.figure.published

    @property
    def covered(self) -> bool:
        return any(t.cell.approved or t.cell.in_progress for t in self.coverage)

    @property
    def gap(self) -> bool:
        return self.above and not self.covered


@dataclass(frozen=True)
class Diagnostic:
    indicator: Indicator | None
    year: int | None
    choices: dict[str, list[int]]  # indicator name → its years, newest first
    department: CrimeFigure | None
    lines: list[CommuneLine]

    @property
    def gaps(self) -> list[CommuneLine]:
        return [line for line in self.lines if line.gap]

    @property
    def empty(self) -> bool:
        return not self.choices

    @property
    def highest_rate(self) -> Decimal | None:
        rates = [line.figure.rate for line in self.lines if line.figure and line.figure.rate]
        return max(rates, default=None)


def available(session: Session) -> dict[str, list[int]]:
    """Return the indicators with figures, in the data file's order, and their years."""
    rows = session.execute(
        select(CrimeFigure.indicator, CrimeFigure.year)
        .distinct()
        .order_by(CrimeFigure.indicator, CrimeFigure.year.desc())
    ).all()
    years: dict[str, list[int]] = {}
    for name, year in rows:
        years.setdefault(name, []).append(year)
    order = list(indicators())
    return {name: years[name] for name in sorted(years, key=_position(order))}


def _position(order: list[str]):
    return lambda name: (order.index(name) if name in order else len(order), name)


def diagnostic(
    session: Session, indicator: str | None = None, year: int | None = None
) -> Diagnostic:
    """Return the diagnostic of `indicator` in `year` (by default the first indicator with
    figures and its latest year); an indicator or year without figures falls back the same way."""
    choices = available(session)
    if not choices:
        return Diagnostic(None, None, {}, None, [])
    name = indicator if indicator in choices else next(iter(choices))
    year = year if year in choices[name] else choices[name][0]
    figures = {
        f.territory_code: f
        for f in session.scalars(
            select(CrimeFigure).where(CrimeFigure.indicator == name, CrimeFigure.year == year)
        )
    }
    department = figures.pop("972", None)
    known = indicators().get(name) or Indicator(name, name, ())
    lines = _lines(session, known, figures, department)
    return Diagnostic(known, year, choices, department, lines)


def _lines(session, indicator: Indicator, figures, department) -> list[CommuneLine]:
    themes = list(
        session.scalars(
            select(VocabularyTerm).where(
                VocabularyTerm.vocabulary == "theme", VocabularyTerm.code.in_(indicator.themes)
            )
        )
    )
    themes.sort(key=lambda term: indicator.themes.index(term.code))
    matrix = coverage_of(session, {term.id for term in themes})
    epcis = dict(
        session.execute(
            select(Territory.id, Territory.short_name).where(Territory.kind == "epci")
        ).all()
    )
    threshold = department.rate if department is not None and department.published else None
    lines = []
    for commune in session.scalars(
        select(Territory).where(Territory.kind == "commune").order_by(Territory.name)
    ):
        figure = figures.get(commune.code)
        cover = tuple(
            ThemeCoverage(t.code, t.label_fr, t.label_en, matrix.get((commune.id, t.id), Cell()))
            for t in themes
        )
        above = (
            threshold is not None
            and figure is not None
            and figure.published
            and figure.rate is not None
            and figure.rate > threshold
        )
        lines.append(
            CommuneLine(
                commune.code, commune.name, epcis.get(commune.epci_id, ""), figure, cover, above
            )
        )
    return lines


def imports(session: Session) -> list[AuditEvent]:
    """Every import's audit event (file, SHA-256, counts), newest first. A handful a year: read
    by their (record_type, action) index and sorted here — asked to sort by position, SQLite
    walks the whole log's position index instead."""
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.record_type == "diagnostic", AuditEvent.action == "diagnostic_import"
        )
    )
    return sorted(events, key=lambda event: event.position, reverse=True)


def sources(events: list[AuditEvent], year: int | None) -> list[AuditEvent]:
    """Among the imports (newest first), the latest of each level (communes, département) that
    brought `year`'s figures: the files the page's numbers come from."""
    found: dict[str, AuditEvent] = {}
    for event in events:
        if year in event.data.get("years", ()) and event.data.get("level") not in found:
            found[event.data["level"]] = event
    return sorted(found.values(), key=lambda event: event.data["level"])


def invented(events: list[AuditEvent]) -> bool:
    """Whether figures come from the demo's files of invented numbers (named so)."""
    return any(INVENTED in event.data.get("file_name", "") for event in events)


def notes(session: Session, indicator: str, year: int) -> dict[str, list[DiagnosticNote]]:
    """Return the COTECH's notes of an indicator and year by commune, oldest first (the caller
    checks the reader may see them)."""
    out: dict[str, list[DiagnosticNote]] = {}
    for note in session.scalars(
        select(DiagnosticNote)
        .options(joinedload(DiagnosticNote.author))
        .where(DiagnosticNote.indicator == indicator, DiagnosticNote.year == year)
        .order_by(DiagnosticNote.id)
    ):
        out.setdefault(note.territory_code, []).append(note)
    return out
