"""Payments and their allocations to invoices; credit notes applied to invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, delete, func, insert, select

from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.domain.money import from_minor, to_minor
from desktop.domain.payment import Allocation, OpenItem, PaymentInput, PaymentMethod
from desktop.domain.states import COLLECTIBLE_STATES, InvoiceKind
from desktop.store.schema import allocations, customers, invoices, payments
from desktop.store.types import utcnow


@dataclass(frozen=True, slots=True)
class PaymentSummary:
    id: PaymentId
    customer_id: CustomerId
    customer_number: str
    customer_name: str
    date: date
    amount: Decimal
    currency: str
    method: PaymentMethod
    note: str
    allocated: Decimal
    invoices: tuple[str, ...]

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated


def insert_payment(conn: Connection, payment: PaymentInput) -> PaymentId:
    now = utcnow()
    new_id = conn.execute(insert(payments).values(
        customer_id=payment.customer_id, date=payment.date, amount_minor=to_minor(payment.amount, payment.currency),
        currency=payment.currency, method=payment.method.value, note=payment.note, created_at=now,
    ).returning(payments.c.id)).scalar_one()
    if payment.allocations:
        add_allocations(conn, PaymentId(new_id), payment.currency, payment.allocations)
    return PaymentId(new_id)


def add_allocations(conn: Connection, payment_id: PaymentId, currency: str, items: list[Allocation]) -> None:
    now = utcnow()
    conn.execute(insert(allocations), [
        {"invoice_id": a.invoice_id, "payment_id": payment_id, "credit_note_id": None,
         "amount_minor": to_minor(a.amount, currency), "created_at": now}
        for a in items
    ])


def apply_credit_note(conn: Connection, credit_note_id: InvoiceId, invoice_id: InvoiceId, amount_minor: int) -> None:
    conn.execute(insert(allocations).values(
        invoice_id=invoice_id, payment_id=None, credit_note_id=credit_note_id, amount_minor=amount_minor,
        created_at=utcnow(),
    ))


def remove_allocations(conn: Connection, payment_id: PaymentId) -> set[InvoiceId]:
    """Undo a payment's allocations; returns the invoices to resettle."""
    touched = set(conn.execute(select(allocations.c.invoice_id).where(allocations.c.payment_id == payment_id)).scalars())
    conn.execute(delete(allocations).where(allocations.c.payment_id == payment_id))
    return {InvoiceId(i) for i in touched}


def open_items(conn: Connection, customer_id: CustomerId, currency: str | None = None) -> list[OpenItem]:
    """Invoices of the customer with something left to pay, oldest due first."""
    query = (
        select(invoices.c.id, invoices.c.number, invoices.c.due_date, invoices.c.currency,
               (invoices.c.total_minor - invoices.c.settled_minor).label("open"))
        .where(
            invoices.c.customer_id == customer_id, invoices.c.kind == InvoiceKind.INVOICE.value,
            invoices.c.status.in_([s.value for s in COLLECTIBLE_STATES]),
        )
        .order_by(invoices.c.due_date, invoices.c.number)
    )
    if currency:
        query = query.where(invoices.c.currency == currency)
    return [OpenItem(InvoiceId(r.id), r.number, r.due_date, r.currency, from_minor(r.open, r.currency))
            for r in conn.execute(query)]


def customer_credit(conn: Connection, customer_id: CustomerId) -> dict[str, Decimal]:
    """Per currency: payments not allocated plus credit notes not applied (what the customer has in credit)."""
    allocated = (
        select(func.coalesce(func.sum(allocations.c.amount_minor), 0))
        .where(allocations.c.payment_id == payments.c.id).scalar_subquery()
    )
    unallocated = conn.execute(
        select(payments.c.currency, func.sum(payments.c.amount_minor - allocated))
        .where(payments.c.customer_id == customer_id).group_by(payments.c.currency)
    ).all()
    unapplied = conn.execute(
        select(invoices.c.currency, func.sum(invoices.c.total_minor - invoices.c.settled_minor))
        .where(invoices.c.customer_id == customer_id, invoices.c.kind == InvoiceKind.CREDIT_NOTE.value,
               invoices.c.status.in_([s.value for s in COLLECTIBLE_STATES]))
        .group_by(invoices.c.currency)
    ).all()
    result: dict[str, Decimal] = {}
    for currency, minor in [*unallocated, *unapplied]:
        if minor:
            result[currency] = result.get(currency, Decimal(0)) + from_minor(minor, currency)
    return {c: v for c, v in result.items() if v}


def summaries(
    conn: Connection, customer_id: CustomerId | None = None, limit: int | None = None, payment_id: PaymentId | None = None,
) -> list[PaymentSummary]:
    allocated = (
        select(func.coalesce(func.sum(allocations.c.amount_minor), 0))
        .where(allocations.c.payment_id == payments.c.id).scalar_subquery()
    )
    numbers = (
        select(func.group_concat(invoices.c.number, ", "))
        .select_from(allocations.join(invoices, invoices.c.id == allocations.c.invoice_id))
        .where(allocations.c.payment_id == payments.c.id).scalar_subquery()
    )
    query = (
        select(payments, customers.c.number.label("cnum"), customers.c.name.label("cname"),
               allocated.label("allocated"), numbers.label("numbers"))
        .join_from(payments, customers, customers.c.id == payments.c.customer_id)
        .order_by(payments.c.date.desc(), payments.c.id.desc())
    )
    if customer_id is not None:
        query = query.where(payments.c.customer_id == customer_id)
    if payment_id is not None:
        query = query.where(payments.c.id == payment_id)
    if limit is not None:
        query = query.limit(limit)
    return [
        PaymentSummary(
            PaymentId(r.id), CustomerId(r.customer_id), r.cnum, r.cname, r.date, from_minor(r.amount_minor, r.currency),
            r.currency, PaymentMethod(r.method), r.note, from_minor(r.allocated, r.currency),
            tuple(n for n in (r.numbers or "").split(", ") if n),
        )
        for r in conn.execute(query)
    ]
