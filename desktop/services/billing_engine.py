"""The billing run's writes inside one transaction: a batch's planned invoices (``billing_plan``)
numbered and issued, or left as drafts for review, together with the periods they bill, their
audit entries, the subscriptions' next billing days and their events.

An issued invoice goes in as issued, in one row with its number, reference and bill-to, as
finalizing leaves a draft: not a draft row first that an UPDATE then issues, which would write
every invoice, its indexes and its triggers twice (see ``subscription_billing.insert_invoices``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from desktop.domain import events as ev
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.invoice import InvoiceLine
from desktop.domain.money import from_minor
from desktop.domain.numbering import format_number, period_bounds, period_key
from desktop.domain.reference import creditor_reference
from desktop.domain.states import InvoiceKind
from desktop.domain.subscriptions import Subscription
from desktop.services.billing_plan import PlannedInvoice, plan_batch
from desktop.store import audit, events, numbering
from desktop.store import company as company_store
from desktop.store import invoices as invoice_store
from desktop.store import subscription_billing as bulk
from desktop.store import subscriptions as store
from desktop.store.database import Connection
from desktop.store.types import instant_text, utcnow

__all__ = ["BilledInvoice", "PlannedInvoice", "load_batch", "plan_batch", "report_rows", "write_batch"]


@dataclass(frozen=True, slots=True)
class BilledInvoice:
    """One invoice a run made (or, dry, would make)."""

    subscription_id: int
    subscription: str
    customer_number: str
    period_start: date
    period_end: date
    number: str | None
    total: Decimal
    currency: str
    invoice_id: int | None


def report_rows(planned: list[PlannedInvoice]) -> list[BilledInvoice]:
    result = []
    amounts: dict[tuple[int, str], Decimal] = {}
    for p in planned:
        sub, pieces = p.sub, p.pieces
        assert sub.id is not None
        key = (p.total, sub.currency)
        total = amounts.get(key)
        if total is None:
            total = amounts[key] = from_minor(p.total, sub.currency)
        result.append(BilledInvoice(sub.id, sub.name, sub.customer_number, pieces[0].start if pieces else date.min,
                                    pieces[-1].end if pieces else date.min, p.number, total, sub.currency,
                                    p.invoice_id or None))
    return result


def load_batch(conn: Connection, ids: list[int]) -> tuple[list[Subscription], dict[int, date],
                                                          dict[int, list[tuple[int, InvoiceLine]]]]:
    subs = store.load_many(conn, ids)
    last = store.last_billed(conn, ids)
    pending = store.pending_adjustments(conn, ids, {s.id: s.currency for s in subs if s.id is not None})
    return subs, last, pending


def write_batch(conn: Connection, planned: list[PlannedInvoice], run_date: date, next_day: dict[int, date | None]) -> None:
    """Insert the planned invoices (numbered and issued, or drafts), record their periods, audit them,
    and move each subscription's next billing day (``next_day``, from ``plan_batch``); all inside the
    caller's transaction (which holds the write lock)."""
    company = company_store.load(conn)
    if company is None:
        raise PaydeskError("Set up your company first (Settings): invoices need an issuer.")
    for p in planned:
        if p.total <= 0 and p.sub.auto_send:
            raise ValidationError({"subscription": (
                f"The invoice for subscription \u201c{p.sub.name}\u201d ({p.sub.customer_number}) would total "
                f"{from_minor(p.total, p.sub.currency)} {p.sub.currency}: its credits exceed its charges. "
                "Issue a credit note for it or change the plan, then run billing again.")})
    now = instant_text(utcnow())
    issued = [p for p in planned if p.sub.auto_send]
    if issued:
        _number(conn, issued, run_date)
    bill = invoice_store.bill_to(conn, {p.sub.customer_id for p in issued})
    terms = _payment_terms(conn, {p.sub.customer_id for p in planned}, company.payment_term_days)
    due_on: dict[int, str] = {}
    issue = run_date.isoformat()
    first_id = bulk.next_invoice_id(conn)
    invoice_rows: list[bulk.InvoiceRow] = []
    line_rows: list[bulk.LineRow] = []
    billed_rows: list[bulk.BilledRow] = []
    adjustment_rows: list[tuple[int, int]] = []
    audit_rows: list[tuple[str, str, int, str]] = []
    for offset, p in enumerate(planned):
        p.invoice_id = invoice_id = first_id + offset
        sub, b, number = p.sub, p.bill, p.number
        assert sub.id is not None
        term = sub.payment_term_days if sub.payment_term_days is not None else terms[sub.customer_id]
        due = due_on.get(term)
        if due is None:
            due = due_on[term] = (run_date + timedelta(days=term)).isoformat()
        notes = f"{sub.name}: {b.span}"
        if number is not None:
            to = bill[sub.customer_id]
            invoice_rows.append((invoice_id, "open", sub.customer_id, sub.currency, issue, due, notes, b.net, b.vat, b.total,
                                 number, rf_reference(number), to.name, to.address, to.vat_id, to.language, to.country,
                                 now, now, now))
            audit_rows.append(("invoice.finalized", "invoice", invoice_id,
                               f"Invoice {number} issued by the billing run for subscription {sub.name} ({b.span})"))
        else:
            invoice_rows.append((invoice_id, "draft", sub.customer_id, sub.currency, issue, due, notes, b.net, b.vat, b.total,
                                 None, None, "", "", "", "en", "", None, now, now))
            audit_rows.append(("invoice.drafted", "invoice", invoice_id,
                               f"Draft invoice made by the billing run for subscription {sub.name} ({b.span})"))
        line_rows.extend([(invoice_id, *spec) for spec in b.lines])
        for index, piece in enumerate(b.pieces):
            notice = "pending" if index == 0 and sub.auto_send else "none"
            billed_rows.append((sub.id, piece.start.isoformat(), piece.end.isoformat(), piece.full_days, invoice_id,
                                notice, issue))
        adjustment_rows.extend((invoice_id, adj) for adj in p.adjustment_ids)
    bulk.insert_invoices(conn, invoice_rows, line_rows)
    bulk.insert_billed(conn, billed_rows)
    store.assign_adjustments(conn, adjustment_rows)
    audit.record_many(conn, audit_rows)
    store.set_next_bill_on(conn, [(_iso(day), sub_id) for sub_id, day in next_day.items()])
    _record_events(conn, planned)


