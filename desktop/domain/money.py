"""Money: ``Decimal`` amounts rounded per currency, stored as integer minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision

ZERO = Decimal(0)


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


@cache
def precision(currency: str) -> int:
    """Number of decimal places of ``currency`` (EUR 2, JPY 0, BHD 3)."""
    return int(get_currency_precision(currency))


@cache
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-precision(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half away from zero to the currency's minor unit, as invoices and banks do."""
    return amount.quantize(_quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """``Decimal('12.34')`` EUR -> ``1234``. The amount must already be rounded."""
    rounded = round_money(amount, currency)
    if rounded != amount:
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(rounded.scaleb(precision(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """``1234`` EUR -> ``Decimal('12.34')``."""
    return Decimal(minor).scaleb(-precision(currency)).quantize(_quantum(currency))


def parse_amount(text: str) -> Decimal:
    """Parse a plain decimal string (``"1234.50"``); raise ``ValueError`` if it is not one."""
    from decimal import InvalidOperation

    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount")
    return value


def as_text(amount: Decimal, currency: str) -> str:
    """The amount as a plain decimal string with the currency's decimals (for JSON and CSV)."""
    return str(round_money(amount, currency))


def same_currency(a: str, b: str) -> str:
    if a != b:
        raise CurrencyMismatch(f"cannot combine {a} and {b}")
    return a
