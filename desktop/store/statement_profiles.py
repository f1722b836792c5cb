"""Saved CSV/XLSX column mappings, one per bank export the user has taught Paydesk."""

from __future__ import annotations

import logging

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert

from desktop.domain.column_mapping import ColumnMapping
from desktop.domain.errors import PaydeskError
from desktop.store.bank_schema import statement_profiles
from desktop.store.types import utcnow

P = statement_profiles
log = logging.getLogger(__name__)


def load(conn: Connection) -> list[ColumnMapping]:
    """Every saved profile that still reads; a damaged one is left out rather than stopping every import."""
    found = []
    for name, text in conn.execute(select(P.c.name, P.c.mapping).order_by(P.c.name)):
        try:
            found.append(ColumnMapping.from_json(text))
        except (PaydeskError, ValueError, KeyError, TypeError):
            log.warning("statement profile %r is damaged and was skipped", name)
    return found


def save(conn: Connection, mapping: ColumnMapping) -> None:
    """Insert, or replace the profile of the same name."""
    values = {"signature": mapping.signature[:500], "mapping": mapping.to_json(), "updated_at": utcnow()}
    conn.execute(insert(P).values(name=mapping.name, **values).on_conflict_do_update(index_elements=["name"], set_=values))
