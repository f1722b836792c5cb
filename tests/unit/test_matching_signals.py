"""Each matching signal on a hand-made book, with the exact reason texts the user reads."""

from decimal import Decimal

import pytest

from desktop.domain.bank import TransactionState
from desktop.domain.matching import MatchSettings, OpenBook, Signal, match_transaction
from tests.unit.matching_fixtures import (
    CUSTOMERS,
    GARCIA,
    GARCIA_IBAN,
    ROSSI_IBAN,
    UNKNOWN_IBAN,
    VETER,
    allocations,
    invoice,
    make_book,
    texts,
    tx,
)

MATCHED, REVIEW = TransactionState.MATCHED, TransactionState.REVIEW
EQUAL_42 = "amount 1,234.50 EUR equals the open amount of invoice 2026-00042"


def test_an_rf_reference_and_the_open_amount_book_the_payment():
    outcome = match_transaction(tx("1234.50", structured_reference="RF89202600042"), make_book())
    assert outcome.state is MATCHED
    assert outcome.auto == outcome.suggestions[0]
    assert allocations(outcome.auto) == [(1, "1234.50")]
    assert outcome.auto.customer_id == GARCIA
    assert texts(outcome.auto) == ["RF reference RF89 2026 0004 2 found (invoice 2026-00042)", EQUAL_42]
    assert [r.signal for r in outcome.auto.reasons] == [Signal.REFERENCE, Signal.AMOUNT]
    assert outcome.auto.score == 100
    assert (outcome.auto.credit, outcome.auto.shortfall) == (0, 0)
    assert outcome.note == "clearly best: 105 points, the next has 0"


@pytest.mark.parametrize("text", ["Pago RF89 2026 0004 2 gracias", "rf89202600042", "REF: RF 89 2026 0004 2, factura"])
def test_an_rf_reference_is_read_from_the_text_in_print_or_electronic_form(text):
    outcome = match_transaction(tx("1234.50", remittance=text), make_book())
    assert outcome.state is MATCHED
    assert texts(outcome.auto)[0] == "RF reference RF89 2026 0004 2 found (invoice 2026-00042)"


def test_an_rf_reference_with_wrong_check_digits_is_still_found_by_its_body():
    outcome = match_transaction(tx("1234.50", remittance="RF19 2026 0004 2"), make_book())
    assert outcome.state is MATCHED
    assert texts(outcome.auto) == [
        "RF reference RF19 2026 0004 2 has wrong check digits, but its body is invoice 2026-00042's number", EQUAL_42]
    assert outcome.auto.score == 95


def test_an_rf_reference_with_swapped_digits_is_found_when_the_amount_agrees():
    outcome = match_transaction(tx("1234.50", structured_reference="RF89202600024"), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(1, "1234.50")]
    assert texts(outcome.auto) == [
        "RF reference RF89 2026 0002 4 resembles invoice 2026-00042's reference (two characters are swapped)", EQUAL_42]
    # 2026-00044 is one substituted digit away as well, but 200.00 is open on it: a near number alone is not enough
    assert len(outcome.suggestions) == 1


@pytest.mark.parametrize(("text", "written"), [
    ("Factura 2026-00042", ""),
    ("Fattura n. 2026-00042 del 01.10.2026", ""),
    ("INV 2026 00042", ""),
    ("2026/00042", ""),
    ("pago 202600042", ""),
    ("Счет № 2026-42", " (written '2026-42')"),
    ("fra 2026-0042", " (written '2026-0042')"),
])
def test_an_invoice_number_is_found_with_spaces_dashes_and_dropped_zeros(text, written):
    outcome = match_transaction(tx("1234.50", remittance=text), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(1, "1234.50")]
    assert texts(outcome.auto) == [f"invoice number 2026-00042 found in the text{written}", EQUAL_42]
    assert outcome.auto.score == 95


@pytest.mark.parametrize(("text", "how"), [
    ("Factura 2026-00047", "'2026-00047' in the text resembles invoice number 2026-00042 (one character differs)"),
    ("Factura 2026-00024", "'2026-00024' in the text resembles invoice number 2026-00042 (two characters are swapped)"),
    ("Factura 2026-0OO42", "'2026-0OO42' in the text resembles invoice number 2026-00042 (one character differs)"),
])
def test_an_invoice_number_with_one_typo_is_found_when_the_amount_agrees(text, how):
    if "0OO" in text:  # two letters O for zeros: two typos, too many
        outcome = match_transaction(tx("1234.50", remittance=text), make_book())
        assert outcome.state is not MATCHED
        return
    outcome = match_transaction(tx("1234.50", remittance=text), make_book())
    assert outcome.state is MATCHED
    assert texts(outcome.auto) == [how, EQUAL_42]
    assert outcome.auto.score == 80


