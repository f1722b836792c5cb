"""Pause, resume, then cancel or change plan in one billed period and across two: each unused day
is credited once, for the plan it was paid for (amounts computed by hand in the comments).

The plan throughout: one server at 100.00 EUR a month + 21% VAT, monthly in advance from 2026-11-01;
November has 30 days, December 31."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from desktop.domain.customer import Customer
from desktop.domain.states import InvoiceKind
from desktop.domain.subscriptions import PlanLine, Settle, Subscription
from desktop.domain.subscriptions.periods import next_bill_on
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk

SERVER = PlanLine("Server", D(1), D(100), D(21))
TWO = PlanLine("Server", D(2), D(100), D(21))


class Clock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def world(tmp_path: Path):
    clock = Clock(date(2026, 11, 1))
    paydesk = Paydesk.open(tmp_path / "proration.sqlite", today=clock)
    paydesk.company.save(DEMO_COMPANY)
    customer = paydesk.customers.save(Customer(number="1", name="A", emails=["a@b.example"]))
    sub = paydesk.subscriptions.save(Subscription.new(customer, "Hosting", "EUR", date(2026, 11, 1), [SERVER]))
    yield paydesk, clock, sub
    paydesk.close()


def run(paydesk, clock, day: date):
    clock.day = day
    return paydesk.billing.run(day).invoices


def lines_of(paydesk, number: str) -> list[tuple[str, D, D]]:
    record = paydesk.invoices.get(paydesk.invoices.id_by_number(number))
    return [(x.description, x.quantity, x.unit_price) for x in record.draft.lines]


def credit_notes(paydesk) -> list[D]:
    return [s.total for s in paydesk.invoices.all_summaries() if s.kind is InvoiceKind.CREDIT_NOTE]


def pause_and_resume_in_november(paydesk, clock, sub, settle: Settle = Settle.NEXT_INVOICE) -> None:
    [november] = run(paydesk, clock, date(2026, 11, 1))
    assert november.total == D("121.00")
    clock.day = date(2026, 11, 16)
    paydesk.subscriptions.pause(sub, date(2026, 11, 16), settle=settle)  # credit 16-30 Nov: 100 x 15/30 = 50.00
    clock.day = date(2026, 11, 21)
    paydesk.subscriptions.resume(sub, date(2026, 11, 21))  # charge 21-30 Nov: 100 x 10/30 = 33.33


def test_cancel_after_pause_and_resume_in_one_period_credits_each_day_once(world) -> None:
    paydesk, clock, sub = world
    paydesk.billing.set_notice_days(0)  # December is billed on Dec 1: only November is invoiced
    pause_and_resume_in_november(paydesk, clock, sub)
    preview = paydesk.subscriptions.preview_change(sub, date(2026, 11, 26), None)
    # 26-30 Nov once: 100 x 5/30 = 16.67 (+ 3.50 VAT = 20.17), not twice (the row of the resume and November's)
    assert [(x.description, x.unit_price) for x in preview.credit_lines] == [
        ("Credit for unused time: Server, 2026-11-26 – 2026-11-30 (5/30 days)", D("-16.67"))]
    assert preview.credit == D("20.17") and preview.charge_lines == []
    clock.day = date(2026, 11, 26)
    result = paydesk.subscriptions.cancel(sub, date(2026, 11, 26), at_period_end=False)
    # pending: -50.00 + 33.33 - 16.67 = -33.34 net; VAT 21% = -7.00 (7.0014) -> a credit note of 40.34
    # (by days: 15 + 5 of 30 used = 66.67 of 100.00; the lines rounded one by one give 33.34 back)
    assert result.credit_note is not None
    assert credit_notes(paydesk) == [D("-40.34")]
    assert run(paydesk, clock, date(2027, 3, 1)) == []


def test_change_plan_after_pause_and_resume_in_one_period(world) -> None:
    paydesk, clock, sub = world
    paydesk.billing.set_notice_days(0)
    pause_and_resume_in_november(paydesk, clock, sub)
    preview = paydesk.subscriptions.preview_change(sub, date(2026, 11, 26), [TWO])
    # credit 26-30 Nov once (16.67); charge the two servers for them: 16.67 x 2 = 33.34
    assert [x.unit_price for x in preview.credit_lines] == [D("-16.67")]
    assert [(x.quantity, x.unit_price) for x in preview.charge_lines] == [(D(2), D("16.67"))]
    assert preview.net == D("20.17")  # 33.34 + 7.00 VAT - 20.17
    clock.day = date(2026, 11, 26)
    paydesk.subscriptions.change_plan(sub, date(2026, 11, 26), [TWO])
    assert [(p.period_start, p.period_end) for p in paydesk.subscriptions.periods(sub)] == [
        (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 11, 21), date(2026, 11, 30)),
        (date(2026, 11, 26), date(2026, 11, 30))]
    [december] = run(paydesk, clock, date(2026, 12, 1))
    # December 2 x 100.00 = 200.00; the proration -50.00 + 33.33 - 16.67 + 33.34 = 0.00; VAT 42.00
    assert december.total == D("242.00") and (december.period_start, december.period_end) == (
        date(2026, 12, 1), date(2026, 12, 31))
    assert [price for _, _, price in lines_of(paydesk, december.number)] == [
        D(100), D("-50.00"), D("33.33"), D("-16.67"), D("16.67")]


def test_cancel_after_pause_and_resume_when_the_next_period_is_billed_too(world) -> None:
    paydesk, clock, sub = world  # 7 notice days: December is billed on Nov 24
    pause_and_resume_in_november(paydesk, clock, sub, settle=Settle.NOW)
    assert credit_notes(paydesk) == [D("-60.50")]  # the pause: 50.00 + 10.50 VAT on November's invoice
    [december] = run(paydesk, clock, date(2026, 11, 24))
    assert december.total == D("161.33")  # 100.00 + the resume's 33.33 = 133.33 + 28.00 VAT (27.9993)
    clock.day = date(2026, 11, 26)
    preview = paydesk.subscriptions.preview_change(sub, date(2026, 11, 26), None)
    # 26-30 Nov once (16.67) and all of December (100.00), which is dropped from the billed periods
    assert [x.unit_price for x in preview.credit_lines] == [D("-16.67"), D("-100")]
    paydesk.subscriptions.cancel(sub, date(2026, 11, 26), at_period_end=False)
    # 116.67 + 24.50 VAT (24.5007) = 141.17 credited on December's invoice
    assert credit_notes(paydesk) == [D("-60.50"), D("-141.17")]
    assert run(paydesk, clock, date(2027, 3, 1)) == []


def test_change_plan_after_pause_and_resume_when_the_next_period_is_billed_too(world) -> None:
    paydesk, clock, sub = world
    pause_and_resume_in_november(paydesk, clock, sub)
    [december] = run(paydesk, clock, date(2026, 11, 24))
    assert december.total == D("100.83")  # 100.00 - 50.00 + 33.33 = 83.33 + 17.50 VAT (17.4993)
    clock.day = date(2026, 11, 26)
    paydesk.subscriptions.change_plan(sub, date(2026, 11, 26), [TWO])
    # credit 26-30 Nov (16.67) and December (100.00, re-billed); charge 2 x 16.67 = 33.34 for 26-30 Nov
    [again] = run(paydesk, clock, date(2026, 11, 26))
    # December re-billed: 200.00 - 16.67 - 100.00 + 33.34 = 116.67 net + 24.50 VAT = 141.17
    assert (again.period_start, again.total) == (date(2026, 12, 1), D("141.17"))
    # all told: 100 (Nov) + 83.33 + 116.67 = 300.00 net = 20 days of one server, 5 of two, nothing for
    # the 5 paused days, December with two: 66.67 + 33.33 + 200.00; with VAT 121.00 + 100.83 + 141.17 = 363.00
    issued = [s.total for s in paydesk.invoices.all_summaries() if s.kind is InvoiceKind.INVOICE]
    assert sorted(issued) == [D("100.83"), D("121.00"), D("141.17")] and sum(issued) == D("363.00")


def test_pause_in_one_period_resume_in_the_next_then_change_or_cancel(world) -> None:
    paydesk, clock, sub = world
    run(paydesk, clock, date(2026, 11, 1))
    clock.day = date(2026, 11, 16)
    paydesk.subscriptions.pause(sub, date(2026, 11, 16), resume_on=date(2026, 12, 11), settle=Settle.NOW)
    assert credit_notes(paydesk) == [D("-60.50")]
    assert run(paydesk, clock, date(2026, 11, 24)) == []  # December is paused until the 11th
    [piece] = run(paydesk, clock, date(2026, 12, 4))  # 7 days before Dec 11
    # 11-31 Dec: 100 x 21/31 = 67.74 + 14.23 VAT (14.2254) = 81.97
    assert (piece.period_start, piece.period_end, piece.total) == (date(2026, 12, 11), date(2026, 12, 31), D("81.97"))
    clock.day = date(2026, 12, 21)
    change = paydesk.subscriptions.preview_change(sub, date(2026, 12, 21), [TWO])
    # 21-31 Dec: 100 x 11/31 = 35.48 credited once; two servers charged 35.48 x 2 = 70.96
    assert [x.unit_price for x in change.credit_lines] == [D("-35.48")]
    assert [(x.quantity, x.unit_price) for x in change.charge_lines] == [(D(2), D("35.48"))]
    paydesk.subscriptions.cancel(sub, date(2026, 12, 21), at_period_end=False)
    assert credit_notes(paydesk) == [D("-60.50"), D("-42.93")]  # 35.48 + 7.45 VAT (7.4508)
    assert run(paydesk, clock, date(2027, 3, 1)) == []


def test_pause_in_one_period_resume_in_the_next_then_change_plan(world) -> None:
    paydesk, clock, sub = world
    run(paydesk, clock, date(2026, 11, 1))
    clock.day = date(2026, 11, 16)
    paydesk.subscriptions.pause(sub, date(2026, 11, 16), resume_on=date(2026, 12, 11))
    [piece] = run(paydesk, clock, date(2026, 12, 4))
    assert piece.total == D("21.47")  # 67.74 - 50.00 (the pause's credit) = 17.74 + 3.73 VAT (3.7254)
    clock.day = date(2026, 12, 21)
    paydesk.subscriptions.change_plan(sub, date(2026, 12, 21), [TWO])
    [january] = run(paydesk, clock, date(2026, 12, 25))
    # January 2 x 100.00 = 200.00, -35.48 + 70.96 for 21-31 Dec = 235.48 + 49.45 VAT (49.4508) = 284.93
    assert (january.period_start, january.total) == (date(2027, 1, 1), D("284.93"))


def test_the_list_carries_each_next_invoice_date_as_computed_from_the_periods(world) -> None:
    paydesk, clock, sub = world
    other = paydesk.subscriptions.save(Subscription.new(1, "Later", "EUR", date(2027, 2, 10), [SERVER]))

    def check(expected: dict[int, date | None]) -> None:
        lead = paydesk.billing.notice_days()
        listed = {s.id: s.next_invoice for s in paydesk.subscriptions.list()}
        for s in paydesk.subscriptions.list():
            last = max((p.period_start for p in paydesk.subscriptions.periods(s.id)), default=None)
            assert s.next_invoice == next_bill_on(s, lead, last)
        assert listed == expected and paydesk.subscriptions.get(sub).next_invoice == expected[sub]

    check({sub: date(2026, 10, 25), other: date(2027, 2, 3)})  # November is due (7 days before Nov 1)
    run(paydesk, clock, date(2026, 11, 1))
    check({sub: date(2026, 11, 24), other: date(2027, 2, 3)})
    clock.day = date(2026, 11, 16)
    paydesk.subscriptions.pause(sub, date(2026, 11, 16), resume_on=date(2026, 12, 11))
    check({sub: date(2026, 12, 4), other: date(2027, 2, 3)})
    paydesk.billing.set_notice_days(0)
    check({sub: date(2026, 12, 11), other: date(2027, 2, 10)})
    paydesk.subscriptions.cancel(sub, date(2026, 11, 20), at_period_end=False)
    check({sub: None, other: date(2027, 2, 10)})
