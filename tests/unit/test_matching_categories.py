"""What is not a customer payment is recognized and kept apart, with a note saying why."""

from decimal import Decimal

import pytest

from desktop.domain.bank import IgnoreCategory, TransactionState
from desktop.domain.matching import match_transaction
from desktop.domain.matching.categories import is_fee_code, provider_in
from tests.unit.matching_fixtures import GARCIA_IBAN, UNKNOWN_IBAN, make_book, tx

C = IgnoreCategory


def ignored(payment):
    outcome = match_transaction(payment, make_book())
    assert outcome.state is TransactionState.IGNORED
    assert outcome.auto is None and outcome.suggestions == ()
    return outcome.category, outcome.note


def test_money_out_is_never_a_customer_payment():
    assert ignored(tx("-1234.50", structured_reference="RF89202600042", counterparty_iban=UNKNOWN_IBAN)) == (
        C.OUTGOING, "money out: only incoming payments pay invoices")


def test_money_out_to_a_customer_s_iban_is_a_refund():
    assert ignored(tx("-50.00", counterparty_iban=GARCIA_IBAN, remittance="Devolución")) == (
        C.REFUND, "money out to customer 1042 García y Asociados S.L.: a refund")


@pytest.mark.parametrize("code", ["ACMT/MDOP/CHRG", "PMNT/MCOP/CHRG", "PMNT/CCRD/COMM", "NCHG", "NCOM"])
def test_bank_charges_by_transaction_code(code):
    assert ignored(tx("-7.50", bank_code=code)) == (C.BANK_FEE, f"bank charges (transaction code {code})")


def test_miscellaneous_codes_are_fees_only_with_fee_words():
    assert ignored(tx("-7.50", bank_code="NMSC", remittance="Bank charges Q3"))[0] is C.BANK_FEE
    assert ignored(tx("-7.50", bank_code="NMSC", remittance="Office rent"))[0] is C.OUTGOING
    assert not is_fee_code("PMNT/RCDT/ESCT")


@pytest.mark.parametrize("text", ["Kosten betalingsverkeer", "Comisión mantenimiento", "Spese tenuta conto",
                                  "Kontoführungsentgelt", "Monthly account fee", "Комиссия за обслуживание"])
def test_fee_words_without_a_counterparty_are_bank_charges(text):
    assert ignored(tx("-4.00", remittance=text)) == (C.BANK_FEE, "bank charges (by the text)")


def test_salaries_and_taxes_by_their_words():
    assert ignored(tx("-2500.00", counterparty_name="Ana López", counterparty_iban=UNKNOWN_IBAN, remittance="Nómina noviembre"))[
        0] is C.SALARY
    assert ignored(tx("-812.00", counterparty_name="Belastingdienst", counterparty_iban=UNKNOWN_IBAN))[0] is C.TAX


@pytest.mark.parametrize(("name", "text", "provider"), [
    ("Stripe Technology Europe Ltd", "STRIPE PAYOUT po_1P", "Stripe"),
    ("MOLLIE B.V.", "uitbetaling st_123", "Mollie"),
    ("Adyen N.V.", "", "Adyen"),
    ("PayPal Europe S.a.r.l. et Cie S.C.A", "PAYPAL TRANSFER", "PayPal"),
    ("Bank transfer", "stripe payout 2026-11", "Stripe"),
])
def test_payment_provider_payouts(name, text, provider):
    assert ignored(tx("1520.33", counterparty_name=name, remittance=text, counterparty_iban=UNKNOWN_IBAN)) == (
        C.PROVIDER_PAYOUT, f"a payout from {provider}, not a customer payment")


def test_a_provider_name_does_not_hide_a_payment_naming_an_invoice_or_from_a_customer_account():
    naming = match_transaction(tx("1234.50", counterparty_name="Stripe", structured_reference="RF89202600042"), make_book())
    assert naming.state is TransactionState.MATCHED
    known = match_transaction(tx("100.00", counterparty_name="Garcia via PayPal", counterparty_iban=GARCIA_IBAN), make_book())
    assert known.state is TransactionState.MATCHED
    assert provider_in(tx("1", counterparty_name="Stripes & Co")) == ""  # a word, not part of one


def test_a_zero_amount_is_ignored():
    assert ignored(tx("0.00", remittance="Kontrollbuchung")) == (C.OTHER, "the amount is zero")


def test_incoming_fee_refund_is_a_bank_fee_too():
    assert ignored(tx(str(Decimal("3.00")), bank_code="ACMT/MDOP/CHRG"))[0] is C.BANK_FEE
