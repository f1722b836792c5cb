"""The shared vocabulary of reminders: procedures and their levels, pauses, and the plan of one
message (one customer, one level, one currency) that a run would send."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop.domain.ids import CustomerId, InvoiceId


@dataclass(slots=True)
class Level:
    """One step of a procedure. ``day_offset`` counts from the due date (negative: before it)."""

    position: int  # 1, 2, 3... in the order the levels are sent
    name: str  # shown to the credit manager, e.g. "First reminder"
    day_offset: int
    template: str  # template key: "friendly", "reminder_1", "reminder_2", "final", or a user's own
    fee: Decimal = Decimal(0)  # a fixed fee, in the invoice's currency; 0 for none
    interest_rate: Decimal = Decimal(0)  # yearly percentage on the overdue amount, e.g. Decimal("8"); 0 for none
    attach_invoice: bool = True  # the invoice PDFs
    attach_letter: bool = False  # a formal reminder letter PDF
    final: bool = False  # the last notice, announcing collection
    id: int | None = None


@dataclass(slots=True)
class Procedure:
    name: str
    levels: list[Level]
    minimum_amount: Decimal = Decimal(0)  # below this (per message, after credits) nothing is sent
    is_default: bool = False
    id: int | None = None
    handover_days: int = 14  # after the final notice was sent, the case goes to collection


class PauseKind(enum.StrEnum):
    DISPUTE = "dispute"
    PROMISE = "promise"  # a promise to pay until ``until``
    PLAN = "plan"  # a payment plan; its instalments get their own reminders
    HOLD = "hold"  # a manual hold


@dataclass(slots=True)
class Pause:
    """Stops reminders for one invoice, or (``invoice_id`` None) for all of a customer's invoices,
    from ``starts_on`` until ``until`` (inclusive; None: until ended by hand)."""

    customer_id: CustomerId
    kind: PauseKind
    reason: str
    starts_on: date
    until: date | None = None
    invoice_id: InvoiceId | None = None
    ended_on: date | None = None  # set when ended by hand
    id: int | None = None

    def active_on(self, day: date) -> bool:
        if day < self.starts_on or (self.ended_on is not None and day >= self.ended_on):
            return False
        return self.until is None or day <= self.until


class PlanStatus(enum.StrEnum):
    PLANNED = "planned"  # a dry run or a preview: would be sent
    QUEUED = "queued"  # recorded, in the outbox
    SENT = "sent"
    FAILED = "failed"
    HELD_BACK = "held_back"  # not sent; ``reason`` says why


@dataclass(slots=True)
class DueInvoice:
    invoice_id: InvoiceId
    number: str
    issue_date: date
    due_date: date
    total: Decimal
    open_amount: Decimal
    days_overdue: int  # negative before the due date
    interest: Decimal = Decimal(0)  # for this invoice at this level, already rounded


@dataclass(slots=True)
class ReminderPlan:
    """One message: one customer, one level, one currency, all that customer's invoices due for it."""

    customer_id: CustomerId
    customer_number: str
    customer_name: str
    language: str
    country: str
    emails: list[str]
    currency: str
    level: Level
    procedure_id: int
    invoices: list[DueInvoice]
    credits: Decimal = Decimal(0)  # open credits and credit notes netted against the invoices (positive)
    fee: Decimal = Decimal(0)
    status: PlanStatus = PlanStatus.PLANNED
    reason: str = ""  # why it is held back
    instalment_id: int | None = None  # set when the message is about a payment-plan instalment
    warnings: list[str] = field(default_factory=list)
    instalment_amount: Decimal | None = None  # what is still due of that instalment (then ``amount`` asks for it)
    instalment_due_date: date | None = None

    @property
    def open_amount(self) -> Decimal:
        return sum((i.open_amount for i in self.invoices), Decimal(0))

    @property
    def interest(self) -> Decimal:
        return sum((i.interest for i in self.invoices), Decimal(0))

    @property
    def amount(self) -> Decimal:
        """What the customer is asked to pay: open amounts less credits, plus fee and interest
        (for an instalment reminder: what is due of the instalment, plus the fee)."""
        if self.instalment_amount is not None:
            return self.instalment_amount + self.fee
        return self.open_amount - self.credits + self.fee + self.interest

    @property
    def invoice_numbers(self) -> list[str]:
        return [i.number for i in self.invoices]
