"""Reading and writing subscriptions, the periods billed and the proration lines waiting for an invoice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from desktop.domain.errors import NotFound
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.invoice import InvoiceLine
from desktop.domain.money import from_minor, to_minor
from desktop.domain.subscriptions import PlanLine, Subscription, SubscriptionId, Term, Timing
from desktop.store.schema import customers, invoices
from desktop.store.subscription_schema import subscription_adjustments, subscription_periods, subscriptions
from desktop.store.types import utcnow

THOUSAND = Decimal(1000)
BP = Decimal(100)


def terms_json(terms: list[Term]) -> str:
    return json.dumps([
        {"from": t.effective_from.isoformat(), "anchor": t.anchor.isoformat(), "months": t.interval_months,
         "lines": [{"d": x.description, "q": str(x.quantity), "p": str(x.unit_price), "v": str(x.vat_rate), "u": x.unit}
                   for x in t.lines]}
        for t in terms
    ], ensure_ascii=False)


def terms_from_json(text: str) -> list[Term]:
    return list(_terms(text))


@lru_cache(maxsize=8192)
def _terms(text: str) -> tuple[Term, ...]:
    """Parsed once per distinct plan text (subscriptions on the same plan share it); terms are immutable."""
    return tuple(
        Term(date.fromisoformat(t["from"]), date.fromisoformat(t["anchor"]), int(t["months"]),
             tuple(PlanLine(x["d"], Decimal(x["q"]), Decimal(x["p"]), Decimal(x["v"]), x.get("u", "")) for x in t["lines"]))
        for t in json.loads(text)
    )


def _values(sub: Subscription, next_bill_on: date | None) -> dict[str, Any]:
    return {
        "customer_id": sub.customer_id, "name": sub.name.strip(), "currency": sub.currency, "start_date": sub.start,
        "end_date": sub.end, "timing": sub.timing.value, "payment_term_days": sub.payment_term_days,
        "auto_send": int(sub.auto_send), "terms": terms_json(sub.terms), "cancelled_on": sub.cancelled_on,
        "notes": sub.notes, "next_bill_on": next_bill_on, "updated_at": utcnow(),
    }


def insert_subscription(conn: Connection, sub: Subscription, next_bill_on: date | None) -> SubscriptionId:
    new_id = conn.execute(
        insert(subscriptions).values(created_at=utcnow(), **_values(sub, next_bill_on)).returning(subscriptions.c.id)
    ).scalar_one()
    return SubscriptionId(new_id)


def insert_many(conn: Connection, subs: list[Subscription], next_bill_on: list[date | None]) -> None:
    """Many at once (demo data, benchmarks)."""
    now = utcnow()
    rows = [{"created_at": now, **_values(s, n)} for s, n in zip(subs, next_bill_on, strict=True)]
    if rows:
        conn.execute(insert(subscriptions), rows)


def update_subscription(conn: Connection, sub: Subscription, next_bill_on: date | None) -> None:
    assert sub.id is not None
    done = conn.execute(update(subscriptions).where(subscriptions.c.id == sub.id).values(**_values(sub, next_bill_on)))
    if done.rowcount != 1:
        raise NotFound(f"Subscription {sub.id} does not exist.")


def delete_subscription(conn: Connection, sub_id: SubscriptionId) -> None:
    conn.execute(delete(subscriptions).where(subscriptions.c.id == sub_id))


_COLUMNS = (*subscriptions.c, customers.c.number.label("customer_number"), customers.c.name.label("customer_name"))


def _subscription(row: Any) -> Subscription:
    return Subscription(
        customer_id=CustomerId(row.customer_id), name=row.name, currency=row.currency, start=row.start_date,
        terms=terms_from_json(row.terms), timing=Timing(row.timing), end=row.end_date,
        payment_term_days=row.payment_term_days, auto_send=bool(row.auto_send), id=SubscriptionId(row.id),
        customer_number=row.customer_number, customer_name=row.customer_name, cancelled_on=row.cancelled_on,
        notes=row.notes, next_invoice=row.next_bill_on,
    )


def load(conn: Connection, sub_id: SubscriptionId) -> Subscription:
    row = conn.execute(select(*_COLUMNS).join(customers, customers.c.id == subscriptions.c.customer_id)
                       .where(subscriptions.c.id == sub_id)).first()
    if row is None:
        raise NotFound(f"Subscription {sub_id} does not exist.")
    return _subscription(row)


_LOAD_MANY = (
    "SELECT s.id, s.customer_id, s.name, s.currency, s.start_date, s.end_date, s.timing, s.payment_term_days, s.auto_send,"
    " s.terms, s.cancelled_on, s.notes, c.number, c.name, s.next_bill_on FROM subscriptions s"
    " JOIN customers c ON c.id = s.customer_id"
    " WHERE s.id IN ({marks}) ORDER BY s.id"
)
_TIMING = {t.value: t for t in Timing}


def load_many(conn: Connection, ids: list[int]) -> list[Subscription]:
    """Plain SQL: a billing run loads 100,000 of these."""
    result: list[Subscription] = []
    parse = date.fromisoformat
    for chunk in _chunks(ids):
        found = conn.exec_driver_sql(_LOAD_MANY.format(marks=",".join("?" * len(chunk))), tuple(chunk)).all()
        for (id_, customer_id, name, currency, start, end, timing, term_days, auto_send, terms, cancelled, notes,
             number, customer_name, next_day) in found:
            result.append(Subscription(
                customer_id=CustomerId(customer_id), name=name, currency=currency, start=parse(start), terms=list(_terms(terms)),
                timing=_TIMING[timing], end=parse(end) if end else None, payment_term_days=term_days,
                auto_send=bool(auto_send), id=SubscriptionId(id_), customer_number=number, customer_name=customer_name,
                cancelled_on=parse(cancelled) if cancelled else None, notes=notes,
                next_invoice=parse(next_day) if next_day else None,
            ))
    return result


def all_subscriptions(conn: Connection, customer_id: CustomerId | None = None) -> list[Subscription]:
    """Every subscription (of one customer) in one query, by customer name; each with ``next_invoice``,
    the billing day kept up to date by the run and by every change (no look-up of periods per row)."""
    query = select(*_COLUMNS).join(customers, customers.c.id == subscriptions.c.customer_id)
    if customer_id is not None:
        query = query.where(subscriptions.c.customer_id == customer_id)
    return [_subscription(row) for row in conn.execute(query.order_by(customers.c.name, subscriptions.c.id))]


def due_ids(conn: Connection, until: date) -> list[int]:
    """Subscriptions with a period whose billing day is ``until`` or earlier, by id."""
    query = (select(subscriptions.c.id).where(subscriptions.c.next_bill_on.is_not(None), subscriptions.c.next_bill_on <= until)
             .order_by(subscriptions.c.id))
    return list(conn.execute(query).scalars().all())


def set_next_bill_on(conn: Connection, rows: list[tuple[str | None, int]]) -> None:
    """(next billing day as ISO text or None, subscription id) rows, in one executemany."""
    if rows:
        conn.exec_driver_sql("UPDATE subscriptions SET next_bill_on = ? WHERE id = ?", rows)


def last_billed(conn: Connection, ids: list[int]) -> dict[int, date]:
    """The start of the latest billed period of each subscription (absent: none billed)."""
    result: dict[int, date] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for sub_id, start in conn.exec_driver_sql(
            f"SELECT subscription_id, max(period_start) FROM subscription_periods WHERE subscription_id IN ({marks})"
            " GROUP BY subscription_id", tuple(chunk),
        ).all():
            result[sub_id] = date.fromisoformat(start)
    return result


@dataclass(frozen=True, slots=True)
class BilledPeriod:
    subscription_id: int
    period_start: date
    period_end: date
    full_days: int
    invoice_id: InvoiceId | None
    invoice_number: str | None
    invoice_status: str | None
    notice: str
    billed_on: date


def _billed(row: Any) -> BilledPeriod:
    return BilledPeriod(row.subscription_id, row.period_start, row.period_end, row.full_days,
                        InvoiceId(row.invoice_id) if row.invoice_id is not None else None, row.number, row.status,
                        row.notice, row.billed_on)


_BILLED = (select(subscription_periods, invoices.c.number, invoices.c.status)
           .outerjoin(invoices, invoices.c.id == subscription_periods.c.invoice_id))


def billed_periods(conn: Connection, sub_id: SubscriptionId) -> list[BilledPeriod]:
    query = _BILLED.where(subscription_periods.c.subscription_id == sub_id).order_by(subscription_periods.c.period_start)
    return [_billed(row) for row in conn.execute(query)]


def billed_containing(conn: Connection, sub_id: SubscriptionId, day: date) -> BilledPeriod | None:
    query = _BILLED.where(subscription_periods.c.subscription_id == sub_id, subscription_periods.c.period_start <= day,
                          subscription_periods.c.period_end >= day)
    row = conn.execute(query).first()
    return None if row is None else _billed(row)


def insert_billed(conn: Connection, sub_id: int, start: date, end: date, full_days: int, invoice_id: int | None,
                  billed_on: date, notice: str = "none") -> None:
    conn.execute(insert(subscription_periods).values(
        subscription_id=sub_id, period_start=start, period_end=end, full_days=full_days, invoice_id=invoice_id,
        notice=notice, billed_on=billed_on))


def add_adjustments(conn: Connection, sub_id: int, lines: list[InvoiceLine], currency: str, on: date) -> None:
    rows = [{"subscription_id": sub_id, "description": x.description, "quantity_milli": int(x.quantity * THOUSAND),
             "unit": x.unit, "unit_price_minor": to_minor(x.unit_price, currency), "vat_rate_bp": int(x.vat_rate * BP),
             "created_on": on, "invoice_id": None} for x in lines]
    if rows:
        conn.execute(insert(subscription_adjustments), rows)


def pending_adjustments(conn: Connection, ids: list[int], currencies: dict[int, str]) -> dict[int, list[tuple[int, InvoiceLine]]]:
    """Proration lines not on an invoice yet, per subscription: (adjustment id, line)."""
    result: dict[int, list[tuple[int, InvoiceLine]]] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for adj_id, sub_id, text, qty, unit, price, vat in conn.exec_driver_sql(
            "SELECT id, subscription_id, description, quantity_milli, unit, unit_price_minor, vat_rate_bp"
            f" FROM subscription_adjustments WHERE invoice_id IS NULL AND subscription_id IN ({marks}) ORDER BY id",
            tuple(chunk),
        ).all():
            line = InvoiceLine(text, Decimal(qty) / THOUSAND, from_minor(price, currencies[sub_id]), Decimal(vat) / BP,
                               unit=unit)
            result.setdefault(sub_id, []).append((adj_id, line))
    return result


def assign_adjustments(conn: Connection, rows: list[tuple[int, int]]) -> None:
    """(invoice id, adjustment id) rows."""
    if rows:
        conn.exec_driver_sql("UPDATE subscription_adjustments SET invoice_id = ? WHERE id = ?", rows)


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(subscriptions)).scalar_one())


def _chunks(ids: list[Any], size: int = 900) -> list[list[Any]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def billed_from(conn: Connection, sub_id: SubscriptionId, day: date) -> list[BilledPeriod]:
    """Billed periods that end on ``day`` or later, oldest first."""
    query = _BILLED.where(subscription_periods.c.subscription_id == sub_id, subscription_periods.c.period_end >= day)
    return [_billed(row) for row in conn.execute(query.order_by(subscription_periods.c.period_start))]


def delete_billed(conn: Connection, sub_id: SubscriptionId, period_start: date) -> None:
    conn.execute(delete(subscription_periods).where(subscription_periods.c.subscription_id == sub_id,
                                                    subscription_periods.c.period_start == period_start))


def mark_adjustments_settled(conn: Connection, adjustment_ids: list[int], invoice_id: int) -> None:
    assign_adjustments(conn, [(invoice_id, i) for i in adjustment_ids])


def has_billed(conn: Connection, sub_id: SubscriptionId) -> bool:
    return conn.execute(select(subscription_periods.c.id).where(subscription_periods.c.subscription_id == sub_id)
                        .limit(1)).first() is not None
