"""What the customer cockpit reads besides the overview row: the customer's documents with what is
open on them, invoice emails sent, and payments for the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, text

from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.money import from_minor
from desktop.store.types import UTCDateTime


@dataclass(frozen=True, slots=True)
class CockpitDocument:
    """An issued invoice or credit note of the customer."""

    id: InvoiceId
    kind: str  # invoice, credit_note
    number: str
    status: str
    currency: str
    issue_date: date
    due_date: date
    total: Decimal
    open: Decimal  # for a credit note: what is not yet applied
    level: int  # the highest reminder level reached
    paid_on: date | None
    finalized_at: datetime | None


@dataclass(frozen=True, slots=True)
class SentEmail:
    """An email that carried invoices (not a reminder)."""

    day: date
    subject: str
    state: str
    invoices: tuple[str, ...]
    outbox_id: int


def documents(conn: Connection, customer_id: CustomerId) -> list[CockpitDocument]:
    """Issued invoices and credit notes, newest first."""
    rows = conn.execute(text(
        "SELECT id, kind, number, status, currency, issue_date, due_date, total_minor, settled_minor, dunning_level,"
        " paid_on, finalized_at FROM invoices WHERE customer_id = :c AND status <> 'draft'"
        " ORDER BY issue_date DESC, id DESC"), {"c": customer_id})
    instants = UTCDateTime()
    result = []
    for r in rows:
        is_open = r.status in ("open", "partially_paid")
        result.append(CockpitDocument(
            InvoiceId(r.id), r.kind, r.number, r.status, r.currency, date.fromisoformat(r.issue_date),
            date.fromisoformat(r.due_date), from_minor(r.total_minor, r.currency),
            from_minor(r.total_minor - r.settled_minor if is_open else 0, r.currency), r.dunning_level,
            date.fromisoformat(r.paid_on) if r.paid_on else None,
            instants.process_result_value(r.finalized_at, conn.dialect) if r.finalized_at else None,
        ))
    return result


def invoice_emails(conn: Connection, customer_id: CustomerId) -> list[SentEmail]:
    """Emails carrying the customer's invoices (reminders have their own timeline entries)."""
    rows = conn.execute(text(
        "SELECT o.id, o.subject, o.state, substr(COALESCE(o.sent_at, o.created_at), 1, 10) AS day,"
        " (SELECT GROUP_CONCAT(i.number, ', ') FROM outbox_invoices oi JOIN invoices i ON i.id = oi.invoice_id"
        "  WHERE oi.outbox_id = o.id) AS numbers"
        " FROM outbox o WHERE o.customer_id = :c AND o.reminder_id IS NULL"
        " AND EXISTS (SELECT 1 FROM outbox_invoices oi WHERE oi.outbox_id = o.id) ORDER BY o.id"), {"c": customer_id})
    return [SentEmail(date.fromisoformat(r.day), r.subject, r.state, tuple(n for n in (r.numbers or "").split(", ") if n), r.id)
            for r in rows]