def _record_events(conn: Connection, planned: list[PlannedInvoice]) -> None:
    """``invoice.finalized`` per issued invoice and ``subscription.renewed`` per invoice that bills a
    period (its invoice in the payload when issued, none for a draft), in the caller's transaction, so
    a batch that rolls back leaves no event. Nothing at all while no endpoint listens for them."""
    wanted = events.listening(conn)
    if ev.INVOICE_FINALIZED in wanted:
        events.record_invoices(conn, ev.INVOICE_FINALIZED, [p.invoice_id for p in planned if p.number])
    if ev.SUBSCRIPTION_RENEWED in wanted:
        renewals = [(p.sub.id, p.invoice_id if p.number else None, p.pieces[0].start, p.pieces[-1].end)
                    for p in planned if p.pieces and p.sub.id is not None]
        about = {p.sub.id: {"name": p.sub.name, "customer_id": p.sub.customer_id, "customer_number": p.sub.customer_number,
                            "currency": p.sub.currency}
                 for p in planned if p.sub.id is not None}
        events.record_renewals(conn, renewals, about)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _number(conn: Connection, planned: list[PlannedInvoice], run_date: date) -> None:
    """Numbers for all of them in one block: they share the issue date, so one series period."""
    patterns = company_store.patterns_by_kind(conn)
    pattern = patterns[InvoiceKind.INVOICE]
    _, end = period_bounds(pattern, run_date)
    latest = bulk.issued_after(conn, run_date, end)
    if latest is not None:
        raise ValidationError({"date": (
            f"Invoices dated {run_date.isoformat()} cannot be numbered after one already issued on {latest.isoformat()}: "
            f"numbers must follow dates. Run billing on {latest.isoformat()} or later.")})
    first = numbering.take(conn, InvoiceKind.INVOICE.value, period_key(pattern, run_date), len(planned))
    for offset, p in enumerate(planned):
        p.number = format_number(pattern, run_date, first + offset)


_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_BASE36 = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})
_RF = "271500"  # "RF" in base 36 (R = 27, F = 15), then the two check digits' place


def rf_reference(number: str) -> str:
    """``creditor_reference(number)`` (ISO 11649, the same text), with the mod-97 check worked on one
    integer: the billing run makes 100,000 of them."""
    body = _NOT_ALNUM.sub("", number).upper()
    if not body:
        return creditor_reference(number)  # refuses it as that does
    if len(body) > 21:
        body = body[-21:]
    return f"RF{98 - int(body.translate(_BASE36) + _RF) % 97:02d}{body}"


def _payment_terms(conn: Connection, customer_ids: set[int], default: int) -> dict[int, int]:
    result: dict[int, int] = {}
    ids = sorted(customer_ids)
    for at in range(0, len(ids), 900):
        chunk = ids[at:at + 900]
        marks = ",".join("?" * len(chunk))
        for customer_id, term in conn.exec_driver_sql(
            f"SELECT id, payment_term_days FROM customers WHERE id IN ({marks})", tuple(chunk),
        ).all():
            result[customer_id] = default if term is None else term
    return result
