"""The billing run's bulk writes: invoices with ids given up front, their lines, the billed periods,
in a few executemany statements of plain SQL (the hot path of a run that makes 100,000 invoices)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

InvoiceRow = tuple[int, str, int, str, str, str, str, int, int, int, str | None, str | None, str, str, str, str, str,
                   str | None, str, str]
"""(id, status, customer id, currency, issue date, due date, notes, net, vat, total minor, number, reference,
bill name, bill address, bill VAT id, bill language, bill country, finalized at, created, updated)"""
LineRow = tuple[int, int, str, int, str, int, int, int]
"""(invoice id, position, description, quantity milli, unit, unit price minor, vat bp, net minor)"""
BilledRow = tuple[int, str, str, int, int | None, str, str]
"""(subscription id, period start, period end, full days, invoice id, notice, billed on)"""

_INVOICE = (
    "INSERT INTO invoices (id, kind, status, customer_id, currency, issue_date, due_date, notes, net_minor, vat_minor,"
    " total_minor, settled_minor, number, reference, bill_name, bill_address, bill_vat_id, bill_language, bill_country,"
    " status_reason, finalized_at, created_at, updated_at)"
    " VALUES (?, 'invoice', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)"
)
_LINE = (
    "INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit, unit_price_minor, discount_bp,"
    " vat_rate_bp, net_minor) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)"
)
_BILLED = (
    "INSERT INTO subscription_periods (subscription_id, period_start, period_end, full_days, invoice_id, notice, billed_on)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def next_invoice_id(conn: Connection) -> int:
    """The first free invoice id; valid while the caller's transaction holds the write lock."""
    return int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM invoices").scalar_one())


def insert_invoices(conn: Connection, invoices: list[InvoiceRow], lines: list[LineRow]) -> None:
    """Invoices, drafts or issued (status ``open`` with number, reference and bill-to, as finalizing
    leaves them), and their lines, in the caller's transaction.

    The lines go in first: the database refuses a line of an invoice that is not a draft (trigger
    ``invoice_lines_issued_insert``, 0002), so an issued invoice is written after its lines, whole,
    and nothing changes it afterwards. Until its invoice exists a line's foreign key is open:
    ``defer_foreign_keys`` checks it at commit instead (SQLite turns the pragma off again at the end
    of the transaction), so a line without its invoice still never reaches the database."""
    if lines:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        conn.exec_driver_sql(_LINE, lines)
    if invoices:
        conn.exec_driver_sql(_INVOICE, invoices)


def insert_billed(conn: Connection, rows: list[BilledRow]) -> None:
    """Raises IntegrityError when a period is billed already: the transaction then makes nothing."""
    if rows:
        conn.exec_driver_sql(_BILLED, rows)


def issued_after(conn: Connection, day: date, until: date | None) -> date | None:
    """The latest issue date of an issued invoice dated after ``day`` (up to ``until``, the end of the
    number series' period), or None: a range on the issue-date index, not a scan of the period."""
    query = "SELECT max(issue_date) FROM invoices WHERE issue_date > ? AND kind = 'invoice' AND number IS NOT NULL"
    params: tuple[str, ...] = (day.isoformat(),)
    if until is not None:
        query += " AND issue_date <= ?"
        params = (day.isoformat(), until.isoformat())
    found = conn.exec_driver_sql(query, params).scalar()
    return None if found is None else date.fromisoformat(found)


# --- the notice of a billed period: none, pending, queued, skipped --------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingNotice:
    """A billed period whose invoice email (renewal or invoice) is still to be queued."""

    period_id: int
    subscription_id: int
    subscription: str
    in_advance: bool
    auto_send: bool
    invoice_id: int | None
    period_start: date
    period_end: date  # the end of the last period the invoice bills


_PENDING = (
    "SELECT p.id, p.subscription_id, s.name, s.timing, s.auto_send, p.invoice_id, p.period_start,"
    " coalesce((SELECT max(q.period_end) FROM subscription_periods q WHERE q.invoice_id = p.invoice_id), p.period_end)"
    " FROM subscription_periods p JOIN subscriptions s ON s.id = p.subscription_id"
    " WHERE p.notice = 'pending' AND p.id > ? ORDER BY p.id LIMIT ?"
)


def pending_notices(conn: Connection, after_id: int = 0, limit: int = 500) -> list[PendingNotice]:
    """Notices still pending, in the order their periods were billed (``after_id``: paging)."""
    return [
        PendingNotice(row[0], row[1], row[2], row[3] == "advance", bool(row[4]), row[5], _day(row[6]), _day(row[7]))
        for row in conn.exec_driver_sql(_PENDING, (after_id, limit))
    ]


def pending_notice_count(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SELECT count(*) FROM subscription_periods WHERE notice = 'pending'").scalar_one())


def settle_notice(conn: Connection, period_id: int, state: str) -> bool:
    """``pending`` -> ``state`` (queued or skipped); False when it is not pending any more (taken by
    another call): the caller then queues nothing. Runs in the caller's transaction."""
    return conn.exec_driver_sql(
        "UPDATE subscription_periods SET notice = ? WHERE id = ? AND notice = 'pending'", (state, period_id),
    ).rowcount == 1


def settle_invoice_notices(conn: Connection, invoice_id: int, state: str) -> int:
    """Every pending notice of ``invoice_id`` -> ``state`` (the invoice was emailed by hand)."""
    return conn.exec_driver_sql(
        "UPDATE subscription_periods SET notice = ? WHERE invoice_id = ? AND notice = 'pending'", (state, invoice_id),
    ).rowcount


def invoice_period(conn: Connection, invoice_id: int) -> tuple[str, bool, date, date] | None:
    """(subscription name, in advance, first period start, last period end) of a subscription invoice, else None."""
    row = conn.exec_driver_sql(
        "SELECT s.name, s.timing, min(p.period_start), max(p.period_end) FROM subscription_periods p"
        " JOIN subscriptions s ON s.id = p.subscription_id WHERE p.invoice_id = ? GROUP BY s.id ORDER BY s.id LIMIT 1",
        (invoice_id,),
    ).first()
    return None if row is None else (row[0], row[1] == "advance", _day(row[2]), _day(row[3]))


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
