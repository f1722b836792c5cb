"""Subscriptions: creating and editing them, plan changes with proration, pausing, resuming and
cancelling. Each public method that changes data is one transaction.

A change in a period that is already invoiced credits the unused days of the old plan and charges
the new plan for them (a new interval starts a new period on the day of the change, billed by the
run). The proration lines go on the next invoice, or (``Settle.NOW``) on an invoice made at once;
when the credits outweigh the charges, a credit note on the period's invoice is issued at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop.domain.errors import StateError, ValidationError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine, compute_totals, validate_draft
from desktop.domain.money import ZERO, round_money, to_minor
from desktop.domain.states import InvoiceKind, InvoiceStatus
from desktop.domain.subscriptions import (
    PlanLine,
    Settle,
    Subscription,
    SubscriptionId,
    Term,
    validate_subscription,
)
from desktop.domain.subscriptions.periods import ONE_DAY, full_period, next_bill_on
from desktop.domain.subscriptions.proration import charge_lines, credit_lines
from desktop.services.billing import notice_days_in
from desktop.services.billing_engine import BilledInvoice, load_batch, plan_batch, report_rows, write_batch
from desktop.services.invoicing import finalize_in
from desktop.store import audit, payments
from desktop.store import invoices as invoice_store
from desktop.store import subscriptions as store
from desktop.store.database import Connection, Database
from desktop.store.subscriptions import BilledPeriod

__all__ = ["ChangeResult", "ProrationPreview", "SubscriptionService", "refresh_next_bill_on"]


@dataclass(frozen=True, slots=True)
class ProrationPreview:
    """What a change on ``on`` does to money: credit for unused time, charge for the new plan."""

    on: date
    currency: str
    credit_lines: list[InvoiceLine]
    charge_lines: list[InvoiceLine]
    explanation: str

    @property
    def credit(self) -> Decimal:
        """The credit including VAT, as a positive amount."""
        return -compute_totals(self.credit_lines, self.currency).total if self.credit_lines else ZERO

    @property
    def charge(self) -> Decimal:
        return compute_totals(self.charge_lines, self.currency).total if self.charge_lines else ZERO

    @property
    def net(self) -> Decimal:
        """Charge minus credit, including VAT (VAT computed per line set, as on the invoice)."""
        return round_money(self.charge - self.credit, self.currency)


@dataclass(slots=True)
class ChangeResult:
    preview: ProrationPreview
    invoices: list[BilledInvoice] = field(default_factory=list)  # made at once
    credit_note: str | None = None  # issued at once
    pending: bool = False  # proration lines wait for the next invoice


def refresh_next_bill_on(conn: Connection, lead_days: int) -> None:
    """Recompute every subscription's next billing day (after the notice days changed)."""
    subs = store.all_subscriptions(conn)
    last = store.last_billed(conn, [s.id for s in subs if s.id is not None])
    store.set_next_bill_on(conn, [(_iso(next_bill_on(s, lead_days, last.get(s.id))), s.id) for s in subs if s.id])


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _issued_invoices(conn: Connection, sub_id: SubscriptionId) -> list[int]:
    """The issued invoices of the subscription's billed periods, newest period first."""
    found: list[int] = []
    for row in reversed(store.billed_periods(conn, sub_id)):
        if row.invoice_id is not None and row.invoice_status not in (None, "draft", "void") and row.invoice_id not in found:
            found.append(row.invoice_id)
    return found


def _paid_until(sub: Subscription, term: Term) -> date | None:
    """The last day of ``term`` (the day before the next term starts); None: it is the latest."""
    later = [t.effective_from for t in sub.terms if t.effective_from > term.effective_from]
    return min(later) - ONE_DAY if later else None


