"""A simulated year over demo data, day by day: every day the run is previewed and recorded, while
invoices are issued, paid and paused. Checked on every day: the right reminders on the right days,
none after an invoice is paid, none while it is paused, levels in order and the final notice once;
and exact dates for invoices followed from issue to collection."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from desktop.documents.email_message import Sender, build_message
from desktop.domain.customer import Customer
from desktop.domain.dunning.model import PauseKind, PlanStatus, ReminderPlan
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.demo import create_demo
from desktop.services.dunning import DunningService
from desktop.services.dunning_pauses import PauseService
from desktop.services.paydesk import Paydesk

START = date(2026, 1, 1)
DAYS = 365
OFFSETS = {1: -7, 2: 2, 3: 18, 4: 34}  # the default procedure
SENDER = Sender("billing@paydesk-demo.example", "Paydesk Demo")


def composed(plan: ReminderPlan, day: date) -> object:
    return build_message(SENDER, plan.emails, plan.level.name, "Please pay.", "",
                         message_id=f"<{day.isoformat()}-{plan.customer_id}-{plan.level.position}-{plan.currency}"
                                    f"-{plan.instalment_id}@year.test>")


class Year:
    def __init__(self, path: Path) -> None:
        self.day = START - timedelta(days=1)
        self.paydesk = Paydesk.open(path, today=lambda: self.day)
        create_demo(self.paydesk, customers=15, invoices=120, seed=5, today=self.day, history=False)
        self.dunning = DunningService(self.paydesk.db, lambda: self.day)
        self.pauses = PauseService(self.paydesk.db, lambda: self.day)
        self.sent: dict[InvoiceId, list[tuple[date, int]]] = defaultdict(list)
        self.handed_over: dict[InvoiceId, date] = {}
        self.paid_on: dict[InvoiceId, date] = {}
        self.paused: dict[InvoiceId, tuple[date, date]] = {}  # inclusive
        self.due: dict[InvoiceId, date] = {}

    def issue(self, customer_id: CustomerId, amount: str = "100.00") -> InvoiceId:
        draft = InvoiceDraft(customer_id=customer_id, currency="EUR", issue_date=self.day, due_date=self.day + timedelta(days=30),
                             lines=[InvoiceLine("Service", Decimal(1), Decimal(amount), Decimal(21))])
        invoice_id = self.paydesk.invoices.save_draft(draft)
        self.paydesk.invoices.finalize_many([invoice_id])
        return invoice_id

    def pay_in_full(self, invoice_id: InvoiceId) -> None:
        summary = self.paydesk.invoices.summaries([invoice_id])[invoice_id]
        if summary.open_amount > 0:
            self.paydesk.payments.record(PaymentInput(summary.customer_id, self.day, summary.open_amount, summary.currency,
                                                      allocations=[Allocation(invoice_id, summary.open_amount)]))
        self.paid_on[invoice_id] = self.day

    def run(self) -> None:
        preview = self.dunning.preview(self.day)
        plans = [p for p in preview.plans if p.status is PlanStatus.PLANNED]
        assert all(p.status is not PlanStatus.HELD_BACK or "bank" in p.reason for p in preview.plans)
        for plan in plans:
            self.check(plan)
        for handover in preview.handovers:
            for invoice_id in handover.invoice_ids:
                assert invoice_id not in self.handed_over, "handed over twice"
                assert invoice_id not in self.paid_on
                final_day = self.sent[invoice_id][-1]
                assert final_day[1] == 4 and self.day == final_day[0] + timedelta(days=14), (final_day, self.day)
                self.handed_over[invoice_id] = self.day
        self.dunning.record(plans, [composed(p, self.day) for p in plans], self.day, preview.handovers)
        for plan in plans:
            for invoice in plan.invoices:
                self.sent[invoice.invoice_id].append((self.day, plan.level.position))

    def check(self, plan: ReminderPlan) -> None:
        position = plan.level.position
        for invoice in plan.invoices:
            i = invoice.invoice_id
            assert i not in self.paid_on, f"reminded on {self.day} after being paid on {self.paid_on[i]}"
            assert i not in self.handed_over, "reminded after the hand-over to collection"
            if i in self.paused:
                start, end = self.paused[i]
                assert not start <= self.day <= end, f"reminded on {self.day} while paused {start}..{end}"
            history = self.sent[i]
            assert not history or history[-1][1] < position, f"level {position} after {history}"
            assert self.day >= invoice.due_date + timedelta(days=OFFSETS[position])
            if OFFSETS[position] < 0:
                assert self.day < invoice.due_date, "a friendly notice after the due date"
            if history:
                gap = OFFSETS[position] - max(OFFSETS[history[-1][1]], 0)
                assert self.day >= history[-1][0] + timedelta(days=gap)


def test_a_year_of_daily_runs(tmp_path: Path) -> None:
    year = Year(tmp_path / "year.sqlite")
    rng = random.Random(2026)
    watched = year.paydesk.customers.save(Customer(number="9001", name="Watched Ltd", emails=["ap@watched.example"],
                                                   country="GB", language="en"))
    promised = year.paydesk.customers.save(Customer(number="9002", name="Promises B.V.", emails=["ap@promises.example"],
                                                    country="NL", language="nl"))
    with year.paydesk.db.reading() as conn:
        others = [CustomerId(r[0]) for r in conn.exec_driver_sql("SELECT id FROM customers WHERE number < '9000'")]
        open_at_start = [InvoiceId(r[0]) for r in conn.exec_driver_sql(
            "SELECT id FROM invoices WHERE kind = 'invoice' AND status IN ('open', 'partially_paid')")]
    payments: dict[date, list[InvoiceId]] = defaultdict(list)
    for invoice_id in rng.sample(open_at_start, k=len(open_at_start) // 2):
        payments[START + timedelta(days=rng.randint(0, 80))].append(invoice_id)
    followed: dict[InvoiceId, str] = {}

    for n in range(DAYS):
        year.day = START + timedelta(days=n)
        if n in (10, 200):
            followed[year.issue(watched)] = "never paid"
            paid_later = year.issue(watched, "55.00")
            followed[paid_later] = "paid after the first reminder"
            payments[year.day + timedelta(days=30 + 10)].append(paid_later)
            followed[year.issue(promised)] = "promise"
        if n % 7 == 3:  # new business
            fresh = year.issue(rng.choice(others), f"{rng.randint(50, 900)}.00")
            if rng.random() < 0.6:
                payments[year.day + timedelta(days=rng.randint(-5, 60) + 30)].append(fresh)
            elif rng.random() < 0.5:
                start = year.day + timedelta(days=rng.randint(25, 45))
                year.paused[fresh] = (start, start + timedelta(days=rng.randint(5, 30)))
        for invoice_id, (start, end) in year.paused.items():
            if start == year.day:
                customer_id = year.paydesk.invoices.summaries([invoice_id])[invoice_id].customer_id
                if invoice_id not in year.paid_on and invoice_id not in year.handed_over:
                    year.pauses.add(customer_id, PauseKind.DISPUTE, "Disputed quantity", until=end, invoice_id=invoice_id)
        for invoice_id, kind in followed.items():
            due = year.paydesk.invoices.summaries([invoice_id])[invoice_id].due_date
            if kind == "promise" and year.day == due + timedelta(days=1):
                year.pauses.add(promised, PauseKind.PROMISE, "Will pay by the 25th day", until=due + timedelta(days=25))
                year.paused[invoice_id] = (year.day, due + timedelta(days=25))
        for invoice_id in payments.pop(year.day, []):
            if invoice_id not in year.handed_over:
                year.pay_in_full(invoice_id)
        year.run()

    # exact days for the invoices followed from issue to collection
    for invoice_id, kind in followed.items():
        due = year.paydesk.invoices.summaries([invoice_id])[invoice_id].due_date
        days = [((d - due).days, level) for d, level in year.sent[invoice_id]]
        if kind == "never paid":
            assert days == [(-7, 1), (2, 2), (18, 3), (34, 4)]
            assert (year.handed_over[invoice_id] - due).days == 48
        elif kind == "paid after the first reminder":
            assert days == [(-7, 1), (2, 2)]
        else:  # promised until due+25: the first reminder the day after, then the procedure's spacing
            assert days == [(-7, 1), (26, 2), (42, 3), (58, 4)]
            assert (year.handed_over[invoice_id] - due).days == 72
    assert sum(len(v) for v in year.sent.values()) > 100
    assert len(year.paid_on) > 25 and len(year.paused) > 5 and len(year.handed_over) > 5
    delayed = [i for i, (start, end) in year.paused.items() if any(d > end for d, _ in year.sent[i])
               and not any(start <= d <= end for d, _ in year.sent[i])]
    assert len(delayed) >= 3  # pauses did stop reminders that resumed after them
    finals = [i for i, history in year.sent.items() if [lv for _, lv in history].count(4) == 1]
    assert finals and all([lv for _, lv in h].count(4) <= 1 for h in year.sent.values())
    with year.paydesk.db.reading() as conn:
        recorded = conn.exec_driver_sql("SELECT COUNT(*) FROM reminder_invoices").scalar_one()
        queued = conn.exec_driver_sql("SELECT COUNT(*) FROM outbox").scalar_one()
        reminders = conn.exec_driver_sql("SELECT COUNT(*) FROM reminders").scalar_one()
    assert recorded == sum(len(v) for v in year.sent.values())
    assert queued == reminders
    year.paydesk.close()
