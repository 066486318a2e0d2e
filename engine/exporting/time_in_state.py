"""The time-in-state report as rows, and those rows as a French CSV or an XLSX workbook.

The rows are what the page shows: the stays per state (all organisations, then each one), then
the lead times from submission to decision. Durations are in days with one decimal.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import BinaryIO

from openpyxl import Workbook

from engine.exporting.csv_export import cell, write_rows
from engine.exporting.xlsx_export import Sheet
from engine.queries.time_in_state import Report, Stat
from engine.rules.workflow import Workflow

HEADERS = [
    "Mesure",
    "État",
    "Organisation",
    "Séjours mesurés",
    "Médiane (jours)",
    "90e centile (jours)",
    "Séjours en cours",
]
STAY, LEAD = "Séjour dans l'état", "Délai de la soumission à la décision"
EVERY = "Toutes"
NO_ORGANISATION = "Sans organisation"
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Row:
    measure: str
    state: str
    organisation: str
    stat: Stat | None
    open: int | None = None

    def values(self) -> list:
        stat = self.stat
        return [
            self.measure,
            self.state,
            self.organisation,
            stat.count if stat else 0,
            days(stat.median) if stat else None,
            days(stat.p90) if stat else None,
            self.open,
        ]


def days(value: float) -> Decimal:
    """Round a duration in days to one decimal, halves up (2.25 → 2.3)."""
    return Decimal(repr(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def state_label(workflow: Workflow, name: str) -> str:
    label = workflow.states[name].label
    return label[:1].upper() + label[1:]


def rows(report: Report, workflow: Workflow) -> list[Row]:
    """The report's rows in the page's order."""
    out = [
        Row(
            STAY,
            state_label(workflow, s),
            EVERY,
            report.per_state.get(s),
            report.open.get(s, 0),
        )
        for s in report.states
    ]
    for org_id, name in organisation_order(report):
        for s in report.states:
            if (stat := report.per_organisation.get((s, org_id))) is not None:
                out.append(Row(STAY, state_label(workflow, s), name, stat))
    out.append(Row(LEAD, "", EVERY, report.lead))
    for org_id, name in organisation_order(report):
        if (stat := report.lead_per_organisation.get(org_id)) is not None:
            out.append(Row(LEAD, "", name, stat))
    return out


def organisation_order(report: Report) -> list[tuple[int | None, str]]:
    """The organisations measured, by name; the records without one last."""
    ids = {o for _, o in report.per_organisation} | set(report.lead_per_organisation)
    named = sorted(
        ((i, report.organisations.get(i, "")) for i in ids if i is not None),
        key=lambda pair: pair[1].casefold(),
    )
    return named + ([(None, NO_ORGANISATION)] if None in ids else [])


def write_csv(table: list[Row], out: BinaryIO) -> None:
    """Write the rows as a CSV French Excel opens as it is (see csv_export)."""
    write_rows(out, HEADERS, (row.values() for row in table), _csv_cell)


def _csv_cell(value) -> str:
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return cell(value)


def write_xlsx(table: list[Row], out: BinaryIO) -> None:
    """Write the rows as one sheet, durations as numbers with one decimal."""
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "Délais", HEADERS, HEADERS)
    # One styled cell per duration column, reused row after row (rows are written at once).
    median, p90 = sheet._styled("0.0"), sheet._styled("0.0")
    for row in table:
        values = row.values()
        durations = [_number(v, c) for v, c in zip(values[4:6], (median, p90), strict=True)]
        sheet.append([*values[:4], *durations, values[6]])
    sheet.finish()
    workbook.save(out)


def _number(value: Decimal | None, styled):
    if value is None:
        return None
    styled.value = float(value)
    return styled
