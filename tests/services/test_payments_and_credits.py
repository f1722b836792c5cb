"""Payments, allocations, credit notes, void and write-off: states follow, the audit log records."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.domain.errors import StateError, ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.payment import Allocation, PaymentInput, PaymentMethod
from desktop.domain.states import InvoiceStatus
from desktop.services.paydesk import Paydesk
from tests.conftest import TODAY, MakeInvoice

D = Decimal


def _pay(paydesk: Paydesk, customer: CustomerId, amount: str, *allocs: tuple[int, str], currency: str = "EUR") -> int:
    return paydesk.payments.record(PaymentInput(
        customer_id=customer, date=TODAY, amount=D(amount), currency=currency, method=PaymentMethod.BANK_TRANSFER,
        allocations=[Allocation(i, D(a)) for i, a in allocs],  # type: ignore[arg-type]
    ))


def test_one_payment_over_two_invoices_and_the_rest_as_credit(paydesk: Paydesk, customer: CustomerId,
                                                              make_invoice: MakeInvoice) -> None:
    first, second = make_invoice("100.00"), make_invoice("50.00")  # 121.00 and 60.50 with VAT
    _pay(paydesk, customer, "200.00", (first, "121.00"), (second, "30.00"))
    assert paydesk.invoices.get(first).status is InvoiceStatus.PAID
    record = paydesk.invoices.get(second)
    assert record.status is InvoiceStatus.PARTIALLY_PAID and record.open_amount == D("30.50")
    assert paydesk.payments.credit(customer) == {"EUR": D("49.00")}
    payment = paydesk.payments.list(customer)[0]
    assert payment.unallocated == D("49.00")
    paydesk.payments.allocate(payment.id, [Allocation(second, D("30.50"))])
    assert paydesk.invoices.get(second).status is InvoiceStatus.PAID
    assert paydesk.payments.credit(customer) == {"EUR": D("18.50")}


def test_an_invoice_with_several_payments(paydesk: Paydesk, customer: CustomerId, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00")
    _pay(paydesk, customer, "21.00", (invoice, "21.00"))
    _pay(paydesk, customer, "100.00", (invoice, "100.00"))
    assert paydesk.invoices.get(invoice).status is InvoiceStatus.PAID


def test_undoing_allocations_reopens_the_invoice(paydesk: Paydesk, customer: CustomerId, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00")
    payment = _pay(paydesk, customer, "121.00", (invoice, "121.00"))
    paydesk.payments.unallocate(payment)  # type: ignore[arg-type]
    assert paydesk.invoices.get(invoice).status is InvoiceStatus.OPEN
    assert paydesk.payments.credit(customer) == {"EUR": D("121.00")}


@pytest.mark.parametrize(("amount", "allocs", "field"), [
    ("0", (), "amount"),
    ("10.00", (("first", "20.00"),), "allocations"),
    ("500.00", (("first", "200.00"),), "allocations[0]"),
])
def test_bad_payments_save_nothing(paydesk: Paydesk, customer: CustomerId, make_invoice: MakeInvoice,
                                   amount: str, allocs: tuple[tuple[str, str], ...], field: str) -> None:
    first = make_invoice("100.00")
    with pytest.raises(ValidationError) as caught:
        _pay(paydesk, customer, amount, *((first, a) for _, a in allocs))
    assert field in caught.value.fields
    assert paydesk.payments.list() == [] and paydesk.invoices.get(first).status is InvoiceStatus.OPEN


def test_payment_in_another_currency_cannot_settle(paydesk: Paydesk, customer: CustomerId, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00")
    with pytest.raises(ValidationError, match="is in EUR, the payment in SEK"):
        _pay(paydesk, customer, "121.00", (invoice, "121.00"), currency="SEK")


def test_suggestion_is_oldest_first(paydesk: Paydesk, customer: CustomerId, make_invoice: MakeInvoice) -> None:
    from datetime import timedelta

    old = make_invoice("100.00", issue=TODAY - timedelta(days=90))
    new = make_invoice("100.00", issue=TODAY - timedelta(days=10))
    suggested = paydesk.payments.suggest(customer, D("150.00"), "EUR")
    assert [(a.invoice_id, a.amount) for a in suggested] == [(old, D("121.00")), (new, D("29.00"))]


def test_whole_credit_note_settles_the_invoice(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00")
    number = paydesk.credit_notes.credit_whole(invoice, "Returned")
    assert paydesk.invoices.get(invoice).status is InvoiceStatus.PAID
    credit = paydesk.invoices.get(paydesk.invoices.id_by_number(number))
    assert credit.draft.credited_invoice_id == invoice and credit.total == D("121.00")
    summary = next(s for s in paydesk.invoices.all_summaries() if s.number == number)
    assert summary.total == D("-121.00") and summary.open_amount == D("0.00")
    with pytest.raises(ValidationError, match="left to credit"):
        paydesk.credit_notes.credit_whole(invoice)


def test_credit_for_selected_lines_and_for_an_amount(paydesk: Paydesk, customer: CustomerId, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00", "50.00", "10.00")  # 193.60 with VAT
    paydesk.credit_notes.credit_lines(invoice, [1])  # 60.50
    assert paydesk.invoices.get(invoice).open_amount == D("133.10")
    paydesk.credit_notes.credit_amount(invoice, D("33.88"), D("21"))  # 28.00 + 5.88 VAT
    record = paydesk.invoices.get(invoice)
    assert record.open_amount == D("99.22") and record.status is InvoiceStatus.PARTIALLY_PAID
    assert paydesk.credit_notes.creditable(invoice) == D("99.22")


def test_an_amount_no_net_price_reaches_is_credited_to_the_nearest_cent(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00")
    # 33.10 with 21% VAT: a net of 27.35 gives 33.09 and 27.36 gives 33.11; no net gives 33.10.
    number = paydesk.credit_notes.credit_amount(invoice, D("33.10"), D("21"))
    credited = paydesk.invoices.get(paydesk.invoices.id_by_number(number)).total
    assert abs(credited - D("33.10")) == D("0.01")


def test_credit_on_a_paid_invoice_becomes_customer_credit(paydesk: Paydesk, customer: CustomerId,
                                                         make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00")
    _pay(paydesk, customer, "121.00", (invoice, "121.00"))
    number = paydesk.credit_notes.credit_amount(invoice, D("24.20"), D("21"))
    assert paydesk.payments.credit(customer) == {"EUR": D("24.20")}
    summary = next(s for s in paydesk.invoices.all_summaries() if s.number == number)
    assert summary.open_amount == D("-24.20") and summary.status is InvoiceStatus.OPEN


def test_void_and_write_off(paydesk: Paydesk, customer: CustomerId, make_invoice: MakeInvoice) -> None:
    voided, partial = make_invoice("100.00"), make_invoice("100.00")
    with pytest.raises(ValidationError):
        paydesk.invoices.void(voided, " ")
    paydesk.invoices.void(voided, "Sent to the wrong customer")
    record = paydesk.invoices.get(voided)
    assert record.status is InvoiceStatus.VOID and record.number == "2026-00001" and record.open_amount == 0
    with pytest.raises(StateError):
        paydesk.credit_notes.credit_whole(voided)
    _pay(paydesk, customer, "21.00", (partial, "21.00"))
    with pytest.raises(StateError, match="partially paid"):
        paydesk.invoices.void(partial, "too late")
    paydesk.invoices.write_off(partial, "Customer insolvent")
    assert paydesk.invoices.get(partial).status is InvoiceStatus.UNCOLLECTIBLE
    with pytest.raises(StateError):
        paydesk.invoices.write_off(partial, "again")


def test_issued_invoices_cannot_be_edited_or_deleted(paydesk: Paydesk, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00")
    draft = paydesk.invoices.get(invoice).draft
    draft.notes = "changed"
    with pytest.raises(StateError):
        paydesk.invoices.save_draft(draft)
    with pytest.raises(StateError):
        paydesk.invoices.delete_draft(invoice)


def test_the_audit_log_records_every_step(paydesk: Paydesk, customer: CustomerId, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00")
    _pay(paydesk, customer, "21.00", (invoice, "21.00"))
    paydesk.credit_notes.credit_amount(invoice, D("10.00"), D("21"))
    changed = paydesk.customers.get(customer)
    changed.city = "Valencia"
    paydesk.customers.save(changed)
    actions = [e.action for e in paydesk.audit.entries()]
    for expected in ("customer.created", "invoice.finalized", "payment.recorded", "invoice.payment",
                     "credit_note.finalized", "invoice.credited", "customer.changed"):
        assert expected in actions
    change = next(e for e in paydesk.audit.entries("customer", customer) if e.action == "customer.changed")
    assert change.changes == {"city": ["Madrid", "Valencia"]}


def test_a_credited_amount_is_described_in_the_customers_language(paydesk: Paydesk, russian_customer: CustomerId,
                                                                   make_invoice: MakeInvoice) -> None:
    invoice = make_invoice("100.00", customer_id=russian_customer)
    number = paydesk.credit_notes.credit_amount(invoice, D("24.20"), D("21"))
    credit = paydesk.invoices.get(paydesk.invoices.id_by_number(number))
    assert credit.draft.lines[0].description == "Кредит-нота к счёту 2026-00001"
    assert credit.draft.notes == ""
