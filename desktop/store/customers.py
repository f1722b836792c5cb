"""Customers with their email addresses and known IBANs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Integer, cast, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.selectable import ScalarSelect

from desktop.domain.customer import Customer
from desktop.domain.errors import NotFound, ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.listing import CustomerSort
from desktop.store.schema import customer_emails, customer_ibans, customers, invoices
from desktop.store.types import utcnow

_FIELDS = ("number", "name", "contact_person", "street", "postal_code", "city", "country", "language", "vat_id",
           "payment_term_days", "notes")


@dataclass(frozen=True, slots=True)
class CustomerListRow:
    id: CustomerId
    number: str
    name: str
    city: str
    country: str
    email: str
    language: str


def insert_customer(conn: Connection, customer: Customer) -> CustomerId:
    now = utcnow()
    try:
        new_id = conn.execute(
            insert(customers).values(created_at=now, updated_at=now, **_values(customer)).returning(customers.c.id)
        ).scalar_one()
    except IntegrityError:
        raise ValidationError({"number": f"Customer number {customer.number} is already in use."}) from None
    _write_children(conn, new_id, customer)
    return CustomerId(new_id)


def insert_many(conn: Connection, batch: list[Customer]) -> list[CustomerId]:
    """Fast path for demo data and imports; the customers must be validated already."""
    now = utcnow()
    ids = [
        conn.execute(insert(customers).values(created_at=now, updated_at=now, **_values(c)).returning(customers.c.id))
        .scalar_one()
        for c in batch
    ]
    for customer_id, customer in zip(ids, batch, strict=True):
        _write_children(conn, customer_id, customer)
    return [CustomerId(i) for i in ids]


def update_customer(conn: Connection, customer: Customer) -> None:
    assert customer.id is not None
    try:
        result = conn.execute(
            update(customers).where(customers.c.id == customer.id).values(updated_at=utcnow(), **_values(customer))
        )
    except IntegrityError:
        raise ValidationError({"number": f"Customer number {customer.number} is already in use."}) from None
    if result.rowcount == 0:
        raise NotFound(f"Customer {customer.number} no longer exists.")
    conn.execute(delete(customer_emails).where(customer_emails.c.customer_id == customer.id))
    conn.execute(delete(customer_ibans).where(customer_ibans.c.customer_id == customer.id))
    _write_children(conn, customer.id, customer)


def delete_customer(conn: Connection, customer_id: CustomerId) -> None:
    used = conn.execute(select(func.count()).where(invoices.c.customer_id == customer_id)).scalar_one()
    if used:
        raise ValidationError({"customer": "This customer has invoices and cannot be deleted."})
    conn.execute(delete(customers).where(customers.c.id == customer_id))


def get(conn: Connection, customer_id: CustomerId) -> Customer:
    row = conn.execute(select(customers).where(customers.c.id == customer_id)).first()
    if row is None:
        raise NotFound(f"Customer {customer_id} does not exist.")
    emails = conn.execute(
        select(customer_emails.c.email).where(customer_emails.c.customer_id == customer_id).order_by(customer_emails.c.position)
    ).scalars().all()
    ibans = conn.execute(
        select(customer_ibans.c.iban).where(customer_ibans.c.customer_id == customer_id).order_by(customer_ibans.c.id)
    ).scalars().all()
    return Customer(**{f: getattr(row, f) for f in _FIELDS}, emails=list(emails), ibans=list(ibans), id=CustomerId(row.id))


def id_by_number(conn: Connection, number: str) -> CustomerId | None:
    found = conn.execute(select(customers.c.id).where(customers.c.number == number)).scalar()
    return CustomerId(found) if found is not None else None


def next_number(conn: Connection) -> str:
    """One above the highest numeric customer number (customer numbers may also be free text)."""
    highest = conn.execute(
        select(func.max(cast(customers.c.number, Integer))).where(customers.c.number.regexp_match("^[0-9]+$"))
    ).scalar()
    return str((highest or 1000) + 1)


def _first_email() -> ScalarSelect[str]:
    return (
        select(customer_emails.c.email)
        .where(customer_emails.c.customer_id == customers.c.id)
        .order_by(customer_emails.c.position)
        .limit(1)
        .scalar_subquery()
    )


_SORT_COLUMNS = {
    CustomerSort.NUMBER: customers.c.number,
    CustomerSort.NAME: func.lower(customers.c.name),
    CustomerSort.CITY: func.lower(customers.c.city),
    CustomerSort.COUNTRY: customers.c.country,
}


def search_ids(conn: Connection, text: str, sort: CustomerSort, descending: bool) -> list[CustomerId]:
    query = select(customers.c.id)
    if text.strip():
        pattern = f"%{_escape_like(text.strip())}%"
        query = query.where(or_(
            customers.c.name.ilike(pattern, escape="\\"),
            customers.c.number.ilike(pattern, escape="\\"),
            customers.c.city.ilike(pattern, escape="\\"),
            customers.c.id.in_(select(customer_emails.c.customer_id).where(customer_emails.c.email.ilike(pattern, escape="\\"))),
        ))
    column = _first_email() if sort is CustomerSort.EMAIL else _SORT_COLUMNS[sort]
    query = query.order_by(column.desc() if descending else column.asc(), customers.c.id)
    return [CustomerId(i) for i in conn.execute(query).scalars()]


def list_rows(conn: Connection, ids: list[CustomerId]) -> dict[CustomerId, CustomerListRow]:
    if not ids:
        return {}
    query = select(
        customers.c.id, customers.c.number, customers.c.name, customers.c.city, customers.c.country,
        _first_email().label("email"), customers.c.language,
    ).where(customers.c.id.in_(ids))
    return {
        CustomerId(r.id): CustomerListRow(CustomerId(r.id), r.number, r.name, r.city, r.country, r.email or "", r.language)
        for r in conn.execute(query)
    }


def choices(conn: Connection) -> list[tuple[CustomerId, str, str]]:
    """(id, number, name) of every customer, for pickers."""
    query = select(customers.c.id, customers.c.number, customers.c.name).order_by(func.lower(customers.c.name))
    return [(CustomerId(r.id), r.number, r.name) for r in conn.execute(query)]


def _values(customer: Customer) -> dict[str, object]:
    return {f: getattr(customer, f) for f in _FIELDS}


def _write_children(conn: Connection, customer_id: int, customer: Customer) -> None:
    if customer.emails:
        conn.execute(insert(customer_emails), [
            {"customer_id": customer_id, "position": p, "email": e} for p, e in enumerate(customer.emails)
        ])
    if customer.ibans:
        conn.execute(insert(customer_ibans), [{"customer_id": customer_id, "iban": iban} for iban in customer.ibans])


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

