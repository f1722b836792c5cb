"""Tables of subscriptions: the subscription with its plan over time (terms, as JSON), the periods
already billed (one row per subscription and period start: the unique key that makes a period
billed at most once, written in the transaction that makes its invoice), and proration lines
waiting for the next invoice. Migration 0008 creates exactly these."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.schema import Base
from desktop.store.types import UTCDateTime

NOTICE_STATES = ("none", "pending", "queued", "skipped")


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint("timing IN ('advance', 'arrears')", name="timing"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    start_date: Mapped[date]
    end_date: Mapped[date | None] = mapped_column(nullable=True)
    timing: Mapped[str] = mapped_column(String(8))
    payment_term_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    auto_send: Mapped[int] = mapped_column(Integer)  # 1: finalize and email; 0: drafts for review
    terms: Mapped[str] = mapped_column(Text)  # JSON list of terms with their lines
    cancelled_on: Mapped[date | None] = mapped_column(nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # A cache of the billing day of the first period not billed yet (NULL: nothing left), kept in the
    # transaction that bills or changes the subscription: the run and its quick count read it.
    next_bill_on: Mapped[date | None] = mapped_column(nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BilledPeriodRow(Base):
    """A period (or piece of one) that is billed: by ``invoice_id``, or by proration lines of a plan
    change (``invoice_id`` NULL), or by a draft the user deleted since (NULL as well)."""

    __tablename__ = "subscription_periods"
    __table_args__ = (
        UniqueConstraint("subscription_id", "period_start"),
        CheckConstraint("period_end >= period_start", name="end_after_start"),
        CheckConstraint("notice IN ('none', 'pending', 'queued', 'skipped')", name="notice"),
        Index("ix_subscription_periods_notice", "notice"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    full_days: Mapped[int] = mapped_column(Integer)  # days of the whole period the piece is part of
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"), nullable=True, index=True)
    notice: Mapped[str] = mapped_column(String(8))  # the renewal email: none, pending, queued, skipped
    billed_on: Mapped[date]


class AdjustmentRow(Base):
    """A proration line (credit for unused time, charge for the new plan) for the next invoice."""

    __tablename__ = "subscription_adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    quantity_milli: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20), default="")
    unit_price_minor: Mapped[int] = mapped_column(Integer)  # negative for a credit
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    created_on: Mapped[date]
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id", ondelete="SET NULL"), nullable=True, index=True)


subscriptions = SubscriptionRow.__table__
subscription_periods = BilledPeriodRow.__table__
subscription_adjustments = AdjustmentRow.__table__
