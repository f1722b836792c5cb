"""The billing run's fast path: issued invoices written whole in one row after their lines (the
database's guards on issued invoices still hold, foreign keys are checked at commit and only in
that transaction), RF references worked out on integers, and invoices shared by subscriptions on
the same plan and dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy.exc import IntegrityError

from desktop.domain.reference import creditor_reference
from desktop.domain.subscriptions import PlanLine, Subscription, Term
from desktop.services.billing_engine import load_batch, plan_batch, rf_reference
from desktop.store import subscription_billing as bulk
from tests.conftest import TODAY

PLAN = [PlanLine("Seat", D(3), D("10.00"), D(21)), PlanLine("Support", D("1.5"), D("99.99"), D(9), unit="h")]


def subscribe(paydesk, customer, count: int = 1, start: date = date(2026, 9, 1), **kwargs) -> list[int]:
    return [paydesk.subscriptions.save(Subscription.new(customer, f"Plan {n}", "EUR", start, PLAN, **kwargs))
            for n in range(count)]


@pytest.mark.parametrize("number", [
    "2026-00001", "2026-12345", "INV26/11-0042", "inv-2026-7", "RE 2026 0001", "A", "0", "ZZZZ-9999",
    "2026-0000000000000000000000123",  # a body over 21 characters keeps its last 21
    "Rechnung Nr. 2026/11/000017", "CN2026-00003",
])
def test_rf_reference_is_the_same_as_creditor_reference(number: str) -> None:
    assert rf_reference(number) == creditor_reference(number)


def test_rf_reference_over_a_long_series() -> None:
    for seq in range(1, 3000, 7):
        for pattern in ("{year}-{seq:05d}", "F{yy}{month}{seq:06d}", "INV/{year}/{seq}"):
            number = pattern.format(year=2026, yy="26", month="11", seq=seq)
            assert rf_reference(number) == creditor_reference(number)


def test_rf_reference_refuses_a_number_without_letters_or_digits() -> None:
    with pytest.raises(ValueError, match="letters or digits"):
        rf_reference("--/--")


def test_issued_invoices_are_written_whole_and_stay_frozen(paydesk, customer) -> None:
    subscribe(paydesk, customer, 2)
    report = paydesk.billing.run(TODAY)  # Sep, Oct, Nov for each: 6 invoices
    assert report.count == 6
    numbers = [i.number for i in report.invoices]
    assert len(set(numbers)) == 6 and None not in numbers
    for made in report.invoices:
        assert made.invoice_id is not None
        record = paydesk.invoices.get(made.invoice_id)
        assert record.number == made.number and record.status.value == "open"
        assert record.reference == creditor_reference(made.number)
        assert record.bill_name == "García y Asociados S.L." and record.bill_address == "Calle Mayor 12\n28013 Madrid"
        assert record.bill_vat_id == "ESB58378431" and record.bill_language == "es" and record.bill_country == "ES"
        assert record.finalized_at is not None
        assert record.draft.due_date == date(2026, 12, 21)  # the customer's 30 days
        # 3 x 10.00 = 30.00 at 21% -> 6.30; 1.5 x 99.99 = 149.99 (149.985 half up) at 9% -> 13.50: 179.99 + 19.80
        assert [(x.description.split(",")[0], x.quantity, x.unit_price, x.unit) for x in record.draft.lines] == [
            ("Seat", D(3), D("10.00"), ""), ("Support", D("1.5"), D("99.99"), "h")]
        assert record.total == made.total == D("199.79")
    target = report.invoices[0].invoice_id
    with paydesk.db.transaction() as conn:
        line_id = conn.exec_driver_sql("SELECT min(id) FROM invoice_lines WHERE invoice_id = ?", (target,)).scalar()
    refused = [
        ("UPDATE invoice_lines SET net_minor = 1 WHERE id = ?", (line_id,)),
        ("DELETE FROM invoice_lines WHERE id = ?", (line_id,)),
        ("INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit, unit_price_minor,"
         " discount_bp, vat_rate_bp, net_minor) VALUES (?, 9, 'extra', 1000, '', 100, 0, 0, 100)", (target,)),
        ("UPDATE invoices SET total_minor = 1 WHERE id = ?", (target,)),
        ("DELETE FROM invoices WHERE id = ?", (target,)),
    ]
    for sql, params in refused:
        with pytest.raises(IntegrityError, match="issued invoice"), paydesk.db.transaction() as conn:
            conn.exec_driver_sql(sql, params)


def test_foreign_keys_are_checked_at_commit_and_enforced_again_after_the_run(paydesk, customer) -> None:
    subscribe(paydesk, customer)
    paydesk.billing.run(TODAY)
    line = (999_999, 0, "orphan", 1000, "", 100, 0, 100)
    # a line whose invoice never comes: the transaction that wrote it cannot commit
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), paydesk.db.transaction() as conn:
        bulk.insert_invoices(conn, [], [line])
    # later transactions on the pooled connections check foreign keys at once again
    for _ in range(3):
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), paydesk.db.transaction() as conn:
            assert conn.exec_driver_sql("PRAGMA defer_foreign_keys").scalar() == 0
            conn.exec_driver_sql(
                "INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit, unit_price_minor,"
                " discount_bp, vat_rate_bp, net_minor) VALUES (999999, 0, 'orphan', 1000, '', 100, 0, 0, 100)")
    with paydesk.db.reading() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM invoice_lines WHERE invoice_id = 999999").scalar() == 0


def test_drafts_and_issued_invoices_in_one_batch(paydesk, customer) -> None:
    issued = subscribe(paydesk, customer, 2)
    drafts = [paydesk.subscriptions.save(Subscription.new(customer, "Review", "EUR", date(2026, 10, 1), PLAN,
                                                          auto_send=False))]
    report = paydesk.billing.run(TODAY)
    by_sub = {s: [i for i in report.invoices if i.subscription_id == s] for s in [*issued, *drafts]}
    assert [len(v) for v in by_sub.values()] == [3, 3, 2]
    assert all(i.number is None for i in by_sub[drafts[0]])
    sequences = sorted(int(i.number.rsplit("-", 1)[-1]) for s in issued for i in by_sub[s])  # type: ignore[union-attr]
    assert sequences == list(range(sequences[0], sequences[0] + 6))
    for made in by_sub[drafts[0]]:
        assert made.invoice_id is not None
        record = paydesk.invoices.get(made.invoice_id)
        assert record.status.value == "draft" and record.reference is None and record.finalized_at is None
        assert len(record.draft.lines) == 2 and record.total == D("199.79")
    with paydesk.db.reading() as conn:
        audit = dict(conn.exec_driver_sql("SELECT action, count(*) FROM audit_log WHERE entity = 'invoice'"
                                          " GROUP BY action").all())
    assert audit == {"invoice.finalized": 6, "invoice.drafted": 2}


def test_subscriptions_on_one_plan_share_their_invoice_and_equal_plans_give_equal_ones(paydesk, customer) -> None:
    ids = subscribe(paydesk, customer, 3) + subscribe(paydesk, customer, 1, start=date(2026, 9, 16))
    with paydesk.db.reading() as conn:
        subs, last, pending = load_batch(conn, ids)
    planned = plan_batch(subs, last, pending, 7, TODAY)
    first = [p for p in planned if p.sub.id == ids[0]]
    same = [p for p in planned if p.sub.id == ids[1]]
    later = [p for p in planned if p.sub.id == ids[3]]
    assert [p.bill for p in first] == [p.bill for p in same] and all(a.bill is b.bill for a, b in zip(first, same, strict=True))
    assert later[0].bill.span == "2026-09-16 – 2026-10-15"
    assert later[0].bill is not first[0].bill
    # the same subscriptions with plans equal in value but not shared objects: the same invoices
    copies = [replace(s, terms=[Term(t.effective_from, t.anchor, t.interval_months, tuple(replace(x) for x in t.lines))
                                for t in s.terms]) for s in subs]
    again = plan_batch(copies, last, pending, 7, TODAY)
    assert [(p.sub.id, p.bill) for p in again] == [(p.sub.id, p.bill) for p in planned]
