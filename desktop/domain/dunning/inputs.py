"""What a dunning computation reads: open invoices with the last level each reached, customers
with their procedure, payment plans, and incoming bank payments not yet booked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop.domain.ids import CustomerId, InvoiceId


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An issued invoice with something left to pay, and how far its reminders have gone."""

    invoice_id: InvoiceId
    number: str
    reference: str
    customer_id: CustomerId
    currency: str
    issue_date: date
    due_date: date
    total: Decimal
    open_amount: Decimal
    last_position: int = 0  # the highest level position it has reached; 0: none yet
    last_sent_on: date | None = None  # the run date of that reminder
    in_collection: bool = False  # handed over to collection: no more reminders


@dataclass(frozen=True, slots=True)
class DunningCustomer:
    customer_id: CustomerId
    number: str
    name: str
    language: str
    country: str
    emails: tuple[str, ...]
    ibans: tuple[str, ...] = ()
    procedure_id: int | None = None  # None: the default procedure
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class Instalment:
    id: int
    position: int
    due_date: date
    amount: Decimal


@dataclass(slots=True)
class PaymentPlan:
    """Instalments agreed for some invoices of one customer; those invoices are paused meanwhile."""

    customer_id: CustomerId
    currency: str
    invoice_ids: tuple[InvoiceId, ...]
    instalments: list[Instalment]
    settled_at_start: Decimal  # what was settled on the invoices when the plan was agreed
    starts_on: date
    note: str = ""
    ended_on: date | None = None
    settled_now: Decimal = Decimal(0)  # what is settled on the invoices today
    reminded: frozenset[int] = field(default_factory=frozenset)  # instalment ids already reminded
    id: int | None = None

    @property
    def paid(self) -> Decimal:
        """Paid towards the plan since it was agreed."""
        return self.settled_now - self.settled_at_start


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    """An incoming bank transaction that is not booked yet (unmatched or waiting for review)."""

    transaction_id: int
    booking_date: date
    amount: Decimal
    currency: str
    counterparty_name: str
    counterparty_iban: str
    text: str  # remittance and structured reference together
    suggested_invoices: frozenset[InvoiceId] = frozenset()  # from matching's suggestions
