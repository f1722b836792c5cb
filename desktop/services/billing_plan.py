"""What a billing run invoices for a batch of subscriptions: the invoices due, their lines and totals.

Subscriptions on the same plan with the same dates get the same invoice (lines, amounts, period):
a batch works that out once (``Bill``) and every such subscription shares it, so a run of 100,000
invoices spends its time in SQLite, not in period arithmetic and Decimal. Pending proration lines
make an invoice of their own kind, worked out for that subscription alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from desktop.domain.invoice import InvoiceLine, compute_totals
from desktop.domain.money import to_minor
from desktop.domain.subscriptions import Piece, PlanLine, Subscription
from desktop.domain.subscriptions.periods import due_and_next
from desktop.domain.subscriptions.proration import piece_lines, prorate

THOUSAND = Decimal(1000)
BP = Decimal(100)
LineSpec = tuple[int, str, int, str, int, int, int]
"""A line row without its invoice: (position, description, quantity milli, unit, unit price minor, vat bp, net minor)."""
Amounts = tuple[tuple[tuple[int, str, int, int, int], ...], int, int, int]
"""Per plan line (quantity milli, unit, unit price minor, vat bp, net minor), then net, VAT and total minor."""
Pending = dict[int, list[tuple[int, InvoiceLine]]]
"""Proration lines waiting for an invoice, per subscription: (adjustment id, line)."""


@dataclass(frozen=True, slots=True)
class Bill:
    """The contents of one invoice: the pieces of periods it bills, its lines and totals (minor units)."""

    pieces: tuple[Piece, ...]
    lines: tuple[LineSpec, ...]
    net: int
    vat: int
    total: int
    span: str  # "2026-12-01 – 2026-12-31", or "plan change" for proration lines alone


@dataclass(slots=True)
class PlannedInvoice:
    """One invoice of the run: a subscription's ``Bill``; ``invoice_id`` and ``number`` once written."""

    sub: Subscription
    bill: Bill
    adjustment_ids: tuple[int, ...] = ()
    invoice_id: int = 0
    number: str | None = None

    @property
    def pieces(self) -> tuple[Piece, ...]:
        return self.bill.pieces

    @property
    def total(self) -> int:
        return self.bill.total

    @property
    def notes(self) -> str:
        return f"{self.sub.name}: {self.bill.span}"


def plan_batch(
    subs: list[Subscription], last: dict[int, date], pending: Pending, lead_days: int, run_date: date,
    lone_adjustments: bool = False, next_day: dict[int, date | None] | None = None,
) -> list[PlannedInvoice]:
    """The invoices due on ``run_date``: one per subscription and billing day; pending proration
    lines go on the subscription's first one when its total stays above zero (or alone, when asked).
    ``next_day`` receives each subscription's billing day after the run."""
    planned: list[PlannedInvoice] = []
    next_day = {} if next_day is None else next_day
    # Keyed by the identity of the subscription's terms: ``load_many`` hands subscriptions on the same plan the
    # same Term objects, and the subscriptions keep them alive while this runs, so an id names one plan here.
    shared: dict[tuple[object, ...], tuple[tuple[Bill, ...], date | None]] = {}
    for sub in subs:
        assert sub.id is not None
        after = last.get(sub.id)
        key = (*map(id, sub.terms), sub.start, sub.end, sub.timing, sub.currency, after)
        found = shared.get(key)
        if found is None:
            due, following = due_and_next(sub, lead_days, after, run_date)
            found = shared[key] = (tuple(_bill(group, [], sub.currency) for group in _groups(due)), following)
        bills, next_day[sub.id] = found
        adjustments = pending.get(sub.id)
        if adjustments:
            planned.extend(_with_adjustments(sub, bills, adjustments, lone_adjustments))
        else:
            planned.extend([PlannedInvoice(sub, bill) for bill in bills])
    return planned


def _groups(due: list[Piece]) -> list[tuple[Piece, ...]]:
    """Pieces billed on the same day go on one invoice."""
    groups: list[list[Piece]] = []
    for piece in due:
        if groups and groups[-1][-1].bill_on == piece.bill_on:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return [tuple(group) for group in groups]


def _with_adjustments(sub: Subscription, bills: tuple[Bill, ...], adjustments: list[tuple[int, InvoiceLine]],
                      lone: bool) -> list[PlannedInvoice]:
    """The proration lines go on the first invoice, unless they would bring it to zero or below."""
    if not bills:
        return [PlannedInvoice(sub, _bill((), adjustments, sub.currency), tuple(i for i, _ in adjustments))] if lone else []
    first = _bill(bills[0].pieces, adjustments, sub.currency)
    planned = [PlannedInvoice(sub, first, tuple(i for i, _ in adjustments)) if first.total > 0 else PlannedInvoice(sub, bills[0])]
    planned.extend(PlannedInvoice(sub, bill) for bill in bills[1:])
    return planned


def _bill(group: tuple[Piece, ...], adjustments: list[tuple[int, InvoiceLine]], currency: str) -> Bill:
    span = f"{group[0].start.isoformat()} – {group[-1].end.isoformat()}" if group else "plan change"
    if len(group) == 1 and not adjustments:
        piece = group[0]
        specs, net, vat, total = _amounts(piece.term.lines, piece.days, piece.full_days, currency)
        text = span if not piece.partial else f"{span} ({piece.days}/{piece.full_days} days)"
        lines = tuple((position, f"{x.description}, {text}", *spec)
                      for position, (x, spec) in enumerate(zip(piece.term.lines, specs, strict=True)))
        return Bill(group, lines, net, vat, total, span)
    all_lines = [line for piece in group for line in piece_lines(piece, currency)] + [line for _, line in adjustments]
    totals = compute_totals(all_lines, currency)
    lines = tuple((position, x.description, int(x.quantity * THOUSAND), x.unit, to_minor(x.unit_price, currency),
                   int(x.vat_rate * BP), to_minor(x.net(currency), currency)) for position, x in enumerate(all_lines))
    return Bill(group, lines, to_minor(totals.net, currency), to_minor(totals.vat, currency), to_minor(totals.total, currency),
                span)


@lru_cache(maxsize=4096)
def _amounts(lines: tuple[PlanLine, ...], days: int, full_days: int, currency: str) -> Amounts:
    """Per plan line (quantity milli, unit, price minor, vat bp, net minor) and the totals, once per plan and proration."""
    priced = [InvoiceLine(x.description, x.quantity, prorate(x.unit_price, days, full_days, currency), x.vat_rate, unit=x.unit)
              for x in lines]
    totals = compute_totals(priced, currency)
    specs = tuple((int(x.quantity * THOUSAND), x.unit, to_minor(x.unit_price, currency), int(x.vat_rate * BP),
                   to_minor(x.net(currency), currency)) for x in priced)
    return specs, to_minor(totals.net, currency), to_minor(totals.vat, currency), to_minor(totals.total, currency)
