"""Fees and interest of a reminder: shown as separate lines, never added to the invoice."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.money import round_money

DAYS_PER_YEAR = Decimal(365)


def interest(open_amount: Decimal, yearly_rate: Decimal, days_overdue: int, currency: str) -> Decimal:
    """``open * rate/100 * days/365``, rounded half up to the currency; 0 before the due date."""
    if days_overdue <= 0 or not yearly_rate or open_amount <= 0:
        return round_money(Decimal(0), currency)
    return round_money(open_amount * yearly_rate / 100 * days_overdue / DAYS_PER_YEAR, currency)


def fee(level_fee: Decimal, currency: str) -> Decimal:
    return round_money(max(level_fee, Decimal(0)), currency)
