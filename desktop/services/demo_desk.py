"""The demo credit manager's desk: the last weeks replayed (payments, weekly reminder runs, one
customer chased since earlier and handed over to collection, a payment plan, a hold, a dispute and
a promise to pay), then yesterday's bank statement imported, and notes, calls and credit limits.

Every change goes through the facade's services; the same seed and ``today`` give the same desk.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from desktop.domain.debtors import NoteKind
from desktop.domain.dunning.model import PauseKind, PlanStatus, ReminderPlan
from desktop.domain.ids import CustomerId
from desktop.domain.invoice import InvoiceSummary
from desktop.domain.payment import Allocation, PaymentInput
from desktop.domain.states import InvoiceKind, InvoiceStatus
from desktop.services.demo_bank import import_yesterdays_statement
from desktop.services.demo_history import DESK, PAYMENT, RUN, Happening, composer, replay, run_on, weekly_run_days
from desktop.services.dunning_pauses import PauseService
from desktop.services.paydesk import Paydesk

COLLECTION_RUNS_DAYS_AGO = (95, 79, 63)  # the customer chased earlier: first, second reminder and final notice
OPEN_STATES = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)


@dataclass(slots=True)
class Cast:
    """The customers (and invoices) the desk's stories are about; ``None`` when the demo is too small for one."""

    collection: CustomerId | None = None
    plan: InvoiceSummary | None = None
    hold: CustomerId | None = None
    dispute: InvoiceSummary | None = None
    promise: InvoiceSummary | None = None
    taken: set[CustomerId] = field(default_factory=set)

    def customers(self) -> set[CustomerId]:
        return set(self.taken)


def live_in(paydesk: Paydesk, rng: random.Random, today: date, payments: list[PaymentInput]) -> None:
    """Replay the last weeks with ``payments`` recorded on their dates, import yesterday's statement, write the
    notes and set the credit limits."""
    paid = {a.invoice_id for p in payments for a in p.allocations}
    never_paid = sorted((s for s in paydesk.invoices.all_summaries()
                         if s.kind is InvoiceKind.INVOICE and s.status is InvoiceStatus.OPEN and s.number
                         and s.id not in paid), key=lambda s: (s.due_date, s.id))
    cast = _cast(rng, today, never_paid)
    run = composer(paydesk)
    happenings = [Happening(p.date, PAYMENT, lambda p=p: _pay(paydesk, p)) for p in sorted(payments, key=lambda p: p.date)]
    if cast.collection is not None:
        chased = cast.collection
        happenings += [Happening(today - timedelta(days=d), RUN, lambda d=d: run_on(
            paydesk, run, today - timedelta(days=d), keep=lambda p: p.customer_id == chased))
                       for d in COLLECTION_RUNS_DAYS_AGO]
    hand_over = {cast.collection} if cast.collection is not None else set()
    days = weekly_run_days(today)
    backlog = _backlog_starts(rng, days, never_paid, cast)

    def keep(plan: ReminderPlan, day: date) -> bool:
        """Invoices that fell due since the first run are reminded as they fall due; older ones once the credit
        manager has got to their customer in the backlog."""
        start = backlog.get(plan.customer_id, days[0])
        return min(i.due_date for i in plan.invoices) >= days[0] or (start is not None and start <= day)

    happenings += [Happening(day, RUN, lambda day=day: run_on(paydesk, run, day, keep=lambda p: keep(p, day),
                                                              hand_over=hand_over))
                   for day in days]
    happenings += _pauses(paydesk, today, cast)
    replay(happenings)
    due_today = {p.customer_id for p in paydesk.dunning.preview(today).plans if p.status is PlanStatus.PLANNED}
    import_yesterdays_statement(paydesk, rng, today, avoid=cast.customers(), due_today=due_today)
    _notes(paydesk, rng, today, cast)
    _credit_limits(paydesk, rng, cast)


