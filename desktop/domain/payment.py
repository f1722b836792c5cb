"""Payments and how an amount is spread over open invoices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from desktop.domain.errors import ValidationError
from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.domain.money import ZERO


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CASH = "cash"
    DIRECT_DEBIT = "direct_debit"
    PAY_LINK = "pay_link"  # paid through a payment provider's link
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_id: InvoiceId
    amount: Decimal


@dataclass(slots=True)
class PaymentInput:
    customer_id: CustomerId
    date: date
    amount: Decimal
    currency: str
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    note: str = ""
    allocations: list[Allocation] = field(default_factory=list)
    id: PaymentId | None = None


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An invoice with something still to pay, as allocation sees it."""

    invoice_id: InvoiceId
    number: str
    due_date: date
    currency: str
    open_amount: Decimal


def oldest_first(amount: Decimal, items: list[OpenItem]) -> list[Allocation]:
    """Spread ``amount`` over open items, oldest due date first; what is left stays as credit."""
    left = amount
    result: list[Allocation] = []
    for item in sorted(items, key=lambda i: (i.due_date, i.number)):
        if left <= 0:
            break
        take = min(left, item.open_amount)
        if take > 0:
            result.append(Allocation(item.invoice_id, take))
            left -= take
    return result


def validate_payment(payment: PaymentInput, open_by_invoice: dict[InvoiceId, OpenItem]) -> None:
    problems: dict[str, str] = {}
    if payment.amount <= 0:
        problems["amount"] = "The payment amount must be above zero."
    allocated = sum((a.amount for a in payment.allocations), ZERO)
    if allocated > payment.amount:
        problems["allocations"] = f"{allocated} is allocated, more than the payment of {payment.amount}."
    for index, allocation in enumerate(payment.allocations):
        item = open_by_invoice.get(allocation.invoice_id)
        if item is None:
            problems[f"allocations[{index}]"] = "This invoice is not open for payments."
        elif item.currency != payment.currency:
            problems[f"allocations[{index}]"] = f"Invoice {item.number} is in {item.currency}, the payment in {payment.currency}."
        elif allocation.amount <= 0 or allocation.amount > item.open_amount:
            problems[f"allocations[{index}]"] = f"Invoice {item.number} has {item.open_amount} open; allocate between 0 and that."
    if problems:
        raise ValidationError(problems)
