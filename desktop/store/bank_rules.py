"""The user's matching rules, in the order they are tried (first match wins)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, delete, func, insert, select, update

from desktop.domain.bank import IgnoreCategory
from desktop.domain.errors import NotFound
from desktop.domain.ids import CustomerId
from desktop.domain.matching import Rule, RuleKind
from desktop.store.bank_schema import bank_rules
from desktop.store.types import utcnow

R = bank_rules


def load(conn: Connection) -> list[Rule]:
    return [
        Rule(
            id=r.id, name=r.name, kind=RuleKind(r.kind), pattern=r.pattern,
            amount_min=Decimal(r.amount_min) if r.amount_min is not None else None,
            amount_max=Decimal(r.amount_max) if r.amount_max is not None else None,
            customer_id=CustomerId(r.customer_id) if r.customer_id is not None else None,
            category=IgnoreCategory(r.category) if r.category else None, enabled=bool(r.enabled),
        )
        for r in conn.execute(select(R).order_by(R.c.position, R.c.id))
    ]


def _values(rule: Rule) -> dict[str, object]:
    return {
        "name": rule.name, "kind": rule.kind.value, "pattern": rule.pattern,
        "amount_min": str(rule.amount_min) if rule.amount_min is not None else None,
        "amount_max": str(rule.amount_max) if rule.amount_max is not None else None,
        "customer_id": rule.customer_id, "category": rule.category.value if rule.category else None,
        "enabled": rule.enabled, "updated_at": utcnow(),
    }


def save(conn: Connection, rule: Rule) -> int:
    if rule.id is None:
        position = conn.execute(select(func.coalesce(func.max(R.c.position), 0) + 1)).scalar_one()
        return conn.execute(insert(R).values(position=position, **_values(rule)).returning(R.c.id)).scalar_one()
    changed = conn.execute(update(R).where(R.c.id == rule.id).values(**_values(rule))).rowcount
    if not changed:
        raise NotFound(f"Rule {rule.id} no longer exists.")
    return rule.id


def remove(conn: Connection, rule_id: int) -> None:
    conn.execute(delete(R).where(R.c.id == rule_id))


def move(conn: Connection, rule_id: int, steps: int) -> None:
    """Move a rule up (negative) or down in the order."""
    ids = [r for (r,) in conn.execute(select(R.c.id).order_by(R.c.position, R.c.id))]
    if rule_id not in ids:
        raise NotFound(f"Rule {rule_id} no longer exists.")
    index = ids.index(rule_id)
    ids.insert(max(0, min(len(ids) - 1, index + steps)), ids.pop(index))
    for position, id_ in enumerate(ids, start=1):
        conn.execute(update(R).where(R.c.id == id_).values(position=position))
