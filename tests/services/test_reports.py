"""Report figures against the hand-computed book of ``report_scenario``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert

from desktop.domain.errors import ValidationError
from desktop.services.reports import ReportService, dso_days, month_ends
from desktop.store.dunning_schema import reminder_invoices, reminders
from desktop.store.types import utcnow
from tests.services.report_scenario import build

D = Decimal
ZERO = D("0.00")


@pytest.fixture
def book(paydesk, customer, make_invoice):
    return build(paydesk, customer, make_invoice)


@pytest.fixture
def reports(paydesk):
    return ReportService(paydesk.db, paydesk.today)


def test_aging_today_keeps_currencies_apart_and_leaves_out_void_and_uncollectible(book, reports) -> None:
    report = reports.aging()
    assert report.as_of == date(2026, 11, 21)
    by_currency = {line.currency: line for line in report.lines}
    assert set(by_currency) == {"EUR", "USD"}
    eur, usd = by_currency["EUR"], by_currency["USD"]
    assert eur.buckets == (D("200.00"), ZERO, D("100.00"), ZERO, ZERO)
    assert (eur.open, eur.overdue, eur.invoices, eur.oldest_days) == (D("300.00"), D("100.00"), 2, 51)
    assert usd.buckets == (ZERO, ZERO, ZERO, D("100.00"), ZERO) and usd.oldest_days == 82
    assert report.totals() == {"EUR": (D("200.00"), ZERO, D("100.00"), ZERO, ZERO), "USD": (ZERO, ZERO, ZERO, D("100.00"), ZERO)}


def test_aging_as_of_an_earlier_date(book, reports) -> None:
    # On 11-05: B not issued yet, A already part-paid (11-01), E open (5 days overdue), the credit note not issued.
    [eur] = reports.aging(date(2026, 11, 5), "EUR").lines
    assert eur.buckets == (ZERO, D("121.00"), D("100.00"), ZERO, ZERO)
    # On 10-31: A's payment not made yet (121.00, 30 days overdue), E due that day (not yet overdue).
    [eur] = reports.aging(date(2026, 10, 31), "EUR").lines
    assert eur.buckets == (D("121.00"), D("121.00"), ZERO, ZERO, ZERO)
    # On 11-12: B issued, its credit note not yet: 242.00 not due.
    invoices = {i.number: i.open for i in reports.aging_invoices(date(2026, 11, 12), "EUR")}
    assert sorted(invoices.values()) == [D("100.00"), D("121.00"), D("242.00")]


def test_aging_per_invoice(book, reports) -> None:
    items = reports.aging_invoices()
    assert [(i.currency, i.total, i.open, i.days_overdue, i.bucket) for i in items] == [
        ("EUR", D("121.00"), D("100.00"), 51, 2), ("EUR", D("242.00"), D("200.00"), -19, 0),
        ("USD", D("100.00"), D("100.00"), 82, 3)]


def test_dso_per_currency(book, reports) -> None:
    figures = {f.currency: f for f in reports.dso().figures}
    eur = figures["EUR"]
    # Revenue: 121 + 242 + 1210 (uncollectible still counts) + 121 - 42 (credit note) = 1652.00; C is void.
    assert (eur.outstanding, eur.revenue, eur.daily_revenue) == (D("300.00"), D("1652.00"), D("4.53"))
    assert eur.dso == D("66.3")  # 300 * 365 / 1652 = 66.28
    assert figures["USD"].dso == D("365.0")
    assert dso_days(D(0), D(0)) is None and dso_days(D(50), D(365)) == D("50.0")


def test_dso_trend_is_one_point_per_month_end(book, reports) -> None:
    report = reports.dso()
    eur = report.series("EUR")
    assert [d for d, _ in eur][-3:] == [date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 21)]
    assert len(eur) == 12
    # 2026-09-30: open A 121.00 (due 10-01) and D excluded; revenue 121 + 1210 = 1331 -> 121 * 365 / 1331 = 33.2
    assert dict(eur)[date(2026, 9, 30)] == D("33.2")
    assert dict(eur)[date(2026, 5, 31)] is None  # no revenue before June: no DSO
    assert month_ends(date(2026, 3, 15), 3) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 15)]


def test_cash_collected_per_month(book, reports) -> None:
    months = reports.collected()
    assert len(months) == 12 and {m.currency for m in months} == {"EUR"}
    assert (months[-1].month, months[-1].amount, months[-1].payments) == (date(2026, 11, 1), D("142.00"), 2)
    assert all(m.amount == ZERO for m in months[:-1])
    assert reports.collected(date(2026, 11, 10))[-1].amount == D("21.00")


def test_top_debtors(book, reports) -> None:
    top = reports.top_debtors()
    assert [(t.customer_number, t.currency, t.open) for t in top] == [("1001", "EUR", D("300.00")), ("3001", "USD", D("100.00"))]
    assert [t.overdue for t in reports.top_debtors(by="overdue", currency="EUR")] == [D("100.00")]


def test_reminder_effectiveness(paydesk, book, reports) -> None:
    with paydesk.db.transaction() as conn:
        def remind(invoice, level, run_date):
            rid = conn.execute(insert(reminders).values(
                customer_id=book.eur, level_position=level, level_name=f"Level {level}", template="reminder_1",
                currency="EUR", run_date=run_date, open_minor=100, amount_minor=100, message_id=f"<{invoice}.{level}@x>",
                created_at=utcnow()).returning(reminders.c.id)).scalar_one()
            conn.execute(insert(reminder_invoices).values(reminder_id=rid, invoice_id=invoice, customer_id=book.eur,
                                                          level_position=level, run_date=run_date, open_minor=100))
        remind(book.e, 1, date(2026, 11, 7))  # E paid 11-20: 13 days later
        remind(book.a, 1, date(2026, 10, 8))  # A still open
        remind(book.a, 2, date(2026, 10, 22))
    levels = reports.reminder_effectiveness()
    assert [(o.level, o.invoices, o.paid_30, o.paid_ever, o.share_ever, o.median_days) for o in levels] == [
        (1, 2, 1, 1, D("0.5000"), D("13.0")), (2, 1, 0, 0, ZERO, None)]
    assert [o.paid_ever for o in reports.reminder_effectiveness(date(2026, 11, 19))] == [0, 0]


def test_tables_for_export(book, reports) -> None:
    table = reports.table("aging")
    assert [c.key for c in table.columns][:4] == ["customer_number", "customer_name", "currency", "invoices"]
    assert table.totals == [("", "Total", "EUR", 2, D("200.00"), ZERO, D("100.00"), ZERO, ZERO, D("300.00"), D("100.00")),
                            ("", "Total", "USD", 1, ZERO, ZERO, ZERO, D("100.00"), ZERO, D("100.00"), D("100.00"))]
    for kind in ("aging_invoices", "dso", "collected", "top_debtors"):
        assert reports.table(kind).rows
    assert reports.table("reminders").rows == []  # no reminders sent in this book
    with pytest.raises(ValidationError):
        reports.table("nonsense")
