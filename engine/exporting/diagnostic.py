"""The diagnostic as rows, and those rows as a French CSV or an XLSX workbook.

A withheld figure is written « non diffusé » in its count and rate cells, never a number and
never left blank (a blank sums as 0 in a spreadsheet).
"""

from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook

from engine.exporting.csv_export import cell, write_rows
from engine.exporting.xlsx_export import Sheet
from engine.queries.diagnostic import CommuneLine, Diagnostic

WITHHELD = "non diffusé"
ABSENT = "absent du fichier"


def headers(result: Diagnostic) -> list[str]:
    themes = result.lines[0].coverage if result.lines else ()
    per_theme = [
        f"{label} : {t.label_fr}"
        for t in themes
        for label in ("Dispositifs approuvés", "Dispositifs en cours")
    ]
    return [
        "Code INSEE",
        "Commune",
        "EPCI",
        "Indicateur",
        "Année",
        "Unité de compte",
        "Nombre",
        "Taux pour mille",
        "Taux départemental pour mille",
        "Au-dessus du taux départemental",
        *per_theme,
        "Manque (au-dessus, sans dispositif)",
    ]


def rows(result: Diagnostic) -> list[list]:
    department = result.department.rate if result.department else None
    return [_row(result, line, department) for line in result.lines]


def _row(result: Diagnostic, line: CommuneLine, department: Decimal | None) -> list:
    figure = line.figure
    if figure is None:
        count = rate = ABSENT
    elif not figure.published:
        count = rate = WITHHELD
    else:
        count, rate = figure.count, figure.rate
    coverage = [n for t in line.coverage for n in (t.cell.approved, t.cell.in_progress)]
    return [
        line.code,
        line.name,
        line.epci,
        result.indicator.name,
        result.year,
        figure.unit if figure else "",
        count,
        rate,
        department,
        "oui" if line.above else "non",
        *coverage,
        "oui" if line.gap else "non",
    ]


def write_csv(result: Diagnostic, out: BinaryIO) -> None:
    """Write the rows as a CSV French Excel opens as it is (see csv_export)."""
    write_rows(out, headers(result), rows(result), _csv_cell)


def _csv_cell(value) -> str:
    # Rates keep the SSMSI's seven decimals (csv_export's cell rounds amounts to cents).
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return cell(value)


def write_xlsx(result: Diagnostic, out: BinaryIO) -> None:
    """Write the rows as one sheet, rates as numbers, withheld figures as text."""
    workbook = Workbook(write_only=True)
    names = headers(result)
    sheet = Sheet(workbook, "Diagnostic", names, names)
    for row in rows(result):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    sheet.finish()
    workbook.save(out)
