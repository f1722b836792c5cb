"""What keeps the debtor overview fast: the computed rows reused until anything changes (a payment
recorded shows at once), the facts kept by triggers equal to a computation from scratch, and the
in-memory paging equal to the SQL one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from desktop.domain.customer import Customer
from desktop.domain.debtors import DebtorColumn, DebtorFilter, DebtorSort, LastAction
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.debtors import DebtorService
from desktop.services.paydesk import Paydesk
from desktop.store import debtor_queries

T = date(2026, 11, 21)
D = Decimal


def days(n: int) -> date:
    return T - timedelta(days=n)


@pytest.fixture
def debtors(paydesk: Paydesk) -> DebtorService:
    return DebtorService(paydesk.db, lambda: T)


def test_a_payment_recorded_shows_in_the_next_overview(paydesk: Paydesk, debtors: DebtorService, customer, make_invoice) -> None:
    a = make_invoice("100.00", issue=days(60), vat="0")
    make_invoice("50.00", issue=days(10), vat="0")
    before = debtors.overview()
    assert before.rows[0].open_balance == D("150.00")
    assert debtors.overview(sort=DebtorSort(DebtorColumn.CUSTOMER_NAME)).rows == before.rows  # reused, same figures
    paydesk.payments.record(PaymentInput(customer, days(1), D("100.00"), "EUR", allocations=[Allocation(a, D("100.00"))]))
    after = debtors.overview()
    assert (after.rows[0].open_balance, after.rows[0].overdue) == (D("50.00"), D("0.00"))
    assert after.rows[0].last_action is LastAction.PAYMENT and after.rows[0].last_action_on == days(1)
    assert after.rows[0].avg_days_late_12m == D("29.0")  # due T-30, paid T-1
    paydesk.payments.unallocate(paydesk.payments.list(customer)[0].id)
    undone = debtors.overview()
    assert (undone.rows[0].open_balance, undone.rows[0].credit) == (D("150.00"), D("100.00"))
    assert undone.rows[0].avg_days_late_12m is None


def test_a_change_by_another_connection_shows_too(paydesk: Paydesk, debtors: DebtorService, customer, make_invoice) -> None:
    make_invoice("100.00", issue=days(60), vat="0")
    assert debtors.overview().rows[0].credit_limit is None
    other = DebtorService(paydesk.db, lambda: T)
    other.set_credit_limit(customer, D("80.00"), "EUR")
    assert debtors.overview(filter=DebtorFilter(over_limit=True)).total_count == 1


def from_scratch(conn) -> tuple[list[tuple], list[tuple]]:
    paid = conn.execute(text(
        "SELECT customer_id, currency, paid_on, COUNT(*), SUM(MAX(CAST(ROUND(julianday(paid_on) - julianday(due_date))"
        " AS INTEGER), 0)) FROM invoices WHERE paid_on IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")).all()
    facts = conn.execute(text(
        "SELECT customer_id, currency, MAX(p), MAX(r) FROM (SELECT customer_id, currency, date AS p, NULL AS r FROM payments"
        " UNION ALL SELECT customer_id, currency, NULL, run_date FROM reminders) GROUP BY 1, 2 ORDER BY 1, 2")).all()
    return [tuple(r) for r in paid], [tuple(r) for r in facts]


def kept(conn) -> tuple[list[tuple], list[tuple]]:
    paid = conn.execute(text("SELECT customer_id, currency, paid_on, paid_count, days_late FROM debtor_paid_days"
                             " ORDER BY 1, 2, 3")).all()
    facts = conn.execute(text("SELECT customer_id, currency, last_payment_on, last_reminder_on FROM debtor_facts"
                              " WHERE last_payment_on IS NOT NULL OR last_reminder_on IS NOT NULL ORDER BY 1, 2")).all()
    return [tuple(r) for r in paid], [tuple(r) for r in facts]


def test_kept_facts_equal_a_computation_from_scratch(paydesk: Paydesk, customer, make_invoice) -> None:
    a = make_invoice("100.00", issue=days(90), vat="0")
    b = make_invoice("40.00", issue=days(70), vat="0")
    c = make_invoice("60.00", issue=days(50), vat="0")
    usd = make_invoice("30.00", issue=days(40), currency="USD", vat="0")
    first = paydesk.payments.record(PaymentInput(customer, days(20), D("100.00"), "EUR",
                                                 allocations=[Allocation(a, D("100.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(5), D("20.00"), "EUR", allocations=[Allocation(b, D("20.00"))]))
    paydesk.payments.record(PaymentInput(customer, days(3), D("30.00"), "USD", allocations=[Allocation(usd, D("30.00"))]))
    paydesk.credit_notes.credit_amount(b, D("20.00"), D(0), on=days(2))  # settles the rest of b
    paydesk.invoices.write_off(c, "gone")
    with paydesk.db.reading() as conn:
        assert kept(conn) == from_scratch(conn)
        assert len(kept(conn)[0]) >= 3
    paydesk.payments.unallocate(first)  # a open again: its paid day goes
    with paydesk.db.reading() as conn:
        assert kept(conn) == from_scratch(conn)
        assert all(r[2] != days(20).isoformat() or r[1] != "EUR" for r in kept(conn)[0])


def test_paging_in_memory_equals_paging_in_sql(paydesk: Paydesk, debtors: DebtorService, make_invoice) -> None:
    for number, name, amount, age, currency in [
        ("3005", "Émile_50% SA", "100.00", 200, "EUR"), ("3003", "Midway Ltd", "300.00", 100, "USD"),
        ("3001", "zeta Bakery", "500.00", 60, "EUR"), ("3004", "Beta Foods", "250.00", 40, "EUR"),
        ("3002", "alpha Tools", "100.00", 10, "EUR"), ("3006", "Beta Foods", "100.00", 5, "GBP"),
    ]:
        cid = paydesk.customers.save(Customer(number=number, name=name, country="NL", emails=[f"{number}@example.com"]))
        make_invoice(amount, issue=days(age), customer_id=cid, currency=currency, vat="0")
        if name == "Beta Foods" and currency == "EUR":
            debtors.set_credit_limit(cid, D("200.00"), "EUR")
    filters = [DebtorFilter(), DebtorFilter(text="BETA"), DebtorFilter(text="_50%"), DebtorFilter(currency="EUR"),
               DebtorFilter(only_overdue=True), DebtorFilter(over_limit=True), DebtorFilter(min_level=0),
               DebtorFilter(action_due_by=T)]
    with paydesk.db.reading() as conn:
        rows = debtor_queries.all_rows(conn, T, T)
        debtor_queries.compute(conn, T, T)
        for column in DebtorColumn:
            for descending in (False, True):
                for flt in filters:
                    for offset, limit in ((0, None), (1, 2)):
                        args = (flt, DebtorSort(column, descending), offset, limit, T)
                        assert debtor_queries.page_of(rows, *args) == debtor_queries.page(conn, *args), (column, flt)


def test_the_service_pages_in_sql_as_page_of_does_in_memory(paydesk: Paydesk, debtors: DebtorService, make_invoice) -> None:
    made = []  # (age, amount, customer, currency, paid after days): issued oldest first, as numbering wants
    for number, name, amount, age, currency, paid_days in [
        ("4001", "Delta Ltd", "100.00", 200, "EUR", 150), ("4002", "echo GmbH", "300.00", 100, "USD", None),
        ("4003", "Foxtrot BV", "500.00", 60, "EUR", 20), ("4004", "Golf SA", "250.00", 40, "EUR", None),
    ]:
        cid = paydesk.customers.save(Customer(number=number, name=name, country="NL", emails=[f"{number}@example.com"]))
        made.append((age, amount, cid, currency, None))
        if paid_days is not None:  # an older invoice paid: days late in the last 12 months
            made.append((age + 30, "10.00", cid, currency, paid_days))
    for age, amount, cid, currency, paid_days in sorted(made, key=lambda m: -m[0]):
        invoice = make_invoice(amount, issue=days(age), customer_id=cid, currency=currency, vat="0")
        if paid_days is not None:
            paydesk.payments.record(PaymentInput(cid, days(paid_days), D(amount), currency,
                                                 allocations=[Allocation(invoice, D(amount))]))
    with paydesk.db.reading() as conn:
        rows = debtor_queries.all_rows(conn, T, T)
    assert any(r.avg_late is not None for r in rows)
    for column in DebtorColumn:
        for descending in (False, True):
            for offset, limit in ((0, None), (1, 2)):
                sort = DebtorSort(column, descending)
                expected = debtor_queries.page_of(rows, DebtorFilter(), sort, offset, limit, T)
                assert debtors.overview(sort=sort, offset=offset, limit=limit) == expected, column


def test_services_give_their_connection_back(paydesk: Paydesk, make_invoice) -> None:
    make_invoice("100.00", issue=days(60), vat="0")
    for _ in range(12):  # more than the pool holds: each service's connection is closed when it goes
        assert DebtorService(paydesk.db, lambda: T).overview().total_count == 1
    service = DebtorService(paydesk.db, lambda: T)
    first = service.overview()
    service.close()  # the computed rows go with the connection: computed again on the next request
    assert service.overview() == first
