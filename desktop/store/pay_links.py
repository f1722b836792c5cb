"""Pay link rows: reserving one (its idempotency key committed before the provider is called),
finding a reusable one, recording what the provider answered, and marking one paid exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, insert, select, update

from desktop.domain.ids import CustomerId, InvoiceId, PaymentId
from desktop.store.paylink_schema import pay_link_invoices, pay_links
from desktop.store.schema import invoices
from desktop.store.types import utcnow


@dataclass(frozen=True, slots=True)
class PayLinkRecord:
    id: int
    customer_id: CustomerId
    provider: str
    idempotency_key: str
    state: str
    provider_id: str | None
    url: str
    currency: str
    amount_minor: int
    invoices_key: str
    description: str
    last_error: str
    payment_id: PaymentId | None
    paid_on: date | None
    created_at: datetime
    invoice_numbers: tuple[str, ...] = ()


def invoices_key(invoice_ids: list[InvoiceId]) -> str:
    return ",".join(str(i) for i in sorted(set(invoice_ids)))


def _record(row: object, numbers: tuple[str, ...] = ()) -> PayLinkRecord:
    r = row._mapping  # type: ignore[attr-defined]
    return PayLinkRecord(
        r["id"], CustomerId(r["customer_id"]), r["provider"], r["idempotency_key"], r["state"], r["provider_id"], r["url"],
        r["currency"], r["amount_minor"], r["invoices_key"], r["description"], r["last_error"],
        PaymentId(r["payment_id"]) if r["payment_id"] is not None else None, r["paid_on"], r["created_at"], numbers,
    )


def find_reusable(conn: Connection, customer_id: CustomerId, provider: str, key: str, currency: str,
                  amount_minor: int) -> PayLinkRecord | None:
    """The newest open link (or one still being created) for exactly these invoices and amount."""
    row = conn.execute(
        select(pay_links).where(
            pay_links.c.customer_id == customer_id, pay_links.c.provider == provider, pay_links.c.invoices_key == key,
            pay_links.c.currency == currency, pay_links.c.amount_minor == amount_minor,
            pay_links.c.state.in_(("creating", "open")),
        ).order_by(pay_links.c.id.desc()).limit(1)
    ).first()
    return _record(row) if row is not None else None


def reserve(conn: Connection, customer_id: CustomerId, provider: str, idempotency_key: str, currency: str,
            amount_minor: int, description: str, parts: dict[InvoiceId, int]) -> int:
    now = utcnow()
    link_id = conn.execute(insert(pay_links).values(
        customer_id=customer_id, provider=provider, idempotency_key=idempotency_key, state="creating", provider_id=None,
        url="", currency=currency, amount_minor=amount_minor, invoices_key=invoices_key(list(parts)),
        description=description, last_error="", payment_id=None, paid_on=None, provider_payment="",
        created_at=now, updated_at=now, polled_at=None,
    ).returning(pay_links.c.id)).scalar_one()
    conn.execute(insert(pay_link_invoices), [
        {"pay_link_id": link_id, "invoice_id": invoice_id, "amount_minor": minor} for invoice_id, minor in parts.items()
    ])
    return int(link_id)


def mark_open(conn: Connection, link_id: int, provider_id: str, url: str) -> None:
    conn.execute(update(pay_links).where(pay_links.c.id == link_id).values(
        state="open", provider_id=provider_id, url=url, last_error="", updated_at=utcnow()))


def mark_failed(conn: Connection, link_id: int, message: str) -> None:
    conn.execute(update(pay_links).where(pay_links.c.id == link_id, pay_links.c.state == "creating").values(
        state="failed", last_error=message, updated_at=utcnow()))


def note_error(conn: Connection, link_id: int, message: str) -> None:
    """A retriable problem: the link keeps its state (and key); the message is kept for the timeline."""
    conn.execute(update(pay_links).where(pay_links.c.id == link_id).values(last_error=message, updated_at=utcnow()))


def mark_polled(conn: Connection, link_id: int, *, closed: bool = False) -> None:
    values: dict[str, object] = {"polled_at": utcnow(), "last_error": ""}
    if closed:
        values.update(state="closed", updated_at=utcnow())
    conn.execute(update(pay_links).where(pay_links.c.id == link_id, pay_links.c.state == "open").values(**values))


def mark_paid(conn: Connection, link_id: int, payment_id: PaymentId, paid_on: date, provider_payment: str) -> bool:
    """Open -> paid; False when another poll got there first (then the caller books nothing)."""
    done = conn.execute(update(pay_links).where(pay_links.c.id == link_id, pay_links.c.state == "open").values(
        state="paid", payment_id=payment_id, paid_on=paid_on, provider_payment=provider_payment, last_error="",
        updated_at=utcnow(), polled_at=utcnow()))
    return done.rowcount == 1


def get(conn: Connection, link_id: int) -> PayLinkRecord | None:
    row = conn.execute(select(pay_links).where(pay_links.c.id == link_id)).first()
    return _record(row, _numbers(conn, [link_id]).get(link_id, ())) if row is not None else None


def open_links(conn: Connection, provider: str | None = None) -> list[PayLinkRecord]:
    query = select(pay_links).where(pay_links.c.state == "open").order_by(pay_links.c.id)
    if provider is not None:
        query = query.where(pay_links.c.provider == provider)
    return [_record(r) for r in conn.execute(query)]


def parts(conn: Connection, link_id: int) -> dict[InvoiceId, int]:
    """The invoices a link pays and their open amounts (minor units) when it was made."""
    rows = conn.execute(select(pay_link_invoices.c.invoice_id, pay_link_invoices.c.amount_minor)
                        .where(pay_link_invoices.c.pay_link_id == link_id).order_by(pay_link_invoices.c.invoice_id))
    return {InvoiceId(r.invoice_id): r.amount_minor for r in rows}


def for_customer(conn: Connection, customer_id: CustomerId) -> list[PayLinkRecord]:
    rows = list(conn.execute(select(pay_links).where(pay_links.c.customer_id == customer_id).order_by(pay_links.c.id.desc())))
    numbers = _numbers(conn, [r.id for r in rows])
    return [_record(r, numbers.get(r.id, ())) for r in rows]


def _numbers(conn: Connection, link_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not link_ids:
        return {}
    rows = conn.execute(
        select(pay_link_invoices.c.pay_link_id, invoices.c.number)
        .join(invoices, invoices.c.id == pay_link_invoices.c.invoice_id)
        .where(pay_link_invoices.c.pay_link_id.in_(link_ids)).order_by(invoices.c.number)
    )
    found: dict[int, list[str]] = {}
    for r in rows:
        found.setdefault(r.pay_link_id, []).append(r.number or "")
    return {k: tuple(v) for k, v in found.items()}
