"""The day's work queue in SQL: promises to pay that fell due and are not kept, follow-ups due, and
open disputes. Each answer is one row per thing to do, with the customer's number and name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text

from desktop.domain.ids import CustomerId

# A promise falls due on its ``until``; it is kept when what it covers is paid (nothing open any more).
# A later promise of the same customer that is still running replaces the ones before it.
_PROMISES = """
SELECT p.id, p.customer_id, c.number, c.name, p.until, p.reason, i.number AS invoice_number
FROM dunning_pauses p JOIN customers c ON c.id = p.customer_id LEFT JOIN invoices i ON i.id = p.invoice_id
WHERE p.kind = 'promise' AND p.ended_on IS NULL AND p.until IS NOT NULL AND p.until <= :d
  AND CASE WHEN p.invoice_id IS NULL
           THEN EXISTS (SELECT 1 FROM invoices x WHERE x.customer_id = p.customer_id AND x.kind = 'invoice'
                        AND x.status IN ('open', 'partially_paid'))
           ELSE i.status IN ('open', 'partially_paid') END
  AND NOT EXISTS (SELECT 1 FROM dunning_pauses q WHERE q.customer_id = p.customer_id AND q.kind = 'promise'
                  AND q.ended_on IS NULL AND q.until > :d AND q.id > p.id)
ORDER BY p.until, c.name COLLATE NOCASE, p.id
"""

_FOLLOW_UPS = """
SELECT n.id, n.customer_id, c.number, c.name, n.follow_up_on, n.kind, n.text
FROM customer_notes n JOIN customers c ON c.id = n.customer_id
WHERE n.done_at IS NULL AND n.follow_up_on IS NOT NULL AND n.follow_up_on <= :d
ORDER BY n.follow_up_on, c.name COLLATE NOCASE, n.id
"""

_DISPUTES = """
SELECT p.id, p.customer_id, c.number, c.name, p.starts_on, p.reason, i.number AS invoice_number
FROM dunning_pauses p JOIN customers c ON c.id = p.customer_id LEFT JOIN invoices i ON i.id = p.invoice_id
WHERE p.kind = 'dispute' AND p.ended_on IS NULL AND p.starts_on <= :d AND (p.until IS NULL OR p.until >= :d)
  AND (p.invoice_id IS NULL OR i.status IN ('open', 'partially_paid'))
ORDER BY p.starts_on, c.name COLLATE NOCASE, p.id
"""


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One thing to do: ``ref_id`` is the pause or note; ``day`` the promise's, follow-up's or dispute's date."""

    ref_id: int
    customer_id: CustomerId
    customer_number: str
    customer_name: str
    day: date
    text: str  # the promise's or dispute's reason, the note's text
    invoice_number: str | None = None
    note_kind: str | None = None


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def promises_due(conn: Connection, day: date) -> list[QueueRow]:
    return [QueueRow(r.id, CustomerId(r.customer_id), r.number, r.name, _day(r.until), r.reason or "", r.invoice_number)
            for r in conn.execute(text(_PROMISES), {"d": day.isoformat()})]


def follow_ups_due(conn: Connection, day: date) -> list[QueueRow]:
    return [QueueRow(r.id, CustomerId(r.customer_id), r.number, r.name, _day(r.follow_up_on), r.text, None, r.kind)
            for r in conn.execute(text(_FOLLOW_UPS), {"d": day.isoformat()})]


def open_disputes(conn: Connection, day: date) -> list[QueueRow]:
    return [QueueRow(r.id, CustomerId(r.customer_id), r.number, r.name, _day(r.starts_on), r.reason or "", r.invoice_number)
            for r in conn.execute(text(_DISPUTES), {"d": day.isoformat()})]
