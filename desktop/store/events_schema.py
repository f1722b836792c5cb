"""Tables of events and webhooks: the events recorded with the changes they describe, the
endpoints that receive them, one delivery per event and endpoint (the webhook outbox), and which
invoices an outgoing email carries (so its delivery can say "invoice sent"). Migration 0009
creates exactly these."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.schema import Base
from desktop.store.types import UTCDateTime


class EventRow(Base):
    """One thing that happened, written in the transaction of the change (append-only in practice).

    ``uid`` is the public event id (``evt_...``) receivers deduplicate on; ``payload`` the JSON ``data``.
    The entity columns say what it is about (for the log and for "overdue once per invoice")."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_invoice_id_type", "invoice_id", "type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str] = mapped_column(Text)
    invoice_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    customer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subject_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a reminder, subscription, pause...


class WebhookEndpointRow(Base):
    """A URL the user registered, the event types it wants (JSON list), and where its secret is:
    the keyring entry named ``secret_name`` (``webhook:{id}``), never this database."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[str] = mapped_column(Text)  # JSON list of event types
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    secret_name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebhookDeliveryRow(Base):
    """One event to one endpoint, with its delivery state (the outbox of webhooks).

    ``replay`` is 0 for the delivery made when the event was recorded and counts up for each
    replay, so (event, endpoint, replay) is unique: fan-out is idempotent. While ``delivering``,
    ``next_attempt_at`` is the end of the lease after which a crashed attempt is retried."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'delivering', 'delivered', 'failed')", name="state"),
        UniqueConstraint("event_id", "endpoint_id", "replay"),
        Index("ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    replay: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_response: Mapped[str] = mapped_column(Text, default="")  # the start of the receiver's answer
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OutboxInvoiceRow(Base):
    """An invoice carried by an outgoing email (an invoice or renewal notice): when the message is
    delivered, ``invoice.sent`` is recorded for it."""

    __tablename__ = "outbox_invoices"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True)


events = EventRow.__table__
webhook_endpoints = WebhookEndpointRow.__table__
webhook_deliveries = WebhookDeliveryRow.__table__
outbox_invoices = OutboxInvoiceRow.__table__
