"""What matching tells the user: suggestions with their reasons, and the outcome for one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from json.encoder import encode_basestring as _string  # the escaping of json.dumps(..., ensure_ascii=False)
from typing import Any

from desktop.domain.bank import IgnoreCategory, TransactionState
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.money import ZERO
from desktop.domain.payment import Allocation


class Signal(StrEnum):
    REFERENCE = "reference"  # an RF creditor reference
    INVOICE_NUMBER = "invoice_number"  # an invoice number in the remittance text
    IBAN = "iban"  # the payer's account is known for the customer
    AMOUNT = "amount"  # equals the open amount (or within the write-off tolerance, or more: credit)
    AMOUNT_SUM = "amount_sum"  # equals the sum of several open invoices of one customer
    PARTIAL = "partial"  # less than what is open: a partial payment
    NAME = "name"  # the payer's name resembles the customer's
    RULE = "rule"  # a user rule assigns the customer


@dataclass(frozen=True, slots=True)
class Reason:
    signal: Signal
    score: int  # points this reason adds to its suggestion
    text: str  # English, with the facts: "RF reference RF18 5390 0754 7034 found (invoice 2026-00042)"

    def to_json(self) -> dict[str, Any]:
        return {"signal": self.signal.value, "score": self.score, "text": self.text}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        return cls(Signal(data["signal"]), int(data["score"]), str(data["text"]))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One way to book a transaction: to a customer, spread over invoices, with why."""

    customer_id: CustomerId
    allocations: tuple[Allocation, ...]
    score: int  # 0-100
    reasons: tuple[Reason, ...]
    credit: Decimal = ZERO  # what is left of the payment after the allocations: customer credit
    shortfall: Decimal = ZERO  # what stays open on the allocated invoices after this payment
    currency: str = ""  # of the allocations; differs from the payment's when paid in another currency

    @property
    def invoice_ids(self) -> tuple[InvoiceId, ...]:
        return tuple(a.invoice_id for a in self.allocations)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (amounts as decimal strings)."""
        return {
            "customer_id": self.customer_id,
            "allocations": [{"invoice_id": a.invoice_id, "amount": str(a.amount)} for a in self.allocations],
            "score": self.score,
            "reasons": [r.to_json() for r in self.reasons],
            "credit": str(self.credit),
            "shortfall": str(self.shortfall),
            "currency": self.currency,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Suggestion:
        return cls(
            customer_id=CustomerId(int(data["customer_id"])),
            allocations=tuple(Allocation(InvoiceId(int(a["invoice_id"])), Decimal(a["amount"])) for a in data["allocations"]),
            score=int(data["score"]),
            reasons=tuple(Reason.from_json(r) for r in data["reasons"]),
            credit=Decimal(data.get("credit", "0")),
            shortfall=Decimal(data.get("shortfall", "0")),
            currency=str(data.get("currency", "")),
        )


def suggestions_json(suggestions: Iterable[Suggestion]) -> str:
    """``json.dumps([s.to_json() for s in suggestions], ensure_ascii=False)``, written directly: an import
    stores 20,000 of these, and building the dicts first took as long as encoding them. Strings go through
    ``json``'s own escaping; the numbers are ints and plain decimals, which JSON writes as Python does."""
    return "[" + ", ".join([_suggestion_json(s) for s in suggestions]) + "]"


def _suggestion_json(s: Suggestion) -> str:
    allocations = ", ".join([f'{{"invoice_id": {int(a.invoice_id)}, "amount": "{a.amount}"}}' for a in s.allocations])
    reasons = ", ".join([f'{{"signal": {_string(r.signal.value)}, "score": {int(r.score)}, "text": {_string(r.text)}}}'
                         for r in s.reasons])
    return (f'{{"customer_id": {int(s.customer_id)}, "allocations": [{allocations}], "score": {int(s.score)}, '
            f'"reasons": [{reasons}], "credit": "{s.credit}", "shortfall": "{s.shortfall}", "currency": {_string(s.currency)}}}')


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    state: TransactionState
    auto: Suggestion | None = None  # set when Paydesk books on its own (state MATCHED)
    suggestions: tuple[Suggestion, ...] = ()  # best first, at most 5
    category: IgnoreCategory | None = None  # set when IGNORED
    rule_id: int | None = None  # the user rule that decided, if any
    note: str = ""  # why ignored, or why not booked automatically
