"""Read cell values as people type them: amounts, dates, numbers, lists, texts."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from engine.french.text import fold, key, unguard_formula

# What people write in a cell that has nothing to say.
BLANKS = {"", "-", "--", "/", "?", "nc", "n/c", "neant", "non communique", "inconnu", "ras"}
# A list separator: ; / • or a line break, or a comma not inside a number ("12 500,50 €").
LIST_SEPARATOR = re.compile(r"\s*(?:[;/•\n\r]|,(?!\d))\s*")
SPACES = re.compile(r"[\s\u00a0\u202f']+")
AMOUNT = re.compile(r"^(\d+(?:[.,]\d+)*)(k|m|millions?|milliers?)?(€|eur|euros?)?$")
DOTTED_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
MULTIPLIERS = {"k": 1000, "millier": 1000, "m": 10**6, "million": 10**6}
EXCEL_EPOCH = date(1899, 12, 30)
MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
WORDS_DATE = re.compile(r"^(?:(\d{1,2})(?:er)? )?([a-z]+) (\d{4})$")

AMOUNT_EXPECTED = "montant en euros (ex. 12 500,50 € ou 12 k€)"
DATE_EXPECTED = "date (ex. 15/03/2022)"
INTEGER_EXPECTED = "nombre entier positif (ex. 120)"


class BadValue(ValueError):
    """A cell that cannot be read; `expected` says in French what it should hold."""

    def __init__(self, expected: str, value: str | None = None) -> None:
        super().__init__(expected)
        self.expected, self.value = expected, value


def is_blank(value: object) -> bool:
    """Tell whether a cell says nothing (empty, "-", "NC", "néant"…)."""
    if not isinstance(value, str):
        return value is None
    # Placeholders are short: a long text is never one, and need not be folded to tell.
    return len(value) <= 20 and fold(value) in BLANKS


def shown(value: object) -> str:
    """Return a cell as the report quotes it."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else " ".join(str(value).split())


def text(value: object) -> str | None:
    """Read a text cell, spaces tidied; numbers as written."""
    if is_blank(value):
        return None
    return unguard_formula(shown(value).strip()) or None


def long_text(value: object) -> str | None:
    """Read a paragraph cell (description…): its line breaks kept, its ends trimmed."""
    if is_blank(value) or not isinstance(value, str):
        return text(value)
    return unguard_formula(value.replace("\r\n", "\n").replace("\r", "\n").strip()) or None


def amount(value: object) -> Decimal | None:
    """Read euros: 12500.5, "12 500,50 €", "12 k€", "1,2 M€", "1.250.000"."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue(AMOUNT_EXPECTED)
    if isinstance(value, int | float | Decimal):
        return _cents(Decimal(str(value)))
    compact = SPACES.sub("", fold(str(value)))
    match = AMOUNT.match(compact)
    if not match:
        raise BadValue(AMOUNT_EXPECTED)
    number, unit = match.group(1), (match.group(2) or "").rstrip("s")
    if DOTTED_THOUSANDS.match(number) and not unit:
        number = number.replace(".", "")
    elif "," in number and "." in number:
        # The last separator is the decimal one: 1.250,50 or 1,250.50.
        thousands = "." if number.rfind(",") > number.rfind(".") else ","
        number = number.replace(thousands, "")
    try:
        result = Decimal(number.replace(",", ".")) * MULTIPLIERS.get(unit, 1)
    except InvalidOperation as exc:
        raise BadValue(AMOUNT_EXPECTED) from exc
    return _cents(result)


def _cents(number: Decimal) -> Decimal:
    if not number.is_finite() or number < 0:
        raise BadValue(AMOUNT_EXPECTED)
    rounded = number.quantize(Decimal("0.01"))
    # A spreadsheet's float may carry binary noise (0.30000000000000004); real extra decimals
    # are an error the user should see.
    if abs(rounded - number) > Decimal("0.000001"):
        raise BadValue("montant en euros, au centime près (deux décimales au plus)")
    return rounded


def integer(value: object, unit: str = "") -> int | None:
    """Read a whole number ≥ 0: 120, "1 200", "12 ans" when `unit` is "ans"."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    compact = SPACES.sub("", fold(str(value)))
    if unit:
        compact = compact.removesuffix(unit)
    if not compact.isdigit():
        raise BadValue(INTEGER_EXPECTED)
    return int(compact)


def day(value: object, *, last: bool = False) -> date | None:
    """Read a date: a date cell, an Excel serial, 15/03/2022, 2022-03-15, "mars 2022", 2022.

    A month or a year alone means its first day, or its last one when `last` (an end date).
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _serial_or_year(value, last)
    try:
        return _date_text(fold(str(value)).replace(",", ""), last)
    except ValueError as exc:
        raise BadValue(DATE_EXPECTED) from exc


def _serial_or_year(number: int, last: bool) -> date:
    if 1950 <= number <= 2100:
        return _period(number, None, last)
    # Excel's day numbers from 1954 to 2119: a date cell a CSV export lost the format of.
    if 20000 <= number <= 80000:
        return EXCEL_EPOCH + timedelta(days=number)
    raise BadValue(DATE_EXPECTED)


def _date_text(text: str, last: bool) -> date:
    if match := DAY_MONTH_YEAR.match(text):
        d, m, y = (int(g) for g in match.groups())
        return date(y + 2000 if y < 100 else y, m, d)
    if match := ISO.match(text):
        return date(*(int(g) for g in match.groups()))
    if match := MONTH_YEAR.match(text):
        return _period(int(match.group(2)), int(match.group(1)), last)
    if text.isdigit():
        return _serial_or_year(int(text), last)
    if (match := WORDS_DATE.match(text)) and match.group(2) in MONTHS:
        month, year = MONTHS[match.group(2)], int(match.group(3))
        if match.group(1):
            return date(year, month, int(match.group(1)))
        return _period(year, month, last)
    raise ValueError(text)


def _period(year: int, month: int | None, last: bool) -> date:
    if not last:
        return date(year, month or 1, 1)
    if month is None or month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def pieces(value: object) -> list[str]:
    """Split a list cell on ; , / • or line breaks; keep the non-blank pieces."""
    if is_blank(value):
        return []
    return [p for p in LIST_SEPARATOR.split(shown_multiline(value)) if not is_blank(p)]


def items(value: object) -> list[str]:
    """Split a list of names (partners, funders) on ; or line breaks, else like `pieces`."""
    # Names may hold commas ("Ville, CCAS ; CAF"): when the cell has a stronger separator,
    # only that one separates.
    text = "" if is_blank(value) else shown_multiline(value)
    if not re.search(r"[;\n\r]", text):
        return pieces(text)
    return [p.strip() for p in re.split(r"[;\n\r]+", text) if not is_blank(p.strip())]


def shown_multiline(value: object) -> str:
    """Return a cell as text, keeping its line breaks (they separate list items)."""
    return value.strip() if isinstance(value, str) else shown(value)


def web_address(value: object) -> str | None:
    """Read a web address; "www.example.mq" gets its https:// prefix."""
    result = text(value)
    if result and result.lower().startswith("www."):
        return "https://" + result
    return result


def phone(value: object) -> str | None:
    """Read a phone number; a number cell lost its leading zero (596123456 → 0596123456)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "0" + str(int(value))
    return text(value)


def folded_key(value: object) -> str:
    """Return the matching key of a cell (see engine.french.text.key)."""
    return key(shown(value))
