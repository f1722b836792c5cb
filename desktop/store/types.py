"""Column types that keep Python's promises in SQLite: aware UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores an aware datetime as ISO 8601 UTC text; refuses naive datetimes."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: instants must be timezone-aware")
        return instant_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).astimezone(UTC)


def instant_text(value: datetime) -> str:
    """How an instant is stored: ISO 8601 in UTC with microseconds (also for raw bulk statements)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: instants must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def utcnow() -> datetime:
    return datetime.now(UTC)
