"""Tables of the bank side: imported files, statements, transactions, rules, CSV profiles,
IBANs learned from confirmed matches, small differences written off, and settings.

Migration 0004 creates exactly these.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.schema import Base
from desktop.store.types import UTCDateTime


class BankImportRow(Base):
    """One imported file (a zip member counts as its own file)."""

    __tablename__ = "bank_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(30))
    dialect: Mapped[str] = mapped_column(String(40), default="")
    encoding: Mapped[str] = mapped_column(String(20), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    transactions: Mapped[int] = mapped_column(Integer)
    imported: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of strings


class BankStatementRow(Base):
    __tablename__ = "bank_statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("bank_imports.id"), index=True)
    account: Mapped[str] = mapped_column(String(40), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(12))
    statement_id: Mapped[str] = mapped_column(String(80), default="")
    sequence: Mapped[str] = mapped_column(String(40), default="")
    opening_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opening_date: Mapped[date | None] = mapped_column(nullable=True)
    closing_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closing_date: Mapped[date | None] = mapped_column(nullable=True)
    declared_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actual_count: Mapped[int] = mapped_column(Integer)
    difference_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    problem: Mapped[str] = mapped_column(Text, default="")  # why it does not add up; "" when it does
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class BankTransactionRow(Base):
    __tablename__ = "bank_transactions"
    __table_args__ = (
        CheckConstraint("state IN ('unmatched', 'review', 'matched', 'ignored')", name="state"),
        CheckConstraint("state <> 'matched' OR payment_id IS NOT NULL", name="matched_has_payment"),
        Index("ix_bank_transactions_state_booking_date_id", "state", "booking_date", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"), index=True)
    account: Mapped[str] = mapped_column(String(40))
    booking_date: Mapped[date] = mapped_column(index=True)
    value_date: Mapped[date | None] = mapped_column(nullable=True)
    amount_minor: Mapped[int] = mapped_column(Integer)  # signed: + money in
    currency: Mapped[str] = mapped_column(String(3))
    counterparty_name: Mapped[str] = mapped_column(String(300), default="")
    counterparty_iban: Mapped[str] = mapped_column(String(40), default="", index=True)
    counterparty_bic: Mapped[str] = mapped_column(String(11), default="")
    remittance: Mapped[str] = mapped_column(Text, default="")
    structured_reference: Mapped[str] = mapped_column(String(40), default="")
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    end_to_end_id: Mapped[str] = mapped_column(String(120), default="")
    bank_code: Mapped[str] = mapped_column(String(40), default="")
    instructed_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    instructed_currency: Mapped[str] = mapped_column(String(3), default="")
    raw: Mapped[str] = mapped_column(Text, default="")
    dedupe_key: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(20), nullable=True)
    rule_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True, index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True, index=True)
    matched_by: Mapped[str] = mapped_column(String(10), default="")  # "auto" or "user"
    score: Mapped[int] = mapped_column(Integer, default=0)  # the best suggestion's score, for sorting
    suggestions: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of Suggestion.to_json()
    rejected: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of rejected invoice-id sets
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BankRuleRow(Base):
    __tablename__ = "bank_rules"
    __table_args__ = (
        CheckConstraint("kind IN ('text', 'regex', 'iban', 'amount_range')", name="kind"),
        CheckConstraint("(customer_id IS NULL) <> (category IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))
    pattern: Mapped[str] = mapped_column(Text, default="")
    amount_min: Mapped[str | None] = mapped_column(String(30), nullable=True)  # decimal text
    amount_max: Mapped[str | None] = mapped_column(String(30), nullable=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=True)
    category: Mapped[str | None] = mapped_column(String(20), nullable=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StatementProfileRow(Base):
    """A saved CSV/XLSX column mapping, recognized by the file's header signature."""

    __tablename__ = "statement_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    signature: Mapped[str] = mapped_column(String(500), index=True)
    mapping: Mapped[str] = mapped_column(Text)  # ColumnMapping.to_json()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LearnedIbanRow(Base):
    """An IBAN that paid a customer's invoice in a confirmed match."""

    __tablename__ = "learned_ibans"
    __table_args__ = (UniqueConstraint("iban", "customer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iban: Mapped[str] = mapped_column(String(40), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WriteOffRow(Base):
    """A small difference left open after a payment, settled with a reason instead of money."""

    __tablename__ = "write_offs"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), nullable=True, index=True)
    amount_minor: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


bank_imports = BankImportRow.__table__
bank_statements = BankStatementRow.__table__
bank_transactions = BankTransactionRow.__table__
bank_rules = BankRuleRow.__table__
statement_profiles = StatementProfileRow.__table__
learned_ibans = LearnedIbanRow.__table__
write_offs = WriteOffRow.__table__
settings = SettingRow.__table__
