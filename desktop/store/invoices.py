"""Writing invoices: drafts, finalizing under a gapless number, state changes, settlement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from desktop.domain.errors import NotFound, StateError
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceDraft, InvoiceLine, compute_totals
from desktop.domain.money import from_minor, round_money, to_minor
from desktop.domain.states import InvoiceKind, InvoiceStatus, status_after_settlement
from desktop.store.schema import customers, invoice_lines, invoices
from desktop.store.types import instant_text, utcnow

THOUSAND = Decimal(1000)
BP = Decimal(100)  # basis points per percent


@dataclass(frozen=True, slots=True)
class InvoiceRecord:
    """An invoice as stored: the draft part plus what finalizing and payments added."""

    draft: InvoiceDraft
    status: InvoiceStatus
    number: str | None
    reference: str | None
    total: Decimal
    settled: Decimal
    bill_name: str
    bill_address: str
    bill_vat_id: str
    bill_language: str
    bill_country: str
    status_reason: str
    finalized_at: datetime | None

    @property
    def id(self) -> InvoiceId:
        assert self.draft.id is not None
        return self.draft.id

    @property
    def open_amount(self) -> Decimal:
        if self.status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID):
            return self.total - self.settled
        return round_money(Decimal(0), self.draft.currency)


def _header_values(draft: InvoiceDraft) -> dict[str, Any]:
    totals = compute_totals(draft.lines, draft.currency)
    return {
        "kind": draft.kind.value, "customer_id": draft.customer_id, "currency": draft.currency,
        "issue_date": draft.issue_date, "due_date": draft.due_date, "notes": draft.notes,
        "net_minor": to_minor(totals.net, draft.currency), "vat_minor": to_minor(totals.vat, draft.currency),
        "total_minor": to_minor(totals.total, draft.currency), "credited_invoice_id": draft.credited_invoice_id,
    }


def _line_rows(invoice_id: int, draft: InvoiceDraft) -> list[dict[str, Any]]:
    return [
        {
            "invoice_id": invoice_id, "position": position, "description": line.description,
            "quantity_milli": int(line.quantity * THOUSAND), "unit": line.unit,
            "unit_price_minor": to_minor(line.unit_price, draft.currency),
            "discount_bp": int(line.discount_percent * BP), "vat_rate_bp": int(line.vat_rate * BP),
            "net_minor": to_minor(line.net(draft.currency), draft.currency),
        }
        for position, line in enumerate(draft.lines)
    ]


def insert_draft(conn: Connection, draft: InvoiceDraft) -> InvoiceId:
    now = utcnow()
    new_id = conn.execute(
        insert(invoices).values(status=InvoiceStatus.DRAFT.value, settled_minor=0, created_at=now, updated_at=now,
                                **_header_values(draft)).returning(invoices.c.id)
    ).scalar_one()
    lines = _line_rows(new_id, draft)
    if lines:
        conn.execute(insert(invoice_lines), lines)
    return InvoiceId(new_id)


def insert_drafts(conn: Connection, drafts: list[InvoiceDraft]) -> list[InvoiceId]:
    """Many drafts at once (demo data, imports, billing runs): two executemany statements."""
    if not drafts:
        return []
    now = utcnow()
    rows = [{"status": InvoiceStatus.DRAFT.value, "settled_minor": 0, "created_at": now, "updated_at": now,
             **_header_values(d)} for d in drafts]
    ids = conn.execute(insert(invoices).returning(invoices.c.id, sort_by_parameter_order=True), rows).scalars().all()
    lines = [row for new_id, draft in zip(ids, drafts, strict=True) for row in _line_rows(new_id, draft)]
    if lines:
        conn.execute(insert(invoice_lines), lines)
    return [InvoiceId(i) for i in ids]


def update_draft(conn: Connection, draft: InvoiceDraft) -> None:
    assert draft.id is not None
    status = _status(conn, draft.id)
    if status is not InvoiceStatus.DRAFT:
        raise StateError("Only drafts can be edited; an issued invoice can be credited or voided.")
    conn.execute(update(invoices).where(invoices.c.id == draft.id).values(updated_at=utcnow(), **_header_values(draft)))
    conn.execute(delete(invoice_lines).where(invoice_lines.c.invoice_id == draft.id))
    lines = _line_rows(draft.id, draft)
    if lines:
        conn.execute(insert(invoice_lines), lines)


def delete_draft(conn: Connection, invoice_id: InvoiceId) -> None:
    if _status(conn, invoice_id) is not InvoiceStatus.DRAFT:
        raise StateError("Only drafts can be deleted; an issued invoice can be credited or voided.")
    conn.execute(delete(invoice_lines).where(invoice_lines.c.invoice_id == invoice_id))
    conn.execute(delete(invoices).where(invoices.c.id == invoice_id))


def load(conn: Connection, invoice_id: InvoiceId) -> InvoiceRecord:
    row = conn.execute(select(invoices).where(invoices.c.id == invoice_id)).first()
    if row is None:
        raise NotFound(f"Invoice {invoice_id} does not exist.")
    currency = row.currency
    lines = [
        InvoiceLine(
            description=line.description, quantity=Decimal(line.quantity_milli) / THOUSAND,
            unit_price=from_minor(line.unit_price_minor, currency), vat_rate=Decimal(line.vat_rate_bp) / BP,
            discount_percent=Decimal(line.discount_bp) / BP, unit=line.unit,
        )
        for line in conn.execute(
            select(invoice_lines).where(invoice_lines.c.invoice_id == invoice_id).order_by(invoice_lines.c.position)
        )
    ]
    draft = InvoiceDraft(
        customer_id=CustomerId(row.customer_id), currency=currency, issue_date=row.issue_date, due_date=row.due_date,
        lines=lines, notes=row.notes, id=InvoiceId(row.id), kind=InvoiceKind(row.kind),
        credited_invoice_id=InvoiceId(row.credited_invoice_id) if row.credited_invoice_id else None,
    )
    return InvoiceRecord(
        draft=draft, status=InvoiceStatus(row.status), number=row.number, reference=row.reference,
        total=from_minor(row.total_minor, currency), settled=from_minor(row.settled_minor, currency),
        bill_name=row.bill_name, bill_address=row.bill_address, bill_vat_id=row.bill_vat_id,
        bill_language=row.bill_language, bill_country=row.bill_country, status_reason=row.status_reason,
        finalized_at=row.finalized_at,
    )


def credited_total(conn: Connection, invoice_id: InvoiceId) -> Decimal:
    """What issued credit notes have credited on the invoice so far."""
    row = conn.execute(
        select(func.coalesce(func.sum(invoices.c.total_minor), 0), func.max(invoices.c.currency)).where(
            invoices.c.credited_invoice_id == invoice_id, invoices.c.kind == InvoiceKind.CREDIT_NOTE.value,
            invoices.c.status != InvoiceStatus.DRAFT.value,
        )
    ).one()
    return from_minor(row[0], row[1]) if row[1] else Decimal(0)


def id_by_number(conn: Connection, number: str) -> InvoiceId | None:
    found = conn.execute(select(invoices.c.id).where(invoices.c.number == number)).scalar()
    return InvoiceId(found) if found is not None else None


@dataclass(frozen=True, slots=True)
class FinalizeCandidate:
    id: InvoiceId
    kind: InvoiceKind
    status: InvoiceStatus
    customer_id: CustomerId
    issue_date: date
    total_minor: int
    line_count: int


def finalize_candidates(conn: Connection, ids: list[InvoiceId]) -> list[FinalizeCandidate]:
    result: list[FinalizeCandidate] = []
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        counts = dict(conn.exec_driver_sql(
            f"SELECT invoice_id, count(*) FROM invoice_lines WHERE invoice_id IN ({marks}) GROUP BY invoice_id", tuple(chunk)
        ).all())
        rows = conn.exec_driver_sql(
            f"SELECT id, kind, status, customer_id, issue_date, total_minor FROM invoices WHERE id IN ({marks})", tuple(chunk)
        ).all()
        result.extend(
            FinalizeCandidate(InvoiceId(i), InvoiceKind(kind), InvoiceStatus(status), CustomerId(customer),
                              date.fromisoformat(issued), total, counts.get(i, 0))
            for i, kind, status, customer, issued, total in rows
        )
    return result


def latest_issue_date(conn: Connection, kind: InvoiceKind, start: date | None, end: date | None) -> date | None:
    """The latest issue date of an issued document of ``kind`` dated within [start, end]."""
    query = select(func.max(invoices.c.issue_date)).where(invoices.c.kind == kind.value, invoices.c.number.is_not(None))
    if start is not None and end is not None:
        query = query.where(invoices.c.issue_date >= start, invoices.c.issue_date <= end)
    return conn.execute(query).scalar()


IssuedRow = tuple[str, str | None, str, str, str, str, str, int]
"""(number, reference, bill_name, bill_address, bill_vat_id, bill_language, bill_country, invoice id)"""


@dataclass(frozen=True, slots=True)
class BillTo:
    name: str
    address: str
    vat_id: str
    language: str
    country: str


def bill_to(conn: Connection, customer_ids: set[CustomerId]) -> dict[CustomerId, BillTo]:
    result: dict[CustomerId, BillTo] = {}
    for chunk in _chunks(list(customer_ids)):
        for r in conn.execute(select(customers).where(customers.c.id.in_(chunk))):
            city_line = " ".join(p for p in (r.postal_code, r.city) if p)
            address = "\n".join(p for p in (r.street, city_line) if p)
            result[CustomerId(r.id)] = BillTo(r.name, address, r.vat_id, r.language, r.country)
    return result


_MARK_ISSUED = (
    "UPDATE invoices SET status = 'open', number = ?, reference = ?, bill_name = ?, bill_address = ?, bill_vat_id = ?,"
    " bill_language = ?, bill_country = ?, finalized_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'"
)


def mark_issued(conn: Connection, rows: list[IssuedRow], finalized_at: datetime) -> None:
    """Issue drafts in one executemany; the statement is plain SQL because bulk issuing is the
    hot path (100,000 invoices in a billing run), and SQLAlchemy's per-row processing would cost
    more than SQLite's own work."""
    at = instant_text(finalized_at)
    params = [(*row[:7], at, at, row[7]) for row in rows]
    cursor = conn.exec_driver_sql(_MARK_ISSUED, params)
    if cursor.rowcount != len(rows):
        raise RuntimeError(f"issued {cursor.rowcount} of {len(rows)} drafts: the batch changed under the lock")


