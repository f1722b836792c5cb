"""Everything an invoice or credit note document shows, gathered for the renderers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.company import Company
from desktop.domain.invoice import InvoiceLine, Totals
from desktop.domain.states import InvoiceKind


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    kind: InvoiceKind
    number: str
    issue_date: date
    due_date: date
    currency: str
    language: str  # one of desktop.domain.languages.LANGUAGES
    locale: str  # babel locale, e.g. "ru_RU"
    seller: Company
    customer_number: str
    bill_name: str
    bill_address_lines: tuple[str, ...]
    bill_vat_id: str
    lines: tuple[InvoiceLine, ...]
    totals: Totals
    reference: str | None  # RF reference in electronic form
    notes: str
    amount_due: Decimal  # what is still to pay (for the payment block and the QR code)
    credited_number: str | None = None  # for credit notes: the invoice credited
