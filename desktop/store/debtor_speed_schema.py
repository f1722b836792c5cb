"""What keeps the debtor overview fast, kept by the triggers of migration 0012 (no code writes these):

- ``debtor_facts``: per customer and currency, the day of the last payment and of the last reminder.
- ``debtor_paid_days``: per customer, currency and day, how many invoices were paid in full that day
  and their days paid late summed (paid on time counts 0): "average days paid late over the last
  12 months" sums a range of these instead of reading every paid invoice.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.schema import Base


class DebtorFactsRow(Base):
    __tablename__ = "debtor_facts"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    last_payment_on: Mapped[date | None] = mapped_column(nullable=True)
    last_reminder_on: Mapped[date | None] = mapped_column(nullable=True)


class DebtorPaidDayRow(Base):
    __tablename__ = "debtor_paid_days"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    paid_on: Mapped[date] = mapped_column(primary_key=True)
    paid_count: Mapped[int] = mapped_column(Integer)
    days_late: Mapped[int] = mapped_column(Integer)


debtor_facts = DebtorFactsRow.__table__
debtor_paid_days = DebtorPaidDayRow.__table__
