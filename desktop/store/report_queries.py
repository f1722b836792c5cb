"""The SQL behind the reports: what was open on a date, revenue, cash collected, reminder outcomes.

"As of D" means: invoices issued on or before D, less what settled them on or before D (payments
by their ``date``, credit notes by their issue date, small write-offs by the day they were made).
Void and uncollectible invoices are left out whatever the date: the database keeps no date for
those changes, and neither is money the business still expects. Drafts never count. Amounts are
integer minor units, summed in SQLite; the service turns them into ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, TextClause, text

# What was open on each invoice at :as_of (a row per invoice issued by then, open or not).
_OPEN_AS_OF = """
SELECT i.id, i.number, i.customer_id, c.number AS customer_number, c.name AS customer_name, i.currency,
       i.issue_date, i.due_date, i.total_minor,
       i.total_minor
       - COALESCE((SELECT SUM(a.amount_minor) FROM allocations a JOIN payments p ON p.id = a.payment_id
                   WHERE a.invoice_id = i.id AND p.date <= :as_of), 0)
       - COALESCE((SELECT SUM(a.amount_minor) FROM allocations a JOIN invoices cn ON cn.id = a.credit_note_id
                   WHERE a.invoice_id = i.id AND cn.issue_date <= :as_of AND cn.status <> 'void'), 0)
       - COALESCE((SELECT SUM(w.amount_minor) FROM write_offs w
                   WHERE w.invoice_id = i.id AND substr(w.created_at, 1, 10) <= :as_of), 0) AS open_minor,
       CAST(julianday(:as_of) - julianday(i.due_date) AS INTEGER) AS days_overdue
FROM invoices i JOIN customers c ON c.id = i.customer_id
WHERE i.kind = 'invoice' AND i.status NOT IN ('draft', 'void', 'uncollectible') AND i.issue_date <= :as_of
  {customer} {currency}