def set_status(conn: Connection, invoice_id: InvoiceId, status: InvoiceStatus, reason: str = "") -> None:
    conn.execute(
        update(invoices).where(invoices.c.id == invoice_id).values(status=status.value, status_reason=reason,
                                                                    updated_at=utcnow())
    )


# What settles each document: for an invoice the payments allocated to it and the differences written off,
# for a credit note what it was applied to other invoices (CASE runs only the branch it needs). The rows come
# back packed in one text, "id status total settled-before settled ...": one call into SQLite for 900 invoices.
_SETTLEMENT = (
    "SELECT group_concat(id || ' ' || status || ' ' || total_minor || ' ' || settled_minor || ' ' || settled, ' ') FROM"
    " (SELECT id, status, total_minor, settled_minor, CASE kind WHEN 'credit_note'"
    " THEN (SELECT COALESCE(SUM(amount_minor), 0) FROM allocations WHERE credit_note_id = invoices.id)"
    " ELSE (SELECT COALESCE(SUM(amount_minor), 0) FROM allocations WHERE invoice_id = invoices.id)"
    " + (SELECT COALESCE(SUM(amount_minor), 0) FROM write_offs WHERE invoice_id = invoices.id) END AS settled"
    " FROM invoices WHERE id IN ({marks}) ORDER BY id)"
)
# Many rows a statement: (id, settled, status, updated_at) per row.
_RESETTLE = (
    "UPDATE invoices SET settled_minor = v.column2, status = v.column3, updated_at = v.column4"
    " FROM (VALUES {rows}) AS v WHERE invoices.id = v.column1"
)
_RESETTLE_ROWS = 1000
_SETTLING = frozenset((InvoiceStatus.OPEN.value, InvoiceStatus.PARTIALLY_PAID.value, InvoiceStatus.PAID.value))

