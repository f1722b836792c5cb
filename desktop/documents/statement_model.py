"""What a statement of account shows: per currency, the customer's open items, the aging buckets and
the reference to pay with. Gathered by ``services.statements_of_account``, drawn by ``statement_pdf``,
summed up in the email by ``statement_context``. Plain data (no ReportLab), cheap to import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop.documents.formatting import DocumentFormats, document_formats
from desktop.domain.company import Company
from desktop.domain.languages import locale_for


@dataclass(frozen=True, slots=True)
class StatementItem:
    kind: str  # "invoice", "credit_note" or "payment"
    number: str  # the document's number; for a payment its note (may be "")
    date: date
    due_date: date | None
    days_overdue: int  # 0 when not overdue
    total: Decimal | None  # the document's total (None for a payment)
    open: Decimal  # what is open; negative for credit notes and payments


@dataclass(frozen=True, slots=True)
class StatementSection:
    """One currency of the statement."""

    currency: str
    items: list[StatementItem]
    buckets: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]  # invoices only
    reference: str  # RF reference to quote on the transfer

    @property
    def balance(self) -> Decimal:
        return sum((i.open for i in self.items), Decimal(0))


@dataclass(frozen=True, slots=True)
class Statement:
    company: Company
    customer_number: str
    customer_name: str
    address: list[str]
    language: str
    country: str
    as_of: date
    sections: list[StatementSection] = field(default_factory=list)

    def formats(self, currency: str) -> DocumentFormats:
        return document_formats(locale_for(self.language, self.country), currency, self.language)
