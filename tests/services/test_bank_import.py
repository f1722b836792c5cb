"""Importing statements through the service: one transaction per file, duplicates, statements that
do not add up, and matching that books only what it is sure about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.bank import BankTransaction, TransactionState, UnreadableStatement
from desktop.domain.listing import TransactionFilter
from desktop.domain.states import InvoiceStatus
from desktop.services.paydesk import Paydesk
from tests.fixtures.bank.camt_writer import write_camt053

ACCOUNT = "NL91ABNA0417164300"
DAY = date(2026, 11, 20)


def pay(amount: str, **fields: str) -> BankTransaction:
    return BankTransaction(DAY, Decimal(amount), "EUR", **fields)


def summary(paydesk: Paydesk, invoice_id: int):
    return paydesk.invoices.summaries([invoice_id])[invoice_id]


def statement(*txs: BankTransaction, opening: str = "1000.00", statement_id: str = "S-1") -> bytes:
    return write_camt053(None, ACCOUNT, "EUR", list(txs), Decimal(opening), statement_id=statement_id)


def test_reference_payment_is_booked_and_reasoned(paydesk: Paydesk, make_invoice) -> None:
    invoice = summary(paydesk, make_invoice("100.00"))
    data = statement(pay(str(invoice.total), counterparty_name="Garcia SL", counterparty_iban="ES7620770024003102575766",
                         structured_reference=invoice.reference, bank_reference="BR-1"))

    [report] = paydesk.statements.import_file("stmt.xml", data)

    assert (report.format, report.imported, report.matched, report.duplicates) == ("camt.053.001.08", 1, 1, 0)
    assert summary(paydesk, invoice.id).status is InvoiceStatus.PAID
    [tx_id] = paydesk.bank.search(TransactionFilter())
    detail = paydesk.bank.detail(tx_id)
    assert detail.row.state is TransactionState.MATCHED and detail.row.invoices == (invoice.number,)
    reasons = " ".join(r["text"] for r in detail.suggestions[0]["reasons"])
    assert "RF" in reasons and invoice.number in reasons
    assert "<Ntry>" in detail.tx.raw  # what the bank sent is kept beside what Paydesk made of it
    # The IBAN that paid is learned for the customer.
    assert paydesk.bank.detail(tx_id).customer_id == invoice.customer_id


def test_same_file_and_overlapping_statement_create_no_duplicates(paydesk: Paydesk, make_invoice) -> None:
    invoice = summary(paydesk, make_invoice("100.00"))
    first = pay(str(invoice.total), structured_reference=invoice.reference, bank_reference="BR-1")
    fee = pay("-2.50", counterparty_name="Bank", remittance="Costs", bank_code="PMNT/MCOP/CHRG", bank_reference="BR-2")
    later = pay("15.00", counterparty_name="Someone", remittance="gift", bank_reference="BR-3")
    paydesk.statements.import_file("a.xml", statement(first, fee))

    [again] = paydesk.statements.import_file("a.xml", statement(first, fee))
    [overlap] = paydesk.statements.import_file("b.xml", statement(fee, later, statement_id="S-2"))

    assert (again.imported, again.duplicates) == (0, 2)
    assert (overlap.imported, overlap.duplicates) == (1, 1)
    assert len(paydesk.bank.search(TransactionFilter())) == 3
    assert summary(paydesk, invoice.id).open_amount == 0  # booked once, not twice


def test_entries_without_bank_reference_are_recognized_by_their_data(paydesk: Paydesk) -> None:
    twice = [pay("5.00", counterparty_name="Kiosk", remittance="coffee") for _ in range(2)]
    [first] = paydesk.statements.import_file("a.xml", statement(*twice))
    [again] = paydesk.statements.import_file("a.xml", statement(*twice))
    assert first.imported == 2  # two real, equal payments on one day stay two
    assert (again.imported, again.duplicates) == (0, 2)


def test_unreadable_file_is_rejected_whole(paydesk: Paydesk) -> None:
    data = statement(pay("10.00", bank_reference="X1"), pay("20.00", bank_reference="X2"))
    truncated = data[: len(data) // 2]
    with pytest.raises(UnreadableStatement) as caught:
        paydesk.statements.import_file("cut.xml", truncated)
    assert "cut.xml" in str(caught.value) and "line" in str(caught.value)
    assert paydesk.bank.search(TransactionFilter()) == []
    assert paydesk.statements.statements() == []


def test_statement_that_does_not_add_up_is_marked_until_accepted(paydesk: Paydesk) -> None:
    data = statement(pay("10.00", bank_reference="X1"))
    tampered = data.replace(b"<Amt Ccy=\"EUR\">1010.00</Amt>", b"<Amt Ccy=\"EUR\">1011.00</Amt>")
    assert tampered != data
    [report] = paydesk.statements.import_file("odd.xml", tampered)
    assert any("1.00" in w and "accept" in w for w in report.warnings)
    [marked] = paydesk.statements.statements(only_unaccepted_problems=True)
    assert "1.00" in marked.problem

    paydesk.statements.accept_statement(marked.id)

    assert paydesk.statements.statements(only_unaccepted_problems=True) == []
    assert any(e.action == "statement.accepted" for e in paydesk.audit.entries())


def test_amount_with_too_many_decimals_rejects_the_file(paydesk: Paydesk) -> None:
    data = statement(pay("10.00", bank_reference="X1")).replace(b">10.00<", b">10.005<")
    with pytest.raises(UnreadableStatement):
        paydesk.statements.import_file("odd.xml", data)
    assert paydesk.bank.search(TransactionFilter()) == []


def test_outgoing_and_fees_are_kept_apart(paydesk: Paydesk) -> None:
    [report] = paydesk.statements.import_file("a.xml", statement(
        pay("-2.50", counterparty_name="Bank", remittance="Costs", bank_code="PMNT/MCOP/CHRG", bank_reference="F1"),
        pay("-800.00", counterparty_name="Office rent BV", counterparty_iban="NL02ABNA0123456789", remittance="rent",
            bank_reference="F2"),
    ))
    assert (report.ignored, report.matched, report.review) == (2, 0, 0)
    categories = {paydesk.bank.detail(i).row.category for i in paydesk.bank.search(TransactionFilter())}
    assert categories == {"bank_fee", "outgoing"}


def test_two_payments_for_one_invoice_are_not_both_booked_to_it(paydesk: Paydesk, make_invoice) -> None:
    invoice = summary(paydesk, make_invoice("100.00"))
    paid = str(invoice.total)
    [report] = paydesk.statements.import_file("a.xml", statement(
        pay(paid, structured_reference=invoice.reference, bank_reference="P1"),
        pay(paid, structured_reference=invoice.reference, bank_reference="P2"),
    ))
    assert report.matched == 1 and report.review + report.unmatched == 1
    assert summary(paydesk, invoice.id).status is InvoiceStatus.PAID
    assert paydesk.payments.credit(invoice.customer_id) == {}  # the second waits for the user, no credit booked


def test_import_is_one_transaction_with_the_database_locked(paydesk: Paydesk, db_path) -> None:
    import sqlite3

    from desktop.domain.errors import DatabaseProblem

    blocker = sqlite3.connect(db_path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseProblem):
            paydesk.statements.import_file("a.xml", statement(pay("10.00", bank_reference="X1")))
    finally:
        blocker.rollback()
        blocker.close()
    assert paydesk.bank.search(TransactionFilter()) == []