FetchOne = Callable[[str, tuple[object, ...]], Any]
"""Runs a query and returns the first column of its one row."""


def resettle(conn: Connection, invoice_ids: set[InvoiceId], now: str | None = None) -> None:
    """Recompute what is settled on each invoice (and credit note) from its allocations and
    write-offs, and its state; ``now`` (stored text) stamps the changed ones, now by default.
    A bank import may settle thousands at once: see ``resettle_statements``."""
    for sql, params in resettle_statements(invoice_ids, now or instant_text(utcnow()),
                                           lambda query, args: conn.exec_driver_sql(query, args).scalar()):
        conn.exec_driver_sql(sql, params)


def resettle_statements(
    invoice_ids: set[InvoiceId], now: str, fetch_one: FetchOne,
) -> list[tuple[str, tuple[object, ...]]]:
    """The statements (with their parameters) that resettle ``invoice_ids``, reading what is settled with ``fetch_one``.

    Plain SQL, few statements: one query per 900 invoices, one update per 1,000 changed. Invoices
    are taken in id order, the order they are stored in, so a large update visits each page once."""
    changes: list[object] = []
    for chunk in _chunks(sorted(invoice_ids)):
        packed = fetch_one(_SETTLEMENT.format(marks=",".join("?" * len(chunk))), tuple(chunk))
        values = packed.split(" ") if packed else []
        for at in range(0, len(values), 5):
            id_, status, total_text, before_text, settled_text = values[at:at + 5]
            settled = int(settled_text)
            new_status = status
            if status in _SETTLING:
                new_status = status_after_settlement(Decimal(total_text), Decimal(settled)).value
            if settled != int(before_text) or new_status != status:
                changes.extend((int(id_), settled, new_status, now))
    statements = []
    step = 4 * _RESETTLE_ROWS
    for start in range(0, len(changes), step):
        params = tuple(changes[start:start + step])
        statements.append((_RESETTLE.format(rows=",".join(["(?, ?, ?, ?)"] * (len(params) // 4))), params))
    return statements


def _status(conn: Connection, invoice_id: InvoiceId) -> InvoiceStatus:
    value = conn.execute(select(invoices.c.status).where(invoices.c.id == invoice_id)).scalar()
    if value is None:
        raise NotFound(f"Invoice {invoice_id} does not exist.")
    return InvoiceStatus(value)


def _chunks(ids: list[Any], size: int = 900) -> list[list[Any]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]
