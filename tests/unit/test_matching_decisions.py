"""When Paydesk books on its own and when it waits: thresholds, margins, ties, conflicts, currencies."""

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import combinations

import pytest

from desktop.domain.bank import TransactionState
from desktop.domain.ids import CustomerId
from desktop.domain.matching import MAX_SUGGESTIONS, KnownCustomer, MatchSettings, OpenBook, match_transaction
from desktop.domain.matching.amounts import sums_to
from tests.unit.matching_fixtures import (
    CUSTOMERS,
    GARCIA,
    GARCIA_IBAN,
    ROSSI,
    ROSSI_IBAN,
    UNKNOWN_IBAN,
    allocations,
    invoice,
    make_book,
    texts,
    tx,
)

MATCHED, REVIEW, UNMATCHED = TransactionState.MATCHED, TransactionState.REVIEW, TransactionState.UNMATCHED


def test_two_invoices_of_the_same_amount_wait_for_review():
    outcome = match_transaction(tx("350.00", counterparty_iban=ROSSI_IBAN), make_book())
    assert outcome.state is REVIEW
    assert outcome.auto is None
    assert [allocations(s) for s in outcome.suggestions] == [[(5, "350.00")], [(6, "350.00")]]  # oldest first
    assert [s.score for s in outcome.suggestions] == [80, 80]
    assert outcome.note == "two suggestions fit equally well"


def test_the_amount_alone_never_books():
    unique = match_transaction(tx("777.77", counterparty_iban=UNKNOWN_IBAN), make_book())
    assert unique.state is REVIEW
    assert texts(unique.suggestions[0]) == ["amount 777.77 EUR equals the open amount of invoice 2026-00070"]
    assert unique.note == "the best suggestion has 35 points; 80 are needed to book automatically"


def test_a_payment_that_fits_nothing_is_unmatched():
    outcome = match_transaction(tx("12.34", counterparty_name="Jan de Boer", counterparty_iban=UNKNOWN_IBAN,
                                   remittance="Gift"), make_book())
    assert (outcome.state, outcome.suggestions, outcome.note) == (UNMATCHED, (), "no open invoice fits")


def test_only_weak_suggestions_leave_the_payment_unmatched():
    outcome = match_transaction(tx("10.00", "SEK", counterparty_name="Lindqvist"), make_book())
    assert outcome.state is UNMATCHED
    assert texts(outcome.suggestions[0]) == [
        "name 'Lindqvist' resembles 'Lindqvist Bygg AB' (customer 1044)",
        "amount 10.00 SEK is less than the 5,000.00 SEK open on invoice 2026-00060: a partial payment, 4,990.00 SEK stays open",
    ]
    assert outcome.note == "only weak suggestions (the best has 22 points)"


def test_a_reference_from_another_customer_s_account_waits():
    outcome = match_transaction(tx("1234.50", structured_reference="RF89202600042", counterparty_iban=ROSSI_IBAN), make_book())
    assert outcome.state is REVIEW
    assert allocations(outcome.suggestions[0]) == [(1, "1234.50")]
    assert outcome.note == ("the payer's IBAN IT60 X054 2811 1010 0000 0123 456 is known for customer 1043 Rossi & Figli S.r.l., "
                            "not for customer 1042 García y Asociados S.L.")


def test_a_valid_reference_of_no_open_invoice_stops_booking_by_iban_and_amount():
    outcome = match_transaction(tx("100.00", structured_reference="RF05202600099", counterparty_iban=GARCIA_IBAN), make_book())
    assert outcome.state is REVIEW
    assert allocations(outcome.suggestions[0]) == [(2, "100.00")]
    assert outcome.note == "RF reference RF05 2026 0009 9 belongs to no open invoice"


def test_a_typo_that_names_a_neighbour_with_a_close_amount_waits():
    # 2026-00043 (100.00 open) is named, 99.60 is paid: within the write-off tolerance; but 2026-00034, two digits
    # swapped, has exactly 99.60 open
    book = make_book(invoice(30, "2026-00034", ROSSI, "EUR", "99.60"))
    outcome = match_transaction(tx("99.60", remittance="Factura 2026-00043"), book)
    assert outcome.state is REVIEW
    assert [allocations(s) for s in outcome.suggestions] == [[(2, "99.60")], [(30, "99.60")]]
    assert outcome.note == "the next suggestion has 80 points, within 20 of the best (90)"


