"""Booking bank transactions as payments, in bulk, and undoing a booking.

A booked transaction owns exactly one payment (``bank_transactions.payment_id``); its
allocations settle invoices and what is left over is customer credit. A small difference may be
written off on the invoice, tied to the same payment so that undoing the match undoes it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, delete, select, update

from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.domain.payment import PaymentMethod
from desktop.store.bank_records import next_id
from desktop.store.bank_schema import bank_transactions, write_offs
from desktop.store.payments import remove_allocations
from desktop.store.schema import payments
from desktop.store.types import instant_text, utcnow


@dataclass(slots=True)
class Booking:
    transaction_id: int
    customer_id: CustomerId
    date: date
    amount_minor: int  # the payment: what came in
    currency: str
    note: str
    allocations: list[tuple[InvoiceId, int]] = field(default_factory=list)  # (invoice, minor units)
    write_offs: list[tuple[InvoiceId, int, str]] = field(default_factory=list)  # (invoice, minor, reason)
    payment_id: PaymentId | None = None  # set by insert_bookings


def insert_bookings(conn: Connection, bookings: list[Booking]) -> set[InvoiceId]:
    """Payments, allocations and write-offs for each booking; returns the invoices to resettle."""
    if not bookings:
        return set()
    now = instant_text(utcnow())
    first = next_id(conn, "payments")
    payment_rows, allocation_rows, write_off_rows = [], [], []
    touched: set[InvoiceId] = set()
    for offset, b in enumerate(bookings):
        b.payment_id = PaymentId(first + offset)
        payment_rows.append((b.payment_id, b.customer_id, b.date.isoformat(), b.amount_minor, b.currency,
                             PaymentMethod.BANK_TRANSFER.value, b.note, now))
        for invoice_id, minor in b.allocations:
            allocation_rows.append((invoice_id, b.payment_id, minor, now))
            touched.add(invoice_id)
        for invoice_id, minor, reason in b.write_offs:
            write_off_rows.append((invoice_id, b.payment_id, minor, reason, now))
            touched.add(invoice_id)
    conn.exec_driver_sql(
        "INSERT INTO payments (id, customer_id, date, amount_minor, currency, method, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", payment_rows)
    if allocation_rows:
        conn.exec_driver_sql(
            "INSERT INTO allocations (invoice_id, payment_id, credit_note_id, amount_minor, created_at)"
            " VALUES (?, ?, NULL, ?, ?)", allocation_rows)
    if write_off_rows:
        conn.exec_driver_sql(
            "INSERT INTO write_offs (invoice_id, payment_id, amount_minor, reason, created_at) VALUES (?, ?, ?, ?, ?)",
            write_off_rows)
    return touched


def unbook(conn: Connection, transaction_id: int, payment_id: PaymentId) -> set[InvoiceId]:
    """Remove the transaction's payment with its allocations and write-offs; returns invoices to resettle."""
    touched = remove_allocations(conn, payment_id)
    touched |= {InvoiceId(i) for i in conn.execute(
        select(write_offs.c.invoice_id).where(write_offs.c.payment_id == payment_id)).scalars()}
    conn.execute(delete(write_offs).where(write_offs.c.payment_id == payment_id))
    conn.execute(update(bank_transactions).where(bank_transactions.c.id == transaction_id).values(
        payment_id=None, state="review", matched_by="", updated_at=utcnow()))
    conn.execute(delete(payments).where(payments.c.id == payment_id))
    return touched