def test_a_typo_that_lands_on_another_open_invoice_goes_to_review():
    # "2026-00043" is a real open invoice (100.00), but 1,234.50 is what is open on 2026-00042, one digit away
    outcome = match_transaction(tx("1234.50", remittance="Factura 2026-00043"), make_book())
    assert outcome.state is REVIEW
    assert outcome.auto is None
    assert [allocations(s) for s in outcome.suggestions[:2]] == [[(1, "1234.50")], [(2, "100.00")]]
    assert outcome.note == "the next suggestion has 75 points, within 20 of the best (80)"


def test_a_number_without_the_series_prefix_is_found():
    book = OpenBook([invoice(11, "INV-2026-0042", GARCIA, "EUR", "99.00"), invoice(12, "INV-2026-0043", GARCIA, "EUR", "5.00")],
                    CUSTOMERS)
    for text in ("INV-2026-0042", "inv 2026 0042", "2026-0042", "20260042", "2026-42"):
        outcome = match_transaction(tx("99.00", remittance=f"betaling {text}"), book)
        assert outcome.state is MATCHED, text
        assert allocations(outcome.auto) == [(11, "99.00")]
        assert texts(outcome.auto)[0].startswith("invoice number INV-2026-0042 found in the text")
    swapped = match_transaction(tx("99.00", remittance="INV-2026-0024"), book)
    assert texts(swapped.auto)[0] == (
        "'INV-2026-0024' in the text resembles invoice number INV-2026-0042 (two characters are swapped)")


def test_a_known_iban_and_the_open_amount_book_the_payment():
    outcome = match_transaction(tx("100.00", counterparty_iban=GARCIA_IBAN, remittance="pago proveedor"), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(2, "100.00")]
    assert texts(outcome.auto) == [
        "IBAN ES91 2100 0418 4502 0005 1332 known for customer 1042 García y Asociados S.L.",
        "amount 100.00 EUR equals the open amount of invoice 2026-00043",
    ]
    assert outcome.auto.score == 80


def test_the_amount_can_be_the_sum_of_several_invoices_of_the_customer():
    outcome = match_transaction(tx("300.00", counterparty_iban=GARCIA_IBAN), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(2, "100.00"), (3, "200.00")]
    assert texts(outcome.auto)[1] == "amount 300.00 EUR equals the sum of 2 open invoices: 2026-00043 and 2026-00044"
    assert outcome.auto.reasons[1].signal is Signal.AMOUNT_SUM
    everything = match_transaction(tx("1534.50", counterparty_iban=GARCIA_IBAN), make_book())
    assert allocations(everything.auto) == [(1, "1234.50"), (2, "100.00"), (3, "200.00")]
    assert texts(everything.auto)[1] == (
        "amount 1,534.50 EUR equals the sum of 3 open invoices: 2026-00042, 2026-00043 and 2026-00044")


def test_invoice_numbers_listed_in_the_text_add_up_to_the_payment():
    outcome = match_transaction(tx("300.00", remittance="Facturas 2026-00043, 2026-00044"), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(2, "100.00"), (3, "200.00")]
    assert texts(outcome.auto) == [
        "invoice number 2026-00043 found in the text; invoice number 2026-00044 found in the text",
        "amount 300.00 EUR equals the sum of 2 open invoices: 2026-00043 and 2026-00044",
    ]


def test_a_partial_payment_with_a_reference_books_what_was_paid():
    outcome = match_transaction(tx("500.00", structured_reference="RF89202600042"), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(1, "500.00")]
    assert outcome.auto.shortfall == Decimal("734.50")
    assert texts(outcome.auto)[1] == (
        "amount 500.00 EUR is less than the 1,234.50 EUR open on invoice 2026-00042: a partial payment, 734.50 EUR stays open")
    assert outcome.auto.reasons[1].signal is Signal.PARTIAL


def test_a_partial_payment_with_only_an_invoice_number_waits_for_review():
    outcome = match_transaction(tx("500.00", remittance="Factura 2026-00042"), make_book())
    assert outcome.state is REVIEW
    assert allocations(outcome.suggestions[0]) == [(1, "500.00")]
    assert outcome.note == "the best suggestion has 70 points; 80 are needed to book automatically"


def test_an_overpayment_becomes_customer_credit():
    outcome = match_transaction(tx("1300.00", structured_reference="RF89202600042"), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(1, "1234.50")]
    assert outcome.auto.credit == Decimal("65.50")
    assert outcome.auto.shortfall == 0
    assert texts(outcome.auto)[1] == ("amount 1,300.00 EUR is 65.50 EUR more than the 1,234.50 EUR open on invoice 2026-00042; "
                                      "65.50 EUR becomes customer credit")


