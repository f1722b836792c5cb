"""A large import is matched and stored run by run (a background writer stores one run while the
next is matched): the result is the same as in one go, cancelling leaves nothing, and the audit
names each booking once per invoice it pays."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.bank import BankTransaction, TransactionState
from desktop.domain.listing import TransactionFilter
from desktop.domain.payment import Allocation, PaymentInput
from desktop.domain.states import InvoiceStatus
from desktop.services import bank_matching
from desktop.services.paydesk import Paydesk
from desktop.services.tasks import Cancelled, CancelToken
from desktop.store import invoices as invoice_store
from tests.fixtures.bank.camt_writer import write_camt053

ACCOUNT = "NL91ABNA0417164300"
DAY = date(2026, 11, 20)
IBAN = "ES9121000418450200051332"  # the customer fixture's


def pay(amount: str, reference: str = "", **fields: str) -> BankTransaction:
    return BankTransaction(DAY, Decimal(amount), "EUR", structured_reference=reference, **fields)


def statement(txs: list[BankTransaction]) -> bytes:
    return write_camt053(None, ACCOUNT, "EUR", txs, Decimal("0.00"), statement_id="RUNS")


def test_runs_of_two_book_what_one_run_would(paydesk: Paydesk, make_invoice, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bank_matching, "CHUNK", 2)  # runs: [A-PART], [FEE, B], [A-REST], [A-AGAIN]
    a, b = (paydesk.invoices.summaries([i])[i] for i in (make_invoice("100.00"), make_invoice("50.00")))
    txs = [
        pay("21.00", a.reference, counterparty_name="García", counterparty_iban=IBAN, bank_reference="A-PART"),
        pay("-2.50", counterparty_name="Bank", remittance="Costs", bank_code="PMNT/MCOP/CHRG", bank_reference="FEE"),
        pay(str(b.total), b.reference, counterparty_name="García", counterparty_iban=IBAN, bank_reference="B"),
        pay("100.00", a.reference, counterparty_name="García", counterparty_iban=IBAN, bank_reference="A-REST"),
        pay(str(a.total), a.reference, counterparty_name="García", counterparty_iban=IBAN, bank_reference="A-AGAIN"),
    ]

    [report] = paydesk.statements.import_file("runs.xml", statement(txs))

    assert (report.matched, report.ignored, report.review + report.unmatched) == (3, 1, 1)
    after = paydesk.invoices.summaries([a.id, b.id])
    # a was paid in two runs: resettled after each, it ends paid.
    assert (after[a.id].status, after[a.id].open_amount) == (InvoiceStatus.PAID, Decimal("0.00"))
    assert after[b.id].status is InvoiceStatus.PAID
    details = [paydesk.bank.detail(i) for i in paydesk.bank.search(TransactionFilter())]
    rows = {d.tx.bank_reference: d.row for d in details}
    assert rows["A-AGAIN"].state is not TransactionState.MATCHED  # nothing was open any more
    booked = [rows[k] for k in ("A-PART", "B", "A-REST")]
    assert all(r.state is TransactionState.MATCHED for r in booked)
    assert paydesk.payments.credit(a.customer_id) == {}


def test_each_booked_invoice_has_one_audit_entry_naming_payment_transaction_and_why(
    paydesk: Paydesk, make_invoice,
) -> None:
    invoice_id = make_invoice("100.00")
    invoice = paydesk.invoices.summaries([invoice_id])[invoice_id]
    paydesk.statements.import_file("one.xml", statement([
        pay(str(invoice.total), invoice.reference, counterparty_name="García", counterparty_iban=IBAN, bank_reference="P1")]))

    [tx_id] = paydesk.bank.search(TransactionFilter())
    payment_id = paydesk.bank.detail(tx_id).payment_id
    [entry] = [e for e in paydesk.invoices.audit_trail(invoice_id) if e.action == "invoice.payment"]
    assert entry.summary.startswith(
        f"121.00 EUR of payment {payment_id} allocated: bank transaction {tx_id} booked automatically: ")
    assert invoice.number in entry.summary  # the reasons say which invoice the reference named
    assert [e.action for e in paydesk.audit.entries() if e.action.startswith("payment.")] == []


def test_cancelling_while_runs_are_stored_leaves_nothing(
    paydesk: Paydesk, make_invoice, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bank_matching, "CHUNK", 100)
    invoice_id = make_invoice("100.00")
    invoice = paydesk.invoices.summaries([invoice_id])[invoice_id]
    txs = [pay(str(invoice.total), invoice.reference, counterparty_name="García", counterparty_iban=IBAN, bank_reference="P")]
    txs += [pay(f"{n}.00", counterparty_name="Someone", remittance="gift", bank_reference=f"G{n}") for n in range(1, 520)]
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        token.cancel()  # at the start; the check at the 500th transaction stops it, with five runs queued

    with pytest.raises(Cancelled):
        paydesk.statements.import_file("big.xml", statement(txs), progress=progress, cancel=token)

    assert paydesk.bank.search(TransactionFilter()) == []
    assert paydesk.invoices.summaries([invoice_id])[invoice_id].status is InvoiceStatus.OPEN
    assert paydesk.payments.credit(invoice.customer_id) == {}
    assert not any(t.name == "paydesk-bulk-writer" for t in threading.enumerate())


def test_resettle_takes_as_many_statements_as_it_needs(
    paydesk: Paydesk, make_invoice, customer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(invoice_store, "_RESETTLE_ROWS", 2)  # five changes: three statements
    ids = [make_invoice("100.00") for _ in range(5)]
    allocations = [Allocation(i, Decimal("121.00")) for i in ids[:4]] + [Allocation(ids[4], Decimal("21.00"))]
    paydesk.payments.record(PaymentInput(customer, DAY, Decimal("505.00"), "EUR", allocations=allocations))

    after = paydesk.invoices.summaries(ids)
    assert [after[i].status for i in ids] == [InvoiceStatus.PAID] * 4 + [InvoiceStatus.PARTIALLY_PAID]
    assert after[ids[4]].open_amount == Decimal("100.00")
