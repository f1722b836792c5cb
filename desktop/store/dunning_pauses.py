"""Pauses of reminders (dispute, promise, plan, hold) and payment plans with their instalments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select, update

from desktop.domain.dunning.inputs import Instalment, PaymentPlan
from desktop.domain.dunning.model import Pause, PauseKind
from desktop.domain.ids import CustomerId, InvoiceId
from desktop.domain.money import from_minor, to_minor
from desktop.store.dunning_schema import (
    dunning_pauses,
    payment_plan_instalments,
    payment_plan_invoices,
    payment_plans,
    reminders,
)
from desktop.store.schema import invoices
from desktop.store.types import utcnow


def insert_pause(conn: Connection, pause: Pause, plan_id: int | None = None) -> int:
    return conn.execute(insert(dunning_pauses).values(
        customer_id=pause.customer_id, invoice_id=pause.invoice_id, plan_id=plan_id, kind=pause.kind.value,
        reason=pause.reason, starts_on=pause.starts_on, until=pause.until, ended_on=pause.ended_on, created_at=utcnow(),
    ).returning(dunning_pauses.c.id)).scalar_one()


def end_pause(conn: Connection, pause_id: int, on: date) -> None:
    conn.execute(update(dunning_pauses).where(dunning_pauses.c.id == pause_id).values(ended_on=on))


def get_pause(conn: Connection, pause_id: int) -> Pause | None:
    found = pauses(conn, pause_id=pause_id)
    return found[0] if found else None


def pauses(conn: Connection, customer_id: CustomerId | None = None, pause_id: int | None = None) -> list[Pause]:
    query = select(dunning_pauses).order_by(dunning_pauses.c.starts_on, dunning_pauses.c.id)
    if customer_id is not None:
        query = query.where(dunning_pauses.c.customer_id == customer_id)
    if pause_id is not None:
        query = query.where(dunning_pauses.c.id == pause_id)
    return [
        Pause(customer_id=CustomerId(r.customer_id), kind=PauseKind(r.kind), reason=r.reason, starts_on=r.starts_on,
              until=r.until, invoice_id=InvoiceId(r.invoice_id) if r.invoice_id is not None else None,
              ended_on=r.ended_on, id=r.id)
        for r in conn.execute(query)
    ]


def current_pauses(conn: Connection, day: date) -> list[Pause]:
    """Pauses that may be active on ``day`` (not ended before it, started by then)."""
    return [p for p in pauses(conn) if p.active_on(day)]


def total_settled(conn: Connection, invoice_ids: list[InvoiceId], currency: str) -> Decimal:
    minor = conn.execute(select(func.coalesce(func.sum(invoices.c.settled_minor), 0))
                         .where(invoices.c.id.in_(invoice_ids))).scalar_one()
    return from_minor(int(minor), currency)


def insert_plan(conn: Connection, plan: PaymentPlan) -> int:
    plan_id = conn.execute(insert(payment_plans).values(
        customer_id=plan.customer_id, currency=plan.currency,
        settled_at_start_minor=to_minor(plan.settled_at_start, plan.currency), note=plan.note, starts_on=plan.starts_on,
        ended_on=plan.ended_on, created_at=utcnow(),
    ).returning(payment_plans.c.id)).scalar_one()
    conn.execute(insert(payment_plan_invoices), [{"plan_id": plan_id, "invoice_id": i} for i in plan.invoice_ids])
    conn.execute(insert(payment_plan_instalments), [
        {"plan_id": plan_id, "position": n, "due_date": x.due_date, "amount_minor": to_minor(x.amount, plan.currency)}
        for n, x in enumerate(sorted(plan.instalments, key=lambda x: x.due_date), start=1)
    ])
    return plan_id


def end_plan(conn: Connection, plan_id: int, on: date) -> None:
    conn.execute(update(payment_plans).where(payment_plans.c.id == plan_id).values(ended_on=on))
    conn.execute(update(dunning_pauses).where(dunning_pauses.c.plan_id == plan_id, dunning_pauses.c.ended_on.is_(None))
                 .values(ended_on=on))


def plans(conn: Connection, customer_id: CustomerId | None = None, active_on: date | None = None,
          plan_id: int | None = None) -> list[PaymentPlan]:
    """Payment plans with their invoices, instalments, what is settled now and which instalments were reminded."""
    query = select(payment_plans).order_by(payment_plans.c.id)
    if customer_id is not None:
        query = query.where(payment_plans.c.customer_id == customer_id)
    if plan_id is not None:
        query = query.where(payment_plans.c.id == plan_id)
    if active_on is not None:
        query = query.where((payment_plans.c.ended_on.is_(None)) | (payment_plans.c.ended_on > active_on))
    rows = conn.execute(query).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    members: dict[int, list[InvoiceId]] = {}
    settled: dict[int, int] = {}
    for plan, invoice_id, settled_minor_ in conn.execute(
        select(payment_plan_invoices.c.plan_id, payment_plan_invoices.c.invoice_id, invoices.c.settled_minor)
        .join(invoices, invoices.c.id == payment_plan_invoices.c.invoice_id)
        .where(payment_plan_invoices.c.plan_id.in_(ids))
    ):
        members.setdefault(plan, []).append(InvoiceId(invoice_id))
        settled[plan] = settled.get(plan, 0) + settled_minor_
    currency = {r.id: r.currency for r in rows}
    instalments: dict[int, list[Instalment]] = {}
    for r in conn.execute(select(payment_plan_instalments).where(payment_plan_instalments.c.plan_id.in_(ids))
                          .order_by(payment_plan_instalments.c.position)):
        instalments.setdefault(r.plan_id, []).append(
            Instalment(r.id, r.position, r.due_date, from_minor(r.amount_minor, currency[r.plan_id])))
    reminded = {
        r.instalment_id for r in conn.execute(
            select(reminders.c.instalment_id)
            .join(payment_plan_instalments, payment_plan_instalments.c.id == reminders.c.instalment_id)
            .where(payment_plan_instalments.c.plan_id.in_(ids)))
    }
    return [
        PaymentPlan(
            customer_id=CustomerId(r.customer_id), currency=r.currency, invoice_ids=tuple(members.get(r.id, ())),
            instalments=instalments.get(r.id, []), settled_at_start=from_minor(r.settled_at_start_minor, r.currency),
            starts_on=r.starts_on, note=r.note, ended_on=r.ended_on,
            settled_now=from_minor(settled.get(r.id, 0), r.currency),
            reminded=frozenset(i.id for i in instalments.get(r.id, []) if i.id in reminded), id=r.id,
        )
        for r in rows
    ]


def total_open(conn: Connection, invoice_ids: list[InvoiceId], currency: str) -> Decimal:
    minor = conn.execute(select(func.coalesce(func.sum(invoices.c.total_minor - invoices.c.settled_minor), 0))
                         .where(invoices.c.id.in_(invoice_ids))).scalar_one()
    return from_minor(int(minor), currency)
