"""`paydesk debtors --json`: the documented contract."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from desktop.cli import main
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.paydesk import Paydesk

KEYS = ["customer_number", "customer_name", "currency", "open_balance", "overdue", "not_due", "days_1_30", "days_31_60",
        "days_61_90", "days_over_90", "credit", "level", "on_hold", "disputed", "next_action", "next_action_date"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["debtors", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_debtors_json_is_the_documented_contract(paydesk: Paydesk, customer, make_invoice, capsys) -> None:
    day = date(2026, 11, 21)
    a = make_invoice("100.00", issue=day - timedelta(days=45), vat="0")
    make_invoice("25.50", issue=day - timedelta(days=5), currency="USD", vat="0")
    paydesk.payments.record(PaymentInput(customer, day - timedelta(days=3), Decimal("40.00"), "EUR",
                                         allocations=[Allocation(a, Decimal("30.00"))]))
    path = str(paydesk.db.path)
    paydesk.close()
    rows = run(capsys, "--db", path, "--json", "--as-of", "2026-11-21")
    assert [list(r) for r in rows] == [KEYS, KEYS]
    eur, usd = sorted(rows, key=lambda r: r["currency"])
    assert eur == {
        "customer_number": eur["customer_number"], "customer_name": eur["customer_name"], "currency": "EUR",
        "open_balance": "70.00", "overdue": "70.00", "not_due": "0.00", "days_1_30": "70.00", "days_31_60": "0.00",
        "days_61_90": "0.00", "days_over_90": "0.00", "credit": "10.00", "level": 0, "on_hold": False, "disputed": False,
        "next_action": "reminder", "next_action_date": "2026-11-21",  # due since Oct 30: due today
    }
    assert (usd["open_balance"], usd["not_due"], usd["credit"]) == ("25.50", "25.50", "0.00")
    before = run(capsys, "--db", path, "--json", "--as-of", "2026-11-10")
    assert [(r["currency"], r["open_balance"], r["credit"]) for r in before] == [("EUR", "100.00", "0.00")]
    assert run(capsys, "--db", path, "--json")  # as of today, whatever the day


def test_debtors_bad_date_is_a_usage_error(paydesk: Paydesk, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["debtors", "--db", str(paydesk.db.path), "--json", "--as-of", "yesterday"])
