"""Reading invoices for lists and exports: filtering and sorting happen in SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, case, func, or_, select

from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceSummary
from desktop.domain.listing import InvoiceFilter, InvoiceSort
from desktop.domain.money import from_minor
from desktop.domain.states import COLLECTIBLE_STATES, InvoiceKind, InvoiceStatus
from desktop.store.schema import customers, invoices

_sign = case((invoices.c.kind == InvoiceKind.CREDIT_NOTE.value, -1), else_=1)
OPEN_MINOR: ColumnElement[int] = case(
    (invoices.c.status.in_([s.value for s in COLLECTIBLE_STATES]), invoices.c.total_minor - invoices.c.settled_minor),
    else_=0,
) * _sign
TOTAL_MINOR: ColumnElement[int] = invoices.c.total_minor * _sign

_SORT: dict[InvoiceSort, ColumnElement[object]] = {
    InvoiceSort.NUMBER: invoices.c.number,
    InvoiceSort.CUSTOMER: func.lower(customers.c.name),
    InvoiceSort.ISSUE_DATE: invoices.c.issue_date,
    InvoiceSort.DUE_DATE: invoices.c.due_date,
    InvoiceSort.TOTAL: TOTAL_MINOR,
    InvoiceSort.OPEN: OPEN_MINOR,
    InvoiceSort.STATUS: invoices.c.status,
}


def _where(f: InvoiceFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if f.statuses:
        clauses.append(invoices.c.status.in_(sorted(s.value for s in f.statuses)))
    if f.kind is not None:
        clauses.append(invoices.c.kind == f.kind.value)
    if f.customer_id is not None:
        clauses.append(invoices.c.customer_id == f.customer_id)
    if f.issued_from is not None:
        clauses.append(invoices.c.issue_date >= f.issued_from)
    if f.issued_to is not None:
        clauses.append(invoices.c.issue_date <= f.issued_to)
    if f.overdue_on is not None:
        clauses.append(invoices.c.status.in_([s.value for s in COLLECTIBLE_STATES]))
        clauses.append(invoices.c.due_date < f.overdue_on)
    text = f.text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # Customers are few: match them in their own table (lowercased, so Cyrillic matches
        # too), then invoices by customer id; numbers and references are compared with SQLite's
        # LIKE, which ignores ASCII case, without lowercasing every invoice row.
        matching_customers = select(customers.c.id).where(or_(
            customers.c.name.ilike(pattern, escape="\\"), customers.c.number.like(pattern, escape="\\"),
        ))
        clauses.append(or_(
            invoices.c.number.like(pattern, escape="\\"),
            invoices.c.reference.like(pattern.replace(" ", ""), escape="\\"),
            invoices.c.customer_id.in_(matching_customers),
        ))
    return clauses


def search_ids(conn: Connection, f: InvoiceFilter, sort: InvoiceSort, descending: bool) -> list[InvoiceId]:
    column = _SORT[sort]
    order = column.desc() if descending else column.asc()
    tiebreak = invoices.c.id.desc() if descending else invoices.c.id.asc()
    query = select(invoices.c.id).where(*_where(f)).order_by(order, tiebreak)
    if sort is InvoiceSort.CUSTOMER:
        query = query.join_from(invoices, customers, customers.c.id == invoices.c.customer_id)
    return fetch_ids(conn, query)


def fetch_ids(conn: Connection, query: Select[Any]) -> list[InvoiceId]:
    """Run a one-column id query on the driver's cursor: for 100,000 ids, SQLAlchemy's row objects
    cost twice what SQLite itself does, and the list opens on every filter change."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    params = [value.isoformat() if isinstance(value, date) else value for value in params]
    cursor = conn.connection.driver_connection.execute(str(compiled), params)  # type: ignore[union-attr]
    return [row[0] for row in cursor]


def _summary_query() -> Select[Any]:
    return select(
        invoices.c.id, invoices.c.kind, invoices.c.number, invoices.c.customer_id, customers.c.number.label("cnum"),
        customers.c.name.label("cname"), invoices.c.issue_date, invoices.c.due_date, invoices.c.currency,
        TOTAL_MINOR.label("total"), OPEN_MINOR.label("open"), invoices.c.status, invoices.c.reference,
    ).join_from(invoices, customers, customers.c.id == invoices.c.customer_id)


def _summary(r: Row[Any]) -> InvoiceSummary:
    return InvoiceSummary(
        id=InvoiceId(r.id), kind=InvoiceKind(r.kind), number=r.number, customer_id=CustomerId(r.customer_id),
        customer_number=r.cnum, customer_name=r.cname, issue_date=r.issue_date, due_date=r.due_date,
        currency=r.currency, total=from_minor(r.total, r.currency), open_amount=from_minor(r.open, r.currency),
        status=InvoiceStatus(r.status), reference=r.reference,
    )


def summaries(conn: Connection, ids: list[InvoiceId]) -> dict[InvoiceId, InvoiceSummary]:
    result: dict[InvoiceId, InvoiceSummary] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for r in conn.execute(_summary_query().where(invoices.c.id.in_(chunk))):
            result[InvoiceId(r.id)] = _summary(r)
    return result


def all_summaries(conn: Connection, f: InvoiceFilter) -> list[InvoiceSummary]:
    """Every matching invoice, issued ones by number then drafts, for exports."""
    query = _summary_query().where(*_where(f)).order_by(invoices.c.number.is_(None), invoices.c.issue_date, invoices.c.id)
    return [_summary(r) for r in conn.execute(query)]
