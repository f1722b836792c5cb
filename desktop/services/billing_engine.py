"""The billing run's work inside one transaction: which invoices fall due for a batch of
subscriptions, their lines and totals, and writing them (numbered and issued, or as drafts)
together with the periods they bill. Amounts are computed once per plan and proration (same lines,
same totals), so a run of 100,000 invoices spends its time in SQLite, not in Decimal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from desktop.domain import events as ev
from desktop.domain.errors import PaydeskError, ValidationError
from desktop.domain.invoice import InvoiceLine, compute_totals
from desktop.domain.money import from_minor, to_minor
from desktop.domain.numbering import format_number, period_bounds, period_key
from desktop.domain.reference import creditor_reference
from desktop.domain.states import InvoiceKind
from desktop.domain.subscriptions import Piece, PlanLine, Subscription
from desktop.domain.subscriptions.periods import due_and_next
from desktop.domain.subscriptions.proration import piece_lines, prorate
from desktop.store import audit, events, numbering
from desktop.store import company as company_store
from desktop.store import invoices as invoice_store
from desktop.store import subscription_billing as bulk
from desktop.store import subscriptions as store
from desktop.store.database import Connection
from desktop.store.types import instant_text, utcnow

THOUSAND = Decimal(1000)
BP = Decimal(100)
LineSpec = tuple[str, int, str, int, int, int]
"""(description, quantity milli, unit, unit price minor, vat bp, net minor)"""
Amounts = tuple[tuple[tuple[int, str, int, int, int], ...], int, int, int]
"""Per line (quantity milli, unit, unit price minor, vat bp, net minor), then net, VAT and total minor."""


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


@dataclass(slots=True)
class PlannedInvoice:
    sub: Subscription
    pieces: list[Piece]
    adjustment_ids: list[int]
    lines: list[LineSpec]
    net: int
    vat: int
    total: int
    invoice_id: int = 0
    number: str | None = None
    notes: str = field(default="")


@lru_cache(maxsize=4096)
def _amounts(lines: tuple[PlanLine, ...], days: int, full_days: int, currency: str) -> Amounts:
    """Per plan line (quantity milli, unit, price minor, vat bp, net minor) and the totals, once per plan and proration."""
    priced = [InvoiceLine(x.description, x.quantity, prorate(x.unit_price, days, full_days, currency), x.vat_rate, unit=x.unit)
              for x in lines]
    totals = compute_totals(priced, currency)
    specs = tuple((int(x.quantity * THOUSAND), x.unit, to_minor(x.unit_price, currency), int(x.vat_rate * BP),
                   to_minor(x.net(currency), currency)) for x in priced)
    return specs, to_minor(totals.net, currency), to_minor(totals.vat, currency), to_minor(totals.total, currency)


def _span(piece: Piece) -> str:
    text = f"{piece.start.isoformat()} – {piece.end.isoformat()}"
    return text if not piece.partial else f"{text} ({piece.days}/{piece.full_days} days)"


def plan_batch(
    subs: list[Subscription], last: dict[int, date], pending: dict[int, list[tuple[int, InvoiceLine]]], lead_days: int,
    run_date: date, lone_adjustments: bool = False, next_day: dict[int, date | None] | None = None,
) -> list[PlannedInvoice]:
    """The invoices due on ``run_date``: one per subscription and billing day; pending proration
    lines go on the subscription's first one when its total stays above zero (or alone, when asked).
    ``next_day`` receives each subscription's billing day after the run."""
    planned: list[PlannedInvoice] = []
    next_day = {} if next_day is None else next_day
    for sub in subs:
        assert sub.id is not None
        groups: list[list[Piece]] = []
        due, next_day[sub.id] = due_and_next(sub, lead_days, last.get(sub.id), run_date)
        for piece in due:
            if groups and groups[-1][-1].bill_on == piece.bill_on:
                groups[-1].append(piece)
            else:
                groups.append([piece])
        adjustments = pending.get(sub.id, [])
        if not groups and adjustments and lone_adjustments:
            groups.append([])
        for index, group in enumerate(groups):
            extra = adjustments if index == 0 else []
            invoice = _plan_one(sub, group, extra)
            if extra and invoice.total <= 0 and group:
                invoice = _plan_one(sub, group, [])
            planned.append(invoice)
    return planned


def _plan_one(sub: Subscription, group: list[Piece], adjustments: list[tuple[int, InvoiceLine]]) -> PlannedInvoice:
    currency = sub.currency
    if len(group) == 1 and not adjustments:
        piece = group[0]
        specs, net, vat, total = _amounts(piece.term.lines, piece.days, piece.full_days, currency)
        span = _span(piece)
        lines = [(f"{x.description}, {span}", *spec) for x, spec in zip(piece.term.lines, specs, strict=True)]
        return PlannedInvoice(sub, group, [], lines, net, vat, total)
    all_lines = [line for piece in group for line in piece_lines(piece, currency)] + [line for _, line in adjustments]
    totals = compute_totals(all_lines, currency)
    lines = [(x.description, int(x.quantity * THOUSAND), x.unit, to_minor(x.unit_price, currency), int(x.vat_rate * BP),
              to_minor(x.net(currency), currency)) for x in all_lines]
    return PlannedInvoice(sub, group, [i for i, _ in adjustments], lines, to_minor(totals.net, currency),
                          to_minor(totals.vat, currency), to_minor(totals.total, currency))


