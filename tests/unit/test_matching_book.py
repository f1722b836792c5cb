"""The open book: indexes, settling during a run, learning IBANs, the review screen's search, JSON of suggestions."""

import json
from decimal import Decimal

import pytest

from desktop.domain.bank import TransactionState
from desktop.domain.errors import NotFound
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.matching import OpenBook, Reason, Signal, Suggestion, match_transaction
from desktop.domain.payment import Allocation
from tests.unit.matching_fixtures import (
    CUSTOMERS,
    GARCIA,
    GARCIA_IBAN,
    ROSSI,
    UNKNOWN_IBAN,
    VETER,
    allocations,
    invoice,
    make_book,
    tx,
)


def numbers(invoices):
    return [i.number for i in invoices]


def test_the_book_holds_only_invoices_with_something_open():
    book = OpenBook([invoice(1, "2026-00001", GARCIA, "EUR", "10.00"), invoice(2, "2026-00002", GARCIA, "EUR", "0.00")],
                    CUSTOMERS)
    assert len(book) == 1
    assert InvoiceId(1) in book and InvoiceId(2) not in book
    with pytest.raises(NotFound):
        book.invoice(InvoiceId(2))
    with pytest.raises(NotFound):
        book.customer(CustomerId(99))
    assert book.customer(GARCIA).number == "1042"


def test_indexes_find_invoices_by_number_reference_body_amount_and_customer():
    book = make_book()
    assert book.by_key("202600042") == (1,)
    assert book.by_amount("EUR", Decimal("100")) == (2, 4)  # however the amount is written
    assert book.by_amount("EUR", Decimal("100.000")) == (2, 4)
    assert book.by_amount("GBP", Decimal("100.00")) == ()
    assert numbers(book.open_of(GARCIA)) == ["2026-00042", "2026-00043", "2026-00044"]  # oldest due first
    assert book.customers_of_iban(GARCIA_IBAN) == (GARCIA,)
    assert book.customer_by_number("1043") == ROSSI
    assert book.key_lengths == {9}


def test_a_long_invoice_number_is_found_by_its_reference_body_too():
    long = invoice(20, "PROJECT-ALPHA-2026-000000042", GARCIA, "EUR", "5.00")  # 25 letters and digits: the RF keeps 21
    book = OpenBook([long], CUSTOMERS)
    assert long.reference[4:] == "ECTALPHA2026000000042"
    assert book.by_key("ECTALPHA2026000000042") == (20,)
    assert book.by_key("PROJECTALPHA2026000000042") == (20,)


def test_settle_lowers_the_open_amount_and_a_paid_invoice_leaves_the_indexes():
    book = make_book()
    book.settle(InvoiceId(1), Decimal("1000.00"))
    assert book.invoice(InvoiceId(1)).open_amount == Decimal("234.50")
    assert book.by_amount("EUR", Decimal("1234.50")) == ()
    assert book.by_amount("EUR", Decimal("234.50")) == (1,)
    book.settle(InvoiceId(1), Decimal("234.50"))
    assert InvoiceId(1) not in book
    assert book.by_key("202600042") == ()
    assert book.by_amount("EUR", Decimal("234.50")) == ()
    assert numbers(book.open_of(GARCIA)) == ["2026-00043", "2026-00044"]
    assert book.closed_by_key("202600042") == 1
    book.settle(InvoiceId(1), Decimal("1.00"))  # settling what is no longer open changes nothing
    book.settle(InvoiceId(2), Decimal("100.00"))
    book.settle(InvoiceId(3), Decimal("200.00"))
    assert book.open_of(GARCIA) == []


def test_a_customer_s_open_invoices_stay_oldest_first_and_current_while_a_run_settles():
    same_day = [invoice(100 + n, f"2026-0010{n}", ROSSI, "EUR", "10.00", days=5) for n in (3, 1, 2)]
    book = make_book(*same_day)
    assert numbers(book.open_of(ROSSI)) == ["2026-00050", "2026-00051", "2026-00052", "2026-00101", "2026-00102",
                                            "2026-00103"]  # due the same day: by number
    book.open_of(ROSSI).clear()  # a copy: the caller may change it
    book.settle(InvoiceId(5), Decimal("300.00"))
    book.settle(InvoiceId(1), Decimal("1.00"))  # (another customer's)
    book.settle(InvoiceId(101), Decimal("10.00"))
    assert [(i.number, str(i.open_amount)) for i in book.open_of(ROSSI)] == [
        ("2026-00050", "100.00"), ("2026-00051", "50.00"), ("2026-00052", "350.00"), ("2026-00102", "10.00"),
        ("2026-00103", "10.00")]
    assert book.invoice(InvoiceId(5)).open_amount == Decimal("50.00")
    for invoice_id in (4, 5, 6, 102, 103):
        book.settle(InvoiceId(invoice_id), Decimal("1000.00"))
    assert book.open_of(ROSSI) == []
    assert numbers(book.open_of(GARCIA)) == ["2026-00042", "2026-00043", "2026-00044"]


