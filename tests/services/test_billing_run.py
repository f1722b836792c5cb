"""Subscriptions billed over two simulated years: plan changes, pauses, cancellations, proration
checked against amounts computed by hand; month-end anchoring; in advance and in arrears."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from desktop.domain.customer import Customer
from desktop.domain.states import InvoiceKind
from desktop.domain.subscriptions import PlanLine, Settle, Subscription, Timing, add_months
from desktop.domain.subscriptions.periods import pieces
from desktop.services.billing import BillingService
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk
from desktop.services.subscriptions import SubscriptionService


class Clock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def world(tmp_path: Path):
    clock = Clock(date(2024, 12, 20))
    paydesk = Paydesk.open(tmp_path / "billing.sqlite", today=clock)
    paydesk.company.save(DEMO_COMPANY)
    customer = paydesk.customers.save(Customer(number="5001", name="Acme B.V.", country="NL", language="nl",
                                               emails=["billing@acme.example"]))
    yield paydesk, clock, customer, SubscriptionService(paydesk.db, clock), BillingService(paydesk.db, clock)
    paydesk.close()


def test_month_end_anchoring() -> None:
    assert [add_months(date(2024, 1, 31), n) for n in range(4)] == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    sub = Subscription.new(1, "x", "EUR", date(2025, 1, 31), [PlanLine("a", D(1), D(1))])  # type: ignore[arg-type]
    starts = [(p.start, p.end) for _, p in zip(range(3), pieces(sub, 0), strict=False)]
    assert starts == [(date(2025, 1, 31), date(2025, 2, 27)), (date(2025, 2, 28), date(2025, 3, 30)),
                      (date(2025, 3, 31), date(2025, 4, 29))]


def _simulate(paydesk, clock, billing, until: date, events: dict[date, object]) -> list:
    made = []
    while clock.day <= until:
        action = events.get(clock.day)
        if action is not None:
            action()  # type: ignore[operator]
        made.extend(billing.run(clock.day).invoices)
        clock.day += timedelta(days=1)
    return made


def test_two_years_with_changes_pauses_and_cancellation(world) -> None:
    paydesk, clock, customer, subs, billing = world
    # A: monthly in advance, 10 seats at 10.00 + 21% VAT = 121.00 a month.
    a = subs.save(Subscription.new(customer, "Seats", "EUR", date(2025, 1, 1), [PlanLine("Seat", D(10), D("10.00"), D(21))]))
    # B: quarterly in arrears from Jan 31 (month-end anchored), 300.00 no VAT, ends 2025-12-15.
    b = subs.save(Subscription.new(customer, "Support", "EUR", date(2025, 1, 31), [PlanLine("Support", D(1), D("300.00"))],
                                   interval_months=3, timing=Timing.ARREARS, end=date(2025, 12, 15)))
    # C: monthly 50.00 + 21% in advance, becomes yearly 500.00 on 2025-04-11.
    c = subs.save(Subscription.new(customer, "Hosting", "EUR", date(2025, 1, 1), [PlanLine("Hosting", D(1), D("50.00"), D(21))]))
    results = {}
    events = {
        # March (billed 2025-02-22) is credited for 16-31 Mar: 10.00 x 16/31 = 5.16 a seat, x10 = -51.60;
        # the new 15 seats charged 5.16 x 15 = 77.40; both on April's invoice (next invoice).
        date(2025, 3, 16): lambda: results.update(change=subs.change_plan(a, date(2025, 3, 16),
                                                                          [PlanLine("Seat", D(15), D("10.00"), D(21))])),
        # C: April billed (2025-03-25) credited for 11-30 Apr: 50.00 x 20/30 = 33.33 -> -33.33; the yearly period
        # 2025-04-11 .. 2026-04-10 is billed by the run the same day, with the credit on it.
        date(2025, 4, 11): lambda: subs.change_plan(c, date(2025, 4, 11), [PlanLine("Hosting", D(1), D("500.00"), D(21))],
                                                    interval_months=12),
        # A paused from 2025-06-01 (June billed 2025-05-25: all of it credited at once by a credit note,
        # 15 x 10.00 = 150.00 + 31.50 VAT = 181.50), resumed 2025-08-16: Aug 16-31 = 16/31 -> 5.16 x 15 = 77.40.
        date(2025, 6, 1): lambda: results.update(pause=subs.pause(a, date(2025, 6, 1), resume_on=date(2025, 8, 16),
                                                                  settle=Settle.NOW)),
        # A cancelled at once on 2026-02-10: Feb billed; 10-28 Feb unused = 19/28 -> 10.00 x 19/28 = 6.79 a seat,
        # x15 = 101.85 + 21.39 VAT = 123.24 credited by a credit note.
        date(2026, 2, 10): lambda: results.update(cancel=subs.cancel(a, date(2026, 2, 10), at_period_end=False)),
    }
    made = _simulate(paydesk, clock, billing, date(2026, 12, 31), events)
    by_sub = {s: [m for m in made if m.subscription_id == s] for s in (a, b, c)}

    # A: Jan-Jun 2025 (6), the Aug piece, Sep 2025 - Feb 2026 (6): 13 invoices, nothing after the cancellation.
    a_inv = by_sub[a]
    assert [(i.period_start, i.period_end) for i in a_inv][:6] == [
        (date(2025, m, 1), add_months(date(2025, m, 1), 1) - timedelta(days=1)) for m in range(1, 7)]
    assert (a_inv[6].period_start, a_inv[6].period_end) == (date(2025, 8, 16), date(2025, 8, 31))
    assert len(a_inv) == 13 and a_inv[-1].period_start == date(2026, 2, 1)
    totals = [i.total for i in a_inv]
    assert totals[:3] == [D("121.00")] * 3
    # April: 15 x 10.00 = 150.00 + proration 25.80 = 175.80 net; VAT 21% = 36.92 -> 212.72.
    assert totals[3] == D("212.72")
    assert totals[4] == totals[5] == D("181.50")
    assert totals[6] == D("93.65")  # 77.40 + 16.25 VAT (16.254)
    assert set(totals[7:]) == {D("181.50")}
    assert results["change"].preview.credit == D("62.44")  # 51.60 + 10.84 VAT
    assert results["pause"].credit_note is not None
    cancel = results["cancel"]
    assert cancel.credit_note is not None
    notes = {s.number: s.total for s in paydesk.invoices.all_summaries() if s.kind is InvoiceKind.CREDIT_NOTE}
    assert notes == {results["pause"].credit_note: D("-181.50"), cancel.credit_note: D("-123.24")}

    # B: three whole quarters in arrears, then Oct 31 - Dec 15 = 46 of 92 days: 300.00 x 46/92 = 150.00.
    assert [(i.period_start, i.period_end, i.total) for i in by_sub[b]] == [
        (date(2025, 1, 31), date(2025, 4, 29), D("300.00")), (date(2025, 4, 30), date(2025, 7, 30), D("300.00")),
        (date(2025, 7, 31), date(2025, 10, 30), D("300.00")), (date(2025, 10, 31), date(2025, 12, 15), D("150.00"))]
    issued_b = [s for s in paydesk.invoices.all_summaries() if s.number in {i.number for i in by_sub[b]}]
    assert sorted(s.issue_date for s in issued_b) == [date(2025, 4, 30), date(2025, 7, 31), date(2025, 10, 31),
                                                      date(2025, 12, 16)]

    # C: Jan-Apr monthly (60.50 each), then the year from 2025-04-11: 500.00 - 33.33 = 466.67 net, VAT 98.00 -> 564.67,
    # then the next year in full on 2026-04-04 (7 days before): 605.00.
    assert [(i.period_start, i.total) for i in by_sub[c]] == [
        (date(2025, 1, 1), D("60.50")), (date(2025, 2, 1), D("60.50")), (date(2025, 3, 1), D("60.50")),
        (date(2025, 4, 1), D("60.50")), (date(2025, 4, 11), D("564.67")), (date(2026, 4, 11), D("605.00"))]
    assert by_sub[c][-1].period_end == date(2027, 4, 10)

    # Nothing twice, no period skipped: the same run again makes nothing; every number is unique.
    assert billing.run(clock.day).count == 0
    numbers = [m.number for m in made]
    assert len(numbers) == len(set(numbers)) == 13 + 4 + 6


def test_missed_periods_are_made_in_one_late_run_and_drafts_stay_drafts(world) -> None:
    paydesk, clock, customer, subs, billing = world
    subs.save(Subscription.new(customer, "Review me", "EUR", date(2025, 1, 1), [PlanLine("Plan", D(2), D("9.99"), D(21))],
                               auto_send=False, payment_term_days=14))
    clock.day = date(2025, 6, 10)
    assert billing.due_count() == 6  # Jan..Jun (June billed from May 25), Jul not yet (Jun 24)
    dry = billing.run(dry_run=True)
    assert dry.count == 6 and all(i.number is None for i in dry.invoices)
    report = billing.run()
    assert report.count == 6 and all(i.number is None for i in report.invoices)
    drafts = paydesk.invoices.all_summaries()
    assert {s.status.value for s in drafts} == {"draft"} and {s.due_date for s in drafts} == {date(2025, 6, 24)}
    assert {s.total for s in drafts} == {D("24.18")}  # 19.98 + 4.1958 VAT -> 4.20
    assert billing.due_count() == 0


def test_preview_proration_quantity_and_price_change(world) -> None:
    _paydesk, clock, customer, subs, billing = world
    s = subs.save(Subscription.new(customer, "Licences", "EUR", date(2025, 1, 1), [PlanLine("Licence", D(4), D("25.00"))]))
    clock.day = date(2025, 1, 1)
    billing.run()
    # January (31 days) billed: 4 x 25.00. On Jan 22 the price becomes 30.00: 10 days left (22..31).
    preview = subs.preview_change(s, date(2025, 1, 22), [PlanLine("Licence", D(4), D("30.00"))])
    assert preview.credit == D("32.24")  # 25.00 x 10/31 = 8.06 a licence, x4
    assert preview.charge == D("38.72")  # 30.00 x 10/31 = 9.68 a licence, x4
    assert preview.net == D("6.48")
    clock.day = date(2025, 1, 22)
    result = subs.change_plan(s, date(2025, 1, 22), [PlanLine("Licence", D(4), D("30.00"))], settle=Settle.NOW)
    assert [i.total for i in result.invoices] == [D("6.48")]
    assert result.invoices[0].number is not None


def test_cancel_at_period_end_stops_after_the_period(world) -> None:
    _paydesk, clock, customer, subs, billing = world
    s = subs.save(Subscription.new(customer, "Box", "EUR", date(2025, 1, 15), [PlanLine("Box", D(1), D("40.00"))],
                                   timing=Timing.ARREARS))
    clock.day = date(2025, 3, 3)
    subs.cancel(s, at_period_end=True)
    assert subs.get(s).end == date(2025, 3, 14)
    clock.day = date(2025, 12, 31)
    report = billing.run()
    assert [(i.period_start, i.period_end) for i in report.invoices] == [
        (date(2025, 1, 15), date(2025, 2, 14)), (date(2025, 2, 15), date(2025, 3, 14))]
