"""Dunning procedures with their levels, and each customer's own procedure or exclusion."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as upsert

from desktop.domain.dunning.model import Level, Procedure
from desktop.domain.ids import CustomerId
from desktop.store.dunning_schema import customer_dunning, dunning_levels, dunning_procedures
from desktop.store.types import utcnow


def load_all(conn: Connection) -> dict[int, Procedure]:
    """Every procedure by id, levels in their order."""
    levels: dict[int, list[Level]] = {}
    for r in conn.execute(select(dunning_levels).order_by(dunning_levels.c.procedure_id, dunning_levels.c.position)):
        levels.setdefault(r.procedure_id, []).append(Level(
            position=r.position, name=r.name, day_offset=r.day_offset, template=r.template, fee=Decimal(r.fee),
            interest_rate=Decimal(r.interest_rate_bp) / 100, attach_invoice=r.attach_invoice,
            attach_letter=r.attach_letter, final=r.final, id=r.id,
        ))
    return {
        r.id: Procedure(name=r.name, levels=levels.get(r.id, []), minimum_amount=Decimal(r.minimum_amount),
                        is_default=r.is_default, id=r.id, handover_days=r.handover_days)
        for r in conn.execute(select(dunning_procedures).order_by(dunning_procedures.c.id))
    }


def name_taken(conn: Connection, name: str, procedure_id: int | None) -> bool:
    query = select(dunning_procedures.c.id).where(dunning_procedures.c.name == name)
    if procedure_id is not None:
        query = query.where(dunning_procedures.c.id != procedure_id)
    return conn.execute(query).first() is not None


def save(conn: Connection, procedure: Procedure) -> int:
    """Insert or update a procedure and replace its levels; returns its id."""
    values = {"name": procedure.name, "minimum_amount": str(procedure.minimum_amount), "handover_days": procedure.handover_days,
              "is_default": procedure.is_default, "updated_at": utcnow()}
    if procedure.id is None:
        procedure_id = conn.execute(insert(dunning_procedures).values(**values).returning(dunning_procedures.c.id)).scalar_one()
    else:
        procedure_id = procedure.id
        conn.execute(update(dunning_procedures).where(dunning_procedures.c.id == procedure_id).values(**values))
        conn.execute(delete(dunning_levels).where(dunning_levels.c.procedure_id == procedure_id))
    if procedure.is_default:
        conn.execute(update(dunning_procedures).where(dunning_procedures.c.id != procedure_id).values(is_default=False))
    if procedure.levels:
        conn.execute(insert(dunning_levels), [
            {"procedure_id": procedure_id, "position": n, "name": lv.name, "day_offset": lv.day_offset,
             "template": lv.template, "fee": str(lv.fee), "interest_rate_bp": int((lv.interest_rate * 100).to_integral_value()),
             "attach_invoice": lv.attach_invoice, "attach_letter": lv.attach_letter, "final": lv.final}
            for n, lv in enumerate(procedure.levels, start=1)
        ])
    return procedure_id


def delete_procedure(conn: Connection, procedure_id: int) -> None:
    conn.execute(delete(dunning_procedures).where(dunning_procedures.c.id == procedure_id))


def customer_setting(conn: Connection, customer_id: CustomerId) -> tuple[int | None, bool]:
    """(own procedure id or None for the default, excluded)."""
    row = conn.execute(select(customer_dunning).where(customer_dunning.c.customer_id == customer_id)).first()
    return (None, False) if row is None else (row.procedure_id, row.excluded)


def set_customer(conn: Connection, customer_id: CustomerId, procedure_id: int | None, excluded: bool) -> None:
    if procedure_id is None and not excluded:
        conn.execute(delete(customer_dunning).where(customer_dunning.c.customer_id == customer_id))
        return
    values = {"procedure_id": procedure_id, "excluded": excluded}
    conn.execute(upsert(customer_dunning).values(customer_id=customer_id, **values)
                 .on_conflict_do_update(index_elements=["customer_id"], set_=values))


def customers_using(conn: Connection, procedure_id: int) -> int:
    return len(conn.execute(select(customer_dunning.c.customer_id).where(customer_dunning.c.procedure_id == procedure_id)).all())