def test_a_learned_iban_counts_for_the_payer_s_next_payment_in_the_same_run():
    book = make_book()
    payment = tx("777.77", counterparty_iban=UNKNOWN_IBAN, counterparty_name="Severnyi Veter")
    first = match_transaction(payment, book)
    assert [r.signal for r in first.suggestions[0].reasons] == [Signal.NAME, Signal.AMOUNT]
    book.learn_iban(UNKNOWN_IBAN, VETER)
    second = match_transaction(payment, book)
    assert [r.signal for r in second.suggestions[0].reasons] == [Signal.IBAN, Signal.NAME, Signal.AMOUNT]
    assert second.suggestions[0].reasons[0].text.startswith("IBAN NL91 ABNA 0417 1643 00 known for customer 1045")


def test_two_payments_are_not_both_booked_to_one_invoice():
    book = make_book()
    first = match_transaction(tx("1234.50", structured_reference="RF89202600042"), book)
    assert first.state is TransactionState.MATCHED
    for allocation in first.auto.allocations:
        book.settle(allocation.invoice_id, allocation.amount)
    again = match_transaction(tx("1234.50", structured_reference="RF89202600042", counterparty_iban=GARCIA_IBAN), book)
    assert again.state is not TransactionState.MATCHED
    assert "RF reference RF89 2026 0004 2 names invoice 2026-00042, which is already paid" in again.note


def test_a_learned_iban_identifies_the_customer_next_time():
    book = make_book()
    before = match_transaction(tx("100.00", counterparty_iban=UNKNOWN_IBAN), book)
    assert before.state is TransactionState.REVIEW  # 100.00 is open at Garcia and at Rossi
    book.learn_iban("nl91 abna 0417 1643 00", GARCIA)
    assert book.customers_of_iban(UNKNOWN_IBAN) == (GARCIA,)
    assert UNKNOWN_IBAN in book.customer(GARCIA).ibans
    after = match_transaction(tx("100.00", counterparty_iban=UNKNOWN_IBAN), book)
    assert after.state is TransactionState.MATCHED
    assert allocations(after.auto) == [(2, "100.00")]
    book.learn_iban(UNKNOWN_IBAN, GARCIA)  # twice is once
    assert book.customer(GARCIA).ibans.count(UNKNOWN_IBAN) == 1


def test_match_transaction_does_not_change_the_book():
    book = make_book()
    match_transaction(tx("1234.50", structured_reference="RF89202600042"), book)
    assert book.invoice(InvoiceId(1)).open_amount == Decimal("1234.50")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-00042", ["2026-00042"]),
    ("2026-00024", ["2026-00042", "2026-00044"]),  # one typo away
    ("RF89 2026 0004 2", ["2026-00042"]),
    ("1042", ["2026-00042", "2026-00043", "2026-00044"]),
    ("garcia", ["2026-00042", "2026-00043", "2026-00044"]),
    ("Rossi", ["2026-00050", "2026-00051", "2026-00052"]),
    ("1.234,50", ["2026-00042"]),
    ("350.00", ["2026-00051", "2026-00052"]),
    ("0005", ["2026-00050", "2026-00051", "2026-00052"]),
    ("", []),
])
def test_search_for_the_review_screen(text, expected):
    assert numbers(make_book().search(text)) == expected


def test_search_respects_the_limit():
    assert len(make_book().search("2026", limit=2)) == 2


def test_a_suggestion_survives_json():
    suggestion = Suggestion(GARCIA, (Allocation(InvoiceId(1), Decimal("1234.50")), Allocation(InvoiceId(2), Decimal("0.50"))),
                            95, (Reason(Signal.REFERENCE, 60, "RF reference RF89 2026 0004 2 found (invoice 2026-00042)"),),
                            credit=Decimal("3.10"), shortfall=Decimal("99.50"), currency="EUR")
    data = json.loads(json.dumps(suggestion.to_json()))
    assert data["allocations"] == [{"invoice_id": 1, "amount": "1234.50"}, {"invoice_id": 2, "amount": "0.50"}]
    assert data["reasons"][0]["signal"] == "reference"
    assert Suggestion.from_json(data) == suggestion
    assert suggestion.invoice_ids == (1, 2)
