"""The inventory as a CSV file that French Excel opens as it is: double-click, read, sort.

UTF-8 with a byte order mark (else Excel reads Windows-1252), `;` between fields and CRLF
between lines (Excel's French list separator and line end), decimals with a comma and no
thousands separator (so Excel reads a number, not text), dates as jj/mm/aaaa.
"""

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from engine.exporting.source import Inventory
from engine.exporting.table import french_decimal, scheme_headers, scheme_row
from engine.french.text import guard_formula

BOM = "\ufeff"


def write(inventory: Inventory, out: BinaryIO) -> int:
    """Write the schemes as an Excel-ready French CSV; return how many."""
    rows = (scheme_row(scheme, inventory) for scheme in inventory.schemes())
    return write_rows(out, scheme_headers(), rows)


def write_rows(
    out: BinaryIO,
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    render: Callable[[Any], str] | None = None,
) -> int:
    """Write a header and rows as an Excel-ready French CSV, each value through `render`
    (`cell` by default); return how many rows."""
    render = render or cell
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        text.write(BOM)
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        count = 0
        for row in rows:
            writer.writerow([render(value) for value in row])
            count += 1
        text.flush()
    finally:
        # The caller owns `out`: detach so that closing the wrapper never closes it.
        text.detach()
    return count


def cell(value: Any) -> str:
    """Render one value for French Excel."""
    if value is None:
        return ""
    if isinstance(value, str):
        # Text typed by people must never run as a formula (=HYPERLINK(…), =cmd|…).
        return guard_formula(value)
    if isinstance(value, Decimal):
        return french_decimal(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
