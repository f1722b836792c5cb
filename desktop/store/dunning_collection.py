"""Collection cases: invoices handed over to collection after the final notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from desktop.domain.dunning.compute import Handover
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.money import from_minor
from desktop.store.dunning_schema import collection_case_invoices, collection_cases
from desktop.store.schema import allocations, customers, invoices, payments
from desktop.store.types import utcnow


@dataclass(frozen=True, slots=True)
class CollectionCase:
    id: int
    customer_id: CustomerId
    customer_number: str
    customer_name: str
    currency: str
    marked_on: date
    open_amount: Decimal  # when handed over
    note: str
    exported_at: datetime | None
    closed_on: date | None
    invoice_ids: tuple[InvoiceId, ...]


@dataclass(frozen=True, slots=True)
class CasePayment:
    date: date
    invoice: str
    amount: Decimal  # allocated to that invoice
    currency: str
    method: str
    note: str


def open_case(conn: Connection, handover: Handover, run_date: date) -> int | None:
    """A case for the handed-over invoices not yet in a case; None when all are."""
    taken = set(conn.execute(select(collection_case_invoices.c.invoice_id)
                             .where(collection_case_invoices.c.invoice_id.in_(handover.invoice_ids))).scalars())
    fresh = [i for i in handover.invoice_ids if i not in taken]
    if not fresh:
        return None
    open_minor = sum(r.total_minor - r.settled_minor for r in conn.execute(
        select(invoices.c.total_minor, invoices.c.settled_minor).where(invoices.c.id.in_(fresh))))
    case_id = conn.execute(insert(collection_cases).values(
        customer_id=handover.customer_id, currency=handover.currency, marked_on=run_date, open_minor=open_minor,
        note="", exported_at=None, closed_on=None, created_at=utcnow(),
    ).returning(collection_cases.c.id)).scalar_one()
    conn.execute(insert(collection_case_invoices), [{"case_id": case_id, "invoice_id": i} for i in fresh])
    return case_id


def cases(conn: Connection, customer_id: CustomerId | None = None, case_id: int | None = None) -> list[CollectionCase]:
    query = (select(collection_cases, customers.c.number.label("cnum"), customers.c.name.label("cname"))
             .join(customers, customers.c.id == collection_cases.c.customer_id).order_by(collection_cases.c.id))
    if customer_id is not None:
        query = query.where(collection_cases.c.customer_id == customer_id)
    if case_id is not None:
        query = query.where(collection_cases.c.id == case_id)
    rows = conn.execute(query).all()
    members: dict[int, list[InvoiceId]] = {}
    if rows:
        for cid, iid in conn.execute(select(collection_case_invoices.c.case_id, collection_case_invoices.c.invoice_id)
                                     .where(collection_case_invoices.c.case_id.in_([r.id for r in rows]))
                                     .order_by(collection_case_invoices.c.invoice_id)):
            members.setdefault(cid, []).append(InvoiceId(iid))
    return [
        CollectionCase(r.id, CustomerId(r.customer_id), r.cnum, r.cname, r.currency, r.marked_on,
                       from_minor(r.open_minor, r.currency), r.note, r.exported_at, r.closed_on, tuple(members.get(r.id, ())))
        for r in rows
    ]


def set_note(conn: Connection, case_id: int, note: str) -> None:
    conn.execute(update(collection_cases).where(collection_cases.c.id == case_id).values(note=note))


def mark_exported(conn: Connection, case_id: int) -> None:
    conn.execute(update(collection_cases).where(collection_cases.c.id == case_id).values(exported_at=utcnow()))


def close(conn: Connection, case_id: int, on: date) -> None:
    conn.execute(update(collection_cases).where(collection_cases.c.id == case_id).values(closed_on=on))


def payments_for(conn: Connection, invoice_ids: list[InvoiceId]) -> list[CasePayment]:
    query = (
        select(payments.c.date, invoices.c.number, allocations.c.amount_minor, payments.c.currency, payments.c.method,
               payments.c.note)
        .select_from(allocations.join(payments, payments.c.id == allocations.c.payment_id)
                     .join(invoices, invoices.c.id == allocations.c.invoice_id))
        .where(allocations.c.invoice_id.in_(invoice_ids)).order_by(payments.c.date, payments.c.id)
    )
    return [CasePayment(r.date, r.number, from_minor(r.amount_minor, r.currency), r.currency, r.method, r.note)
            for r in conn.execute(query)]


