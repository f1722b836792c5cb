"""Tables of reminders: procedures and levels, per-customer settings, pauses, payment plans,
reminders sent and collection handovers. Migration 0005 creates exactly these.

Amounts that do not belong to one currency (a level's fee, a procedure's minimum) are decimal
text; amounts of a reminder are minor units of the reminder's currency.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.schema import Base
from desktop.store.types import UTCDateTime


class DunningProcedureRow(Base):
    __tablename__ = "dunning_procedures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    minimum_amount: Mapped[str] = mapped_column(String(30), default="0")  # decimal text
    handover_days: Mapped[int] = mapped_column(Integer, default=14)  # after the final notice, to collection
    is_default: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DunningLevelRow(Base):
    __tablename__ = "dunning_levels"
    __table_args__ = (UniqueConstraint("procedure_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("dunning_procedures.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    day_offset: Mapped[int] = mapped_column(Integer)
    template: Mapped[str] = mapped_column(String(60))
    fee: Mapped[str] = mapped_column(String(30), default="0")  # decimal text, in the invoice's currency
    interest_rate_bp: Mapped[int] = mapped_column(Integer, default=0)  # yearly, basis points
    attach_invoice: Mapped[bool] = mapped_column(default=True)
    attach_letter: Mapped[bool] = mapped_column(default=False)
    final: Mapped[bool] = mapped_column(default=False)


class CustomerDunningRow(Base):
    """A customer's own procedure, or its exclusion from reminders; no row: the default procedure."""

    __tablename__ = "customer_dunning"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    procedure_id: Mapped[int | None] = mapped_column(
        ForeignKey("dunning_procedures.id", ondelete="SET NULL"), nullable=True
    )
    excluded: Mapped[bool] = mapped_column(default=False)


class PaymentPlanRow(Base):
    __tablename__ = "payment_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    settled_at_start_minor: Mapped[int] = mapped_column(Integer)  # what was settled on its invoices when agreed
    note: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PaymentPlanInvoiceRow(Base):
    __tablename__ = "payment_plan_invoices"

    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plans.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True)


class PaymentPlanInstalmentRow(Base):
    __tablename__ = "payment_plan_instalments"
    __table_args__ = (
        UniqueConstraint("plan_id", "position"),
        CheckConstraint("amount_minor > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plans.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column()
    amount_minor: Mapped[int] = mapped_column(Integer)


class DunningPauseRow(Base):
    __tablename__ = "dunning_pauses"
    __table_args__ = (CheckConstraint("kind IN ('dispute', 'promise', 'plan', 'hold')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True, index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("payment_plans.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column()
    until: Mapped[date | None] = mapped_column(nullable=True)
    ended_on: Mapped[date | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderRow(Base):
    """One message sent (or queued): its outbox message is found by ``message_id``."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_customer_id_run_date", "customer_id", "run_date"),
        UniqueConstraint("instalment_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("dunning_procedures.id", ondelete="SET NULL"), nullable=True)
    level_position: Mapped[int] = mapped_column(Integer)  # 0 for a payment-plan instalment
    level_name: Mapped[str] = mapped_column(String(100))
    template: Mapped[str] = mapped_column(String(60))
    final: Mapped[bool] = mapped_column(default=False)
    currency: Mapped[str] = mapped_column(String(3))
    run_date: Mapped[date] = mapped_column()
    open_minor: Mapped[int] = mapped_column(Integer)
    credits_minor: Mapped[int] = mapped_column(Integer, default=0)
    fee_minor: Mapped[int] = mapped_column(Integer, default=0)
    interest_minor: Mapped[int] = mapped_column(Integer, default=0)
    amount_minor: Mapped[int] = mapped_column(Integer)
    instalment_id: Mapped[int | None] = mapped_column(ForeignKey("payment_plan_instalments.id"), nullable=True)
    message_id: Mapped[str] = mapped_column(String(250), index=True)
    to_addrs: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderInvoiceRow(Base):
    """An invoice named in a reminder; an invoice reaches each level once."""

    __tablename__ = "reminder_invoices"
    __table_args__ = (UniqueConstraint("invoice_id", "level_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    level_position: Mapped[int] = mapped_column(Integer)
    run_date: Mapped[date] = mapped_column()
    open_minor: Mapped[int] = mapped_column(Integer)
    interest_minor: Mapped[int] = mapped_column(Integer, default=0)


class CollectionCaseRow(Base):
    """A customer's invoices handed over to collection after the final notice."""

    __tablename__ = "collection_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    marked_on: Mapped[date] = mapped_column()
    open_minor: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_on: Mapped[date | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CollectionCaseInvoiceRow(Base):
    __tablename__ = "collection_case_invoices"

    case_id: Mapped[int] = mapped_column(ForeignKey("collection_cases.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True, unique=True)


dunning_procedures = DunningProcedureRow.__table__
dunning_levels = DunningLevelRow.__table__
customer_dunning = CustomerDunningRow.__table__
payment_plans = PaymentPlanRow.__table__
payment_plan_invoices = PaymentPlanInvoiceRow.__table__
payment_plan_instalments = PaymentPlanInstalmentRow.__table__
dunning_pauses = DunningPauseRow.__table__
reminders = ReminderRow.__table__
reminder_invoices = ReminderInvoiceRow.__table__
collection_cases = CollectionCaseRow.__table__
collection_case_invoices = CollectionCaseInvoiceRow.__table__
