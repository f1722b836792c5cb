"""The user's rules: text, regular expression, IBAN or amount range -> a customer or an ignore category.

Tried in order; the first enabled rule that matches decides. Amounts are signed as on the
statement (money out is negative); a text, regex or IBAN rule may also carry an amount range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from desktop.domain.bank import BankTransaction, IgnoreCategory
from desktop.domain.errors import ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.matching.tokens import compact

MAX_PATTERN = 300
_MAX_TEXT = 2_000  # a regex looks at no more of a transaction than this


class RuleKind(StrEnum):
    TEXT = "text"  # the words appear in the payer's name or the payment text (any case)
    REGEX = "regex"  # a regular expression finds something there (any case)
    IBAN = "iban"  # the payer's account is this IBAN
    AMOUNT_RANGE = "amount_range"  # the amount lies in [amount_min, amount_max]


@dataclass(frozen=True, slots=True)
class Rule:
    id: int | None
    name: str
    kind: RuleKind
    pattern: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    customer_id: CustomerId | None = None
    category: IgnoreCategory | None = None
    enabled: bool = True


def rule_problems(rule: Rule) -> dict[str, str]:
    """What is wrong with a rule, by field; empty when it can be saved."""
    problems: dict[str, str] = {}
    if not rule.name.strip():
        problems["name"] = "Give the rule a name, so its reasons can say which rule decided."
    pattern = rule.pattern.strip()
    if rule.kind is RuleKind.AMOUNT_RANGE:
        if rule.amount_min is None and rule.amount_max is None:
            problems["amount_min"] = "An amount rule needs a lowest or a highest amount (or both)."
    elif not pattern:
        problems["pattern"] = {
            RuleKind.TEXT: "Enter the words to look for.",
            RuleKind.REGEX: "Enter the regular expression to look for.",
            RuleKind.IBAN: "Enter the IBAN (or account number) of the payer.",
        }[rule.kind]
    elif len(pattern) > MAX_PATTERN:
        problems["pattern"] = f"Keep the pattern under {MAX_PATTERN} characters."
    elif rule.kind is RuleKind.REGEX:
        try:
            _compiled(pattern)
        except re.error as error:
            problems["pattern"] = f"This is not a valid regular expression ({error}); check brackets and backslashes."
    elif rule.kind is RuleKind.IBAN and len(compact(pattern)) < 5:
        problems["pattern"] = "An IBAN or account number has at least 5 letters and digits."
    if rule.amount_min is not None and rule.amount_max is not None and rule.amount_min > rule.amount_max:
        problems["amount_max"] = "The highest amount is below the lowest amount."
    if rule.customer_id is None and rule.category is None:
        problems["target"] = "Choose a customer to assign, or a category to ignore the transaction as."
    elif rule.customer_id is not None and rule.category is not None:
        problems["target"] = "A rule either assigns a customer or ignores the transaction, not both."
    return problems


def validate_rule(rule: Rule) -> None:
    """Raise ``ValidationError`` naming each bad field of ``rule``."""
    problems = rule_problems(rule)
    if problems:
        raise ValidationError(problems)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _text(tx: BankTransaction) -> str:
    return " ".join([p for p in (tx.counterparty_name, tx.remittance, tx.structured_reference, tx.end_to_end_id) if p])


def rule_matches(rule: Rule, tx: BankTransaction, text: str | None = None) -> bool:
    """Whether ``rule`` matches ``tx`` (a broken rule matches nothing); ``text`` is ``_text(tx)`` if known."""
    if rule.amount_min is not None and tx.amount < rule.amount_min:
        return False
    if rule.amount_max is not None and tx.amount > rule.amount_max:
        return False
    pattern = rule.pattern.strip()
    if rule.kind is RuleKind.AMOUNT_RANGE:
        return rule.amount_min is not None or rule.amount_max is not None
    if not pattern:
        return False
    if text is None:
        text = _text(tx)
    if rule.kind is RuleKind.TEXT:
        return pattern.casefold() in text.casefold()  # casefold() is cheap next to a regex
    if rule.kind is RuleKind.IBAN:
        return bool(tx.counterparty_iban) and compact(pattern) == compact(tx.counterparty_iban)
    try:
        return _compiled(pattern).search(text[:_MAX_TEXT]) is not None
    except re.error:
        return False


def first_matching_rule(tx: BankTransaction, rules: Sequence[Rule]) -> Rule | None:
    """The first enabled rule that matches, or ``None``."""
    text = _text(tx)
    for rule in rules:
        if rule.enabled and rule_matches(rule, tx, text):
            return rule
    return None


def rule_hits(rule: Rule, transactions: Sequence[BankTransaction]) -> list[int]:
    """Indexes of the transactions ``rule`` matches (enabled or not): for trying a rule on past transactions."""
    return [index for index, tx in enumerate(transactions) if rule_matches(rule, tx, _text(tx))]
