"""Tables of the import from another system: saved import profiles (one per source) and the links
from a source's own ids to Paydesk's customers and invoices.

Migration 0011 creates exactly these.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.schema import Base
from desktop.store.types import UTCDateTime


class LedgerProfileRow(Base):
    """A source's saved column layout (``LedgerMapping.to_json()``), recognized by the file's header signature."""

    __tablename__ = "ledger_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    signature: Mapped[str] = mapped_column(String(500), index=True)
    mapping: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerLinkRow(Base):
    """A source's id of a customer or invoice, and the Paydesk record it became."""

    __tablename__ = "ledger_links"
    __table_args__ = (
        UniqueConstraint("source", "kind", "external_id"),
        CheckConstraint("kind IN ('customer', 'invoice')", name="kind"),
        CheckConstraint("(kind = 'customer' AND customer_id IS NOT NULL AND invoice_id IS NULL)"
                        " OR (kind = 'invoice' AND invoice_id IS NOT NULL AND customer_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    external_id: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=True, index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


ledger_profiles = LedgerProfileRow.__table__
ledger_links = LedgerLinkRow.__table__
