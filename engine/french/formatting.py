"""French display of amounts, numbers, dates and instants, shared by documents and pages.

Babel's fr_FR formats group thousands with a narrow no-break space (U+202F) and put a no-break
space (U+00A0) before the euro sign, so a printed amount never breaks across two lines.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from engine.clock import local

LOCALE = "fr_FR"
NOTHING = "—"
CENT = Decimal("0.01")
NARROW_SPACE = "\u202f"


def money(amount: Decimal | int | None) -> str:
    """Format an amount in euros the French way: "12 500,50 €"."""
    if amount is None:
        return NOTHING
    return format_currency(amount, "EUR", locale=LOCALE)


def number(value: int | Decimal | None) -> str:
    """Format a count the French way: "1 200"."""
    if value is None:
        return NOTHING
    if isinstance(value, int) and -1000 < value < 1000:
        return str(value)  # no group to separate: Babel's answer, without its cost
    return format_decimal(value, locale=LOCALE)


def rate(value: Decimal | None) -> str:
    """Format a rate per thousand with two decimals the French way: "2,57"."""
    if value is None:
        return NOTHING
    # Babel's pattern, written by hand: a page shows a hundred rates (half-even, as Babel).
    rounded = Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return f"{rounded:,}".replace(",", NARROW_SPACE).replace(".", ",")


def day(value: date | None) -> str:
    """Format a date as "15/03/2022"."""
    if value is None:
        return NOTHING
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


def long_day(value: date | None) -> str:
    """Format a date as "mardi 9 décembre 2025"."""
    if value is None:
        return NOTHING
    return format_date(value, "full", locale=LOCALE)


def moment(instant: datetime | None) -> str:
    """Format an aware instant in Martinique time as "25/11/2026 à 16:46"."""
    if instant is None:
        return NOTHING
    if instant.tzinfo is None:
        # A naive instant is ambiguous: guessing its zone would print a wrong time silently.
        raise ValueError("naive datetime refused: pass an aware instant")
    there = local(instant)
    return f"{day(there.date())} à {format_time(there.time(), 'HH:mm', locale=LOCALE)}"
