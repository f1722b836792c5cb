"""Notes and calls about a customer (with follow-ups), and customer credit limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as upsert

from desktop.domain.debtors import NoteKind
from desktop.domain.ids import CustomerId
from desktop.domain.money import from_minor
from desktop.store.debtor_schema import customer_credit, customer_notes
from desktop.store.schema import customers
from desktop.store.types import utcnow


@dataclass(frozen=True, slots=True)
class CustomerNote:
    id: int
    customer_id: CustomerId
    kind: NoteKind
    text: str
    follow_up_on: date | None
    done_at: datetime | None
    created_at: datetime


def insert_note(conn: Connection, customer_id: CustomerId, kind: NoteKind, text: str, follow_up_on: date | None) -> int:
    return conn.execute(insert(customer_notes).values(
        customer_id=customer_id, kind=kind.value, text=text, follow_up_on=follow_up_on, done_at=None, created_at=utcnow(),
    ).returning(customer_notes.c.id)).scalar_one()


def get_note(conn: Connection, note_id: int) -> CustomerNote | None:
    row = conn.execute(select(customer_notes).where(customer_notes.c.id == note_id)).first()
    return _note(row) if row else None


def mark_done(conn: Connection, note_id: int) -> None:
    conn.execute(update(customer_notes).where(customer_notes.c.id == note_id).values(done_at=utcnow()))


def notes(conn: Connection, customer_id: CustomerId) -> list[CustomerNote]:
    query = (select(customer_notes).where(customer_notes.c.customer_id == customer_id)
             .order_by(customer_notes.c.created_at.desc(), customer_notes.c.id.desc()))
    return [_note(r) for r in conn.execute(query)]


def _note(r: Any) -> CustomerNote:
    return CustomerNote(r.id, CustomerId(r.customer_id), NoteKind(r.kind), r.text, r.follow_up_on, r.done_at, r.created_at)


def credit_limit(conn: Connection, customer_id: CustomerId) -> tuple[int, str] | None:
    """The limit in minor units and its currency, or None."""
    row = conn.execute(select(customer_credit.c.limit_minor, customer_credit.c.currency)
                       .where(customer_credit.c.customer_id == customer_id)).first()
    return (row.limit_minor, row.currency) if row else None


def set_credit_limit(conn: Connection, customer_id: CustomerId, limit_minor: int | None, currency: str) -> None:
    if limit_minor is None:
        conn.execute(delete(customer_credit).where(customer_credit.c.customer_id == customer_id))
        return
    values = {"customer_id": customer_id, "currency": currency, "limit_minor": limit_minor, "updated_at": utcnow()}
    stmt = upsert(customer_credit).values(**values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["customer_id"], set_={
        "currency": stmt.excluded.currency, "limit_minor": stmt.excluded.limit_minor, "updated_at": stmt.excluded.updated_at}))


def limit_text(limit: tuple[int, str] | None) -> str:
    return f"{from_minor(limit[0], limit[1])} {limit[1]}" if limit else "none"


def customer_exists(conn: Connection, customer_id: CustomerId) -> bool:
    return conn.execute(select(customers.c.id).where(customers.c.id == customer_id)).first() is not None
