"""Tables of email: the outbox of messages with their delivery state, and the templates the user
edited in the app. Migration 0006 creates exactly these."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.schema import Base
from desktop.store.types import UTCDateTime


class OutboxRow(Base):
    """One message, stored whole (``raw``) in the transaction that decided to send it, then delivered.

    ``next_attempt_at`` is when delivery may be tried (again); while a message is ``sending`` it is
    the end of the lease after which a crashed delivery is picked up again (with the same bytes and
    so the same Message-ID).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'sending', 'sent', 'failed')", name="state"),
        CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True, index=True)
    reminder_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(30))  # "reminder", "test", ...
    message_id: Mapped[str] = mapped_column(String(250), unique=True)  # with its angle brackets
    from_addr: Mapped[str] = mapped_column(String(254))  # the envelope sender
    to_addrs: Mapped[str] = mapped_column(Text)  # JSON list of addresses
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class EmailTemplateRow(Base):
    """A template the user edited (or wrote): it replaces the shipped one of the same key and language."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("template", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


outbox = OutboxRow.__table__
email_templates = EmailTemplateRow.__table__
