"""Dates, amounts and counts as French users type them in a form."""

from datetime import date
from decimal import Decimal

import pytest

from engine.french.inputs import (
    FrenchInputError,
    amount_text,
    date_text,
    parse_amount,
    parse_date,
    parse_integer,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/03/2026", date(2026, 3, 15)),
        ("5/3/2026", date(2026, 3, 5)),
        (" 05.03.2026 ", date(2026, 3, 5)),
        ("2026-03-15", date(2026, 3, 15)),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_read_day_first(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["15/03/26", "mars 2026", "2026/03/15", "demain", "03-2026"])
def test_other_date_forms_are_refused_with_the_expected_form(typed):
    with pytest.raises(FrenchInputError, match="jj/mm/aaaa"):
        parse_date(typed)


def test_an_impossible_date_is_named():
    with pytest.raises(FrenchInputError, match="n'existe pas : 31/02/2026"):
        parse_date("31/02/2026")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12 500,50 €", Decimal("12500.50")),
        ("12\u202f500,50\u00a0€", Decimal("12500.50")),
        ("12500.5", Decimal("12500.50")),
        ("12 500", Decimal("12500.00")),
        ("1.250.000", Decimal("1250000.00")),
        ("1.250,75", Decimal("1250.75")),
        ("0", Decimal("0.00")),
        ("300 EUR", Decimal("300.00")),
        ("", None),
        ("  ", None),
    ],
)
def test_amounts_are_read_as_people_write_them(typed, expected):
    assert parse_amount(typed) == expected


@pytest.mark.parametrize("typed", ["douze", "-5", "12 k€", "1,2,3", "€"])
def test_unreadable_amounts_are_refused(typed):
    with pytest.raises(FrenchInputError):
        parse_amount(typed)


def test_more_than_two_decimals_is_refused_not_rounded():
    with pytest.raises(FrenchInputError, match="deux décimales"):
        parse_amount("12,505")


@pytest.mark.parametrize(("typed", "expected"), [("1 200", 1200), ("0", 0), ("", None)])
def test_counts(typed, expected):
    assert parse_integer(typed) == expected


@pytest.mark.parametrize("typed", ["-3", "1,5", "beaucoup", "١٢"])
def test_bad_counts(typed):
    with pytest.raises(FrenchInputError, match="entier"):
        parse_integer(typed)


def test_values_are_written_back_as_typed():
    assert amount_text(Decimal("12500.50")) == "12 500,50"
    assert amount_text(Decimal("300.00")) == "300"
    assert amount_text(None) == ""
    assert date_text(date(2026, 3, 5)) == "05/03/2026"
    assert parse_amount(amount_text(Decimal("1234567.89"))) == Decimal("1234567.89")