def test_listed_invoices_with_one_typo_add_up_but_wait_for_review():
    outcome = match_transaction(tx("300.00", remittance="Facturas 2026-00043 y 2026-00045"), make_book())
    assert outcome.state is REVIEW
    best = outcome.suggestions[0]
    assert allocations(best) == [(2, "100.00"), (3, "200.00")]
    assert texts(best)[0] == ("invoice number 2026-00043 found in the text; "
                              "'2026-00045' in the text resembles invoice number 2026-00044 (one character differs)")
    assert best.score == 80
    assert allocations(outcome.suggestions[1]) == [(2, "100.00")]  # 2026-00043 alone, 200.00 credit: 75 points
    with_iban = match_transaction(tx("300.00", remittance="Facturas 2026-00043 y 2026-00045", counterparty_iban=GARCIA_IBAN),
                                  make_book())
    assert with_iban.state is REVIEW  # the IBAN adds to both


def test_an_amount_equal_to_one_invoice_and_to_a_sum_of_others_waits():
    book = make_book(invoice(31, "2026-00045", GARCIA, "EUR", "1134.50"))
    outcome = match_transaction(tx("1234.50", counterparty_iban=GARCIA_IBAN), book)  # 1234.50 = 1134.50 + 100.00
    assert outcome.state is REVIEW
    assert {tuple(allocations(s)) for s in outcome.suggestions[:2]} == {((1, "1234.50"),), ((2, "100.00"), (31, "1134.50"))}


def test_no_more_than_five_suggestions():
    customers = (*CUSTOMERS, KnownCustomer(CustomerId(9), "2000", "Many", ()))
    many = [invoice(100 + n, f"2026-{500 + n:05d}", CustomerId(9), "EUR", "10.00") for n in range(5)]
    outcome = match_transaction(tx("10.00"), OpenBook(many, customers))
    assert len(outcome.suggestions) == MAX_SUGGESTIONS == 5
    crowded = OpenBook([*many, invoice(200, "2026-00600", CustomerId(9), "EUR", "10.00")], customers)
    assert match_transaction(tx("10.00"), crowded).state is UNMATCHED  # an amount on 6 invoices tells nothing


def test_settings_move_the_bar():
    payment = tx("100.00", counterparty_iban=GARCIA_IBAN)
    assert match_transaction(payment, make_book()).state is MATCHED
    strict = match_transaction(payment, make_book(), settings=MatchSettings(auto_threshold=90))
    assert strict.state is REVIEW
    assert strict.note == "the best suggestion has 80 points; 90 are needed to book automatically"
    loose = match_transaction(tx("500.00", remittance="Factura 2026-00042"), make_book(),
                              settings=MatchSettings(auto_threshold=70))
    assert loose.state is MATCHED


def test_sums_are_searched_within_bounds():
    customer = CustomerId(9)
    invoices = [invoice(300 + n, f"2026-{700 + n:05d}", customer, "EUR", f"{10 + n}.00") for n in range(30)]
    found = sums_to(invoices, Decimal("60.00"), "EUR", 2, 5)
    assert len(found) == 3  # at most three ways, of the many
    assert all(sum(i.open_amount for i in group) == Decimal("60.00") and 2 <= len(group) <= 5 for group in found)
    assert sums_to(invoices, Decimal("10.00"), "EUR", 2, 5) == []  # one invoice alone is not a sum
    assert sums_to(invoices, Decimal("1000.00"), "EUR", 2, 5) == []  # more than all five biggest together
    five = sums_to(invoices[:5], Decimal("60.00"), "EUR", 2, 5)
    assert [[i.number for i in group] for group in five] == [["2026-00700", "2026-00701", "2026-00702", "2026-00703",
                                                              "2026-00704"]]


