"""Tables and columns of the debtor overview: credit limits, notes and calls with follow-ups, and
the settlement facts kept by triggers (``invoices.paid_on``, ``invoices.dunning_level``,
``payments.allocated_minor``) with the partial indexes the overview reads. Migration 0010 creates
exactly these; the triggers that keep the three columns right are in that migration.

The columns are appended to the ``invoices`` and ``payments`` tables declared in ``schema.py``;
code that writes those tables never sets them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.dunning_schema import reminders
from desktop.store.schema import Base, invoices, payments
from desktop.store.types import UTCDateTime


class CustomerCreditRow(Base):
    """A customer's credit limit, in one currency (no row: no limit)."""

    __tablename__ = "customer_credit"
    __table_args__ = (CheckConstraint("limit_minor >= 0", name="not_negative"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    limit_minor: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CustomerNoteRow(Base):
    """A note or a call about a customer, with an optional follow-up day (done when ``done_at`` is set)."""

    __tablename__ = "customer_notes"
    __table_args__ = (
        CheckConstraint("kind IN ('note', 'call')", name="kind"),
        Index("ix_customer_notes_customer_id_created_at", "customer_id", "created_at"),
        Index("ix_customer_notes_follow_up", "customer_id", "follow_up_on",
              sqlite_where=text("done_at IS NULL AND follow_up_on IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(4))
    text: Mapped[str] = mapped_column(Text)
    follow_up_on: Mapped[date | None] = mapped_column(nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


customer_credit = CustomerCreditRow.__table__
customer_notes = CustomerNoteRow.__table__

# Settlement facts kept by the triggers of migration 0010.
invoices.append_column(Column("paid_on", Date, nullable=True))
invoices.append_column(Column("dunning_level", Integer, nullable=False, server_default="0"))
payments.append_column(Column("allocated_minor", Integer, nullable=False, server_default="0"))

OPEN_WHERE = "status IN ('open', 'partially_paid')"
Index("ix_invoices_debtor_open", invoices.c.customer_id, invoices.c.currency, invoices.c.kind, invoices.c.dunning_level,
      invoices.c.due_date, invoices.c.total_minor, invoices.c.settled_minor, invoices.c.issue_date, invoices.c.status,
      sqlite_where=text(OPEN_WHERE))
Index("ix_invoices_debtor_paid", invoices.c.customer_id, invoices.c.currency, invoices.c.paid_on, invoices.c.due_date,
      sqlite_where=text("paid_on IS NOT NULL"))
Index("ix_invoices_paid_on", invoices.c.paid_on, invoices.c.issue_date, sqlite_where=text("paid_on IS NOT NULL"))
Index("ix_payments_customer_id_currency_date", payments.c.customer_id, payments.c.currency, payments.c.date)
Index("ix_payments_debtor_credit", payments.c.customer_id, payments.c.currency, payments.c.date, payments.c.amount_minor,
      payments.c.allocated_minor, sqlite_where=text("amount_minor > allocated_minor"))
Index("ix_reminders_customer_id_currency_run_date", reminders.c.customer_id, reminders.c.currency, reminders.c.run_date)
