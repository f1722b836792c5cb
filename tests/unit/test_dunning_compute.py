"""The pure dunning computation: which message goes to whom on a date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.dunning.charges import interest
from desktop.domain.dunning.compute import DunningBook, compute
from desktop.domain.dunning.inputs import DunningCustomer, IncomingPayment, Instalment, OpenInvoice, PaymentPlan
from desktop.domain.dunning.model import Level, Pause, PauseKind, PlanStatus, Procedure
from desktop.domain.dunning.schedule import next_level
from desktop.domain.dunning.validation import procedure_problems
from desktop.domain.ids import CustomerId, InvoiceId

DUE = date(2026, 10, 1)
C1 = CustomerId(1)


def levels() -> list[Level]:
    return [
        Level(1, "Friendly", -7, "friendly"),
        Level(2, "First", 2, "reminder_1"),
        Level(3, "Second", 18, "reminder_2", fee=Decimal("5"), interest_rate=Decimal("8"), attach_letter=True),
        Level(4, "Final", 34, "final", attach_letter=True, final=True),
    ]


def procedure(**kw: object) -> Procedure:
    return Procedure("Standard", levels(), is_default=True, id=1, **kw)  # type: ignore[arg-type]


def customer(cid: int = 1, **kw: object) -> DunningCustomer:
    base: dict[str, object] = {"customer_id": CustomerId(cid), "number": f"{1000 + cid}", "name": f"Customer {cid} B.V.",
                               "language": "en", "country": "NL", "emails": (f"c{cid}@example.com",)}
    base.update(kw)
    return DunningCustomer(**base)  # type: ignore[arg-type]


def invoice(iid: int, open_amount: str = "100.00", due: date = DUE, cid: int = 1, last: int = 0,
            sent: date | None = None, currency: str = "EUR", **kw: object) -> OpenInvoice:
    return OpenInvoice(InvoiceId(iid), f"2026-{iid:05}", f"RF{iid:02}", CustomerId(cid), currency, due - timedelta(days=30),
                       due, Decimal(open_amount), Decimal(open_amount), last, sent, **kw)  # type: ignore[arg-type]


def book(invoices: list[OpenInvoice], customers: list[DunningCustomer] | None = None, **kw: object) -> DunningBook:
    people = customers or [customer()]
    return DunningBook(invoices, {c.customer_id: c for c in people}, {1: procedure()}, 1, **kw)  # type: ignore[arg-type]


def test_levels_come_on_their_days_in_order() -> None:
    ordered = levels()
    assert next_level(ordered, invoice(1), DUE - timedelta(days=8)) is None
    assert next_level(ordered, invoice(1), DUE - timedelta(days=7)).position == 1
    sent_friendly = invoice(1, last=1, sent=DUE - timedelta(days=7))
    assert next_level(ordered, sent_friendly, DUE + timedelta(days=1)) is None
    assert next_level(ordered, sent_friendly, DUE + timedelta(days=2)).position == 2
    first = invoice(1, last=2, sent=DUE + timedelta(days=2))
    assert next_level(ordered, first, DUE + timedelta(days=17)) is None
    assert next_level(ordered, first, DUE + timedelta(days=18)).position == 3


def test_friendly_notice_is_not_sent_late_and_old_invoices_get_spaced_levels() -> None:
    ordered = levels()
    old = invoice(1, due=DUE - timedelta(days=200))
    assert next_level(ordered, old, DUE).position == 2  # friendly skipped, first reminder, not the final one
    after_first = invoice(1, due=DUE - timedelta(days=200), last=2, sent=DUE)
    assert next_level(ordered, after_first, DUE + timedelta(days=15)) is None  # 16 days between first and second
    assert next_level(ordered, after_first, DUE + timedelta(days=16)).position == 3


def test_one_message_per_customer_level_and_currency() -> None:
    invoices = [invoice(1), invoice(2, "50.00"), invoice(3, currency="USD"), invoice(4, due=DUE - timedelta(days=20), last=2,
                sent=DUE - timedelta(days=18)), invoice(5, cid=2)]
    result = compute(book(invoices, [customer(1), customer(2)]), DUE + timedelta(days=2))
    keys = sorted((p.customer_number, p.level.position, p.currency, tuple(p.invoice_numbers)) for p in result.plans)
    assert keys == [
        ("1001", 2, "EUR", ("2026-00001", "2026-00002")),
        ("1001", 2, "USD", ("2026-00003",)),
        ("1001", 3, "EUR", ("2026-00004",)),
        ("1002", 2, "EUR", ("2026-00005",)),
    ]
    bundle = next(p for p in result.plans if p.currency == "EUR" and p.level.position == 2 and p.customer_number == "1001")
    assert bundle.amount == Decimal("150.00")


def test_fee_and_interest_are_separate_lines() -> None:
    run = DUE + timedelta(days=20)
    result = compute(book([invoice(1, "1000.00", last=2, sent=DUE + timedelta(days=2))]), run)
    [plan] = result.plans
    assert plan.level.position == 3
    assert plan.fee == Decimal("5.00")
    assert plan.invoices[0].interest == Decimal("4.38")  # 1000 * 8% * 20/365 = 4.383...
    assert plan.invoices[0].open_amount == Decimal("1000.00")
    assert plan.amount == Decimal("1009.38")
    assert interest(Decimal("1000"), Decimal("8"), 0, "EUR") == 0
    assert interest(Decimal("100"), Decimal("10"), 365, "JPY") == Decimal("10")


def test_credits_are_netted_and_minimum_amount_applies() -> None:
    customers = [customer(1)]
    credits = {(C1, "EUR"): Decimal("30.00")}
    [plan] = compute(book([invoice(1)], customers, credits=credits), DUE + timedelta(days=2)).plans
    assert plan.credits == Decimal("30.00")
    assert plan.amount == Decimal("70.00")
    assert compute(book([invoice(1)], customers, credits={(C1, "EUR"): Decimal("100")}), DUE + timedelta(days=2)).plans == []
    small = book([invoice(1, "9.99")], customers)
    small.procedures[1].minimum_amount = Decimal("10")
    assert compute(small, DUE + timedelta(days=2)).plans == []


def test_pauses_stop_reminders_until_they_end() -> None:
    run = DUE + timedelta(days=2)
    on_invoice = Pause(C1, PauseKind.DISPUTE, "wrong quantity", DUE, invoice_id=InvoiceId(1))
    result = compute(book([invoice(1), invoice(2)], pauses=[on_invoice]), run)
    assert [p.invoice_numbers for p in result.plans] == [["2026-00002"]]
    promise = Pause(C1, PauseKind.PROMISE, "pays on the 10th", DUE, until=DUE + timedelta(days=10))
    assert compute(book([invoice(1)], pauses=[promise]), run).plans == []
    assert len(compute(book([invoice(1)], pauses=[promise]), DUE + timedelta(days=11)).plans) == 1
    ended = Pause(C1, PauseKind.HOLD, "call first", DUE, ended_on=run)
    assert len(compute(book([invoice(1)], pauses=[ended]), run).plans) == 1


def test_excluded_customer_and_own_procedure() -> None:
    assert compute(book([invoice(1)], [customer(excluded=True)]), DUE + timedelta(days=2)).plans == []
    gentle = Procedure("Gentle", [Level(1, "Late", 10, "reminder_1", final=True)], id=2)
    b = book([invoice(1)], [customer(procedure_id=2)])
    b.procedures[2] = gentle
    assert compute(b, DUE + timedelta(days=9)).plans == []
    [plan] = compute(b, DUE + timedelta(days=10)).plans
    assert plan.procedure_id == 2


def test_final_notice_once_then_handover_after_its_days() -> None:
    final_sent = DUE + timedelta(days=34)
    b = book([invoice(1, last=4, sent=final_sent)])
    assert compute(b, final_sent + timedelta(days=13)).plans == []
    assert compute(b, final_sent + timedelta(days=13)).handovers == []
    result = compute(b, final_sent + timedelta(days=14))
    assert result.plans == []
    [handover] = result.handovers
    assert handover.numbers == ["2026-00001"]
    assert handover.open_amount == Decimal("100.00")
    collected = book([invoice(1, last=4, sent=final_sent, in_collection=True)])
    assert compute(collected, final_sent + timedelta(days=30)).handovers == []


def test_held_back_when_an_unbooked_payment_may_pay_it() -> None:
    run = DUE + timedelta(days=2)
    by_amount = IncomingPayment(7, DUE, Decimal("100.00"), "EUR", "Someone else", "", "thanks")
    [plan] = compute(book([invoice(1)], payments=[by_amount]), run).plans
    assert plan.status is PlanStatus.HELD_BACK
    assert "100.00 EUR" in plan.reason and "amount" in plan.reason
    by_number = IncomingPayment(8, DUE, Decimal("12.00"), "EUR", "X", "", "invoice 2026 00001")
    assert "names 2026-00001" in compute(book([invoice(1)], payments=[by_number]), run).plans[0].reason
    by_iban = IncomingPayment(9, DUE, Decimal("12.00"), "EUR", "X", "NL91ABNA0417164300", "")
    people = [customer(ibans=("NL91 ABNA 0417 1643 00",))]
    assert "IBAN" in compute(book([invoice(1)], people, payments=[by_iban]), run).plans[0].reason
    by_name = IncomingPayment(10, DUE, Decimal("12.00"), "EUR", "CUSTOMER 1 BV", "", "")
    assert "name" in compute(book([invoice(1)], payments=[by_name]), run).plans[0].reason
    unrelated = IncomingPayment(11, DUE, Decimal("12.00"), "EUR", "Other Party Ltd", "DE89370400440532013000", "rent")
    assert compute(book([invoice(1)], payments=[unrelated]), run).plans[0].status is PlanStatus.PLANNED
    too_old = IncomingPayment(12, DUE - timedelta(days=60), Decimal("100.00"), "EUR", "X", "", "")
    assert compute(book([invoice(1)], payments=[too_old]), run).plans[0].status is PlanStatus.PLANNED


def test_no_email_address_is_held_back_with_a_reason() -> None:
    [plan] = compute(book([invoice(1)], [customer(emails=())]), DUE + timedelta(days=2)).plans
    assert plan.status is PlanStatus.HELD_BACK
    assert "email" in plan.reason


def test_payment_plan_pauses_invoices_and_reminds_overdue_instalments() -> None:
    plan = PaymentPlan(C1, "EUR", (InvoiceId(1),), [Instalment(21, 1, DUE + timedelta(days=10), Decimal("40.00")),
                                                   Instalment(22, 2, DUE + timedelta(days=40), Decimal("60.00"))],
                       settled_at_start=Decimal(0), starts_on=DUE, id=5)
    b = book([invoice(1)], plans=[plan])
    assert compute(b, DUE + timedelta(days=12)).plans == []  # paused, instalment not late enough
    [late] = compute(b, DUE + timedelta(days=13)).plans
    assert late.instalment_id == 21
    assert late.amount == Decimal("40.00")
    plan.settled_now = Decimal("40.00")  # paid the first instalment
    assert compute(b, DUE + timedelta(days=13)).plans == []
    plan.settled_now = Decimal("25.00")  # part of it
    assert compute(b, DUE + timedelta(days=13)).plans[0].amount == Decimal("15.00")
    plan.reminded = frozenset({21})
    assert compute(b, DUE + timedelta(days=13)).plans == []


def test_procedure_validation() -> None:
    assert procedure_problems(procedure()) == {}
    bad = Procedure(" ", [Level(1, "A", 5, "x", final=True), Level(2, "B", 5, "y", fee=Decimal(-1))])
    problems = procedure_problems(bad)
    assert set(problems) == {"name", "levels[0].final", "levels[1].day_offset", "levels[1].fee"}