@pytest.mark.parametrize("seed", range(4))
def test_sums_are_found_exactly_when_some_invoices_add_up(seed):
    rng = random.Random(seed)
    customer = CustomerId(9)
    for _ in range(250):
        count = rng.randint(0, 12)
        cents = [rng.choice([rng.randint(1, 60), rng.randint(100, 90000), 2500]) for _ in range(count)]
        invoices = [invoice(300 + n, f"2026-{700 + n:05d}", customer, "EUR", f"{c / 100:.2f}", rng.randint(0, 90))
                    for n, c in enumerate(cents)]
        target = sum(rng.sample(cents, min(count, rng.randint(1, 5)))) if cents and rng.random() < 0.6 else rng.randint(1, 99999)
        paid = Decimal(target) / 100
        found = sums_to(invoices, paid, "EUR", 2, 4)
        expected = any(sum(group) == target for size in (2, 3, 4) for group in combinations(cents, size))
        assert bool(found) == expected, (cents, target)
        for group in found:
            assert sum(i.open_amount for i in group) == paid and 2 <= len(group) <= 4
            assert group == sorted(group, key=lambda i: (i.due_date, i.number))


def test_sums_of_a_subscription_s_equal_invoices():
    customer = CustomerId(9)
    monthly = [invoice(300 + n, f"2026-{700 + n:05d}", customer, "EUR", "49.90", days=300 - 30 * n) for n in range(10)]
    found = sums_to(monthly, Decimal("149.70"), "EUR", 2, 5)
    assert [[i.number for i in group] for group in found] == [
        ["2026-00700", "2026-00701", "2026-00702"], ["2026-00700", "2026-00701", "2026-00703"],
        ["2026-00700", "2026-00701", "2026-00704"]]
    assert sums_to(monthly, Decimal("49.90"), "EUR", 2, 5) == []  # one of them is no sum
    assert sums_to(monthly, Decimal("299.40"), "EUR", 2, 5) == []  # six of them: more than five
    assert sums_to(monthly, Decimal("100.00"), "EUR", 2, 5) == []


def test_a_combination_is_only_within_one_currency_and_one_customer():
    book = OpenBook([invoice(1, "2026-00001", GARCIA, "EUR", "60.00"), invoice(2, "2026-00002", GARCIA, "GBP", "40.00"),
                     invoice(3, "2026-00003", ROSSI, "EUR", "40.00")], CUSTOMERS)
    outcome = match_transaction(tx("100.00", counterparty_iban=GARCIA_IBAN), book)
    assert outcome.state is REVIEW
    assert allocations(outcome.suggestions[0]) == [(1, "60.00")]
    assert outcome.suggestions[0].credit == Decimal("40.00")


def test_dates_do_not_matter_only_the_oldest_first_order():
    older = invoice(1, "2026-00001", GARCIA, "EUR", "50.00", days=90)
    newer = invoice(2, "2026-00002", GARCIA, "EUR", "50.00", days=10)
    payment = replace(tx("100.00", counterparty_iban=GARCIA_IBAN), booking_date=date(2020, 1, 1))
    outcome = match_transaction(payment, OpenBook([newer, older], CUSTOMERS))
    assert allocations(outcome.auto) == [(1, "50.00"), (2, "50.00")]


def test_a_known_payer_with_nothing_open_is_suggested_as_customer_credit():
    book = make_book()
    for invoice_id, amount in ((1, "1234.50"), (2, "100.00"), (3, "200.00")):
        book.settle(invoice_id, Decimal(amount))
    outcome = match_transaction(tx("80.00", counterparty_iban=GARCIA_IBAN), book)
    assert outcome.state is REVIEW
    (credit,) = outcome.suggestions
    assert (credit.customer_id, credit.allocations, credit.credit, credit.score) == (GARCIA, (), Decimal("80.00"), 45)
    assert texts(credit) == ["IBAN ES91 2100 0418 4502 0005 1332 known for customer 1042 García y Asociados S.L."]
    assert outcome.note == "nothing is open for this customer: keep it as customer credit"


def test_an_iban_learned_for_an_unknown_customer_is_not_kept():
    book = make_book()
    book.learn_iban(UNKNOWN_IBAN, CustomerId(404))
    assert book.customers_of_iban(UNKNOWN_IBAN) == ()