"""

_BUCKETS = """
SUM(CASE WHEN days_overdue <= 0 THEN open_minor ELSE 0 END),
SUM(CASE WHEN days_overdue BETWEEN 1 AND 30 THEN open_minor ELSE 0 END),
SUM(CASE WHEN days_overdue BETWEEN 31 AND 60 THEN open_minor ELSE 0 END),
SUM(CASE WHEN days_overdue BETWEEN 61 AND 90 THEN open_minor ELSE 0 END),
SUM(CASE WHEN days_overdue > 90 THEN open_minor ELSE 0 END)
"""


@dataclass(frozen=True, slots=True)
class OpenInvoiceRow:
    invoice_id: int
    number: str
    customer_id: int
    customer_number: str
    customer_name: str
    currency: str
    issue_date: date
    due_date: date
    total_minor: int
    open_minor: int
    days_overdue: int


@dataclass(frozen=True, slots=True)
class AgingRow:
    """One customer and currency: the five buckets (not due, 1-30, 31-60, 61-90, over 90 days) in minor units."""

    customer_id: int
    customer_number: str
    customer_name: str
    currency: str
    invoices: int
    buckets: tuple[int, int, int, int, int]
    oldest_days: int

    @property
    def open_minor(self) -> int:
        return sum(self.buckets)

    @property
    def overdue_minor(self) -> int:
        return sum(self.buckets[1:])


def _open_sql(customer_id: int | None, currency: str | None) -> str:
    return _OPEN_AS_OF.format(customer="AND i.customer_id = :customer_id" if customer_id is not None else "",
                              currency="AND i.currency = :currency" if currency else "")


def _params(as_of: date, customer_id: int | None = None, currency: str | None = None) -> dict[str, object]:
    return {"as_of": as_of.isoformat(), "customer_id": customer_id, "currency": currency}


def open_invoices(
    conn: Connection, as_of: date, customer_id: int | None = None, currency: str | None = None,
) -> list[OpenInvoiceRow]:
    """Invoices with something open on ``as_of``, by customer then due date."""
    sql = (f"SELECT * FROM ({_open_sql(customer_id, currency)}) WHERE open_minor > 0"
           " ORDER BY customer_number, currency, due_date, number")
    return [
        OpenInvoiceRow(r.id, r.number, r.customer_id, r.customer_number, r.customer_name, r.currency,
                       date.fromisoformat(r.issue_date), date.fromisoformat(r.due_date), r.total_minor, r.open_minor,
                       r.days_overdue)
        for r in conn.execute(_text(sql), _params(as_of, customer_id, currency))
    ]


def aging(conn: Connection, as_of: date, customer_id: int | None = None, currency: str | None = None) -> list[AgingRow]:
    """Per customer and currency: what was open on ``as_of`` in the five aging buckets."""
    sql = (f"SELECT customer_id, customer_number, customer_name, currency, COUNT(*), {_BUCKETS}, MAX(days_overdue)"
           f" FROM ({_open_sql(customer_id, currency)}) WHERE open_minor > 0"
           " GROUP BY customer_id, currency ORDER BY customer_number, currency")
    return [
        AgingRow(r[0], r[1], r[2], r[3], r[4], (r[5], r[6], r[7], r[8], r[9]), max(0, r[10]))
        for r in conn.execute(_text(sql), _params(as_of, customer_id, currency))
    ]


def outstanding(conn: Connection, as_of: date) -> dict[str, int]:
    """Per currency: everything open on ``as_of``."""
    sql = f"SELECT currency, SUM(open_minor) FROM ({_open_sql(None, None)}) WHERE open_minor > 0 GROUP BY currency"
    return {r[0]: r[1] for r in conn.execute(_text(sql), _params(as_of))}


def revenue(conn: Connection, after: date, until: date) -> dict[str, int]:
    """Per currency: invoices issued in (after, until] less credit notes issued then; void ones left out,
    uncollectible ones counted (they were sales)."""
    sql = ("SELECT currency, SUM(CASE kind WHEN 'credit_note' THEN -total_minor ELSE total_minor END) FROM invoices"
           " WHERE status NOT IN ('draft', 'void') AND issue_date > :after AND issue_date <= :until GROUP BY currency")
    return {r[0]: r[1] for r in conn.execute(_text(sql), {"after": after.isoformat(), "until": until.isoformat()})}


def collected(conn: Connection, start: date, until: date) -> list[tuple[str, str, int, int]]:
    """(month "YYYY-MM", currency, amount in minor units, number of payments) of payments dated in [start, until]."""
    sql = ("SELECT substr(date, 1, 7) AS month, currency, SUM(amount_minor), COUNT(*) FROM payments"
           " WHERE date >= :start AND date <= :until GROUP BY month, currency ORDER BY month, currency")
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(_text(sql), {"start": start.isoformat(), "until": until.isoformat()})]


# The day each paid invoice became paid: the latest settlement (payment, credit note, write-off) on it.
_PAID_ON = """
SELECT i.id, MAX(d) AS paid_on FROM invoices i JOIN (
    SELECT a.invoice_id AS invoice_id, p.date AS d FROM allocations a JOIN payments p ON p.id = a.payment_id
    UNION ALL
    SELECT a.invoice_id, cn.issue_date FROM allocations a JOIN invoices cn ON cn.id = a.credit_note_id
    UNION ALL
    SELECT w.invoice_id, substr(w.created_at, 1, 10) FROM write_offs w
) s ON s.invoice_id = i.id
WHERE i.status = 'paid' GROUP BY i.id
"""


def reminder_outcomes(conn: Connection, as_of: date) -> list[tuple[int, str, int, int | None]]:
    """Per invoice and reminder level reached on or before ``as_of``: (level position, level name,
    run date as ordinal, days from the reminder to payment when it was paid by ``as_of``, else None)."""
    sql = f"""
    SELECT ri.level_position, r.level_name,
           CAST(julianday(ri.run_date) AS INTEGER),
           CASE WHEN paid.paid_on IS NOT NULL AND paid.paid_on <= :as_of AND paid.paid_on >= ri.run_date
                THEN CAST(julianday(paid.paid_on) - julianday(ri.run_date) AS INTEGER) END
    FROM reminder_invoices ri
    JOIN reminders r ON r.id = ri.reminder_id
    JOIN invoices i ON i.id = ri.invoice_id
    LEFT JOIN ({_PAID_ON}) paid ON paid.id = ri.invoice_id
    WHERE ri.run_date <= :as_of AND ri.level_position > 0 AND i.status <> 'void'
    ORDER BY ri.level_position
    """
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(_text(sql), {"as_of": as_of.isoformat()})]


@dataclass(frozen=True, slots=True)
class CreditItem:
    """An unallocated payment or an open credit note: money the customer has with us."""

    kind: str  # "payment" or "credit_note"
    reference: str  # the credit note's number, or the payment's note
    date: date
    currency: str
    open_minor: int


def credit_items(conn: Connection, customer_id: int, currency: str | None = None) -> list[CreditItem]:
    """Today's unallocated payments and unapplied credit notes of a customer, oldest first."""
    where = "AND currency = :currency" if currency else ""
    sql = f"""
    SELECT 'payment', note, date, currency,
           amount_minor - COALESCE((SELECT SUM(amount_minor) FROM allocations WHERE payment_id = payments.id), 0) AS left_minor
    FROM payments WHERE customer_id = :customer_id {where}
    UNION ALL
    SELECT 'credit_note', number, issue_date, currency, total_minor - settled_minor
    FROM invoices WHERE customer_id = :customer_id AND kind = 'credit_note' AND status IN ('open', 'partially_paid') {where}
    ORDER BY 3, 2
    """
    rows = conn.execute(_text(sql), {"customer_id": customer_id, "currency": currency})
    return [CreditItem(r[0], r[1] or "", date.fromisoformat(r[2]), r[3], r[4]) for r in rows if r[4] > 0]


def currencies(conn: Connection) -> list[str]:
    """Every currency of an issued invoice or a payment."""
    sql = ("SELECT currency FROM invoices WHERE status <> 'draft' UNION SELECT currency FROM payments ORDER BY 1")
    return [r[0] for r in conn.execute(_text(sql))]


def _text(sql: str) -> TextClause:
    return text(sql)
