"""Reminders recorded by a run (each with its invoices), and the customer's reminder timeline.

The delivery state of a reminder's email lives in the outbox (its own table): it is read by the
message's Message-ID with a plain join.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, insert, inspect

from desktop.domain.dunning.model import ReminderPlan
from desktop.domain.ids import CustomerId
from desktop.domain.money import from_minor, to_minor
from desktop.store.dunning_schema import reminder_invoices, reminders
from desktop.store.types import UTCDateTime, utcnow


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    id: int
    customer_id: CustomerId
    run_date: date
    level_position: int
    level_name: str
    final: bool
    currency: str
    invoices: tuple[str, ...]
    open_amount: Decimal
    fee: Decimal
    interest: Decimal
    amount: Decimal
    to: str
    subject: str
    message_id: str
    delivery: str  # the outbox state: queued, sending, sent, failed; "" when not known
    created_at: datetime | None


def insert_reminder(conn: Connection, plan: ReminderPlan, run_date: date, message_id: str, to: str, subject: str) -> int:
    """Store one reminder and its invoices. The unique (invoice, level) constraint refuses a second one."""
    c = plan.currency
    reminder_id = conn.execute(insert(reminders).values(
        customer_id=plan.customer_id, procedure_id=plan.procedure_id or None, level_position=plan.level.position,
        level_name=plan.level.name, template=plan.level.template, final=plan.level.final, currency=c, run_date=run_date,
        open_minor=to_minor(plan.open_amount, c), credits_minor=to_minor(plan.credits, c), fee_minor=to_minor(plan.fee, c),
        interest_minor=to_minor(plan.interest, c), amount_minor=to_minor(plan.amount, c), instalment_id=plan.instalment_id,
        message_id=message_id, to_addrs=to, subject=subject, created_at=utcnow(),
    ).returning(reminders.c.id)).scalar_one()
    if plan.instalment_id is None:
        conn.execute(insert(reminder_invoices), [
            {"reminder_id": reminder_id, "invoice_id": i.invoice_id, "customer_id": plan.customer_id,
             "level_position": plan.level.position, "run_date": run_date, "open_minor": to_minor(i.open_amount, c),
             "interest_minor": to_minor(i.interest, c)}
            for i in plan.invoices
        ])
    return reminder_id


def _has_outbox(conn: Connection) -> bool:
    return "outbox" in inspect(conn).get_table_names()


def history(
    conn: Connection, customer_id: CustomerId | None = None, invoice_ids: list[int] | None = None,
) -> list[ReminderRecord]:
    """Reminders, oldest first, with their invoice numbers and delivery state."""
    outbox = _has_outbox(conn)
    delivery = "(SELECT o.state FROM outbox o WHERE o.message_id = r.message_id)" if outbox else "''"
    where, params = [], []
    if customer_id is not None:
        where.append("r.customer_id = ?")
        params.append(customer_id)
    if invoice_ids is not None:
        marks = ",".join("?" * len(invoice_ids)) or "NULL"
        where.append(f"r.id IN (SELECT reminder_id FROM reminder_invoices WHERE invoice_id IN ({marks}))")
        params.extend(invoice_ids)
    sql = (
        "SELECT r.id, r.customer_id, r.run_date, r.level_position, r.level_name, r.final, r.currency, "
        "(SELECT GROUP_CONCAT(i.number, ', ') FROM reminder_invoices ri JOIN invoices i ON i.id = ri.invoice_id "
        " WHERE ri.reminder_id = r.id), r.open_minor, r.fee_minor, r.interest_minor, r.amount_minor, r.to_addrs, r.subject, "
        f"r.message_id, {delivery}, r.created_at FROM reminders r"
        + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.run_date, r.id"
    )
    instants = UTCDateTime()
    return [
        ReminderRecord(
            id=row[0], customer_id=CustomerId(row[1]), run_date=date.fromisoformat(row[2]), level_position=row[3],
            level_name=row[4], final=bool(row[5]), currency=row[6], invoices=tuple(n for n in (row[7] or "").split(", ") if n),
            open_amount=from_minor(row[8], row[6]), fee=from_minor(row[9], row[6]), interest=from_minor(row[10], row[6]),
            amount=from_minor(row[11], row[6]), to=row[12], subject=row[13], message_id=row[14], delivery=row[15] or "",
            created_at=instants.process_result_value(row[16], conn.dialect),
        )
        for row in conn.exec_driver_sql(sql, tuple(params))
    ]
