"""Numbers the user types, and money, dates and states as the window shows them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.states import InvoiceStatus
from desktop.ui.formatting import date_text, money, number, parse_decimal, status_text


@pytest.mark.parametrize(("text", "expected"), [
    ("1234.5", "1234.5"), ("1234,5", "1234.5"), ("1,234.50", "1234.50"), ("1.234,50", "1234.50"),
    ("1 234,50", "1234.50"), ("1\u00a0234,50", "1234.50"), ("1.234.567", "1234567"), ("1,234,567", "1234567"),
    ("-12,5", "-12.5"), ("21%", "21"), (" 7 ", "7"), ("1'234.50", "1234.50"),
])
def test_parse_decimal_takes_either_separator(text: str, expected: str):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3.4.5", "1.2.3,4,5", "NaN", "Infinity", "12e"])
def test_parse_decimal_refuses_what_is_not_a_number(text: str):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_money_has_the_currency_decimals_and_groups():
    assert money(Decimal("1234.5"), "EUR", "en") == "1,234.50"
    assert money(Decimal("1234.5"), "EUR", "de_DE") == "1.234,50"
    assert money(Decimal("1234"), "JPY", "en") == "1,234"
    assert money(Decimal("-12.345"), "BHD", "en") == "-12.345"


def test_numbers_and_dates():
    assert number(Decimal("21.00"), "en") == "21"
    assert number(Decimal("1.500"), "en") == "1.5"
    assert date_text(date(2026, 11, 21), "en") == "Nov 21, 2026"
    assert date_text(None) == ""


def test_every_status_has_a_text():
    assert [status_text(s) for s in InvoiceStatus] == ["Draft", "Open", "Partially paid", "Paid", "Void", "Written off"]
