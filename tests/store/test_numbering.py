"""Numbers are gapless per series and period, drawn only when finalizing, and unique across processes."""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain.customer import Customer
from desktop.domain.errors import StateError, ValidationError
from desktop.domain.invoice import InvoiceDraft, InvoiceLine
from desktop.services.demo import DEMO_COMPANY
from desktop.services.paydesk import Paydesk
from tests.conftest import TODAY, MakeInvoice


def test_numbers_follow_the_pattern_and_restart_each_year(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    ids = [make_invoice("10.00", issue=date(2025, 12, 30)), make_invoice("10.00", issue=date(2025, 12, 31)),
           make_invoice("10.00", issue=date(2026, 1, 2))]
    assert [paydesk.invoices.get(i).number for i in ids] == ["2025-00001", "2025-00002", "2026-00001"]


def test_drafts_get_no_number_and_a_rolled_back_finalize_uses_none(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    first = make_invoice("10.00")
    draft = make_invoice("10.00", finalize=False)
    assert paydesk.invoices.get(draft).number is None
    with pytest.raises(StateError):
        paydesk.invoices.finalize_many([draft, first])  # first is issued already: nothing happens
    assert paydesk.invoices.get(draft).number is None
    paydesk.invoices.finalize_many([draft])
    assert paydesk.invoices.get(draft).number == "2026-00002"


def test_numbers_follow_issue_dates(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    late = make_invoice("10.00", issue=date(2026, 3, 1), finalize=False)
    early = make_invoice("10.00", issue=date(2026, 2, 1), finalize=False)
    paydesk.invoices.finalize_many([late, early])
    assert paydesk.invoices.get(early).number == "2026-00001"
    assert paydesk.invoices.get(late).number == "2026-00002"
    backdated = make_invoice("10.00", issue=date(2026, 1, 15), finalize=False)
    with pytest.raises(ValidationError, match="numbers must follow dates"):
        paydesk.invoices.finalize_many([backdated])


def test_credit_notes_have_their_own_series(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("10.00")
    assert paydesk.credit_notes.credit_whole(invoice) == "CN2026-00001"
    assert paydesk.invoices.get(make_invoice("10.00", issue=TODAY)).number == "2026-00002"


def _finalize_worker(path: str, start: int, count: int, queue: multiprocessing.Queue[list[str]]) -> None:
    paydesk = Paydesk.open(Path(path), today=lambda: TODAY)
    customer_id = paydesk.customers.id_by_number("1")
    assert customer_id is not None
    numbers = []
    for n in range(count):
        draft = InvoiceDraft(customer_id=customer_id, currency="EUR", issue_date=TODAY, due_date=TODAY + timedelta(days=30),
                             lines=[InvoiceLine(f"Work {start + n}", Decimal(1), Decimal("10.00"), Decimal(21))])
        numbers.append(paydesk.invoices.finalize(draft))
    paydesk.close()
    queue.put(numbers)


def test_two_processes_finalizing_at_once_get_unique_gapless_numbers(db_path: Path) -> None:
    setup = Paydesk.open(db_path, today=lambda: TODAY)
    setup.company.save(DEMO_COMPANY)
    setup.customers.save(Customer(number="1", name="Both"))
    setup.close()
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[list[str]] = context.Queue()
    workers = [context.Process(target=_finalize_worker, args=(str(db_path), n * 1000, 40, queue)) for n in range(2)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    numbers = sorted(results[0] + results[1])
    assert numbers == [f"2026-{n:05d}" for n in range(1, 81)]
    assert set(results[0]).isdisjoint(results[1])
