"""Keeping customers: every change is validated and recorded in the audit log."""

from __future__ import annotations

from dataclasses import fields

from desktop.domain.customer import Customer, validated
from desktop.domain.ids import CustomerId
from desktop.domain.listing import CustomerSort
from desktop.store import audit
from desktop.store import customers as store
from desktop.store.customers import CustomerListRow
from desktop.store.database import Database

__all__ = ["CustomerListRow", "CustomerService"]


class CustomerService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, customer_id: CustomerId) -> Customer:
        with self._db.reading() as conn:
            return store.get(conn, customer_id)

    def new(self) -> Customer:
        with self._db.reading() as conn:
            return Customer(number=store.next_number(conn), name="")

    def save(self, customer: Customer) -> CustomerId:
        """Create or update; raises ``ValidationError`` naming the bad fields and saves nothing then."""
        clean = validated(customer)
        with self._db.transaction() as conn:
            if clean.id is None:
                new_id = store.insert_customer(conn, clean)
                audit.record(conn, "customer.created", "customer", new_id, f"Customer {clean.number} {clean.name} created",
                             _diff(None, clean))
                return new_id
            before = store.get(conn, clean.id)
            store.update_customer(conn, clean)
            changes = _diff(before, clean)
            if changes:
                audit.record(conn, "customer.changed", "customer", clean.id, f"Customer {clean.number} {clean.name} changed",
                             changes)
            return clean.id

    def delete(self, customer_id: CustomerId) -> None:
        with self._db.transaction() as conn:
            before = store.get(conn, customer_id)
            store.delete_customer(conn, customer_id)
            audit.record(conn, "customer.deleted", "customer", customer_id,
                         f"Customer {before.number} {before.name} deleted", _diff(before, None))

    def search(self, text: str = "", sort: CustomerSort = CustomerSort.NAME, descending: bool = False) -> list[CustomerId]:
        with self._db.reading() as conn:
            return store.search_ids(conn, text, sort, descending)

    def rows(self, ids: list[CustomerId]) -> dict[CustomerId, CustomerListRow]:
        with self._db.reading() as conn:
            return store.list_rows(conn, ids)

    def choices(self) -> list[tuple[CustomerId, str, str]]:
        with self._db.reading() as conn:
            return store.choices(conn)

    def id_by_number(self, number: str) -> CustomerId | None:
        with self._db.reading() as conn:
            return store.id_by_number(conn, number)


def _diff(before: Customer | None, after: Customer | None) -> dict[str, tuple[object, object]]:
    changes: dict[str, tuple[object, object]] = {}
    for f in fields(Customer):
        if f.name == "id":
            continue
        old = getattr(before, f.name) if before else None
        new = getattr(after, f.name) if after else None
        if old != new:
            changes[f.name] = (old, new)
    return changes
