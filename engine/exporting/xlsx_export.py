"""The inventory as an XLSX workbook: schemes, poolings and vocabularies, one sheet each.

Written with openpyxl's write-only mode: rows go to disk as they come, so memory stays flat.
Cells are typed (amounts and counts are numbers, dates are dates) so people can sort, filter
and add up; the header row is frozen and carries the auto-filter.
"""

from collections.abc import Iterable
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from engine.exporting.source import Inventory
from engine.exporting.table import pooling_headers, pooling_row, scheme_headers, scheme_row
from engine.models import VOCABULARIES
from engine.records import fields

# Format codes are locale-neutral: French Excel shows this one as "12 500,50 €".
MONEY = '#,##0.00 "€"'
DATE = "DD/MM/YYYY"
INSTANT = "DD/MM/YYYY HH:MM"

# Cell formats by kind of field; other cells are text, or numbers shown as they are.
FORMATS = {
    fields.MONEY: MONEY,
    fields.DATE: DATE,
    fields.END_DATE: DATE,
    fields.INSTANT: INSTANT,
}


def _formats(table: tuple[fields.Field, ...]) -> dict[str, str]:
    return {f.name: FORMATS[f.kind] for f in table if f.kind in FORMATS}


VOCABULARY_HEADERS = ["Vocabulaire", "Code", "Libellé", "Libellé (anglais)", "Actif"]


class Sheet:
    """A write-only sheet with a bold frozen header, set widths, typed cells and an auto-filter."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        headers: list[str],
        names: list[str],
        table: tuple[fields.Field, ...] = (),
    ) -> None:
        self.ws: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.width = len(headers)
        self.rows = 0
        # Before the first row: write-only mode writes the sheet view and columns up front.
        self.ws.freeze_panes = "A2"
        wide, formats = fields.widths(table), _formats(table)
        for index, (name, head) in enumerate(zip(names, headers, strict=True), start=1):
            width = wide.get(name, min(max(len(head) + 3, 12), 30))
            self.ws.column_dimensions[get_column_letter(index)].width = width
        # One styled cell per typed column, reused for every row: each row is serialised as
        # soon as it is appended, and a fresh styled cell per value would double the time.
        self.typed = {
            index: self._styled(fmt)
            for index, name in enumerate(names)
            if (fmt := formats.get(name)) is not None
        }
        bold = Font(bold=True)
        self.append_cells([self._styled(None, head, font=bold) for head in headers])

    def append(self, values: list[Any]) -> None:
        """Append a row of values, typed by column."""
        row: list[Any] = []
        for index, value in enumerate(values):
            if value is None:
                row.append(None)
            elif isinstance(value, str):
                row.append(self._text(value))
            elif index in self.typed:
                cell = self.typed[index]
                cell.value = value
                row.append(cell)
            else:
                row.append(value)
        self.append_cells(row)

    def append_cells(self, row: list[Any]) -> None:
        self.ws.append(row)
        self.rows += 1

    def finish(self) -> None:
        """Put the auto-filter on the header, over every written row."""
        self.ws.auto_filter.ref = f"A1:{get_column_letter(self.width)}{max(self.rows, 1)}"

    def _text(self, value: str) -> Any:
        # Control characters pasted from word processors make the file unreadable: drop them.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("=") or value in ERROR_CODES:
            # Typed text, never a formula or an error, whatever it starts with.
            cell = WriteOnlyCell(self.ws, value)
            cell.data_type = "s"
            return cell
        return value

    def _styled(self, fmt: str | None, value: Any = None, font: Font | None = None):
        cell = WriteOnlyCell(self.ws, value)
        if fmt is not None:
            cell.number_format = fmt
        if font is not None:
            cell.font = font
        return cell


def write(inventory: Inventory, out: BinaryIO) -> int:
    """Write the schemes, their poolings and the vocabularies as XLSX; return the scheme count."""
    workbook = Workbook(write_only=True)
    schemes = Sheet(
        workbook, "Dispositifs", scheme_headers(), list(fields.SCHEME_COLUMNS), fields.SCHEME_FIELDS
    )
    for scheme in inventory.schemes():
        schemes.append(scheme_row(scheme, inventory))
    schemes.finish()
    poolings = Sheet(
        workbook,
        "Mutualisations",
        pooling_headers(),
        list(fields.POOLING_COLUMNS),
        fields.POOLING_FIELDS,
    )
    _fill(poolings, (pooling_row(p, inventory) for p in inventory.poolings()))
    vocabularies = Sheet(workbook, "Vocabulaires", VOCABULARY_HEADERS, VOCABULARY_HEADERS)
    _fill(
        vocabularies,
        (
            [VOCABULARIES[t.vocabulary], t.code, t.label_fr, t.label_en, t.active]
            for t in inventory.vocabularies()
        ),
    )
    workbook.save(out)
    return schemes.rows - 1


def _fill(sheet: Sheet, rows: Iterable[list[Any]]) -> None:
    for row in rows:
        sheet.append(row)
    sheet.finish()
