"""Matching bank transactions to open invoices, with reasons a credit manager can read.

Pure domain code: the service builds an ``OpenBook`` from the database, calls
``match_transaction`` per transaction, books what comes back ``MATCHED`` and then tells the book
(``settle``, ``learn_iban``) so the next transaction sees the change.
"""

from desktop.domain.matching.book import KnownCustomer, OpenBook, OpenInvoice, make_open_invoice
from desktop.domain.matching.categories import PROVIDERS
from desktop.domain.matching.matcher import DEFAULT_SETTINGS, MAX_SUGGESTIONS, match_transaction
from desktop.domain.matching.result import MatchOutcome, Reason, Signal, Suggestion, suggestions_json
from desktop.domain.matching.rules import (
    Rule,
    RuleKind,
    first_matching_rule,
    rule_hits,
    rule_matches,
    rule_problems,
    validate_rule,
)
from desktop.domain.matching.settings import MatchSettings

__all__ = [
    "DEFAULT_SETTINGS",
    "MAX_SUGGESTIONS",
    "PROVIDERS",
    "KnownCustomer",
    "MatchOutcome",
    "MatchSettings",
    "OpenBook",
    "OpenInvoice",
    "Reason",
    "Rule",
    "RuleKind",
    "Signal",
    "Suggestion",
    "first_matching_rule",
    "make_open_invoice",
    "match_transaction",
    "rule_hits",
    "rule_matches",
    "rule_problems",
    "suggestions_json",
    "validate_rule",
]