def _backlog_starts(rng: random.Random, days: list[date], never_paid: list[InvoiceSummary], cast: Cast,
                    ) -> dict[CustomerId, date | None]:
    """The run at which the credit manager started reminding each customer's old invoices (None: not yet, so
    their first reminder is due today): the stories' customers first, the others spread over the weeks."""
    starts: list[date | None] = [days[0], days[0], *days[1:-1], None]
    owing = sorted({s.customer_id for s in never_paid if s.due_date < days[0]})
    return {c: days[0] if c in cast.taken else rng.choice(starts) for c in owing}


def _pay(paydesk: Paydesk, payment: PaymentInput) -> None:
    paydesk.payments.record(payment)


def _cast(rng: random.Random, today: date, never_paid: list[InvoiceSummary]) -> Cast:
    """Pick who the stories are about among the invoices that stay open, one customer per story."""
    cast = Cast()
    by_customer: dict[CustomerId, list[InvoiceSummary]] = defaultdict(list)
    for s in never_paid:
        by_customer[s.customer_id].append(s)
    old = {c: [s for s in found if s.due_date < today - timedelta(days=100)] for c, found in by_customer.items()}
    if any(old.values()):
        cast.collection = max(sorted(old), key=lambda c: (len(old[c]), sum(s.open_amount for s in old[c])))
        cast.taken.add(cast.collection)

    def pick(first: int, last: int) -> InvoiceSummary | None:
        """An invoice due between ``first`` and ``last`` days ago of a customer no story has yet."""
        found = [s for s in never_paid if today - timedelta(days=first) <= s.due_date <= today - timedelta(days=last)
                 and s.customer_id not in cast.taken]
        if not found:
            return None
        chosen = rng.choice(found)
        cast.taken.add(chosen.customer_id)
        return chosen

    cast.plan = pick(80, 35)
    cast.dispute = pick(45, 9)
    cast.promise = pick(60, 6)
    held = pick(400, 10)
    cast.hold = held.customer_id if held is not None else None
    return cast


def _pauses(paydesk: Paydesk, today: date, cast: Cast) -> list[Happening]:
    """The plan, hold, dispute and promise, each agreed on its day of the last weeks."""
    found: list[Happening] = []
    if cast.plan is not None:
        invoice = cast.plan
        agreed = today - timedelta(days=20)
        first = (invoice.open_amount / 3).quantize(Decimal("0.01"), ROUND_DOWN)
        instalments = [(today - timedelta(days=14), first), (today + timedelta(days=10), first),
                       (today + timedelta(days=40), invoice.open_amount - 2 * first)]

        def agree() -> None:
            PauseService(paydesk.db, lambda: agreed).add_plan(
                invoice.customer_id, [invoice.id], instalments,
                note=f"Cash-flow problems after losing a big client; agreed to pay {invoice.number} in three parts")

        found.append(Happening(agreed, DESK, agree))
        found.append(Happening(today - timedelta(days=13), PAYMENT, lambda: _pay(paydesk, PaymentInput(
            customer_id=invoice.customer_id, date=today - timedelta(days=13), amount=first, currency=invoice.currency,
            note="First instalment", allocations=[Allocation(invoice.id, first)]))))
    if cast.hold is not None:
        found.append(_pause(paydesk, today - timedelta(days=12), cast.hold, PauseKind.HOLD,
                            "Management asked us to wait: their new finance director is reviewing all suppliers"))
    if cast.dispute is not None:
        found.append(_pause(paydesk, today - timedelta(days=8), cast.dispute.customer_id, PauseKind.DISPUTE,
                            "Disputes the hours billed: says the installation took one day, not two", invoice=cast.dispute))
    if cast.promise is not None:
        found.append(_pause(paydesk, today - timedelta(days=5), cast.promise.customer_id, PauseKind.PROMISE,
                            "Promised on the phone to pay in full", until=today,
                            invoice=cast.promise))
    return found


def _pause(paydesk: Paydesk, since: date, customer: CustomerId, kind: PauseKind, reason: str, until: date | None = None,
           invoice: InvoiceSummary | None = None) -> Happening:
    """A pause agreed on ``since`` (for one invoice, or the whole customer)."""
    return Happening(since, DESK, lambda: paydesk.pauses.add(customer, kind, reason, until,
                                                             invoice.id if invoice is not None else None, since))