def test_a_small_shortfall_within_the_tolerance_can_be_written_off():
    outcome = match_transaction(tx("1234.00", structured_reference="RF89202600042"), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(1, "1234.00")]
    assert outcome.auto.shortfall == Decimal("0.50")
    assert texts(outcome.auto)[1] == ("amount 1,234.00 EUR is 0.50 EUR less than the 1,234.50 EUR open on invoice 2026-00042, "
                                      "within the write-off tolerance of 1.00 EUR")
    strict = match_transaction(tx("1234.00", structured_reference="RF89202600042"), make_book(),
                               settings=MatchSettings(write_off_tolerance=Decimal("0.10")))
    assert strict.auto.reasons[1].signal is Signal.PARTIAL


def test_a_known_iban_with_a_shortfall_within_tolerance_is_suggested_for_review():
    outcome = match_transaction(tx("99.40", counterparty_iban=GARCIA_IBAN), make_book())
    assert outcome.state is REVIEW
    assert allocations(outcome.suggestions[0]) == [(2, "99.40")]
    assert outcome.suggestions[0].shortfall == Decimal("0.60")
    assert outcome.note == "the best suggestion has 75 points; 80 are needed to book automatically"


def test_a_known_iban_with_an_amount_that_fits_nothing_suggests_the_oldest_invoices():
    outcome = match_transaction(tx("1300.00", counterparty_iban=GARCIA_IBAN), make_book())
    assert outcome.state is REVIEW
    assert allocations(outcome.suggestions[0]) == [(1, "1234.50"), (2, "65.50")]
    assert outcome.suggestions[0].shortfall == Decimal("34.50")


def test_a_similar_name_is_a_weaker_signal_that_needs_review():
    outcome = match_transaction(tx("100.00", counterparty_name="J. Garcia SL", counterparty_iban=UNKNOWN_IBAN), make_book())
    assert outcome.state is REVIEW
    best = outcome.suggestions[0]
    assert allocations(best) == [(2, "100.00")]
    assert texts(best) == ["name 'J. Garcia SL' resembles 'García y Asociados S.L.' (customer 1042)",
                           "amount 100.00 EUR equals the open amount of invoice 2026-00043"]
    assert best.reasons[0].signal is Signal.NAME


def test_a_transliterated_russian_name_resembles_the_cyrillic_one():
    outcome = match_transaction(tx("777.77", counterparty_name="OOO SEVERNYI VETER"), make_book())
    assert outcome.state is REVIEW
    assert outcome.suggestions[0].customer_id == VETER
    assert texts(outcome.suggestions[0])[0] == "name 'OOO SEVERNYI VETER' resembles 'ООО «Северный ветер»' (customer 1045)"


def test_the_same_name_and_a_number_and_a_known_iban_add_up():
    outcome = match_transaction(tx("500.00", remittance="2026-00042", counterparty_name="GARCIA Y ASOCIADOS SL",
                                   counterparty_iban=GARCIA_IBAN), make_book())
    assert outcome.state is MATCHED
    assert [r.signal for r in outcome.auto.reasons] == [Signal.INVOICE_NUMBER, Signal.IBAN, Signal.NAME, Signal.PARTIAL]
    assert [r.score for r in outcome.auto.reasons] == [60, 45, 25, 10]
    assert outcome.auto.score == 100


def test_a_payment_in_another_currency_is_suggested_but_never_booked_alone():
    payment = tx("1170.00", structured_reference="RF33202600080", instructed_amount=Decimal("1000.00"),
                 instructed_currency="GBP", counterparty_iban="GB29NWBK60161331926819")
    outcome = match_transaction(payment, make_book())
    assert outcome.state is REVIEW
    best = outcome.suggestions[0]
    assert (allocations(best), best.currency) == ([(9, "1000.00")], "GBP")
    assert texts(best)[-1] == (
        "amount 1,000.00 GBP (instructed; paid as 1,170.00 EUR) equals the open amount of invoice 2026-00080")
    assert outcome.note == "paid in EUR, the invoice is in GBP: book it by hand"


def test_sek_invoices_match_sek_payments():
    outcome = match_transaction(tx("5000.00", "SEK", counterparty_iban="SE4550000000058398257466"), make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(7, "5000.00")]


def test_rossi_rf_reference_and_iban_agree():
    outcome = match_transaction(tx("350.00", remittance="RF reference for 2026-00052", counterparty_iban=ROSSI_IBAN),
                                make_book())
    assert outcome.state is MATCHED
    assert allocations(outcome.auto) == [(6, "350.00")]
