"""What a dunning run reads from the database, in a few plain queries (10,000 customers in well
under a second): open invoices with the last level each reached, customers with their addresses
and procedure, open credits, pauses, payment plans, and incoming payments not booked yet."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection

from desktop.domain.dunning.compute import DunningBook
from desktop.domain.dunning.inputs import DunningCustomer, IncomingPayment, OpenInvoice
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.money import from_minor
from desktop.store import dunning_pauses, dunning_procedures
from desktop.store.types import UTCDateTime

_OPEN = """
SELECT i.id, i.number, COALESCE(i.reference, ''), i.customer_id, i.currency, i.issue_date, i.due_date, i.total_minor,
       i.total_minor - i.settled_minor, r.position, r.sent_on, c.invoice_id IS NOT NULL
FROM invoices i
LEFT JOIN (SELECT invoice_id, MAX(level_position) AS position, MAX(run_date) AS sent_on FROM reminder_invoices
           WHERE level_position > 0 GROUP BY invoice_id) r ON r.invoice_id = i.id
LEFT JOIN (SELECT ci.invoice_id FROM collection_case_invoices ci JOIN collection_cases cc ON cc.id = ci.case_id
           WHERE cc.closed_on IS NULL) c ON c.invoice_id = i.id
WHERE i.kind = 'invoice' AND i.status IN ('open', 'partially_paid') AND i.number IS NOT NULL
"""

_CREDITS = """
SELECT customer_id, currency, SUM(amount) FROM (
  SELECT p.customer_id, p.currency, p.amount_minor - COALESCE((SELECT SUM(a.amount_minor) FROM allocations a
                                                               WHERE a.payment_id = p.id), 0) AS amount
  FROM payments p
  UNION ALL
  SELECT customer_id, currency, -(total_minor - settled_minor) FROM invoices
  WHERE kind = 'credit_note' AND status IN ('open', 'partially_paid')
) GROUP BY customer_id, currency HAVING SUM(amount) > 0
"""

_INCOMING = """
SELECT id, booking_date, amount_minor, currency, counterparty_name, counterparty_iban, remittance, structured_reference,
       suggestions
FROM bank_transactions WHERE state IN ('unmatched', 'review') AND amount_minor > 0 AND payment_id IS NULL
"""


def _day(text: str | None, cache: dict[str, date]) -> date | None:
    if text is None:
        return None
    found = cache.get(text)
    if found is None:
        found = cache[text] = date.fromisoformat(text)
    return found


def open_invoices(conn: Connection) -> list[OpenInvoice]:
    days: dict[str, date] = {}
    scale: dict[str, Decimal] = {}
    found: list[OpenInvoice] = []
    for (id_, number, reference, customer_id, currency, issued, due, total, open_minor, position, sent_on,
         in_collection) in conn.exec_driver_sql(_OPEN):
        unit = scale.get(currency)
        if unit is None:
            unit = scale[currency] = from_minor(1, currency)
        found.append(OpenInvoice(
            invoice_id=InvoiceId(id_), number=number, reference=reference, customer_id=CustomerId(customer_id),
            currency=currency, issue_date=_day(issued, days) or date.min, due_date=_day(due, days) or date.min,
            total=unit * total, open_amount=unit * open_minor, last_position=position or 0,
            last_sent_on=_day(sent_on, days), in_collection=bool(in_collection),
        ))
    return found


def customers(conn: Connection) -> dict[CustomerId, DunningCustomer]:
    emails: dict[int, list[str]] = defaultdict(list)
    for customer_id, email in conn.exec_driver_sql(
        "SELECT customer_id, email FROM customer_emails ORDER BY customer_id, position"
    ):
        emails[customer_id].append(email)
    ibans: dict[int, list[str]] = defaultdict(list)
    for customer_id, iban in conn.exec_driver_sql(
        "SELECT customer_id, iban FROM customer_ibans UNION SELECT customer_id, iban FROM learned_ibans"
    ):
        ibans[customer_id].append(iban)
    settings = {r[0]: (r[1], bool(r[2])) for r in conn.exec_driver_sql(
        "SELECT customer_id, procedure_id, excluded FROM customer_dunning")}
    return {
        CustomerId(id_): DunningCustomer(
            customer_id=CustomerId(id_), number=number, name=name, language=language, country=country,
            emails=tuple(emails.get(id_, ())), ibans=tuple(ibans.get(id_, ())),
            procedure_id=settings.get(id_, (None, False))[0], excluded=settings.get(id_, (None, False))[1],
        )
        for id_, number, name, language, country in conn.exec_driver_sql(
            "SELECT id, number, name, language, country FROM customers")
    }


def credits(conn: Connection) -> dict[tuple[CustomerId, str], Decimal]:
    return {(CustomerId(c), currency): from_minor(int(minor), currency)
            for c, currency, minor in conn.exec_driver_sql(_CREDITS)}


def incoming_payments(conn: Connection) -> list[IncomingPayment]:
    found = []
    for id_, booked, minor, currency, name, iban, remittance, structured, suggestions in conn.exec_driver_sql(_INCOMING):
        suggested = {InvoiceId(int(a["invoice_id"])) for s in json.loads(suggestions or "[]") for a in s.get("allocations", ())}
        found.append(IncomingPayment(
            transaction_id=id_, booking_date=date.fromisoformat(booked), amount=from_minor(minor, currency),
            currency=currency, counterparty_name=name, counterparty_iban=iban, text=f"{remittance} {structured}",
            suggested_invoices=frozenset(suggested),
        ))
    return found


def load(conn: Connection, run_date: date) -> DunningBook:
    procedures = dunning_procedures.load_all(conn)
    default = next((p.id for p in procedures.values() if p.is_default), None)
    return DunningBook(
        invoices=open_invoices(conn), customers=customers(conn), procedures=procedures, default_procedure_id=default,
        credits=credits(conn), pauses=dunning_pauses.current_pauses(conn, run_date),
        plans=dunning_pauses.plans(conn, active_on=run_date), payments=incoming_payments(conn),
    )


def last_bank_import(conn: Connection) -> datetime | None:
    value = conn.exec_driver_sql("SELECT MAX(imported_at) FROM bank_imports").scalar()
    return UTCDateTime().process_result_value(value, conn.dialect) if value else None


def levels_reached(conn: Connection, invoice_ids: list[InvoiceId]) -> dict[InvoiceId, int]:
    """The highest level each invoice has reached (read inside the recording transaction)."""
    found: dict[InvoiceId, int] = {}
    ids = sorted(set(invoice_ids))
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for invoice_id, position in conn.exec_driver_sql(
            f"SELECT invoice_id, MAX(level_position) FROM reminder_invoices WHERE invoice_id IN ({marks}) GROUP BY invoice_id",
            tuple(chunk),
        ):
            found[InvoiceId(invoice_id)] = position
    return found


def reminded_instalments(conn: Connection) -> set[int]:
    return {r[0] for r in conn.exec_driver_sql("SELECT instalment_id FROM reminders WHERE instalment_id IS NOT NULL")}


def addresses(conn: Connection, customer_ids: set[CustomerId], home_country: str) -> dict[CustomerId, tuple[str, ...]]:
    """Postal address lines of each customer (without the name), the country only when abroad."""
    found: dict[CustomerId, tuple[str, ...]] = {}
    for id_, street, postal_code, city, country in conn.exec_driver_sql(
        "SELECT id, street, postal_code, city, country FROM customers"
    ):
        if id_ in customer_ids:
            lines = [street, f"{postal_code} {city}".strip(), country if country and country != home_country else ""]
            found[CustomerId(id_)] = tuple(line for line in lines if line)
    return found
