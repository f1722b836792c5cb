"""Import from another system: saved profiles (as JSON text), id links, and the lookups the import plan needs.

The store keeps a profile's mapping as text; the service turns it into a ``LedgerMapping``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.dialects.sqlite import insert as upsert

from desktop.domain.ids import CustomerId, InvoiceId
from desktop.store.ledger_schema import ledger_links, ledger_profiles
from desktop.store.schema import customers, invoices
from desktop.store.types import utcnow

L, P = ledger_links, ledger_profiles
_CHUNK = 900


def profiles(conn: Connection) -> list[tuple[str, str]]:
    """(name, mapping JSON) of every saved profile, by name."""
    return [(r.name, r.mapping) for r in conn.execute(select(P.c.name, P.c.mapping).order_by(P.c.name))]


def save_profile(conn: Connection, name: str, signature: str, mapping_json: str) -> None:
    """Insert, or replace the profile of the same name."""
    values = {"signature": signature[:500], "mapping": mapping_json, "updated_at": utcnow()}
    conn.execute(upsert(P).values(name=name, **values).on_conflict_do_update(index_elements=["name"], set_=values))


def delete_profile(conn: Connection, name: str) -> None:
    conn.execute(delete(P).where(P.c.name == name))


def customer_links(conn: Connection, source: str) -> dict[str, CustomerId]:
    query = select(L.c.external_id, L.c.customer_id).where(L.c.source == source, L.c.kind == "customer")
    return {r.external_id: CustomerId(r.customer_id) for r in conn.execute(query)}


def invoice_links(conn: Connection, source: str) -> dict[str, InvoiceId]:
    query = select(L.c.external_id, L.c.invoice_id).where(L.c.source == source, L.c.kind == "invoice")
    return {r.external_id: InvoiceId(r.invoice_id) for r in conn.execute(query)}


def add_links(conn: Connection, source: str, kind: str, links: Iterable[tuple[str, int]]) -> None:
    now = utcnow()
    rows = [{"source": source, "kind": kind, "external_id": external_id,
             "customer_id": target if kind == "customer" else None, "invoice_id": target if kind == "invoice" else None,
             "created_at": now} for external_id, target in links]
    if rows:
        conn.execute(insert(L), rows)


@dataclass(frozen=True, slots=True)
class KnownInvoice:
    """What the plan compares of an invoice Paydesk has."""

    id: InvoiceId
    number: str | None
    customer_id: CustomerId
    status: str
    currency: str
    issue_date: date
    due_date: date
    total_minor: int
    settled_minor: int


def known_invoices(conn: Connection, ids: Iterable[InvoiceId]) -> dict[InvoiceId, KnownInvoice]:
    found: dict[InvoiceId, KnownInvoice] = {}
    wanted = sorted(set(ids))
    i = invoices.c
    for start in range(0, len(wanted), _CHUNK):
        query = select(i.id, i.number, i.customer_id, i.status, i.currency, i.issue_date, i.due_date, i.total_minor,
                       i.settled_minor).where(i.id.in_(wanted[start:start + _CHUNK]))
        for r in conn.execute(query):
            found[InvoiceId(r.id)] = KnownInvoice(InvoiceId(r.id), r.number, CustomerId(r.customer_id), r.status, r.currency,
                                                  r.issue_date, r.due_date, r.total_minor, r.settled_minor)
    return found


def invoice_numbers_in_use(conn: Connection, numbers: Iterable[str]) -> dict[str, InvoiceId]:
    """Which of ``numbers`` Paydesk's invoices and credit notes already carry, and by which invoice."""
    wanted = sorted(set(numbers))
    found: dict[str, InvoiceId] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(invoices.c.number, invoices.c.id).where(invoices.c.number.in_(wanted[start:start + _CHUNK]))
        found.update({r.number: InvoiceId(r.id) for r in conn.execute(query)})
    return found


def customers_by_number(conn: Connection, numbers: Iterable[str]) -> dict[str, CustomerId]:
    wanted = sorted(set(numbers))
    found: dict[str, CustomerId] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(customers.c.number, customers.c.id).where(customers.c.number.in_(wanted[start:start + _CHUNK]))
        found.update({r.number: CustomerId(r.id) for r in conn.execute(query)})
    return found


_SETTLEMENT_INSERT = "INSERT INTO write_offs (invoice_id, payment_id, amount_minor, reason, created_at) VALUES (?, NULL, ?, ?, ?)"


def insert_settlements(conn: Connection, rows: list[tuple[InvoiceId, int, str]], now: str) -> None:
    """External settlements: (invoice, minor units, reason) as write-offs without a payment, stamped ``now`` (stored text)."""
    if rows:
        conn.exec_driver_sql(_SETTLEMENT_INSERT, [(invoice_id, minor, reason, now) for invoice_id, minor, reason in rows])
