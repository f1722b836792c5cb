"""A subscription and its plan over time.

The plan is a list of terms, each effective from a date until the next one: its lines (empty while
paused), its interval in months and the anchor its periods are counted from. A quantity or price
change keeps the anchor (periods stay where they were); a change of interval starts a new anchor
on the day of the change. The subscription runs from ``start`` to ``end`` (inclusive, optional).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import NewType

from desktop.domain.errors import ValidationError
from desktop.domain.ids import CustomerId
from desktop.domain.money import ZERO, precision

SubscriptionId = NewType("SubscriptionId", int)

MONTHLY, QUARTERLY, YEARLY = 1, 3, 12
MAX_INTERVAL_MONTHS = 60


class Timing(Enum):
    ADVANCE = "advance"  # the invoice for a period is made before it starts
    ARREARS = "arrears"  # ... after it ends


class Settle(Enum):
    """Where the proration of a mid-period change goes."""

    NEXT_INVOICE = "next_invoice"
    NOW = "now"


class SubscriptionState(Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    SCHEDULED = "scheduled"  # starts later
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class PlanLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal = ZERO
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    effective_from: date
    anchor: date
    interval_months: int
    lines: tuple[PlanLine, ...]  # empty: paused

    @property
    def paused(self) -> bool:
        return not self.lines


@dataclass(slots=True)
class Subscription:
    customer_id: CustomerId
    name: str
    currency: str
    start: date
    terms: list[Term]
    timing: Timing = Timing.ADVANCE
    end: date | None = None  # last day billed
    payment_term_days: int | None = None  # None: the customer's, else the company's
    auto_send: bool = True  # finalize and email; False: leave drafts for review
    id: SubscriptionId | None = None
    customer_number: str = ""  # filled when loaded, for lists
    customer_name: str = ""
    cancelled_on: date | None = None
    notes: str = field(default="")
    next_invoice: date | None = None  # filled when loaded: the day the run makes the next invoice; None: nothing left

    @classmethod
    def new(
        cls, customer_id: CustomerId, name: str, currency: str, start: date, lines: list[PlanLine] | tuple[PlanLine, ...],
        interval_months: int = MONTHLY, **kwargs: object,
    ) -> Subscription:
        return cls(customer_id=customer_id, name=name, currency=currency, start=start,
                   terms=[Term(start, start, interval_months, tuple(lines))], **kwargs)  # type: ignore[arg-type]

    def term_on(self, day: date) -> Term:
        found = self.terms[0]
        for term in self.terms:
            if term.effective_from <= day:
                found = term
        return found

    def state_on(self, day: date) -> SubscriptionState:
        if self.end is not None and day > self.end:
            return SubscriptionState.ENDED
        if day < self.start:
            return SubscriptionState.SCHEDULED
        return SubscriptionState.PAUSED if self.term_on(day).paused else SubscriptionState.ACTIVE

    def with_term(self, term: Term) -> Subscription:
        """A copy whose plan changes to ``term`` from its date; later scheduled terms are dropped."""
        kept = [t for t in self.terms if t.effective_from < term.effective_from]
        return replace(self, terms=[*kept, term])

    @property
    def lines(self) -> tuple[PlanLine, ...]:
        """The latest plan that bills something (the plan to resume with)."""
        for term in reversed(self.terms):
            if term.lines:
                return term.lines
        return ()


def validate_subscription(sub: Subscription) -> None:
    problems: dict[str, str] = {}
    if sub.customer_id is None:
        problems["customer"] = "Choose a customer."
    if not sub.name.strip():
        problems["name"] = "Give the subscription a name (it is printed on its invoices)."
    if len(sub.currency) != 3 or not sub.currency.isalpha() or not sub.currency.isupper():
        problems["currency"] = "Use a three-letter ISO currency code such as EUR."
    if sub.end is not None and sub.end < sub.start:
        problems["end"] = "The end date cannot be before the start date."
    if sub.payment_term_days is not None and not 0 <= sub.payment_term_days <= 365:
        problems["payment_term_days"] = "The payment term must be between 0 and 365 days."
    if not sub.terms or sub.terms[0].effective_from != sub.start:
        problems["lines"] = "The plan must start on the subscription's start date."
    places = precision(sub.currency) if "currency" not in problems else 2
    for term in sub.terms:
        if not 1 <= term.interval_months <= MAX_INTERVAL_MONTHS:
            problems["interval"] = f"The interval must be between 1 and {MAX_INTERVAL_MONTHS} months."
    first = sub.terms[0] if sub.terms else None
    if first is not None and not first.lines:
        problems["lines"] = "A subscription needs at least one plan line."
    for term in sub.terms:
        for index, line in enumerate(term.lines):
            where = f"lines[{index}]"
            if not line.description.strip():
                problems[f"{where}.description"] = f"Line {index + 1} needs a description."
            if line.quantity <= 0 or _decimals(line.quantity) > 3:
                problems[f"{where}.quantity"] = f"Line {index + 1}: the quantity must be above zero, with at most 3 decimals."
            if line.unit_price <= 0 or _decimals(line.unit_price) > places:
                problems[f"{where}.unit_price"] = (f"Line {index + 1}: the price must be above zero, "
                                                   f"with at most {places} decimals.")
            if not ZERO <= line.vat_rate <= Decimal(100) or _decimals(line.vat_rate) > 2:
                problems[f"{where}.vat_rate"] = f"Line {index + 1}: the VAT rate must be between 0 and 100%."
    if problems:
        raise ValidationError(problems)


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
