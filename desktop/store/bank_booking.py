"""Booking bank transactions as payments, in bulk, and undoing a booking.

A booked transaction owns exactly one payment (``bank_transactions.payment_id``); its
allocations settle invoices and what is left over is customer credit. A small difference may be
written off on the invoice, tied to the same payment so that undoing the match undoes it too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, delete, select, update

from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.domain.payment import PaymentMethod
from desktop.store.bank_records import next_id
from desktop.store.bank_schema import bank_transactions, write_offs
from desktop.store.bank_writer import BulkWriter
from desktop.store.invoices import resettle_statements
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


PAYMENT_INSERT = (
    "INSERT INTO payments (id, customer_id, date, amount_minor, currency, method, note, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
ALLOCATION_INSERT = (
    "INSERT INTO allocations (invoice_id, payment_id, credit_note_id, amount_minor, created_at) VALUES (?, ?, NULL, ?, ?)"
)
WRITE_OFF_INSERT = "INSERT INTO write_offs (invoice_id, payment_id, amount_minor, reason, created_at) VALUES (?, ?, ?, ?, ?)"


@dataclass(slots=True)
class BookingRows:
    """The rows that store some bookings, and the invoices they touch (to resettle)."""

    payments: list[tuple[object, ...]] = field(default_factory=list)
    allocations: list[tuple[object, ...]] = field(default_factory=list)
    write_offs: list[tuple[object, ...]] = field(default_factory=list)
    touched: set[InvoiceId] = field(default_factory=set)


def booking_rows(bookings: list[Booking], first_payment_id: int, now: str) -> BookingRows:
    """Give the bookings their payment ids, counting from ``first_payment_id``, and make their rows."""
    rows = BookingRows()
    method = PaymentMethod.BANK_TRANSFER.value
    payments, allocations, write_off_rows, touched = rows.payments, rows.allocations, rows.write_offs, rows.touched
    for offset, b in enumerate(bookings):
        payment_id = b.payment_id = PaymentId(first_payment_id + offset)
        payments.append((payment_id, b.customer_id, b.date.isoformat(), b.amount_minor, b.currency, method, b.note, now))
        for invoice_id, minor in b.allocations:
            allocations.append((invoice_id, payment_id, minor, now))
            touched.add(invoice_id)
        for invoice_id, minor, reason in b.write_offs:
            write_off_rows.append((invoice_id, payment_id, minor, reason, now))
            touched.add(invoice_id)
    return rows


def insert_bookings(conn: Connection, bookings: list[Booking]) -> set[InvoiceId]:
    """Payments, allocations and write-offs for each booking; returns the invoices to resettle."""
    if not bookings:
        return set()
    rows = booking_rows(bookings, next_id(conn, "payments"), instant_text(utcnow()))
    conn.exec_driver_sql(PAYMENT_INSERT, rows.payments)
    if rows.allocations:
        conn.exec_driver_sql(ALLOCATION_INSERT, rows.allocations)
    if rows.write_offs:
        conn.exec_driver_sql(WRITE_OFF_INSERT, rows.write_offs)
    return rows.touched


def queue_bookings(writer: BulkWriter, bookings: list[Booking], first_payment_id: int, now: str) -> set[InvoiceId]:
    """``insert_bookings`` on the writer's thread, with payment ids counted from ``first_payment_id``."""
    rows = booking_rows(bookings, first_payment_id, now)
    writer.insert(PAYMENT_INSERT, rows.payments)
    writer.insert(ALLOCATION_INSERT, rows.allocations)
    writer.insert(WRITE_OFF_INSERT, rows.write_offs)
    return rows.touched


def queue_resettle(writer: BulkWriter, invoice_ids: set[InvoiceId], now: str) -> None:
    """``invoices.resettle`` on the writer's thread, after what is queued before (the allocations)."""
    if not invoice_ids:
        return
    wanted = set(invoice_ids)

    def run(raw: sqlite3.Connection) -> None:
        for sql, params in resettle_statements(wanted, now, lambda query, args: raw.execute(query, args).fetchone()[0]):
            raw.execute(sql, params)

    writer.call(run)


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
