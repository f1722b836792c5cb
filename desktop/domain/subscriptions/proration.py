"""Invoice lines of a billing period and of a mid-period change: prices prorated by days.

A piece of a period is charged ``price x days / days of the full period`` per plan line, rounded to
the currency (half up), quantity unchanged. A change in a period that was already invoiced credits
the unused days of the old plan the same way (a negative price) and charges the new plan for them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.domain.invoice import InvoiceLine
from desktop.domain.money import round_money
from desktop.domain.subscriptions.model import PlanLine
from desktop.domain.subscriptions.periods import Piece


def prorate(price: Decimal, days: int, full_days: int, currency: str) -> Decimal:
    if days == full_days:
        return price
    return round_money(price * Decimal(days) / Decimal(full_days), currency)


def _span(start: date, end: date, days: int, full_days: int) -> str:
    text = f"{start.isoformat()} – {end.isoformat()}"
    return text if days == full_days else f"{text} ({days}/{full_days} days)"


def period_lines(
    lines: tuple[PlanLine, ...], start: date, end: date, full_days: int, currency: str, sign: int = 1, prefix: str = "",
) -> list[InvoiceLine]:
    days = (end - start).days + 1
    span = _span(start, end, days, full_days)
    return [
        InvoiceLine(f"{prefix}{line.description}, {span}", line.quantity,
                    sign * prorate(line.unit_price, days, full_days, currency), line.vat_rate, unit=line.unit)
        for line in lines
    ]


def piece_lines(piece: Piece, currency: str) -> list[InvoiceLine]:
    """What a billing period (or the piece of it) costs."""
    return period_lines(piece.term.lines, piece.start, piece.end, piece.full_days, currency)


def credit_lines(lines: tuple[PlanLine, ...], start: date, end: date, full_days: int, currency: str) -> list[InvoiceLine]:
    """The credit for the unused days ``start``..``end`` of a period already invoiced."""
    return period_lines(lines, start, end, full_days, currency, sign=-1, prefix="Credit for unused time: ")


def charge_lines(lines: tuple[PlanLine, ...], start: date, end: date, full_days: int, currency: str) -> list[InvoiceLine]:
    """The charge for the new plan over ``start``..``end``."""
    return period_lines(lines, start, end, full_days, currency)
