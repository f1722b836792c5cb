"""Tables of pay links: each link created at a payment provider (with the idempotency key stored
before the create call), and the invoices it pays. Migration 0007 creates exactly these."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.schema import Base
from desktop.store.types import UTCDateTime

LINK_STATES = ("creating", "open", "paid", "closed", "failed")


class PayLinkRow(Base):
    """One link. ``creating``: the key is stored, the provider has not answered yet (a retry reuses the
    key); ``open``: the customer can pay; ``paid``: booked as ``payment_id``; ``closed``: expired or
    deactivated unpaid; ``failed``: the provider refused it (``last_error``)."""

    __tablename__ = "pay_links"
    __table_args__ = (
        CheckConstraint("state IN ('creating', 'open', 'paid', 'closed', 'failed')", name="state"),
        CheckConstraint("state <> 'paid' OR payment_id IS NOT NULL", name="paid_has_payment"),
        CheckConstraint("amount_minor > 0", name="positive"),
        UniqueConstraint("provider", "provider_id"),
        Index("ix_pay_links_customer_id_invoices_key", "customer_id", "invoices_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    provider: Mapped[str] = mapped_column(String(12))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(10), index=True)
    provider_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    url: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Integer)
    invoices_key: Mapped[str] = mapped_column(String(500))  # the invoice ids, sorted, comma-separated
    description: Mapped[str] = mapped_column(Text, default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True, index=True)
    paid_on: Mapped[date | None] = mapped_column(nullable=True)
    provider_payment: Mapped[str] = mapped_column(String(100), default="")  # e.g. the Checkout Session id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PayLinkInvoiceRow(Base):
    """An invoice a link pays, with its open amount when the link was made."""

    __tablename__ = "pay_link_invoices"

    pay_link_id: Mapped[int] = mapped_column(ForeignKey("pay_links.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True, index=True)
    amount_minor: Mapped[int] = mapped_column(Integer)


pay_links = PayLinkRow.__table__
pay_link_invoices = PayLinkInvoiceRow.__table__
