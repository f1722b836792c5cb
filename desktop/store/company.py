"""The single company row and the number patterns."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from desktop.domain.company import Company
from desktop.domain.states import InvoiceKind
from desktop.store.schema import company, number_series
from desktop.store.types import utcnow

_FIELDS = ("name", "street", "postal_code", "city", "country", "vat_id", "iban", "bic", "email", "phone",
           "currency", "payment_term_days", "logo")


def load(conn: Connection) -> Company | None:
    row = conn.execute(select(company).where(company.c.id == 1)).first()
    if row is None:
        return None
    patterns = patterns_by_kind(conn)
    return Company(
        **{name: getattr(row, name) for name in _FIELDS},
        invoice_pattern=patterns[InvoiceKind.INVOICE],
        credit_note_pattern=patterns[InvoiceKind.CREDIT_NOTE],
    )


def save(conn: Connection, value: Company) -> None:
    conn.execute(delete(company))
    conn.execute(insert(company).values(id=1, updated_at=utcnow(), **{name: getattr(value, name) for name in _FIELDS}))
    conn.execute(delete(number_series))
    conn.execute(insert(number_series), [
        {"kind": InvoiceKind.INVOICE.value, "pattern": value.invoice_pattern},
        {"kind": InvoiceKind.CREDIT_NOTE.value, "pattern": value.credit_note_pattern},
    ])


def patterns_by_kind(conn: Connection) -> dict[InvoiceKind, str]:
    return {InvoiceKind(kind): pattern for kind, pattern in conn.execute(select(number_series.c.kind, number_series.c.pattern))}
