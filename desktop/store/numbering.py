"""Gapless counters. Raised only inside the finalizing transaction, which holds SQLite's write
lock from its start, so two processes can never draw the same number and a rollback returns it."""

from __future__ import annotations

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desktop.store.schema import number_counters


def take(conn: Connection, kind: str, period: str, count: int = 1) -> int:
    """Reserve ``count`` numbers; returns the first sequence number of the block."""
    conn.execute(
        sqlite_insert(number_counters).values(kind=kind, period=period, last_seq=0).on_conflict_do_nothing()
    )
    last = conn.execute(
        update(number_counters)
        .where(number_counters.c.kind == kind, number_counters.c.period == period)
        .values(last_seq=number_counters.c.last_seq + count)
        .returning(number_counters.c.last_seq)
    ).scalar_one()
    return int(last) - count + 1


def last(conn: Connection, kind: str, period: str) -> int:
    value = conn.execute(
        select(number_counters.c.last_seq).where(number_counters.c.kind == kind, number_counters.c.period == period)
    ).scalar()
    return int(value or 0)