def _notes(paydesk: Paydesk, rng: random.Random, today: date, cast: Cast) -> None:
    """Notes and calls of the last days; the follow-ups are due today and in the coming days."""
    floor = max(today, paydesk.today())

    def day(offset: int) -> date:
        return max(floor, today + timedelta(days=offset))

    add = paydesk.debtors.add_note
    if cast.collection is not None:
        add(cast.collection, NoteKind.NOTE, "Handed the overdue invoices over to the collection agency after the final "
                                            "notice went unanswered. Agency file DC-4471.", None)
        add(cast.collection, NoteKind.CALL, "Collection agency called: the customer disputes nothing and will be sent "
                                            "a formal demand. Ask them for a status update.", day(6))
    if cast.promise is not None:
        add(cast.promise.customer_id, NoteKind.CALL,
            f"Spoke to accounts payable: they promised to pay {cast.promise.number} by today. Check the bank tomorrow "
            "morning and call again if nothing came in.", day(0))
    if cast.dispute is not None:
        add(cast.dispute.customer_id, NoteKind.NOTE,
            f"Asked our project lead for the time sheets of {cast.dispute.number}; send them to the customer.", day(2))
    if cast.hold is not None:
        add(cast.hold, NoteKind.CALL, "Their new finance director will review all open supplier invoices this month. "
                                      "Call back to ask for a payment date.", day(9))
    if cast.plan is not None:
        add(cast.plan.customer_id, NoteKind.NOTE, "First instalment of the payment plan came in on time.", None)
        add(cast.plan.customer_id, NoteKind.CALL, "Remind them of the second instalment a few days before it is due.",
            day(7))
    others = sorted({s.customer_id for s in paydesk.invoices.all_summaries()
                     if s.kind is InvoiceKind.INVOICE and s.status in OPEN_STATES} - cast.customers())
    calls = [
        (NoteKind.CALL, "Left a voicemail with accounts payable about the overdue invoices. Try again today.", 0),
        (NoteKind.CALL, "They asked for copies of the invoices; sent them by email. Call to confirm they were received.", 1),
        (NoteKind.NOTE, "New contact in accounts payable from next month; update the email address when it is known.", 4),
        (NoteKind.NOTE, "Customer pays reliably but always 10 days late; no action needed.", None),
    ]
    for customer, (kind, text, offset) in zip(rng.sample(others, k=min(len(others), len(calls))), calls, strict=False):
        add(customer, kind, text, None if offset is None else day(offset))


def _credit_limits(paydesk: Paydesk, rng: random.Random, cast: Cast) -> None:
    """Credit limits on a few customers with something open; the biggest debtor is over its limit."""
    exposure: dict[tuple[CustomerId, str], Decimal] = defaultdict(Decimal)
    for s in paydesk.invoices.all_summaries():
        if s.kind is InvoiceKind.INVOICE and s.status in OPEN_STATES:
            exposure[(s.customer_id, s.currency)] += s.open_amount
    ranked = sorted(((amount, key) for key, amount in exposure.items() if key[0] != cast.collection), reverse=True)
    if not ranked:
        return
    amount, (customer, currency) = ranked[0]
    paydesk.debtors.set_credit_limit(customer, _rounded(amount * Decimal("0.6"), ROUND_DOWN), currency)
    rest = [r for r in ranked[1:] if r[1][0] != customer]
    for amount, (customer, currency) in rng.sample(rest, k=min(3, len(rest))):
        paydesk.debtors.set_credit_limit(customer, _rounded(amount * 2 + 1000, ROUND_UP), currency)


def _rounded(amount: Decimal, rounding: str) -> Decimal:
    """To whole thousands (hundreds below a thousand): limits people set."""
    step = Decimal(1000) if amount >= 1000 else Decimal(100)
    return max(step, (amount / step).quantize(Decimal(1), rounding) * step)


__all__ = ["live_in"]
