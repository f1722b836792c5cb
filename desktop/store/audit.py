"""The append-only audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from desktop.store.schema import audit_log
from desktop.store.types import instant_text, utcnow


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    action: str
    entity: str
    entity_id: int
    summary: str
    changes: dict[str, list[Any]]


def record(
    conn: Connection, action: str, entity: str, entity_id: int, summary: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> None:
    conn.execute(insert(audit_log).values(
        at=utcnow(), action=action, entity=entity, entity_id=entity_id, summary=summary,
        changes=json.dumps({k: [_plain(o), _plain(n)] for k, (o, n) in (changes or {}).items()}, ensure_ascii=False),
    ))


INSERT_MANY = "INSERT INTO audit_log (at, action, entity, entity_id, summary, changes) VALUES (?, ?, ?, ?, ?, '{}')"
"""The statement of ``record_many``, for a bulk writer; its parameters are ``many_rows``."""


def record_many(conn: Connection, rows: list[tuple[str, str, int, str]]) -> None:
    """Bulk form of ``record`` for (action, entity, entity_id, summary) rows, as plain SQL for speed."""
    if rows:
        conn.exec_driver_sql(INSERT_MANY, many_rows(rows))


def many_rows(rows: list[tuple[str, str, int, str]], at: str | None = None) -> list[tuple[str, str, str, int, str]]:
    """The parameters of ``INSERT_MANY``: each row stamped ``at`` (now, as stored, by default)."""
    stamp = at or instant_text(utcnow())
    return [(stamp, *row) for row in rows]


def entries(conn: Connection, entity: str | None = None, entity_id: int | None = None, limit: int = 500) -> list[AuditEntry]:
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(audit_log.c.entity == entity)
    if entity_id is not None:
        query = query.where(audit_log.c.entity_id == entity_id)
    return [
        AuditEntry(r.id, r.at, r.action, r.entity, r.entity_id, r.summary, json.loads(r.changes or "{}"))
        for r in conn.execute(query)
    ]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
