"""The user's decisions on bank transactions: accept, reject, book by hand and split, write off a small
difference, ignore, undo; rules; each one transaction with an audit entry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.bank import BankTransaction, IgnoreCategory, TransactionState
from desktop.domain.errors import StateError, ValidationError
from desktop.domain.listing import TransactionFilter
from desktop.domain.matching import Rule, RuleKind
from desktop.domain.payment import Allocation
from desktop.domain.states import InvoiceStatus
from desktop.services.paydesk import Paydesk
from tests.fixtures.bank.camt_writer import write_camt053

DAY = date(2026, 11, 20)


def importing(paydesk: Paydesk, *txs: BankTransaction) -> list[int]:
    paydesk.statements.import_file("s.xml", write_camt053(None, "NL91ABNA0417164300", "EUR", list(txs), Decimal(0)))
    return sorted(paydesk.bank.search(TransactionFilter()))


def status(paydesk: Paydesk, invoice_id: int) -> InvoiceStatus:
    return paydesk.invoices.summaries([invoice_id])[invoice_id].status


def actions(paydesk: Paydesk) -> list[str]:
    return [e.action for e in paydesk.audit.entries()]


@pytest.fixture
def two_equal(paydesk: Paydesk, make_invoice) -> tuple[int, int, int]:
    """Two open invoices of the same amount and a payment of that amount without a reference: ambiguous."""
    a, b = make_invoice("100.00"), make_invoice("100.00")
    [tx] = importing(paydesk, BankTransaction(DAY, Decimal("121.00"), "EUR", counterparty_name="García y Asociados",
                                              counterparty_iban="ES9121000418450200051332", bank_reference="R1"))
    return tx, a, b


def test_ambiguous_payment_waits_for_review_with_reasons(paydesk: Paydesk, two_equal) -> None:
    tx, a, b = two_equal
    detail = paydesk.bank.detail(tx)
    assert detail.row.state is TransactionState.REVIEW
    assert status(paydesk, a) is status(paydesk, b) is InvoiceStatus.OPEN
    suggestions = paydesk.bank.suggestions(detail)
    assert len(suggestions) >= 2 and all(s.reasons for s in suggestions)
    assert any("IBAN" in r.text for r in suggestions[0].reasons)


def test_accept_books_and_undo_reopens(paydesk: Paydesk, two_equal) -> None:
    tx, _a, _b = two_equal
    chosen = paydesk.bank.suggestions(paydesk.bank.detail(tx))[0].allocations[0].invoice_id

    paydesk.bank.accept(tx, 0)

    assert status(paydesk, chosen) is InvoiceStatus.PAID
    assert paydesk.bank.detail(tx).row.state is TransactionState.MATCHED
    with pytest.raises(StateError):
        paydesk.bank.accept(tx, 0)

    paydesk.bank.undo(tx)

    assert status(paydesk, chosen) is InvoiceStatus.OPEN
    assert paydesk.bank.detail(tx).row.state is TransactionState.REVIEW
    assert paydesk.payments.list() == []
    assert "bank.booking_undone" in actions(paydesk)


def test_rejected_suggestion_does_not_come_back(paydesk: Paydesk, two_equal) -> None:
    tx, _a, _b = two_equal
    before = paydesk.bank.suggestions(paydesk.bank.detail(tx))
    gone = before[0].invoice_ids

    paydesk.bank.reject(tx, 0)
    paydesk.bank.rematch()

    after = paydesk.bank.suggestions(paydesk.bank.detail(tx))
    assert gone not in [s.invoice_ids for s in after]
    assert "bank.suggestion_rejected" in actions(paydesk)


def test_split_over_two_invoices_keeps_the_rest_as_credit(paydesk: Paydesk, make_invoice, customer) -> None:
    a, b = make_invoice("100.00"), make_invoice("50.00")
    [tx] = importing(paydesk, BankTransaction(DAY, Decimal("200.00"), "EUR", counterparty_name="Unknown payer",
                                              remittance="see mail", bank_reference="R1"))
    paydesk.bank.book(tx, customer, [Allocation(a, Decimal("121.00")), Allocation(b, Decimal("60.50"))])

    assert status(paydesk, a) is status(paydesk, b) is InvoiceStatus.PAID
    assert paydesk.payments.credit(customer) == {"EUR": Decimal("18.50")}
    assert set(paydesk.bank.detail(tx).row.invoices) == {paydesk.invoices.summaries([a])[a].number,
                                                          paydesk.invoices.summaries([b])[b].number}


def test_booking_more_than_is_open_is_refused_and_nothing_saved(paydesk: Paydesk, make_invoice, customer) -> None:
    a = make_invoice("100.00")
    [tx] = importing(paydesk, BankTransaction(DAY, Decimal("500.00"), "EUR", remittance="x", bank_reference="R1"))
    with pytest.raises(ValidationError):
        paydesk.bank.book(tx, customer, [Allocation(a, Decimal("300.00"))])
    assert status(paydesk, a) is InvoiceStatus.OPEN
    assert paydesk.bank.detail(tx).row.state is not TransactionState.MATCHED


def test_small_difference_is_written_off_with_a_reason(paydesk: Paydesk, make_invoice, customer) -> None:
    a = make_invoice("100.00")  # 121.00
    [tx] = importing(paydesk, BankTransaction(DAY, Decimal("120.60"), "EUR", remittance="x", bank_reference="R1"))
    with pytest.raises(ValidationError):  # above the tolerance
        paydesk.bank.book(tx, customer, [Allocation(a, Decimal("100.00"))], write_off_reason="bank charges")

    paydesk.bank.book(tx, customer, [Allocation(a, Decimal("120.60"))], write_off_reason="bank charges of the payer")

    assert status(paydesk, a) is InvoiceStatus.PAID
    assert "invoice.difference_written_off" in actions(paydesk)
    paydesk.bank.undo(tx)
    assert status(paydesk, a) is InvoiceStatus.OPEN  # the write-off went with the booking


def test_ignore_and_restore(paydesk: Paydesk) -> None:
    [tx] = importing(paydesk, BankTransaction(DAY, Decimal("10.00"), "EUR", remittance="??", bank_reference="R1"))
    paydesk.bank.ignore(tx, IgnoreCategory.OTHER, "private")
    assert paydesk.bank.detail(tx).row.state is TransactionState.IGNORED
    paydesk.bank.restore(tx)
    assert paydesk.bank.detail(tx).row.state in (TransactionState.UNMATCHED, TransactionState.REVIEW)


def test_rules_assign_ignore_and_can_be_tested(paydesk: Paydesk, make_invoice, customer) -> None:
    salary = BankTransaction(DAY, Decimal("-2500.00"), "EUR", counterparty_name="J. Jansen", remittance="Salaris november",
                             bank_reference="R1")
    refund = BankTransaction(DAY, Decimal("30.00"), "EUR", counterparty_name="Tax office", remittance="VAT refund Q3",
                             bank_reference="R2")
    importing(paydesk, salary, refund)
    rule = Rule(id=None, name="Tax refunds", kind=RuleKind.TEXT, pattern="vat refund", amount_min=None, amount_max=None,
                customer_id=None, category=IgnoreCategory.TAX)
    hits = paydesk.bank.test_rule(rule)
    assert [h.remittance for h in hits] == ["VAT refund Q3"]

    with pytest.raises(ValidationError):
        paydesk.bank.save_rule(Rule(id=None, name="broken", kind=RuleKind.REGEX, pattern="(", amount_min=None,
                                    amount_max=None, customer_id=None, category=IgnoreCategory.OTHER))
    rule_id = paydesk.bank.save_rule(rule)
    paydesk.bank.rematch()

    ignored = [paydesk.bank.detail(i) for i in paydesk.bank.search(TransactionFilter(states=frozenset({"ignored"})))]
    assert any(d.row.category == "tax" and d.rule_id == rule_id for d in ignored)
    assert [r.name for r in paydesk.bank.rules()] == ["Tax refunds"]


def test_payment_matched_on_iban_learned_from_a_confirmed_match(paydesk: Paydesk, make_invoice, customer) -> None:
    a = make_invoice("100.00")
    payer = "DE89370400440532013000"  # not on the customer's record
    [tx] = importing(paydesk, BankTransaction(DAY, Decimal("121.00"), "EUR", counterparty_name="Somebody GmbH",
                                              counterparty_iban=payer, remittance="payment", bank_reference="R1"))
    paydesk.bank.book(tx, customer, [Allocation(a, Decimal("121.00"))])
    b = make_invoice("80.00")  # 96.80

    paydesk.statements.import_file("t.xml", write_camt053(None, "NL91ABNA0417164300", "EUR", [
        BankTransaction(DAY, Decimal("96.80"), "EUR", counterparty_name="Somebody GmbH", counterparty_iban=payer,
                        remittance="payment", bank_reference="R2")], Decimal(0), statement_id="S-2"))

    second = max(paydesk.bank.search(TransactionFilter()))
    reasons = [r.text for s in paydesk.bank.suggestions(paydesk.bank.detail(second)) for r in s.reasons]
    assert any("IBAN" in text for text in reasons)
    assert paydesk.bank.detail(second).customer_id == customer
    assert status(paydesk, b) is InvoiceStatus.PAID  # learned IBAN + the exact open amount: booked
