"""Read what people type in a French form: dates jj/mm/aaaa, amounts 12 500,50 €, counts 1 200.

Stricter than the census import (engine.importing.values): a form field says what it expects, so
"mars 2022" or "12 k€" are refused with a French message rather than guessed.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

# Spaces people (and Babel's French formats) put between thousands: plain, no-break, narrow.
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_AMOUNT = re.compile(r"^(\d+)(?:[.,](\d{1,2}))?$")
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$")

DATE_EXPECTED = "Date attendue au format jj/mm/aaaa (ex. 15/03/2026)."
AMOUNT_EXPECTED = "Montant attendu en euros (ex. 12 500,50 €)."
CENTS_EXPECTED = "Au plus deux décimales (les centimes)."
INTEGER_EXPECTED = "Nombre entier positif attendu (ex. 1 200)."


class FrenchInputError(ValueError):
    """A value that cannot be read; its message says in French what is expected."""


def parse_date(text: str | None) -> date | None:
    """Read a date typed jj/mm/aaaa (or aaaa-mm-jj from a date picker); None when empty."""
    value = (text or "").strip()
    if not value:
        return None
    if match := _DAY_MONTH_YEAR.match(value):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.match(value):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise FrenchInputError(DATE_EXPECTED)
    try:
        return date(year, month, day)
    except ValueError:
        raise FrenchInputError(f"Cette date n'existe pas : {value}.") from None


def parse_amount(text: str | None) -> Decimal | None:
    """Read euros: "12 500,50 €", "12500.5", "12 500", "1.250,00"; None when empty."""
    value = _SPACES.sub("", text or "")
    if not value:
        return None
    value = value.removesuffix("€").removesuffix("EUR")
    if _GROUPED.match(value):
        # Dots grouping thousands (1.250.000 or 1.250,50): the comma, if any, is the decimal one.
        value = value.replace(".", "")
    match = _AMOUNT.match(value)
    if not match:
        if re.fullmatch(r"\d+[.,]\d{3,}", value):
            raise FrenchInputError(CENTS_EXPECTED)
        raise FrenchInputError(AMOUNT_EXPECTED)
    whole, cents = match.group(1), match.group(2) or "0"
    try:
        return Decimal(f"{whole}.{cents}").quantize(Decimal("0.01"))
    except InvalidOperation:
        raise FrenchInputError(AMOUNT_EXPECTED) from None


def parse_integer(text: str | None) -> int | None:
    """Read a whole number ≥ 0 written with or without thousands spaces; None when empty."""
    value = _SPACES.sub("", (text or "").strip())
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise FrenchInputError(INTEGER_EXPECTED)
    return int(value)


def amount_text(amount: Decimal | None) -> str:
    """Write an amount back into a form field as a French reader types it: "12 500,50"."""
    if amount is None:
        return ""
    whole, _, cents = f"{amount:.2f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    return grouped if cents == "00" else f"{grouped},{cents}"


def date_text(value: date | None) -> str:
    """Write a date back into a form field: "15/03/2026"."""
    return value.strftime("%d/%m/%Y") if value else ""
