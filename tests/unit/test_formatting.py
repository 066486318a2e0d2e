"""French display of amounts, dates and instants."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from engine.french import formatting
from engine.french.formatting import day, long_day, moment, money, number

NNBSP, NBSP = "\u202f", "\xa0"  # what Babel's fr_FR puts between thousands and before "€"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("12500.50"), f"12{NNBSP}500,50{NBSP}€"),
        (Decimal("0"), f"0,00{NBSP}€"),
        (Decimal("1234567.8"), f"1{NNBSP}234{NNBSP}567,80{NBSP}€"),
        (250, f"250,00{NBSP}€"),
        (None, "—"),
    ],
)
def test_money_is_formatted_the_french_way(amount, shown):
    assert money(amount) == shown


def test_number_groups_thousands():
    assert number(1200) == f"1{NNBSP}200"
    assert number(None) == "—"


def test_day_is_day_month_year():
    assert day(date(2022, 3, 15)) == "15/03/2022"
    assert day(None) == "—"


def test_long_day_names_the_weekday_and_month_in_french():
    assert long_day(date(2025, 12, 9)) == "mardi 9 décembre 2025"
    assert long_day(None) == "—"


def test_moment_is_shown_in_martinique_time():
    # 20:46 UTC is 16:46 in Martinique (UTC-4, no daylight saving).
    assert moment(datetime(2026, 11, 25, 20, 46, tzinfo=UTC)) == "25/11/2026 à 16:46"


def test_moment_crosses_midnight_back_to_the_martinique_day():
    assert moment(datetime(2026, 1, 1, 2, 5, tzinfo=UTC)) == "31/12/2025 à 22:05"


def test_moment_accepts_any_aware_zone():
    paris = timezone(timedelta(hours=1))
    assert moment(datetime(2026, 3, 1, 12, 0, tzinfo=paris)) == "01/03/2026 à 07:00"


def test_moment_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="naive"):
        moment(datetime(2026, 3, 1, 12, 0))
    assert moment(None) == "—"


@pytest.mark.parametrize(
    "value", ["0", "2.5", "2.345", "2.355", "999.999", "1234.5678", "-3.2", "12345678.9"]
)
def test_rates_read_as_babel_writes_them(value):
    expected = format_decimal(Decimal(value), format="#,##0.00", locale="fr_FR")
    assert formatting.rate(Decimal(value)) == expected


@pytest.mark.parametrize("value", [0, 7, 999, -999, 1000, 12345, -1000])
def test_counts_read_as_babel_writes_them(value):
    assert formatting.number(value) == format_decimal(value, locale="fr_FR")
