"""Invoice lines, totals and the VAT breakdown, computed the same way everywhere.

VAT is computed on the sum of the line amounts per rate (the authoritative breakdown printed on
the invoice); each line also shows its own VAT for information.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.errors import ValidationError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.money import ZERO, precision, round_money
from desktop.domain.states import InvoiceKind, InvoiceStatus

HUNDRED = Decimal(100)
MAX_QUANTITY = Decimal("999999999")
MAX_UNIT_PRICE = Decimal("999999999")


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal = ZERO  # percent, e.g. Decimal("21")
    discount_percent: Decimal = ZERO
    unit: str = ""

    def net(self, currency: str) -> Decimal:
        gross = self.quantity * self.unit_price
        return round_money(gross * (HUNDRED - self.discount_percent) / HUNDRED, currency)

    def vat(self, currency: str) -> Decimal:
        return round_money(self.net(currency) * self.vat_rate / HUNDRED, currency)


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    net: Decimal
    vat: Decimal
    total: Decimal
    breakdown: tuple[VatLine, ...]


def compute_totals(lines: list[InvoiceLine] | tuple[InvoiceLine, ...], currency: str) -> Totals:
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        bases[line.vat_rate.normalize() if line.vat_rate else ZERO] += line.net(currency)
    breakdown = tuple(
        VatLine(rate, base, round_money(base * rate / HUNDRED, currency))
        for rate, base in sorted(bases.items())
    )
    net = sum((v.base for v in breakdown), ZERO)
    vat = sum((v.vat for v in breakdown), ZERO)
    return Totals(round_money(net, currency), round_money(vat, currency), round_money(net + vat, currency), breakdown)


def due_date_for(issue_date: date, payment_term_days: int) -> date:
    return issue_date + timedelta(days=payment_term_days)


@dataclass(slots=True)
class InvoiceDraft:
    """What the editor edits: everything of an invoice that the user writes."""

    customer_id: CustomerId | None
    currency: str
    issue_date: date
    due_date: date
    lines: list[InvoiceLine] = field(default_factory=list)
    notes: str = ""
    id: InvoiceId | None = None
    kind: InvoiceKind = InvoiceKind.INVOICE
    credited_invoice_id: InvoiceId | None = None  # for credit notes: the invoice they credit

    def totals(self) -> Totals:
        return compute_totals(self.lines, self.currency)


def validate_draft(draft: InvoiceDraft, *, for_finalize: bool = False) -> None:
    """Raise ``ValidationError`` naming each field (``lines[2].description``) that is wrong."""
    problems: dict[str, str] = {}
    if draft.customer_id is None:
        problems["customer"] = "Choose a customer."
    if len(draft.currency) != 3 or not draft.currency.isalpha() or not draft.currency.isupper():
        problems["currency"] = "Use a three-letter ISO currency code such as EUR."
    if draft.due_date < draft.issue_date:
        problems["due_date"] = "The due date cannot be before the issue date."
    places = precision(draft.currency) if "currency" not in problems else 2
    for index, line in enumerate(draft.lines):
        where = f"lines[{index}]"
        for name, value, allowed_places, label in (
            ("unit_price", line.unit_price, places, "the unit price"),
            ("quantity", line.quantity, 3, "the quantity"),
            ("discount", line.discount_percent, 2, "the discount"),
            ("vat_rate", line.vat_rate, 2, "the VAT rate"),
        ):
            if _decimals(value) > allowed_places:
                problems[f"{where}.{name}"] = f"Line {index + 1}: {label} allows at most {allowed_places} decimals."
        if not line.description.strip():
            problems[f"{where}.description"] = f"Line {index + 1} needs a description."
        if f"{where}.quantity" in problems:
            pass
        elif line.quantity <= 0 or line.quantity > MAX_QUANTITY:
            problems[f"{where}.quantity"] = f"Line {index + 1}: the quantity must be above zero."
        if abs(line.unit_price) > MAX_UNIT_PRICE and f"{where}.unit_price" not in problems:
            problems[f"{where}.unit_price"] = f"Line {index + 1}: the unit price is too large."
        if not ZERO <= line.discount_percent <= HUNDRED and f"{where}.discount" not in problems:
            problems[f"{where}.discount"] = f"Line {index + 1}: the discount must be between 0 and 100%."
        if not ZERO <= line.vat_rate <= HUNDRED and f"{where}.vat_rate" not in problems:
            problems[f"{where}.vat_rate"] = f"Line {index + 1}: the VAT rate must be between 0 and 100%."
    if for_finalize:
        if not draft.lines:
            problems["lines"] = "An invoice needs at least one line before it can be finalized."
        elif not problems and draft.totals().total <= 0 and draft.kind is InvoiceKind.INVOICE:
            problems["lines"] = "The invoice total must be above zero; write a credit note instead."
    if problems:
        raise ValidationError(problems)


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@dataclass(frozen=True, slots=True)
class InvoiceSummary:
    """One invoice as lists and exports show it. Amounts are signed: credit notes are negative."""

    id: InvoiceId
    kind: InvoiceKind
    number: str | None
    customer_id: CustomerId
    customer_number: str
    customer_name: str
    issue_date: date
    due_date: date
    currency: str
    total: Decimal
    open_amount: Decimal
    status: InvoiceStatus
    reference: str | None
