"""Reading the audit log."""

from __future__ import annotations

from desktop.store import audit
from desktop.store.audit import AuditEntry
from desktop.store.database import Database

__all__ = ["AuditEntry", "AuditService"]


class AuditService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def entries(self, entity: str | None = None, entity_id: int | None = None, limit: int = 500) -> list[AuditEntry]:
        with self._db.reading() as conn:
            return audit.entries(conn, entity, entity_id, limit)
