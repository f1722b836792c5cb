"""The customer cockpit's data: where the customer stands (its overview rows), open invoices, credit
notes, payments and credits, notes, and one timeline of everything that happened - invoices issued
and emailed, reminders with their delivery state, pauses (promises, disputes, holds), payment plans,
collection, pay links, payments, notes and calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.debtors import DebtorFilter, DebtorRow, DebtorSort, NoteKind
from desktop.domain.dunning.model import Pause
from desktop.domain.errors import NotFound
from desktop.domain.ids import CustomerId
from desktop.domain.money import from_minor
from desktop.services.dunning_pauses import PauseService, TimelineEntry
from desktop.store import debtor_cockpit, debtor_notes, debtor_queries, dunning_pauses
from desktop.store import pay_links as pay_link_store
from desktop.store import payments as payment_store
from desktop.store.database import Database
from desktop.store.debtor_cockpit import CockpitDocument
from desktop.store.debtor_notes import CustomerNote
from desktop.store.payments import PaymentSummary

__all__ = ["Cockpit", "CockpitDocument", "CustomerNote", "TimelineEntry", "read_cockpit"]


@dataclass(frozen=True, slots=True)
class Cockpit:
    customer_id: CustomerId
    rows: list[DebtorRow]  # the overview's rows of this customer, one per currency
    open_invoices: list[CockpitDocument]  # oldest due first
    credit_notes: list[CockpitDocument]  # every issued credit note, newest first
    payments: list[PaymentSummary]  # newest first
    credits: dict[str, Decimal]  # per currency: payments not allocated and credit notes not applied
    notes: list[CustomerNote]  # newest first
    active_pauses: list[Pause]
    credit_limit: tuple[Decimal, str] | None
    timeline: list[TimelineEntry]  # newest first


def read_cockpit(db: Database, customer_id: CustomerId, today: Callable[[], date]) -> Cockpit:
    day = today()
    with db.reading() as conn:
        if not debtor_notes.customer_exists(conn, customer_id):
            raise NotFound(f"Customer {customer_id} does not exist.")
        debtor_queries.compute(conn, day, day, customer_id=customer_id)
        rows = debtor_queries.page(conn, DebtorFilter(), DebtorSort(), 0, None, day).rows
        documents = debtor_cockpit.documents(conn, customer_id)
        emails = debtor_cockpit.invoice_emails(conn, customer_id)
        payments = payment_store.summaries(conn, customer_id)
        credits = payment_store.customer_credit(conn, customer_id)
        notes = debtor_notes.notes(conn, customer_id)
        pauses = [p for p in dunning_pauses.pauses(conn, customer_id) if p.active_on(day)]
        limit = debtor_notes.credit_limit(conn, customer_id)
        links = pay_link_store.for_customer(conn, customer_id)
    timeline = PauseService(db, today).timeline(customer_id)
    for d in documents:
        what = "Invoice" if d.kind == "invoice" else "Credit note"
        timeline.append(TimelineEntry(d.issue_date, d.kind, f"{what} {d.number} issued",
                                      f"{d.total} {d.currency}, due {d.due_date.isoformat()}" if d.kind == "invoice"
                                      else f"{d.total} {d.currency}", d.status, d.id))
    for e in emails:
        timeline.append(TimelineEntry(e.day, "invoice_sent", f"Emailed {', '.join(e.invoices)}", e.subject, e.state, e.outbox_id))
    for p in payments:
        detail = f"allocated to {', '.join(p.invoices)}" if p.invoices else "not allocated"
        timeline.append(TimelineEntry(p.date, "payment", f"Payment of {p.amount} {p.currency} ({p.method.value})", detail,
                                      "", p.id))
    for link in links:
        amount = from_minor(link.amount_minor, link.currency)
        timeline.append(TimelineEntry(link.created_at.date(), "pay_link",
                                      f"Pay link for {amount} {link.currency} ({link.provider})",
                                      ", ".join(link.invoice_numbers) or link.url, link.state, link.id))
        if link.paid_on is not None:
            timeline.append(TimelineEntry(link.paid_on, "pay_link_paid", f"Paid through pay link ({link.provider})",
                                          f"{amount} {link.currency}", "paid", link.id))
    for n in notes:
        state = "" if n.follow_up_on is None else ("done" if n.done_at else ("due" if n.follow_up_on <= day else "open"))
        follow = f" - follow up on {n.follow_up_on.isoformat()}" if n.follow_up_on else ""
        what = "Call" if n.kind is NoteKind.CALL else "Note"
        timeline.append(TimelineEntry(n.created_at.date(), n.kind.value, f"{what}{follow}", n.text, state, n.id))
    timeline.sort(key=lambda e: (e.day, e.ref_id or 0), reverse=True)
    open_invoices = sorted((d for d in documents if d.kind == "invoice" and d.status in ("open", "partially_paid")),
                           key=lambda d: (d.due_date, d.number))
    return Cockpit(
        customer_id, rows, open_invoices, [d for d in documents if d.kind == "credit_note"], payments, credits, notes,
        pauses, (from_minor(limit[0], limit[1]), limit[1]) if limit else None, timeline,
    )
