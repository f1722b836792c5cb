"""Hand-over to collection after the final notice, and the export of a case."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.documents.email_message import Sender, build_message
from desktop.domain.errors import StateError
from desktop.domain.ids import CustomerId
from desktop.domain.payment import Allocation, PaymentInput
from desktop.services.collection import CollectionService, csv_cell
from desktop.services.dunning import DunningService
from desktop.services.paydesk import Paydesk

TODAY = date(2026, 11, 21)


def run_until_handover(paydesk: Paydesk, dunning: DunningService) -> list[int]:
    """Reminder 1 today (10 days overdue), reminder 2 and the final notice 16 days apart, hand-over 14 days later."""
    cases: list[int] = []
    for offset in (0, 16, 32, 45, 46):
        day = TODAY + timedelta(days=offset)
        preview = dunning.preview(day)
        messages = [build_message(Sender("billing@paydesk-demo.example"), p.emails, p.level.name, "Pay.", "",
                                  message_id=f"<{offset}-{p.customer_id}@t>") for p in preview.plans]
        cases += dunning.record(preview.plans, messages, day, preview.handovers).case_ids
    return cases


def test_handover_and_export(paydesk: Paydesk, make_invoice, customer: CustomerId, tmp_path: Path) -> None:
    invoice = make_invoice("100.00")
    paydesk.payments.record(PaymentInput(customer, TODAY, Decimal("21.00"), "EUR", note="=HYPERLINK(\"http://x\")",
                                         allocations=[Allocation(invoice, Decimal("21.00"))]))
    dunning = DunningService(paydesk.db, paydesk.today)
    collection = CollectionService(paydesk.db, paydesk.documents, paydesk.today)
    [case_id] = run_until_handover(paydesk, dunning)
    [case] = collection.cases(customer)
    assert case.id == case_id and case.marked_on == TODAY + timedelta(days=46) and case.open_amount == Decimal("100.00")
    assert dunning.preview(TODAY + timedelta(days=100)).plans == []  # no more reminders once handed over
    collection.set_note(case_id, "@SUM(1+1) called twice, no answer")
    target = collection.export(case_id, tmp_path)
    number = paydesk.invoices.summaries([invoice])[invoice].number
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert names == {f"invoices/{number}.pdf", "invoices.csv", "reminders.csv", "payments.csv", "notes.txt"}
        assert archive.read(f"invoices/{number}.pdf").startswith(b"%PDF")
        reminders = list(csv.DictReader(io.StringIO(archive.read("reminders.csv").decode("utf-8-sig"))))
        payments = list(csv.DictReader(io.StringIO(archive.read("payments.csv").decode("utf-8-sig"))))
        notes = archive.read("notes.txt").decode()
    assert [r["level"] for r in reminders] == ["First reminder", "Second reminder", "Final notice"]
    assert all(r["delivery"] == "queued" and r["invoices"] == number for r in reminders)
    assert payments[0]["note"] == "'=HYPERLINK(\"http://x\")" and payments[0]["amount"] == "21.00"
    assert "@SUM(1+1) called twice" in notes
    assert collection.case(case_id).exported_at is not None
    collection.close(case_id)
    with pytest.raises(StateError):
        collection.close(case_id)


def test_csv_cells_never_run_as_formulas() -> None:
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("+31 20 123") == "'+31 20 123"
    assert csv_cell("@cmd") == "'@cmd"
    assert csv_cell("\t=x") == "'\t=x"
    assert csv_cell("-12.50") == "-12.50"  # a plain amount stays a number
    assert csv_cell("-2+3") == "'-2+3"
    assert csv_cell("García") == "García"
    assert csv_cell(None) == ""
