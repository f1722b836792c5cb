"""The debtor overview's figures against hand-computed cases, as of today and as of a past day,
and its filters, sorting, paging and totals (all answered in SQL)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop.domain.customer import Customer
from desktop.domain.debtors import DebtorColumn, DebtorFilter, DebtorSort, LastAction, NextAction, NoteKind
from desktop.domain.dunning.model import PauseKind
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.debtors import DebtorService
from desktop.services.paydesk import Paydesk

T = date(2026, 11, 21)
D = Decimal


def days(n: int) -> date:
    return T - timedelta(days=n)


@pytest.fixture
def debtors(paydesk: Paydesk) -> DebtorService:
    return DebtorService(paydesk.db, lambda: T)


def rows_by_currency(service: DebtorService, as_of: date | None = None) -> dict[str, object]:
    return {r.currency: r for r in service.overview(as_of=as_of, limit=None).rows}


def test_figures_per_currency_with_partial_payments_credit_notes_void_and_uncollectible(
        paydesk: Paydesk, debtors: DebtorService, customer, make_invoice) -> None:
    old = make_invoice("400.00", issue=days(200), vat="0")  # due T-170: over 90 days, 150 credited
    bad = make_invoice("70.00", issue=days(150), vat="0")
    a = make_invoice("100.00", issue=days(100), vat="0")  # due T-70: 61-90 days
    paid = make_invoice("60.00", issue=days(60), vat="0")
    void = make_invoice("80.00", issue=days(50), vat="0")
    b = make_invoice("200.00", issue=days(45), vat="0")  # due T-15: 1-30 days, 30 paid
    make_invoice("50.00", issue=days(10), currency="USD", vat="0")  # due T+20: not yet due
    paydesk.invoices.void(void, "wrong customer")
    paydesk.invoices.write_off(bad, "bankrupt")
    paydesk.payments.record(PaymentInput(customer, days(5), D("30.00"), "EUR", allocations=[Allocation(b, D("30.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(20), D("60.00"), "EUR", allocations=[Allocation(paid, D("60.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(2), D("15.00"), "EUR"))  # unallocated: credit
    paydesk.credit_notes.credit_amount(old, D("150.00"), D(0), on=days(3))  # applied to what is open
    paydesk.credit_notes.credit_amount(paid, D("25.00"), D(0), on=days(1))  # nothing open: kept as credit

    rows = rows_by_currency(debtors)
    eur, usd = rows["EUR"], rows["USD"]
    assert (eur.open_balance, eur.overdue, eur.not_due) == (D("520.00"), D("520.00"), D("0.00"))
    assert (eur.days_1_30, eur.days_31_60, eur.days_61_90, eur.days_over_90) == (D("170.00"), D(0), D("100.00"), D("250.00"))
    assert eur.credit == D("40.00")  # 15 unallocated + 25 credit note not applied
    assert (usd.open_balance, usd.not_due, usd.overdue, usd.credit) == (D("50.00"), D("50.00"), D("0.00"), D("0.00"))
    assert eur.customer_number and eur.customer_name
    assert eur.last_action is LastAction.PAYMENT and eur.last_action_on == days(2)
    assert usd.last_action is None
    assert eur.avg_days_late_12m == D("10.0")  # the one paid: due T-30, paid T-20
    page = debtors.overview()
    assert page.total_count == 2
    totals = {t.currency: t for t in page.totals}
    assert totals["EUR"].open_balance == D("520.00") and totals["USD"].open_balance == D("50.00")
    assert a  # issued and counted above


def test_average_days_paid_late_over_twelve_months(paydesk: Paydesk, debtors: DebtorService, customer, make_invoice) -> None:
    ancient = make_invoice("10.00", issue=days(500), vat="0")  # paid more than a year ago: not counted
    late = make_invoice("10.00", issue=days(60), vat="0")  # due T-30
    early = make_invoice("10.00", issue=days(50), vat="0")  # due T-20
    make_invoice("10.00", issue=days(5), vat="0")  # keeps a row in the overview
    paydesk.payments.record(PaymentInput(customer, days(18), D("10.00"), "EUR", allocations=[Allocation(late, D("10.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(25), D("10.00"), "EUR", allocations=[Allocation(early, D("10.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(400), D("10.00"), "EUR",
                                         allocations=[Allocation(ancient, D("10.00"))]))
    row = rows_by_currency(debtors)["EUR"]
    assert row.avg_days_late_12m == D("6.0")  # (12 late + 0 for paid early) / 2


def test_as_of_a_past_day_counts_only_what_happened_by_then(
        paydesk: Paydesk, debtors: DebtorService, customer, make_invoice) -> None:
    a = make_invoice("100.00", issue=days(100), vat="0")  # due T-70
    b = make_invoice("200.00", issue=days(45), vat="0")  # due T-15
    make_invoice("50.00", issue=days(3), vat="0")  # issued after the day looked at
    paydesk.payments.record(PaymentInput(customer, days(5), D("30.00"), "EUR", allocations=[Allocation(b, D("30.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(2), D("100.00"), "EUR", allocations=[Allocation(a, D("100.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(1), D("9.00"), "EUR"))

    today = rows_by_currency(debtors)["EUR"]
    assert (today.open_balance, today.not_due, today.credit) == (D("220.00"), D("50.00"), D("9.00"))
    before = rows_by_currency(debtors, as_of=days(6))["EUR"]  # no payment yet, the third invoice not issued
    assert (before.open_balance, before.overdue, before.credit) == (D("300.00"), D("300.00"), D("0.00"))
    assert (before.days_1_30, before.days_61_90) == (D("200.00"), D("100.00"))  # 9 and 64 days overdue then
    between = rows_by_currency(debtors, as_of=days(4))["EUR"]  # the 30 paid, the 100 not yet
    assert (between.open_balance, between.last_action, between.last_action_on) == (D("270.00"), LastAction.PAYMENT, days(5))
    assert debtors.overview(as_of=days(200)).rows == []


def test_paid_on_is_kept_by_the_database(paydesk: Paydesk, customer, make_invoice) -> None:
    a = make_invoice("100.00", issue=days(40), vat="0")
    payment = paydesk.payments.record(PaymentInput(customer, days(7), D("60.00"), "EUR", allocations=[Allocation(a, D("60.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(3), D("40.00"), "EUR", allocations=[Allocation(a, D("40.00"))]))

    def facts() -> tuple[object, ...]:
        with paydesk.db.reading() as conn:
            return tuple(conn.execute(text("SELECT status, paid_on FROM invoices WHERE id = :i"), {"i": a}).one()) + tuple(
                conn.execute(text("SELECT allocated_minor FROM payments ORDER BY id")).scalars())

    assert facts() == ("paid", days(3).isoformat(), 6000, 4000)
    paydesk.payments.unallocate(payment)
    assert facts() == ("partially_paid", None, 0, 4000)


def test_levels_next_and_last_actions(paydesk: Paydesk, debtors: DebtorService, customer, make_invoice) -> None:
    a = make_invoice("100.00", issue=days(60), vat="0")  # due T-30
    make_invoice("100.00", issue=days(20), vat="0")  # due T+10
    row = rows_by_currency(debtors)["EUR"]
    assert (row.level, row.level_name) == (0, "")
    # the friendly notice (7 days before due) fell due on T-37 and was never sent: it is due today, not in the past
    assert (row.next_action, row.next_action_on) == (NextAction.REMINDER, T)
    before = rows_by_currency(debtors, as_of=days(40))["EUR"]
    assert (before.next_action, before.next_action_on) == (NextAction.REMINDER, days(37))  # still ahead then
    with paydesk.db.transaction() as conn:  # a first reminder sent for invoice a
        rid = conn.execute(text(
            "INSERT INTO reminders (customer_id, procedure_id, level_position, level_name, template, final, currency, run_date,"
            " open_minor, credits_minor, fee_minor, interest_minor, amount_minor, message_id, to_addrs, subject, created_at)"
            " VALUES (:c, 1, 2, 'First reminder', 'reminder_1', 0, 'EUR', :d, 10000, 0, 0, 0, 10000, '<m@x>', '', '',"
            " '2026-11-19T10:00:00+00:00') RETURNING id"), {"c": customer, "d": days(2).isoformat()}).scalar_one()
        conn.execute(text("INSERT INTO reminder_invoices (reminder_id, invoice_id, customer_id, level_position, run_date,"
                          " open_minor, interest_minor) VALUES (:r, :i, :c, 2, :d, 10000, 0)"),
                     {"r": rid, "i": a, "c": customer, "d": days(2).isoformat()})
    row = rows_by_currency(debtors)["EUR"]
    assert (row.level, row.level_name) == (2, "First reminder")
    assert (row.last_action, row.last_action_on) == (LastAction.REMINDER, days(2))
    # invoice a's next level (second reminder, due + 18 = T-12) is due already: today, before the other's notice (T+3)
    assert (row.next_action, row.next_action_on) == (NextAction.REMINDER, T)
    assert rows_by_currency(debtors, as_of=days(3))["EUR"].level == 0  # not sent yet then

    debtors.add_note(customer, NoteKind.CALL, "Will pay next week", follow_up_on=T + timedelta(days=1))
    row = rows_by_currency(debtors)["EUR"]
    assert (row.next_action, row.next_action_on) == (NextAction.REMINDER, T)
    paydesk.pauses.add(customer, PauseKind.PROMISE, "Promised on the phone", until=days(-5))
    paydesk.pauses.add(customer, PauseKind.HOLD, "Talking to the owner")
    row = rows_by_currency(debtors)["EUR"]
    assert row.on_hold and not row.disputed and row.promised_on == days(-5)
    assert (row.next_action, row.next_action_on) == (NextAction.FOLLOW_UP, T + timedelta(days=1))  # held: no reminder
    assert row.last_action is LastAction.CALL


def test_a_reminder_due_already_is_due_today_unless_reminders_are_paused(
        paydesk: Paydesk, debtors: DebtorService, customer, make_invoice) -> None:
    make_invoice("100.00", issue=days(120), vat="0")  # due T-90, never reminded: the notice was due on T-97
    row = rows_by_currency(debtors)["EUR"]
    assert (row.next_action, row.next_action_on) == (NextAction.REMINDER, T)
    assert rows_by_currency(debtors, as_of=days(30))["EUR"].next_action_on == days(30)  # due on the day looked at
    assert rows_by_currency(debtors, as_of=days(100))["EUR"].next_action_on == days(97)  # ahead of that day
    other = paydesk.customers.save(Customer(number="7001", name="Later Ltd", country="NL", emails=["l@example.com"]))
    make_invoice("10.00", issue=days(5), customer_id=other, vat="0")  # due T+25: notice on T+18, in the future

    def mine() -> dict[int, object]:
        return {r.customer_id: r for r in debtors.overview(limit=None).rows}

    assert mine()[other].next_action_on == days(-18)
    paydesk.dunning.set_customer(customer, None, excluded=True)
    assert mine()[customer].next_action is None  # excluded from reminders: none is next
    paydesk.dunning.set_customer(customer, None, excluded=False)
    paydesk.pauses.add(customer, PauseKind.PROMISE, "Pays on Friday", until=days(-4))
    row = mine()[customer]
    assert (row.next_action, row.next_action_on) == (NextAction.PROMISE, days(-4))  # paused: the promise, not a reminder
    assert mine()[other].next_action_on == days(-18)


def test_a_dispute_on_one_invoice_marks_the_customer(paydesk: Paydesk, debtors: DebtorService, customer, make_invoice) -> None:
    a = make_invoice("100.00", issue=days(60), vat="0")
    paydesk.pauses.add(customer, PauseKind.DISPUTE, "Goods damaged", invoice_id=a)
    row = rows_by_currency(debtors)["EUR"]
    assert row.disputed and not row.on_hold
    assert row.next_action is NextAction.REMINDER  # the customer's other invoices may still be reminded


@pytest.fixture
def many(paydesk: Paydesk, make_invoice, debtors: DebtorService) -> dict[str, object]:
    ids = {}
    for number, name, amount, age, currency in [
        ("2003", "Midway Ltd", "300.00", 100, "USD"), ("2001", "Zeta Bakery", "500.00", 60, "EUR"),
        ("2004", "Beta Foods", "250.00", 40, "EUR"), ("2002", "alpha Tools", "100.00", 10, "EUR"),
    ]:
        cid = paydesk.customers.save(Customer(number=number, name=name, country="NL", emails=[f"{number}@example.com"]))
        make_invoice(amount, issue=days(age), customer_id=cid, currency=currency, vat="0")
        ids[name] = cid
    debtors.set_credit_limit(ids["Beta Foods"], D("200.00"), "EUR")
    debtors.set_credit_limit(ids["Zeta Bakery"], D("1000.00"), "EUR")
    return ids


def names(page: object) -> list[str]:
    return [r.customer_name for r in page.rows]


def test_sorting_on_columns(debtors: DebtorService, many) -> None:
    assert names(debtors.overview()) == ["Zeta Bakery", "Midway Ltd", "Beta Foods", "alpha Tools"]  # overdue, largest first
    by_name = debtors.overview(sort=DebtorSort(DebtorColumn.CUSTOMER_NAME, descending=False))
    assert names(by_name) == ["alpha Tools", "Beta Foods", "Midway Ltd", "Zeta Bakery"]
    assert names(debtors.overview(sort=DebtorSort(DebtorColumn.CUSTOMER_NAME))) == names(by_name)[::-1]
    used = debtors.overview(sort=DebtorSort(DebtorColumn.CREDIT_USED))
    assert names(used)[:2] == ["Beta Foods", "Zeta Bakery"]  # 125% then 50%; no limit sorts last
    assert used.rows[0].credit_used_pct == D("125.0") and used.rows[0].over_limit
    for column in DebtorColumn:
        assert debtors.overview(sort=DebtorSort(column, descending=False)).total_count == 4


def test_filters_paging_and_totals(debtors: DebtorService, many) -> None:
    overdue = debtors.overview(filter=DebtorFilter(only_overdue=True))
    assert names(overdue) == ["Zeta Bakery", "Midway Ltd", "Beta Foods"]
    assert [(t.currency, t.customers, t.overdue) for t in overdue.totals] == [("EUR", 2, D("750.00")), ("USD", 1, D("300.00"))]
    assert names(debtors.overview(filter=DebtorFilter(text="BAK"))) == ["Zeta Bakery"]
    assert names(debtors.overview(filter=DebtorFilter(text="2002"))) == ["alpha Tools"]
    assert names(debtors.overview(filter=DebtorFilter(text="%"))) == []
    assert names(debtors.overview(filter=DebtorFilter(currency="USD"))) == ["Midway Ltd"]
    assert names(debtors.overview(filter=DebtorFilter(over_limit=True))) == ["Beta Foods"]
    assert names(debtors.overview(filter=DebtorFilter(action_due_by=T))) == ["Zeta Bakery", "Midway Ltd", "Beta Foods"]
    second = debtors.overview(offset=1, limit=2)
    assert names(second) == ["Midway Ltd", "Beta Foods"] and second.total_count == 4
    assert sum(t.customers for t in second.totals) == 4


def test_credit_limit_and_notes_are_audited_actions(paydesk: Paydesk, debtors: DebtorService, customer) -> None:
    from desktop.domain.errors import NotFound, StateError, ValidationError

    debtors.set_credit_limit(customer, D("5000"), "eur")
    debtors.set_credit_limit(customer, None, "EUR")
    with pytest.raises(ValidationError):
        debtors.set_credit_limit(customer, D("-1"), "EUR")
    with pytest.raises(ValidationError):
        debtors.set_credit_limit(customer, D("1.234"), "EUR")
    note = debtors.add_note(customer, NoteKind.NOTE, "  Asked for a copy  ", follow_up_on=T + timedelta(days=2))
    with pytest.raises(ValidationError):
        debtors.add_note(customer, NoteKind.NOTE, "   ")
    with pytest.raises(ValidationError):
        debtors.add_note(customer, NoteKind.CALL, "late", follow_up_on=days(1))
    with pytest.raises(NotFound):
        debtors.add_note(9999, NoteKind.NOTE, "who?")
    debtors.complete_follow_up(note)
    with pytest.raises(StateError):
        debtors.complete_follow_up(note)
    assert debtors.notes(customer)[0].text == "Asked for a copy" and debtors.notes(customer)[0].done_at is not None
    actions = [e.action for e in paydesk.audit.entries("customer", customer)]
    assert {"debtor.credit_limit", "debtor.note", "debtor.follow_up_done"} <= set(actions)
    assert actions.count("debtor.credit_limit") == 2
