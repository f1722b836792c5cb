"""User rules: checked before saving, first match wins, a customer narrows the candidates, a category ignores."""

from decimal import Decimal

import pytest

from desktop.domain.bank import IgnoreCategory, TransactionState
from desktop.domain.errors import ValidationError
from desktop.domain.matching import Rule, RuleKind, first_matching_rule, match_transaction, rule_hits, validate_rule
from tests.unit.matching_fixtures import GARCIA, ROSSI, UNKNOWN_IBAN, allocations, make_book, texts, tx

K = RuleKind


def rule(kind=K.TEXT, pattern="holding", **fields):
    return Rule(fields.pop("id", 1), fields.pop("name", "Holding"), kind, pattern, **fields)


@pytest.mark.parametrize(("bad", "field", "message"), [
    (rule(K.REGEX, "salar(y|ies", category=IgnoreCategory.SALARY), "pattern",
     "This is not a valid regular expression (missing ), unterminated subpattern at position 5); "
     "check brackets and backslashes."),
    (rule(customer_id=None), "target", "Choose a customer to assign, or a category to ignore the transaction as."),
    (rule(customer_id=GARCIA, category=IgnoreCategory.OTHER), "target",
     "A rule either assigns a customer or ignores the transaction, not both."),
    (rule(pattern="  ", customer_id=GARCIA), "pattern", "Enter the words to look for."),
    (rule(name=" ", customer_id=GARCIA), "name", "Give the rule a name, so its reasons can say which rule decided."),
    (rule(K.AMOUNT_RANGE, "", category=IgnoreCategory.BANK_FEE), "amount_min",
     "An amount rule needs a lowest or a highest amount (or both)."),
    (rule(K.AMOUNT_RANGE, "", amount_min=Decimal(5), amount_max=Decimal(1), category=IgnoreCategory.BANK_FEE), "amount_max",
     "The highest amount is below the lowest amount."),
    (rule(K.IBAN, "NL91", customer_id=GARCIA), "pattern", "An IBAN or account number has at least 5 letters and digits."),
    (rule(K.REGEX, "x" * 301, customer_id=GARCIA), "pattern", "Keep the pattern under 300 characters."),
])
def test_a_bad_rule_is_refused_naming_the_field(bad, field, message):
    with pytest.raises(ValidationError) as error:
        validate_rule(bad)
    assert error.value.fields == {field: message}


def test_a_good_rule_passes():
    validate_rule(rule(customer_id=GARCIA))
    validate_rule(rule(K.AMOUNT_RANGE, "", amount_max=Decimal("-0.01"), category=IgnoreCategory.BANK_FEE))
    validate_rule(rule(K.IBAN, "NL91 ABNA 0417 1643 00", category=IgnoreCategory.INTERNAL))


def test_each_kind_of_rule_matches_what_it_says():
    payment = tx("-12.00", counterparty_name="Grupo García HOLDING", counterparty_iban=UNKNOWN_IBAN, remittance="Cuota mensual")
    holding = rule(K.TEXT, "holding", customer_id=GARCIA)
    assert first_matching_rule(payment, [holding]) == holding
    assert first_matching_rule(payment, [rule(K.REGEX, r"cuota\s+mensual", customer_id=GARCIA)]) is not None
    assert first_matching_rule(payment, [rule(K.IBAN, "nl91 abna 0417 1643 00", customer_id=GARCIA)]) is not None
    assert first_matching_rule(payment, [rule(K.AMOUNT_RANGE, "", amount_min=Decimal(-20), amount_max=Decimal(-10),
                                              customer_id=GARCIA)]) is not None
    assert first_matching_rule(payment, [rule(K.AMOUNT_RANGE, "", amount_min=Decimal(10), customer_id=GARCIA)]) is None
    assert first_matching_rule(payment, [rule(K.TEXT, "holding", amount_min=Decimal(0), customer_id=GARCIA)]) is None
    assert first_matching_rule(payment, [rule(K.REGEX, "salar(y", customer_id=GARCIA)]) is None  # broken: matches nothing


def test_the_first_enabled_matching_rule_wins():
    rules = [rule(id=1, pattern="holding", customer_id=ROSSI, enabled=False), rule(id=2, pattern="nothing", customer_id=ROSSI),
             rule(id=3, pattern="garcía", customer_id=GARCIA), rule(id=4, pattern="holding", customer_id=ROSSI)]
    assert first_matching_rule(tx("1.00", counterparty_name="Grupo García Holding"), rules).id == 3


def test_a_category_rule_ignores_the_transaction():
    salaries = rule(K.REGEX, r"salar(y|io)|n[óo]mina", name="Salaries", id=7, category=IgnoreCategory.SALARY)
    outcome = match_transaction(tx("-2100.00", remittance="Nomina noviembre"), make_book(), [salaries])
    assert outcome.state is TransactionState.IGNORED
    assert (outcome.category, outcome.rule_id, outcome.note) == (IgnoreCategory.SALARY, 7, "rule 'Salaries' ignores it as salary")


def test_a_customer_rule_narrows_the_candidates_and_is_a_reason():
    holding = rule(name="Holding pays for García", id=9, customer_id=GARCIA)
    payment = tx("100.00", counterparty_name="Grupo Garcia Holding", counterparty_iban=UNKNOWN_IBAN)
    without = match_transaction(payment, make_book())
    assert without.state is TransactionState.REVIEW  # 100.00 is open at García and at Rossi
    outcome = match_transaction(payment, make_book(), [holding])
    assert outcome.state is TransactionState.MATCHED
    assert outcome.rule_id == 9
    assert allocations(outcome.auto) == [(2, "100.00")]
    assert texts(outcome.auto) == ["rule 'Holding pays for García' assigns customer 1042 García y Asociados S.L.",
                                   "amount 100.00 EUR equals the open amount of invoice 2026-00043"]
    assert {s.customer_id for s in outcome.suggestions} == {GARCIA}


def test_a_customer_rule_drops_invoices_of_other_customers_even_when_named():
    to_rossi = rule(customer_id=ROSSI)
    outcome = match_transaction(tx("1234.50", counterparty_name="holding", structured_reference="RF89202600042"), make_book(),
                                [to_rossi])
    assert all(s.customer_id == ROSSI for s in outcome.suggestions)
    assert outcome.state is not TransactionState.MATCHED


def test_rule_hits_tests_a_rule_against_past_transactions():
    past = [tx("-5.00", remittance="Kosten"), tx("100.00", counterparty_name="Grupo Garcia Holding"),
            tx("-7.00", remittance="kosten Q2")]
    assert rule_hits(rule(K.TEXT, "KOSTEN", category=IgnoreCategory.BANK_FEE, enabled=False), past) == [0, 2]
    assert rule_hits(rule(K.AMOUNT_RANGE, "", amount_min=Decimal(0), category=IgnoreCategory.OTHER), past) == [1]