def report_rows(planned: list[PlannedInvoice]) -> list[BilledInvoice]:
    result = []
    for p in planned:
        assert p.sub.id is not None
        start = p.pieces[0].start if p.pieces else None
        end = p.pieces[-1].end if p.pieces else None
        result.append(BilledInvoice(p.sub.id, p.sub.name, p.sub.customer_number, start or date.min, end or date.min,
                                    p.number, from_minor(p.total, p.sub.currency), p.sub.currency,
                                    p.invoice_id or None))
    return result


def load_batch(conn: Connection, ids: list[int]) -> tuple[list[Subscription], dict[int, date],
                                                          dict[int, list[tuple[int, InvoiceLine]]]]:
    subs = store.load_many(conn, ids)
    last = store.last_billed(conn, ids)
    pending = store.pending_adjustments(conn, ids, {s.id: s.currency for s in subs if s.id is not None})
    return subs, last, pending


def write_batch(conn: Connection, planned: list[PlannedInvoice], run_date: date, next_day: dict[int, date | None]) -> None:
    """Insert, number and issue the planned invoices, record their periods, audit them, and move each
    subscription's next billing day (``next_day``, from ``plan_batch``); all inside the caller's
    transaction (which holds the write lock)."""
    company = company_store.load(conn)
    if company is None:
        raise PaydeskError("Set up your company first (Settings): invoices need an issuer.")
    now = instant_text(utcnow())
    first_id = bulk.next_invoice_id(conn)
    terms = _payment_terms(conn, {p.sub.customer_id for p in planned}, company.payment_term_days)
    issue = run_date.isoformat()
    invoice_rows: list[bulk.InvoiceRow] = []
    line_rows: list[bulk.LineRow] = []
    billed_rows: list[bulk.BilledRow] = []
    adjustment_rows: list[tuple[int, int]] = []
    for offset, p in enumerate(planned):
        if p.total <= 0 and p.sub.auto_send:
            raise ValidationError({"subscription": (
                f"The invoice for subscription \u201c{p.sub.name}\u201d ({p.sub.customer_number}) would total "
                f"{from_minor(p.total, p.sub.currency)} {p.sub.currency}: its credits exceed its charges. "
                "Issue a credit note for it or change the plan, then run billing again.")})
        p.invoice_id = invoice_id = first_id + offset
        sub = p.sub
        assert sub.id is not None
        term = sub.payment_term_days if sub.payment_term_days is not None else terms[sub.customer_id]
        due = (run_date + timedelta(days=term)).isoformat()
        span = f"{p.pieces[0].start.isoformat()} – {p.pieces[-1].end.isoformat()}" if p.pieces else "plan change"
        p.notes = f"{sub.name}: {span}"
        invoice_rows.append((invoice_id, sub.customer_id, sub.currency, issue, due, p.notes, p.net, p.vat, p.total, now, now))
        line_rows.extend((invoice_id, position, *spec) for position, spec in enumerate(p.lines))
        for index, piece in enumerate(p.pieces):
            notice = "pending" if index == 0 and sub.auto_send else "none"
            billed_rows.append((sub.id, piece.start.isoformat(), piece.end.isoformat(), piece.full_days, invoice_id,
                                notice, issue))
        adjustment_rows.extend((invoice_id, adj) for adj in p.adjustment_ids)
    bulk.insert_invoices(conn, invoice_rows, line_rows)
    bulk.insert_billed(conn, billed_rows)
    store.assign_adjustments(conn, adjustment_rows)
    issued = [p for p in planned if p.sub.auto_send]
    if issued:
        _issue(conn, issued, run_date)
    audit.record_many(conn, [
        ("invoice.finalized" if p.number else "invoice.drafted", "invoice", p.invoice_id,
         f"Invoice {p.number} issued by the billing run for subscription {p.sub.name} ({p.notes.partition(': ')[2]})"
         if p.number else f"Draft invoice made by the billing run for subscription {p.sub.name} ({p.notes.partition(': ')[2]})")
        for p in planned
    ])
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


def _issue(conn: Connection, planned: list[PlannedInvoice], run_date: date) -> None:
    """Numbers for all of them in one block (they share the issue date, so one series period), then
    one executemany that issues them."""
    patterns = company_store.patterns_by_kind(conn)
    pattern = patterns[InvoiceKind.INVOICE]
    _, end = period_bounds(pattern, run_date)
    latest = bulk.issued_after(conn, run_date, end)
    if latest is not None:
        raise ValidationError({"date": (
            f"Invoices dated {run_date.isoformat()} cannot be numbered after one already issued on {latest.isoformat()}: "
            f"numbers must follow dates. Run billing on {latest.isoformat()} or later.")})
    first = numbering.take(conn, InvoiceKind.INVOICE.value, period_key(pattern, run_date), len(planned))
    bill = invoice_store.bill_to(conn, {p.sub.customer_id for p in planned})
    rows: list[invoice_store.IssuedRow] = []
    for offset, p in enumerate(planned):
        p.number = number = format_number(pattern, run_date, first + offset)
        to = bill[p.sub.customer_id]
        rows.append((number, creditor_reference(number), to.name, to.address, to.vat_id, to.language, to.country,
                     p.invoice_id))
    invoice_store.mark_issued(conn, rows, utcnow())


def _payment_terms(conn: Connection, customer_ids: set[int], default: int) -> dict[int, int]:
    result: dict[int, int] = {}
    ids = sorted(customer_ids)
    for at in range(0, len(ids), 900):
        chunk = ids[at:at + 900]
        marks = ",".join("?" * len(chunk))
        for customer_id, term in conn.exec_driver_sql(
            f"SELECT id, payment_term_days FROM customers WHERE id IN ({marks})", tuple(chunk),
        ):
            result[customer_id] = default if term is None else term
    return result