class SubscriptionService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    # --- reading ------------------------------------------------------------------------------
    def list(self, customer_id: CustomerId | None = None) -> list[Subscription]:
        with self._db.reading() as conn:
            return store.all_subscriptions(conn, customer_id)

    def get(self, sub_id: SubscriptionId) -> Subscription:
        with self._db.reading() as conn:
            return store.load(conn, sub_id)

    def periods(self, sub_id: SubscriptionId) -> list[BilledPeriod]:
        """The periods billed so far with their invoices, oldest first."""
        with self._db.reading() as conn:
            return store.billed_periods(conn, sub_id)

    # --- writing ------------------------------------------------------------------------------
    def save(self, sub: Subscription) -> SubscriptionId:
        """Create, or edit one. Once a period is billed, its plan, start and interval are changed with
        ``change_plan``, ``pause`` and ``cancel``, not here (name, payment term, sending, notes, end are free)."""
        validate_subscription(sub)
        with self._db.transaction() as conn:
            lead = notice_days_in(conn)
            if sub.id is None:
                new_id = store.insert_subscription(conn, sub, next_bill_on(sub, lead, None))
                audit.record(conn, "subscription.created", "subscription", new_id,
                             f"Subscription {sub.name} created for customer {sub.customer_id} from {sub.start.isoformat()}")
                return new_id
            old = store.load(conn, sub.id)
            if store.has_billed(conn, sub.id) and (old.terms != sub.terms or old.start != sub.start or
                                                   old.timing != sub.timing or old.customer_id != sub.customer_id):
                raise StateError("This subscription has billed periods: change its plan with Change plan (which "
                                 "prorates), not by editing it.")
            last = store.last_billed(conn, [sub.id]).get(sub.id)
            store.update_subscription(conn, sub, next_bill_on(sub, lead, last))
            audit.record(conn, "subscription.changed", "subscription", sub.id, f"Subscription {sub.name} edited")
            return sub.id

    def delete(self, sub_id: SubscriptionId) -> None:
        with self._db.transaction() as conn:
            if store.has_billed(conn, sub_id):
                raise StateError("This subscription has billed periods and is kept for the record: cancel it instead.")
            store.delete_subscription(conn, sub_id)

    def preview_change(self, sub_id: SubscriptionId, on: date, lines: list[PlanLine] | None,
                       interval_months: int | None = None) -> ProrationPreview:
        """What ``change_plan`` would credit and charge (``lines`` None or empty: a pause from ``on``)."""
        with self._db.reading() as conn:
            sub = store.load(conn, sub_id)
            return self._plan_change(conn, sub, on, self._term(sub, on, lines, interval_months), None)[0]

    def change_plan(self, sub_id: SubscriptionId, on: date, lines: list[PlanLine], interval_months: int | None = None,
                    settle: Settle = Settle.NEXT_INVOICE) -> ChangeResult:
        """New plan lines (quantity, price) and/or interval from ``on``."""
        if not lines:
            raise ValidationError({"lines": "A plan needs at least one line; pause the subscription instead."})
        return self._change(sub_id, on, lines, interval_months, settle, "subscription.plan_changed",
                            "plan changed")

    def pause(self, sub_id: SubscriptionId, on: date, resume_on: date | None = None,
              settle: Settle = Settle.NEXT_INVOICE) -> ChangeResult:
        """Nothing is billed from ``on`` (unused days already invoiced are credited) until ``resume_on``."""
        if resume_on is not None and resume_on <= on:
            raise ValidationError({"resume_on": "The subscription must resume after the day it pauses."})
        result = self._change(sub_id, on, [], None, settle, "subscription.paused", "paused")
        if resume_on is not None:
            self.resume(sub_id, resume_on)
        return result

    def resume(self, sub_id: SubscriptionId, on: date) -> ChangeResult:
        """Bill the last plan again from ``on`` (the first period prorated)."""
        with self._db.reading() as conn:
            sub = store.load(conn, sub_id)
        if not sub.term_on(on).paused:
            raise StateError(f"Subscription {sub.name} is not paused on {on.isoformat()}.")
        return self._change(sub_id, on, list(sub.lines), None, Settle.NEXT_INVOICE, "subscription.resumed", "resumed")

    def cancel(self, sub_id: SubscriptionId, on: date | None = None, at_period_end: bool = True) -> ChangeResult:
        """End the subscription: after the period that contains ``on`` (today), or on ``on`` itself with
        the unused days already invoiced credited at once."""
        day = on or self._today()
        with self._db.transaction() as conn:
            lead = notice_days_in(conn)
            sub = store.load(conn, sub_id)
            assert sub.id is not None
            if at_period_end:
                end = full_period(sub.term_on(day), day)[1]
                preview = ProrationPreview(day, sub.currency, [], [], f"Ends after the period that ends on {end.isoformat()}.")
            else:
                end = day - ONE_DAY
                if end < sub.start:
                    raise ValidationError({"on": "The subscription has not started on that day: delete it instead."})
                preview, credits, _covers, drops = self._plan_change(conn, sub, day, None, None)
                issued = _issued_invoices(conn, sub.id)  # before the drops: a dropped period's invoice is credited too
                for start in drops:
                    store.delete_billed(conn, sub.id, start)
                store.add_adjustments(conn, sub.id, credits, sub.currency, day)
            if sub.end is not None and sub.end < end:
                end = sub.end
            sub.end = end
            sub.cancelled_on = day
            last = store.last_billed(conn, [sub.id]).get(sub.id)
            store.update_subscription(conn, sub, next_bill_on(sub, lead, last))
            audit.record(conn, "subscription.cancelled", "subscription", sub.id,
                         f"Subscription {sub.name} cancelled on {day.isoformat()}; last day {end.isoformat()}")
            result = ChangeResult(preview)
            if not at_period_end:
                self._settle_now(conn, sub, lead, result, issued)
            return result

    # --- helpers ------------------------------------------------------------------------------
    def _term(self, sub: Subscription, on: date, lines: list[PlanLine] | None, interval_months: int | None) -> Term:
        current = sub.term_on(on)
        months = interval_months or current.interval_months
        anchor = current.anchor if months == current.interval_months else on
        return Term(on, anchor, months, tuple(lines or ()))

    def _change(self, sub_id: SubscriptionId, on: date, lines: list[PlanLine], interval_months: int | None,
                settle: Settle, action: str, what: str) -> ChangeResult:
        with self._db.transaction() as conn:
            lead = notice_days_in(conn)
            sub = store.load(conn, sub_id)
            assert sub.id is not None
            if on < sub.start or (sub.end is not None and on > sub.end):
                raise ValidationError({"on": f"The change must fall within the subscription ({sub.start.isoformat()} – "
                                             f"{sub.end.isoformat() if sub.end else 'open end'})."})
            term = self._term(sub, on, lines, interval_months)
            changed = sub.with_term(term)
            validate_subscription(changed)
            preview, credits, covers, drops = self._plan_change(conn, sub, on, term, changed)
            issued = _issued_invoices(conn, sub.id)
            for start in drops:
                store.delete_billed(conn, sub.id, start)
            store.add_adjustments(conn, sub.id, credits + preview.charge_lines, sub.currency, on)
            for start, end, full_days in covers:
                store.insert_billed(conn, sub.id, start, end, full_days, None, self._today())
            last = store.last_billed(conn, [sub.id]).get(sub.id)
            store.update_subscription(conn, changed, next_bill_on(changed, lead, last))
            audit.record(conn, action, "subscription", sub.id,
                         f"Subscription {sub.name} {what} from {on.isoformat()}: credit {preview.credit}, charge "
                         f"{preview.charge} {sub.currency}")
            result = ChangeResult(preview, pending=bool(credits or preview.charge_lines))
            if settle is Settle.NOW:
                self._settle_now(conn, changed, lead, result, issued)
            return result

    def _plan_change(
        self, conn: Connection, sub: Subscription, on: date, term: Term | None, changed: Subscription | None,
    ) -> tuple[ProrationPreview, list[InvoiceLine], list[tuple[date, date, int]], list[date]]:
        """The proration of a change on ``on`` to ``term`` (None: the subscription ends): credits for
        billed days from ``on``, the charge for them when the period goes on with the new plan, the
        piece that the charge covers, and billed periods that start on or after ``on`` (re-billed by the run).

        A billed row was paid for the plan in force on its first day, up to the next change of plan:
        that change credited the rest of the row (and a change that went on in the same period added
        a row of its own from its day). So each day is credited at most once, for the plan it was paid for,
        also after a pause and a resume in the same period."""
        assert sub.id is not None
        credits: list[InvoiceLine] = []
        charges: list[InvoiceLine] = []
        covers: list[tuple[date, date, int]] = []
        drops: list[date] = []
        rows = store.billed_from(conn, sub.id, on)
        for row in rows:
            start = max(on, row.period_start)
            paid = sub.term_on(row.period_start)
            end = min(row.period_end, _paid_until(sub, paid) or row.period_end)
            if not paid.paused and start <= end:
                credits += credit_lines(paid.lines, start, end, row.full_days, sub.currency)
            if start == row.period_start:
                drops.append(row.period_start)
        current = sub.term_on(on)
        running = [row for row in rows if row.period_start < on]  # the latest one holds the period that goes on
        if (running and term is not None and term.lines and term.anchor == current.anchor
                and term.interval_months == current.interval_months):
            row = running[-1]
            end = row.period_end if changed is None or changed.end is None else min(row.period_end, changed.end)
            charges += charge_lines(term.lines, on, end, row.full_days, sub.currency)
            covers.append((on, end, row.full_days))
        if not credits:
            text = "Nothing of this period is invoiced yet: the run bills each plan for its own days."
        else:
            text = ("The unused days already invoiced are credited" +
                    ("; the new plan is charged for them." if charges else
                     "; the new plan's period is billed by the run." if term is not None and term.lines else "."))
        return ProrationPreview(on, sub.currency, credits, charges, text), credits, covers, drops

    def _settle_now(self, conn: Connection, sub: Subscription, lead: int, result: ChangeResult, issued: list[int]) -> None:
        """Invoice what is pending at once, or, when credits outweigh charges, issue a credit note."""
        assert sub.id is not None
        subs, last, pending = load_batch(conn, [sub.id])
        lines = pending.get(sub.id, [])
        net = compute_totals([line for _, line in lines], sub.currency).total if lines else ZERO
        if net < 0:
            result.credit_note = self._credit_note(conn, sub, lines, issued)
            result.pending = result.credit_note is None
            pending = {}
        today = self._today()
        next_day: dict[int, date | None] = {}
        planned = plan_batch(subs, last, pending, lead, today, lone_adjustments=True, next_day=next_day)
        planned = [p for p in planned if p.total > 0]
        if planned:
            write_batch(conn, planned, today, next_day)
            result.invoices = report_rows(planned)
            result.pending = False

    def _credit_note(self, conn: Connection, sub: Subscription, lines: list[tuple[int, InvoiceLine]],
                     issued: list[int]) -> str | None:
        """A credit note for the net of ``lines`` (negative) on the subscription's latest issued invoice
        (``issued``: newest first, taken before the change dropped billed periods)."""
        assert sub.id is not None
        if not issued:
            return None
        target = issued[0]
        record = invoice_store.load(conn, InvoiceId(target))
        credit = [InvoiceLine(x.description, x.quantity, -x.unit_price, x.vat_rate, unit=x.unit) for _, x in lines]
        total = compute_totals(credit, sub.currency).total
        left = record.total - invoice_store.credited_total(conn, record.id)
        if total > left:
            raise ValidationError({"settle": f"The credit of {total} {sub.currency} is more than the {left} {sub.currency} "
                                             f"left to credit on invoice {record.number}."})
        today = self._today()
        draft = InvoiceDraft(customer_id=sub.customer_id, currency=sub.currency, issue_date=max(today, record.draft.issue_date),
                             due_date=max(today, record.draft.issue_date), lines=credit, kind=InvoiceKind.CREDIT_NOTE,
                             credited_invoice_id=record.id, notes=f"{sub.name}: proration")
        validate_draft(draft, for_finalize=True)
        credit_id = invoice_store.insert_draft(conn, draft)
        number = finalize_in(conn, [credit_id])[0]
        apply = min(total, record.open_amount) if record.status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID) else ZERO
        if apply > 0:
            payments.apply_credit_note(conn, credit_id, record.id, to_minor(apply, sub.currency))
        invoice_store.resettle(conn, {record.id, credit_id})
        store.mark_adjustments_settled(conn, [i for i, _ in lines], credit_id)
        audit.record(conn, "invoice.credited", "invoice", record.id,
                     f"Invoice {record.number} credited by {number} for {total} {sub.currency} (subscription {sub.name})")
        return number


